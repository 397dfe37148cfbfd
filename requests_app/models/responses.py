"""Answers to a request: the hiring manager's (or the recruiter's, after a call), area by area."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .areas import Area, Rating


class FeedbackResponse(models.Model):
    """An answer to a request: the hiring manager's (or the recruiter's, after a call).

    The original is never changed; the recruiter's edited, released version sits beside it
    (`released_summary` and each area's `released_comment`: what the candidate reads now), and
    every version ever released is kept as a ReleasedVersion.
    """

    class Kind(models.TextChoices):
        FEEDBACK = "feedback", "Feedback"
        DECLINE = "decline", "Declined to give feedback"

    class DeclineReason(models.TextChoices):
        """The reasons a hiring manager chooses from to decline; the stored text starts with the label."""

        POLICY = "policy", "Our company policy does not allow detailed feedback"
        NOT_ENOUGH = "not_enough", "I did not see enough of the candidate to comment"
        OTHER = "other", "Another reason"

    class Consider(models.TextChoices):
        YES = "yes", "Yes"
        MAYBE = "maybe", "Perhaps"
        NO = "no", "No"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    feedback_request = models.ForeignKey(
        "FeedbackRequest", on_delete=models.CASCADE, related_name="responses"
    )
    routing = models.ForeignKey(
        "Routing", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FEEDBACK)
    summary = models.TextField(blank=True)
    consider_for_other_roles = models.CharField(max_length=5, choices=Consider.choices, blank=True)
    decline_reason = models.TextField(blank=True)
    question_answers = models.JSONField(
        default=list,
        blank=True,
        help_text="The candidate's questions as asked, each with the answer: [{question, answer}].",
    )
    released_question_answers = models.JSONField(
        default=list,
        blank=True,
        help_text="The same, as the candidate reads them now (the recruiter's edit).",
    )
    answered_by_recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when the recruiter answered directly, after a call.",
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    released_summary = models.TextField(blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(
        null=True, blank=True, help_text="When the released text was last corrected (the candidate sees it)."
    )

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.feedback_request_id}"

    @property
    def is_decline(self) -> bool:
        return self.kind == self.Kind.DECLINE

    @property
    def decline_reason_code(self) -> str:
        """Which of DeclineReason the manager chose ("" when none fits, e.g. not a decline).

        The reason is stored as the words the manager chose (then anything they added), so the
        choice is read back from its label.
        """
        if not self.is_decline:
            return ""
        for reason in self.DeclineReason:
            if self.decline_reason.startswith(reason.label):
                return reason.value
        return ""


class AreaAnswer(models.Model):
    """One area's rating and comment within a response."""

    response = models.ForeignKey("FeedbackResponse", on_delete=models.CASCADE, related_name="answers")
    area = models.CharField(max_length=20, choices=Area.choices)
    rating = models.CharField(max_length=20, choices=Rating.choices, default=Rating.NOT_ASSESSED)
    comment = models.TextField(blank=True)
    released_comment = models.TextField(blank=True)
    released_steps = models.JSONField(
        default=list,
        blank=True,
        help_text="The next steps released for this area: title, description and url of each.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "area"], name="one_answer_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_rating_display()}"

    @property
    def area_order(self) -> int:
        return Area.values.index(self.area)

    @property
    def is_assessed(self) -> bool:
        return self.rating != Rating.NOT_ASSESSED


class ReleasedVersion(models.Model):
    """One version of an answer as the candidate read it: the release, then each correction.

    The response holds the latest (what the candidate reads now); the versions keep every one,
    for recruiters and the subject-access export.
    """

    response = models.ForeignKey("FeedbackResponse", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(help_text="1 for the release, 2 for the first correction…")
    summary = models.TextField(blank=True)
    comments = models.JSONField(default=dict, blank=True, help_text="Area → the comment released.")
    question_answers = models.JSONField(
        default=list, blank=True, help_text="The questions with the answers released: [{question, answer}]."
    )
    steps = models.JSONField(
        default=dict, blank=True, help_text="Area → the next steps released (title, description, url)."
    )
    released_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why it was corrected (none for the release).")
    material = models.BooleanField(
        default=False, help_text="A correction that changes the meaning: the candidate was e-mailed."
    )

    class Meta:
        ordering = ["response", "number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="one_released_version_per_number"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.response_id}"

    @property
    def is_correction(self) -> bool:
        return self.number > 1

    def comment_rows(self) -> list[tuple[str, str]]:
        """(area's label, comment) in the areas' order, for pages and exports."""
        return [(area.label, self.comments[area.value]) for area in Area if self.comments.get(area.value)]

    def step_rows(self) -> list[tuple[str, list[dict]]]:
        """(area's label, its next steps) in the areas' order, for pages and exports."""
        return [(area.label, self.steps[area.value]) for area in Area if self.steps.get(area.value)]
