"""The recruiters' desk: who covers whose work, and bulk actions with what each did."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class HandoverQuerySet(models.QuerySet):
    def covering_on(self, day) -> "HandoverQuerySet":
        """Hand-overs in force on `day` (a date in the agency's time zone)."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)

    def desk_of(self, recruiter_id: int, day) -> list[int]:
        """The recruiters whose work `recruiter_id` looks after on `day`: themselves first, then
        those they cover for dates (a hand-over for good reassigned the work already). One query."""
        covered = self.covering_on(day).filter(to_recruiter_id=recruiter_id, ends_on__isnull=False)
        return [recruiter_id, *covered.values_list("from_recruiter_id", flat=True)]


class Handover(models.Model):
    """One recruiter's open work looked after by a colleague: for a holiday (dates) or for good.

    For good, the work is reassigned at once (services.desk.hand_over). For dates, the requests
    keep their owner and the colleague covers them while the dates last: their queue's "Mine",
    their digest and their view of the agency's requests include the absent recruiter's.
    """

    from_recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handovers_given"
    )
    to_recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handovers_taken"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Empty: for good (the work was reassigned).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = HandoverQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [
            # Who covers whom today: a handful of rows, read on every queue page and digest.
            models.Index(fields=["to_recruiter", "starts_on"], name="handover_cover_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="handover_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(from_recruiter=models.F("to_recruiter")), name="handover_to_another"
            ),
        ]

    def __str__(self) -> str:
        until = f"until {self.ends_on}" if self.ends_on else "for good"
        return f"{self.from_recruiter} → {self.to_recruiter} from {self.starts_on} {until}"


class BulkRun(models.Model):
    """One bulk action on a selection of requests, and what it did to each (done or refused, why)."""

    class Action(models.TextChoices):
        REASSIGN = "reassign", "Reassign"
        REMIND = "remind", "Send the hiring manager a reminder now"
        EXTEND = "extend", "Extend the hiring manager's link"
        DECLINE = "decline", "Decline with a message"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    action = models.CharField(max_length=20, choices=Action.choices)
    parameters = models.JSONField(default=dict, blank=True)
    # One entry per request, in the order chosen: {"request", "candidate", "role", "done", "message"}.
    results = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on {len(self.results)} request(s)"

    @property
    def done(self) -> list[dict]:
        return [r for r in self.results if r["done"]]

    @property
    def refused(self) -> list[dict]:
        return [r for r in self.results if not r["done"]]
