"""The feedback request: a candidate's ask on one application, and the reads pages make of it."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from .analytics import AnalyticsQuerySet
from .areas import Area, Rating
from .follow_ups import FollowUp
from .queue import QueueQuerySet
from .responses import FeedbackResponse


class FeedbackRequestQuerySet(QueueQuerySet, AnalyticsQuerySet):
    """Every read a page or a sweep makes of feedback requests (analytics in AnalyticsQuerySet)."""

    def open(self) -> "FeedbackRequestQuerySet":
        return self.filter(state__in=FeedbackRequest.OPEN_STATES)

    def for_candidate(self, user) -> "FeedbackRequestQuerySet":
        return self.filter(candidate=user)

    def without_open_follow_up(self) -> "FeedbackRequestQuerySet":
        """Requests whose conversation is over: no follow-up question, or one that is answered."""
        return self.exclude(follow_up__state__in=FollowUp.OPEN_STATES)

    def for_dashboard(self) -> "FeedbackRequestQuerySet":
        """The triage queue: what each row shows, in one query, oldest first.

        Rows show the application's candidate name, not the candidate's account: no join to it.
        Each row's badge needs its latest response's kind (recruiter_state_label): a subquery.
        """
        return (
            self.select_related("application__client", "application__recruiter")
            .with_latest_response_kind()
            .order_by("created_at")
        )

    def with_latest_response_kind(self) -> "FeedbackRequestQuerySet":
        """Each request with `latest_response_kind`: its latest response's kind (None before any).

        A subquery in the same SELECT, so a list of requests knows which answers are a hiring
        manager's decline without a query per row.
        """
        latest = FeedbackResponse.objects.filter(feedback_request=OuterRef("pk")).order_by(
            "-submitted_at", "-pk"
        )
        return self.annotate(latest_response_kind=Subquery(latest.values("kind")[:1]))

    def due_for_anonymising(self, cutoff) -> "FeedbackRequestQuerySet":
        """Ended requests, not on legal hold and not yet anonymised, that ended by `cutoff`.

        Ended states only move on to closed, so state_changed_at is when the request ended.
        A released request whose follow-up question is still open is not over yet: skipped.
        """
        return self.filter(
            state__in=FeedbackRequest.ENDED_STATES,
            legal_hold=False,
            anonymised_at__isnull=True,
            state_changed_at__lte=cutoff,
        ).without_open_follow_up()

    def state_counts(self) -> dict[str, int]:
        """How many requests are in each state, in one aggregate query.

        Grouping by state with COUNT(*) needs nothing but the state, so at scale PostgreSQL
        reads it from request_state_idx alone (an index-only scan) instead of the table.
        """
        counts = dict(self.order_by().values_list("state").annotate(n=Count("*")))
        return {state: counts.get(state, 0) for state in FeedbackRequest.State.values}


class FeedbackRequest(models.Model):
    """A candidate's ask for feedback on one application.

    A state has two names: its label (the recruiters' word, on their pages and in the admin's
    export) and CANDIDATE_STATE_LABELS (what the candidate reads, below the class).
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        AWAITING_MANAGER = "awaiting_manager", "Awaiting the hiring manager"
        ANSWERED = "answered", "Answered, awaiting review"
        EXPIRED = "expired", "Link expired"
        RELEASED = "released", "Feedback released"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CLOSED = "closed", "Closed"

    # What the recruiter reads for an answer that is the hiring manager's decline: it waits for
    # them to confirm the decline (or route again), not to review feedback.
    MANAGER_DECLINED_LABEL = "Declined by the manager — confirm"

    class Needs(models.TextChoices):
        """What a request waits for a recruiter to do, if anything (lifecycle.recruiter_needs)."""

        TRIAGE = "triage", "New: send it to a hiring manager"
        CONFIRM = "confirm", "Confirm the application"
        REVIEW = "review", "Answer to review and release"
        MANAGER_DECLINED = "manager_declined", "Declined by the manager: confirm or route again"
        FOLLOW_UP = "follow_up", "Follow-up question to answer"
        EXPIRED = "expired", "Link expired: route again, extend or decline"

    OPEN_STATES = (State.SUBMITTED, State.AWAITING_MANAGER, State.ANSWERED, State.EXPIRED)
    ENDED_STATES = (State.RELEASED, State.DECLINED, State.WITHDRAWN, State.CLOSED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "candidates.Application", on_delete=models.CASCADE, related_name="feedback_requests"
    )
    # Empty once the candidate's data is erased and their account deleted: the request stays,
    # anonymised, so the agency's analytics keep counting it (feedback_portal/erasure.py).
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_requests",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    areas = models.JSONField(default=list, help_text="The areas the candidate most wants to hear about.")
    self_assessment = models.JSONField(
        default=dict, blank=True, help_text="Area → the candidate's own rating."
    )
    MAX_QUESTIONS = 3
    question_list = models.JSONField(
        default=list, blank=True, help_text="The candidate's questions (up to three), in the order asked."
    )
    consent_to_forward = models.BooleanField(default=False)
    legal_hold = models.BooleanField(default=False, help_text="Skipped by retention while set.")
    usefulness = models.CharField(
        max_length=10,
        choices=[("very", "Very useful"), ("somewhat", "Somewhat useful"), ("not", "Not useful")],
        blank=True,
        help_text="The candidate's rating of the released feedback; it feeds analytics.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    state_changed_at = models.DateTimeField(default=timezone.now)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_requests",
        help_text="The recruiter who looks after it: the application's, until someone reassigns it.",
    )
    # Kept by lifecycle.note_needs whenever the request moves: what the recruiter must do, and
    # since when it has waited for them. The queue reads them in index order.
    needs = models.CharField(max_length=20, choices=Needs.choices, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    # Kept by services.search.describe from the application and client, for search and sort.
    search_text = models.TextField(blank=True, editable=False)
    client_sort = models.CharField(max_length=200, blank=True, editable=False)
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text="When retention blanked its personal data (requests_app.retention)."
    )
    # The e-mails about this request (to the candidate and the recruiter); a manager's are about its routing.
    emails = GenericRelation(
        "feedback_portal.OutboundEmail",
        content_type_field="about_type",
        object_id_field="about_id",
        related_query_name="feedback_request",
    )

    objects = FeedbackRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state__in=["submitted", "awaiting_manager", "answered", "expired"]),
                name="one_open_request_per_application",
            ),
        ]
        indexes = [
            # The queue's "Needs you" view, longest waiting first, a page at a time (keyset on
            # waiting_since, id): only requests waiting on a recruiter are in it.
            models.Index(
                fields=["waiting_since", "id"], condition=~Q(needs=""), name="request_needs_you_idx"
            ),
            # The same for one recruiter ("Mine"), and the counts per kind of what waits.
            models.Index(
                fields=["owner", "waiting_since", "id"],
                condition=~Q(needs=""),
                name="request_owner_needs_idx",
            ),
            models.Index(fields=["needs"], condition=~Q(needs=""), name="request_needs_kind_idx"),
            # The queue filtered to one state, by when asked (keyset on created_at, id).
            models.Index(fields=["state", "created_at", "id"], name="request_state_created_idx"),
            # The queue's "Open" view, by when asked. Same states as OPEN_STATES.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(state__in=["submitted", "awaiting_manager", "answered", "expired"]),
                name="request_open_queue_idx",
            ),
            # Everything ever asked, by when asked; and any view sorted by client.
            models.Index(fields=["created_at", "id"], name="request_created_idx"),
            models.Index(fields=["client_sort", "id"], name="request_client_sort_idx"),
            # The counts of open requests per state (state_counts() on open()): a small
            # partial index, whatever the history's size.
            models.Index(
                fields=["state"],
                condition=Q(state__in=["submitted", "awaiting_manager", "answered", "expired"]),
                name="request_open_state_idx",
            ),
            # The daily retention sweep (due_for_anonymising()): ended requests still to be
            # anonymised, by when they ended. Rows leave it once anonymised or held. Same
            # states as ENDED_STATES.
            models.Index(
                fields=["state_changed_at"],
                condition=Q(
                    state__in=["released", "declined", "withdrawn", "closed"],
                    legal_hold=False,
                    anonymised_at__isnull=True,
                ),
                name="request_retention_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback request {self.uuid}"

    @property
    def recruiter(self):
        """Who looks after it now: its owner, or its client's owner when it has none who can sign in
        (a leaver whose work was not handed over). E-mails about it go to them."""
        if self.owner is not None and self.owner.is_active:
            return self.owner
        return self.application.client.owner

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def candidate_state_label(self) -> str:
        """Where the request stands, in the candidate's words (never the recruiters' state names)."""
        return CANDIDATE_STATE_LABELS[self.state]

    @property
    def recruiter_state_label(self) -> str:
        """The state as the recruiter reads it: an answer that is the manager's decline says so.

        Reads `latest_response_kind` as for_dashboard() annotates it; a request fetched without
        it asks the database (one query, answered requests only).
        """
        if self.state != self.State.ANSWERED:
            return self.get_state_display()
        try:
            kind = self.latest_response_kind
        except AttributeError:
            kind = self.responses.order_by("-submitted_at", "-pk").values_list("kind", flat=True).first()
        if kind == FeedbackResponse.Kind.DECLINE:
            return self.MANAGER_DECLINED_LABEL
        return self.get_state_display()

    @property
    def questions_for_manager(self) -> list[str]:
        """The questions the manager is asked: only those the candidate agreed to pass on."""
        return list(self.question_list) if self.consent_to_forward else []

    def area_labels(self) -> list[str]:
        return [Area(a).label for a in self.areas if a in Area.values]

    def self_assessment_rows(self) -> list[tuple[str, str]]:
        return [
            (Area(a).label, Rating(r).label)
            for a, r in self.self_assessment.items()
            if a in Area.values and r in Rating.values
        ]

    def get_follow_up(self) -> "FollowUp | None":
        """The follow-up question, if one was asked; no query when select_related("follow_up") read it."""
        try:
            return self.follow_up
        except FollowUp.DoesNotExist:
            return None


# What a candidate reads for each state of their request: where it is, in plain words. An
# expired link is the recruiter's to handle (re-route, extend or decline), so to the candidate
# the request is simply with their recruiter.
CANDIDATE_STATE_LABELS: dict[str, str] = {
    FeedbackRequest.State.SUBMITTED: "With your recruiter",
    FeedbackRequest.State.AWAITING_MANAGER: "With the interview team",
    FeedbackRequest.State.ANSWERED: "Being reviewed by your recruiter",
    FeedbackRequest.State.EXPIRED: "With your recruiter",
    FeedbackRequest.State.RELEASED: "Feedback ready",
    FeedbackRequest.State.DECLINED: "No feedback this time",
    FeedbackRequest.State.WITHDRAWN: "Withdrawn by you",
    FeedbackRequest.State.CLOSED: "Closed",
}
