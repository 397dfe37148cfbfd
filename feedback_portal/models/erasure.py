"""Requests to erase a person's data, and what was done about them."""

import uuid

from django.db import models
from django.utils import timezone


class ErasureRequest(models.Model):
    """A request to erase everything the portal holds about a person (feedback_portal/erasure.py).

    It names no one: while pending it points at the account that asked; once erased that
    account is gone, and the row keeps only its opaque id, when, who decided, and how many
    rows of each kind were erased. An admin's erasure of a hiring manager is recorded the same
    way, without the account.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the agency"
        CANCELLED = "cancelled", "Cancelled"
        ERASED = "erased", "Erased"

    class Kind(models.TextChoices):
        ACCOUNT = "account", "A candidate and their account"
        HIRING_MANAGER = "hiring_manager", "A hiring manager"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ACCOUNT)
    user = models.ForeignKey(
        "feedback_portal.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="erasure_requests",
        help_text="Who asked, while the account exists.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "feedback_portal.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counts = models.JSONField(default=dict, blank=True, help_text="Kind of row → how many were erased.")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(state="pending"), name="one_pending_erasure_per_user"
            ),
        ]
        indexes = [
            # The admin's list: pending requests first, oldest first.
            models.Index(fields=["state", "requested_at"], name="erasure_state_idx"),
        ]

    def __str__(self) -> str:
        return f"Erasure {self.uuid} ({self.get_state_display()})"

    def counts_as_read(self) -> list[tuple[str, int]]:
        """What was erased, as the admin's page lists it: "Feedback requests: 3"."""
        return [(kind.replace("_", " ").capitalize(), n) for kind, n in self.counts.items()]
