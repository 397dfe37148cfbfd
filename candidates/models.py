"""People and applications: candidates, clients, hiring managers, applications."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class CandidateProfile(models.Model):
    """A candidate's details beyond their account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate_profile"
    )
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.user)


class Client(models.Model):
    """A company the agency recruits for."""

    class FeedbackPolicy(models.TextChoices):
        FULL = "full", "Full feedback"
        RATINGS_ONLY = "ratings_only", "Ratings only"
        NONE = "none", "No feedback"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_clients",
        help_text="The recruiter who owns this client.",
    )
    feedback_policy = models.CharField(
        max_length=20, choices=FeedbackPolicy.choices, default=FeedbackPolicy.FULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="client_name_unique_ci")]

    def __str__(self) -> str:
        return self.name

    @property
    def policy_for_candidates(self) -> str:
        return {
            self.FeedbackPolicy.FULL: "This client gives full written feedback.",
            self.FeedbackPolicy.RATINGS_ONLY: "This client gives ratings only, without comments.",
            self.FeedbackPolicy.NONE: (
                "This client's policy does not allow detailed feedback; "
                "your recruiter will still tell you what they can."
            ),
        }[self.feedback_policy]


class HiringManager(models.Model):
    """A contact at a client who interviews candidates and answers feedback requests."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="hiring_managers")
    name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("client", Lower("email"), name="hiring_manager_email_unique_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.client})"


class ApplicationQuerySet(models.QuerySet):
    def for_recruiters(self) -> "ApplicationQuerySet":
        """The agency's applications as the recruiters' list shows them, newest first."""
        return self.select_related("client", "recruiter").order_by("-created_at")

    def for_candidate(self, user) -> "ApplicationQuerySet":
        """The candidate's own applications with what their page shows, newest first."""
        return self.filter(candidate=user).select_related("client").order_by("-outcome_on", "-created_at")


class Application(models.Model):
    """A candidate put forward for a role at a client."""

    class Stage(models.TextChoices):
        SCREEN = "screen", "Screening"
        FIRST = "first", "1st interview"
        SECOND = "second", "2nd interview"
        FINAL = "final", "Final interview"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        NOT_SELECTED = "not_selected", "Not selected"
        WITHDRAWN = "role_withdrawn", "Role withdrawn"
        REPOSTED = "reposted", "Role reposted"
        HIRED = "hired", "Hired"

    class Source(models.TextChoices):
        RECRUITER = "recruiter", "Added by a recruiter"
        IMPORT = "import", "Imported"
        CANDIDATE = "candidate", "Described by the candidate"

    NEGATIVE_OUTCOMES = (Outcome.NOT_SELECTED, Outcome.WITHDRAWN, Outcome.REPOSTED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="applications")
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        help_text="Linked once the candidate's verified e-mail matches.",
    )
    candidate_name = models.CharField(max_length=150)
    candidate_email = models.EmailField(max_length=254)
    role_title = models.CharField(max_length=200)
    job_reference = models.CharField(max_length=60, blank=True)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.FIRST)
    interviewed_on = models.DateField(null=True, blank=True, help_text="Date of the last stage.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="recruited_applications",
        help_text="The owning recruiter.",
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RECRUITER)
    is_confirmed = models.BooleanField(
        default=True, help_text="Unconfirmed when described by a candidate, until triage."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Linking a newly verified candidate to the applications that name them.
            models.Index(Lower("candidate_email"), name="application_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_name} — {self.role_title} at {self.client}"

    @property
    def is_negative(self) -> bool:
        return self.outcome in self.NEGATIVE_OUTCOMES
