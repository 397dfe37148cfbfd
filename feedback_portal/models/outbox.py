"""The outbox: every e-mail the portal sends, queued in the transaction that causes it (mail.py)."""

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class OutboundEmail(models.Model):
    """Every e-mail the portal sends, so none is lost and the timeline can show it.

    The row keeps the ids the message is rendered from, never its body: a hiring
    manager's link is minted while rendering, inside the sending task.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Not needed any more"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=60)
    to_email = models.EmailField(max_length=254)
    reply_to = models.EmailField(max_length=254, blank=True)
    subject = models.CharField(max_length=255, blank=True, help_text="Filled in when sent.")
    # What the e-mail is about (a request, a routing, an application…): the row its renderer
    # reads. Generic, so the outbox knows no domain model; each domain model that e-mails are
    # about declares the reverse side (a GenericRelation named `emails`).
    about_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    recipient = models.ForeignKey(
        "feedback_portal.User",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
        help_text="The portal user it is for, when the e-mail is about them as a whole (a digest).",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The e-mails about one row (its GenericRelation `emails`): retention blanks a
            # request's, exports list a candidate's.
            models.Index(fields=["about_type", "about_id"], name="outbound_about_idx"),
            # The sweep: queued e-mails, and ones stuck in "sending" past their lease.
            models.Index(
                fields=["state", "lease_expires_at"],
                name="outbound_unsent_idx",
                condition=models.Q(state__in=["queued", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_email} ({self.state})"
