"""The request's timeline: every state change, e-mail and note, append-only."""

from django.conf import settings
from django.db import models
from django.utils import timezone

# What the timeline stores as the actor of what the portal did itself; pages show the agency's
# name instead, so a renamed agency reads right on every past event too.
PORTAL_ACTOR = "Feedback Portal"


class Event(models.Model):
    """The append-only timeline of a request: every state change, e-mail and note."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Request submitted"
        ROUTED = "routed", "Sent to the hiring manager"
        ANSWERED = "answered", "Answer received"
        RELEASED = "released", "Feedback released"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn by the candidate"
        EXPIRED = "expired", "Link expired"
        EXTENDED = "extended", "Link expiry extended"
        REMINDED = "reminded", "Reminder sent"
        CLOSED = "closed", "Closed"
        EMAIL_SENT = "email_sent", "E-mail sent"
        EMAIL_FAILED = "email_failed", "E-mail failed"
        NOTE = "note", "Note"
        FOLLOW_UP_ASKED = "follow_up_asked", "Follow-up question asked"
        FOLLOW_UP_FORWARDED = "follow_up_forwarded", "Follow-up sent to the hiring manager"
        FOLLOW_UP_REPLIED = "follow_up_replied", "Follow-up reply received"
        FOLLOW_UP_ANSWERED = "follow_up_answered", "Follow-up question answered"
        CORRECTED = "corrected", "Released feedback corrected"

    feedback_request = models.ForeignKey("FeedbackRequest", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=150, blank=True, help_text="Who, when not a signed-in user (e.g. the hiring manager)."
    )
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    visible_to_candidate = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # A request's timeline, oldest first.
            models.Index(fields=["feedback_request", "created_at"], name="event_timeline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Events are append-only.")
        super().save(*args, **kwargs)

    @property
    def by_portal(self) -> bool:
        """Did the portal act by itself (an e-mail sent, a link expired)? Pages name the agency."""
        return self.actor_id is None and self.actor_label == PORTAL_ACTOR

    @property
    def candidate_label(self) -> str:
        """What the candidate's timeline calls the event: their words where the recruiters' read badly."""
        return CANDIDATE_KIND_LABELS.get(self.kind) or self.get_kind_display()

    @property
    def candidate_message(self) -> str:
        """The event's message as the candidate reads it: an e-mail to them is "We e-mailed you",
        nothing more (the e-mail itself is in their inbox; its subject line adds nothing here)."""
        return "" if self.kind == self.Kind.EMAIL_SENT else self.message


# The kinds whose label is the recruiters' vocabulary: the candidate reads these instead. The
# candidate never learns who the hiring manager is, only "the interview team"; an expired link
# is the recruiter's to handle. Kinds not listed read the same to both.
CANDIDATE_KIND_LABELS: dict[str, str] = {
    Event.Kind.ROUTED: "Sent to the interview team",
    Event.Kind.RELEASED: "Feedback ready",
    Event.Kind.DECLINED: "No feedback this time",
    Event.Kind.WITHDRAWN: "You withdrew your request",
    Event.Kind.EXPIRED: "Back with your recruiter",
    Event.Kind.EXTENDED: "More time for the interview team",
    Event.Kind.REMINDED: "Reminder sent to the interview team",
    Event.Kind.FOLLOW_UP_FORWARDED: "Follow-up sent to the interview team",
    Event.Kind.EMAIL_SENT: "We e-mailed you",
}
