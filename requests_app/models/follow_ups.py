"""The one follow-up question a candidate may ask once their feedback is released."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class FollowUpQuerySet(models.QuerySet):
    def open(self) -> "FollowUpQuerySet":
        return self.filter(state__in=FollowUp.OPEN_STATES)


class FollowUp(models.Model):
    """The one follow-up question a candidate may ask after release, and its answer.

    Its own small life, in FOLLOW_UP_TRANSITIONS: asked → forwarded (to the hiring manager whose
    feedback was released, through a Routing of its own) → replied (the manager's reply, or
    decline, waits for the recruiter's review) → answered (released to the candidate). The
    recruiter may also answer it straight from asked or forwarded. As with FeedbackResponse,
    the manager's original reply stays unchanged beside the released answer.
    """

    class State(models.TextChoices):
        ASKED = "asked", "Asked"
        FORWARDED = "forwarded", "Forwarded to the hiring manager"
        REPLIED = "replied", "Reply received, awaiting review"
        ANSWERED = "answered", "Answered"

    class Source(models.TextChoices):
        """Whose answer the candidate reads; never the manager's name."""

        RECRUITER = "recruiter", "Your recruiter"
        INTERVIEW_TEAM = "interview_team", "The interview team"

    OPEN_STATES = (State.ASKED, State.FORWARDED, State.REPLIED)
    QUESTION_MAX_LENGTH = 1000

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    feedback_request = models.OneToOneField(
        "FeedbackRequest", on_delete=models.CASCADE, related_name="follow_up"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.ASKED)
    question = models.TextField(help_text="The candidate's question, as they asked it.")
    asked_at = models.DateTimeField(default=timezone.now)
    state_changed_at = models.DateTimeField(default=timezone.now)
    reply = models.TextField(
        blank=True, help_text="The hiring manager's reply or reason to decline: the original."
    )
    reply_declined = models.BooleanField(default=False)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_via = models.ForeignKey(
        "Routing",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The link the hiring manager replied through: who replied.",
    )
    answer = models.TextField(blank=True, help_text="What the candidate reads, as the recruiter released it.")
    answer_source = models.CharField(max_length=20, choices=Source.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The recruiter who released the answer.",
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["asked_at"]
        indexes = [
            # The recruiters' digest (requests_app/digest.py) reads the open follow-ups, oldest
            # first; few are open at once, so the partial index stays small as answers pile up.
            models.Index(
                fields=["asked_at"],
                condition=Q(state__in=["asked", "forwarded", "replied"]),
                name="follow_up_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up on {self.feedback_request_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_answered(self) -> bool:
        return self.state == self.State.ANSWERED

    @property
    def has_team_reply(self) -> bool:
        """The manager replied (rather than declined), and the recruiter has yet to send it on."""
        return self.state == self.State.REPLIED and not self.reply_declined

    @property
    def answered_by_team(self) -> bool:
        """The candidate reads the answer as from the interview team, not from their recruiter."""
        return self.answer_source == self.Source.INTERVIEW_TEAM
