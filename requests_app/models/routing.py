"""A request's trips to hiring managers: routings, their e-mailed links, and the reminder claims."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone


class RoutingQuerySet(models.QuerySet):
    def live(self, now=None) -> "RoutingQuerySet":
        """Routings whose links still open: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class Routing(models.Model):
    """A request sent to one hiring manager. It owns the expiry of all its links.

    A routing with `follow_up` set asks the manager the candidate's follow-up question
    instead: the same links, expiry and revocation, its own pages.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    feedback_request = models.ForeignKey("FeedbackRequest", on_delete=models.CASCADE, related_name="routings")
    hiring_manager = models.ForeignKey(
        "candidates.HiringManager", on_delete=models.PROTECT, related_name="routings"
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="routings_made"
    )
    message = models.TextField(
        blank=True, help_text="What the manager is asked: the candidate's questions, perhaps reworded."
    )
    routed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    follow_up = models.ForeignKey(
        "FollowUp",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routings",
        help_text="Set when this routing forwards the follow-up question, not the request.",
    )
    # The e-mails carrying this routing's links (and the recruiter's note that it expired).
    emails = GenericRelation(
        "feedback_portal.OutboundEmail",
        content_type_field="about_type",
        object_id_field="about_id",
        related_query_name="routing",
    )

    objects = RoutingQuerySet.as_manager()

    class Meta:
        ordering = ["-routed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["feedback_request"],
                condition=Q(revoked_at__isnull=True),
                name="one_unrevoked_routing_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Routing {self.uuid} to {self.hiring_manager}"

    def is_live(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    def default_expiry(self, days: int) -> None:
        self.expires_at = self.routed_at + timedelta(days=days)


class LinkToken(models.Model):
    """One e-mailed link to a routing. Only the token's hash is kept."""

    routing = models.ForeignKey("Routing", on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Link for {self.routing_id} made {self.created_at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """One reminder to a hiring manager: made once per routing and step of the cadence."""

    routing = models.ForeignKey("Routing", on_delete=models.CASCADE, related_name="reminders")
    step = models.PositiveSmallIntegerField(help_text="Which reminder of the cadence: 1, 2, 3…")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["routing", "step"]
        constraints = [
            models.UniqueConstraint(fields=["routing", "step"], name="one_reminder_per_routing_step"),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.step} for {self.routing_id}"


class RecruiterDigest(models.Model):
    """The daily digest e-mailed to one recruiter: made once per recruiter and day."""

    recruiter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField(help_text="The agency's local date the digest is for.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["recruiter", "day"], name="one_digest_per_recruiter_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.recruiter} on {self.day}"
