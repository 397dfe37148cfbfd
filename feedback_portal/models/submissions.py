"""Forms that change something act once: the keys they carried (once.py)."""

from django.db import models
from django.utils import timezone


class FormSubmission(models.Model):
    """A form that changed something, by the random key it carried: sent again, it changes nothing.

    See feedback_portal/once.py. Keys are forgotten after two days.
    """

    key = models.UUIDField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The daily sweep that forgets old keys (once.forget_old).
            models.Index(fields=["created_at"], name="form_submission_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Form {self.key} acted on at {self.created_at:%Y-%m-%d %H:%M}"
