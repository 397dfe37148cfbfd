"""Feedback requests, their routing to hiring managers, links, responses and timeline."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, When, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone


class Area(models.TextChoices):
    """The fixed feedback areas; analytics compare them over years, so they live in code."""

    CV = "cv", "CV / résumé"
    PRESENTATION = "presentation", "Presentation and communication"
    EXPERIENCE = "experience", "Relevant experience"
    SKILLS = "skills", "Skills"
    ANSWERS = "answers", "Answers to interview questions"
    PREPARATION = "preparation", "Preparation and knowledge of the company"
    FIT = "fit", "Team and culture fit"


AREA_PROMPTS = {
    Area.CV: "Did the CV show what the role needs? What would have made it stronger?",
    Area.PRESENTATION: "How clearly did they explain themselves and their work?",
    Area.EXPERIENCE: "How close was their experience to what the role needs, and what was missing?",
    Area.SKILLS: "Which skills stood out, and which fell short of the bar?",
    Area.ANSWERS: "Which answers worked, and which needed more depth or examples?",
    Area.PREPARATION: "How well did they know the company, its products and the role?",
    Area.FIT: "How did they approach working with the team? Describe behaviour, not personality.",
}


class Rating(models.TextChoices):
    """One scale for the manager's ratings and the candidate's self-assessment."""

    STRENGTH = "strength", "Strength"
    MET = "met", "Met the bar"
    IMPROVE = "improve", "Room to improve"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class NextStep(models.Model):
    """A suggested next step for an area, offered with released feedback."""

    area = models.CharField(max_length=20, choices=Area.choices)
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["area", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.text}"


class FeedbackRequestQuerySet(models.QuerySet):
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
        """
        return self.select_related("application__client", "application__recruiter").order_by("created_at")

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

    # The analytics page (DESIGN §2, §3): every figure is one query over a set of requests,
    # those asked in the chosen period, whatever its size.

    def for_analytics(
        self, *, since: datetime | None, client_id: int | None = None
    ) -> "FeedbackRequestQuerySet":
        """Requests asked since `since` (all time when None), of one client or all of them."""
        requests = self.order_by()
        if since is not None:
            requests = requests.filter(created_at__gte=since)
        if client_id is not None:
            requests = requests.filter(application__client_id=client_id)
        return requests

    def outcomes_by_client(self) -> list[dict]:
        """Per client, by name: how many requests were asked, routed, answered with feedback,
        released, declined and withdrawn, how many a hiring manager declined through their link
        (the recruiter then confirms or re-routes), and how useful candidates found the feedback.

        One grouped query; a request counts as routed or answered once however often it was.
        Closed requests were released first, so they count as released.
        """
        state = FeedbackRequest.State
        routed = Exists(Routing.objects.filter(feedback_request=OuterRef("pk"), follow_up__isnull=True))
        answered = Exists(
            FeedbackResponse.objects.filter(
                feedback_request=OuterRef("pk"), kind=FeedbackResponse.Kind.FEEDBACK
            )
        )
        manager_declined = Exists(
            FeedbackResponse.objects.filter(
                feedback_request=OuterRef("pk"), kind=FeedbackResponse.Kind.DECLINE
            )
        )
        return list(
            self.order_by()
            .values(
                client_id=F("application__client"),
                client_name=F("application__client__name"),
                client_policy=F("application__client__feedback_policy"),
            )
            .annotate(
                asked=Count("pk"),
                routed=Count("pk", filter=Q(routed)),
                answered=Count("pk", filter=Q(answered)),
                released=Count("pk", filter=Q(state__in=[state.RELEASED, state.CLOSED])),
                declined=Count("pk", filter=Q(state=state.DECLINED)),
                withdrawn=Count("pk", filter=Q(state=state.WITHDRAWN)),
                manager_declined=Count("pk", filter=Q(manager_declined)),
                **{
                    f"useful_{value}": Count("pk", filter=Q(usefulness=value))
                    for value, _ in FeedbackRequest.usefulness.field.choices
                },
            )
            .order_by("client_name", "client_id")
        )

    def area_asks(self) -> dict[str, int]:
        """How many requests asked about each area, in one aggregate query.

        `areas` is a JSON list of Area values. JSON `contains` does not exist on SQLite, so each
        value is matched, quotes included, in the list's text, the same on SQLite and
        PostgreSQL: the values are plain words and none holds another's quoted form.
        """
        as_text = self.order_by().alias(areas_text=Cast("areas", models.TextField()))
        counts = as_text.aggregate(
            **{
                f"asked_{area}": Count("pk", filter=Q(areas_text__contains=f'"{area}"'))
                for area in Area.values
            }
        )
        return {area: counts[f"asked_{area}"] for area in Area.values}

    def area_ratings(self) -> list[dict]:
        """The hiring managers' ratings per area beside the candidate's own rating of that area.

        One grouped query of at most 7 areas x 4 ratings x 5 own ratings (or none) rows, each
        {"area", "rating", "own", "n"}: `own` is the candidate's self-assessment of the area,
        None when they gave none. Only a request's latest feedback counts (the one the
        recruiter releases), so a request answered again after a re-route counts once.
        """
        later_feedback = FeedbackResponse.objects.filter(
            Q(submitted_at__gt=OuterRef("response__submitted_at"))
            | Q(submitted_at=OuterRef("response__submitted_at"), pk__gt=OuterRef("response_id")),
            feedback_request=OuterRef("response__feedback_request"),
            kind=FeedbackResponse.Kind.FEEDBACK,
        )
        # The self-assessment is a JSON object keyed by area: read the key of this row's area.
        own = Case(
            *(
                When(area=area, then=KeyTextTransform(area, "response__feedback_request__self_assessment"))
                for area in Area.values
            ),
            output_field=models.CharField(),
        )
        return list(
            AreaAnswer.objects.filter(
                response__feedback_request__in=self.values("pk"),
                response__kind=FeedbackResponse.Kind.FEEDBACK,
            )
            .exclude(Exists(later_feedback))
            .values("area", "rating", own=own)
            .annotate(n=Count("pk"))
            .order_by()
        )

    def median_time_to_release(self) -> "Median":
        """The median time from asking to the feedback's release, over the released requests."""
        released = FeedbackResponse.objects.filter(
            feedback_request__in=self.values("pk"), released_at__isnull=False
        )
        return _medians(released, F("released_at") - F("feedback_request__created_at"))[None]

    def median_time_to_answer_by_client(self) -> "dict[int | None, Median]":
        """The median time from routing to the hiring manager's feedback: overall (key None)
        and per client id, in one query. Answers a recruiter recorded after a call have no
        routing and do not count; nor do declines.
        """
        answers = FeedbackResponse.objects.filter(
            feedback_request__in=self.values("pk"),
            kind=FeedbackResponse.Kind.FEEDBACK,
            routing__isnull=False,
        )
        return _medians(
            answers,
            F("submitted_at") - F("routing__routed_at"),
            group="feedback_request__application__client",
        )


class FeedbackRequest(models.Model):
    """A candidate's ask for feedback on one application."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        AWAITING_MANAGER = "awaiting_manager", "Awaiting the hiring manager"
        ANSWERED = "answered", "Answered, awaiting review"
        EXPIRED = "expired", "Link expired"
        RELEASED = "released", "Feedback released"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CLOSED = "closed", "Closed"

    OPEN_STATES = (State.SUBMITTED, State.AWAITING_MANAGER, State.ANSWERED, State.EXPIRED)
    ENDED_STATES = (State.RELEASED, State.DECLINED, State.WITHDRAWN, State.CLOSED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "candidates.Application", on_delete=models.CASCADE, related_name="feedback_requests"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_requests"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    areas = models.JSONField(default=list, help_text="The areas the candidate most wants to hear about.")
    self_assessment = models.JSONField(
        default=dict, blank=True, help_text="Area → the candidate's own rating."
    )
    questions = models.TextField(blank=True)
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
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text="When retention blanked its personal data (requests_app.retention)."
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
            # The dashboard filtered to one state, oldest first: for_dashboard() with
            # DashboardFilter's state=…, read in order up to the page's end.
            models.Index(fields=["state", "created_at"], name="request_state_created_idx"),
            # The dashboard's default view, all open requests oldest first: for_dashboard()
            # with DashboardFilter's "open" (open()). One ordered range, so the page's rows
            # are read without sorting every open request. Same states as OPEN_STATES.
            models.Index(
                fields=["created_at"],
                condition=Q(state__in=["submitted", "awaiting_manager", "answered", "expired"]),
                name="request_open_queue_idx",
            ),
            # The dashboard's counts per state (state_counts()): an index-only scan of this
            # small index instead of reading every row of the table.
            models.Index(fields=["state"], name="request_state_idx"),
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
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

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


# The request's life, in one table: action → (states it may start from, state it leads to).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "route": (
        frozenset({"submitted", "awaiting_manager", "answered", "expired"}),
        "awaiting_manager",
    ),
    "extend": (frozenset({"awaiting_manager", "expired"}), "awaiting_manager"),
    "expire": (frozenset({"awaiting_manager"}), "expired"),
    "manager_answer": (frozenset({"awaiting_manager"}), "answered"),
    "recruiter_answer": (frozenset({"submitted", "awaiting_manager", "expired"}), "answered"),
    "release": (frozenset({"answered"}), "released"),
    "decline": (frozenset({"submitted", "awaiting_manager", "answered", "expired"}), "declined"),
    "withdraw": (frozenset(FeedbackRequest.OPEN_STATES), "withdrawn"),
    "close": (frozenset({"released"}), "closed"),
}


def can(action: str, state: str) -> bool:
    return state in TRANSITIONS[action][0]


class RoutingQuerySet(models.QuerySet):
    def live(self, now=None) -> "RoutingQuerySet":
        """Routings whose links still open: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class Routing(models.Model):
    """A request sent to one hiring manager. It owns the expiry of all its links.

    A routing with `follow_up` set asks the manager the candidate's follow-up question
    instead (DESIGN §4): the same links, expiry and revocation, its own pages.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    feedback_request = models.ForeignKey(FeedbackRequest, on_delete=models.CASCADE, related_name="routings")
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

    routing = models.ForeignKey(Routing, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Link for {self.routing_id} made {self.created_at:%Y-%m-%d %H:%M}"


class FeedbackResponse(models.Model):
    """An answer to a request: the hiring manager's (or the recruiter's, after a call).

    The original is never changed; the recruiter's edited, released version sits beside it.
    """

    class Kind(models.TextChoices):
        FEEDBACK = "feedback", "Feedback"
        DECLINE = "decline", "Declined to give feedback"

    class Consider(models.TextChoices):
        YES = "yes", "Yes"
        MAYBE = "maybe", "Perhaps"
        NO = "no", "No"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    feedback_request = models.ForeignKey(FeedbackRequest, on_delete=models.CASCADE, related_name="responses")
    routing = models.ForeignKey(
        Routing, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FEEDBACK)
    summary = models.TextField(blank=True)
    consider_for_other_roles = models.CharField(max_length=5, choices=Consider.choices, blank=True)
    decline_reason = models.TextField(blank=True)
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

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.feedback_request_id}"


class AreaAnswer(models.Model):
    """One area's rating and comment within a response."""

    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="answers")
    area = models.CharField(max_length=20, choices=Area.choices)
    rating = models.CharField(max_length=20, choices=Rating.choices, default=Rating.NOT_ASSESSED)
    comment = models.TextField(blank=True)
    released_comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "area"], name="one_answer_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_rating_display()}"

    @property
    def area_order(self) -> int:
        return Area.values.index(self.area)


class FollowUpQuerySet(models.QuerySet):
    def open(self) -> "FollowUpQuerySet":
        return self.filter(state__in=FollowUp.OPEN_STATES)

    def for_digest(self, recruiter) -> "FollowUpQuerySet":
        """A recruiter's open follow-ups, oldest first, with what the digest names (follow_up_open_idx)."""
        return (
            self.open()
            .filter(feedback_request__application__recruiter=recruiter)
            .select_related("feedback_request__application__client")
            .order_by("asked_at")
        )


class FollowUp(models.Model):
    """The one follow-up question a candidate may ask after release (DESIGN §4), and its answer.

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
        """Whose answer the candidate reads; never the manager's name (DESIGN §2)."""

        RECRUITER = "recruiter", "Your recruiter"
        INTERVIEW_TEAM = "interview_team", "The interview team"

    OPEN_STATES = (State.ASKED, State.FORWARDED, State.REPLIED)
    QUESTION_MAX_LENGTH = 1000

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    feedback_request = models.OneToOneField(
        FeedbackRequest, on_delete=models.CASCADE, related_name="follow_up"
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
        Routing,
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
            # The recruiters' digest (FollowUpQuerySet.for_digest) lists the open follow-ups oldest
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


# The follow-up's life: action → (states it may start from, state it leads to).
FOLLOW_UP_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    # Forwarding again sends a fresh link (the old one is revoked), e.g. after it expired.
    "forward": (frozenset({"asked", "forwarded"}), "forwarded"),
    "reply": (frozenset({"forwarded"}), "replied"),
    "answer": (frozenset({"asked", "forwarded", "replied"}), "answered"),
}


def can_follow_up(action: str, state: str) -> bool:
    return state in FOLLOW_UP_TRANSITIONS[action][0]


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

    feedback_request = models.ForeignKey(FeedbackRequest, on_delete=models.CASCADE, related_name="events")
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


class Reminder(models.Model):
    """One reminder to a hiring manager: made once per routing and step of the cadence."""

    routing = models.ForeignKey(Routing, on_delete=models.CASCADE, related_name="reminders")
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


@dataclass(frozen=True)
class Median:
    """The median of a set of durations, and how many there were (None when there were none)."""

    value: timedelta | None
    count: int

    @property
    def days(self) -> float | None:
        return None if self.value is None else self.value.total_seconds() / 86400


def _medians(queryset: models.QuerySet, took, group: str | None = None) -> dict[int | None, Median]:
    """The median of `took` over `queryset` (key None) and per value of `group`, in one query.

    PostgreSQL has percentile_cont and SQLite has nothing like it, so window functions number
    the rows in order of `took` (overall, and within each group) and only the middle row, or
    the middle two, of each come back: a row is a middle one when size <= 2 * rank <= size + 2.
    The rows read stay bounded, two per group at most, whatever the data size.
    """
    rows = queryset.order_by().annotate(took=took)
    windows = {
        "rank": Window(RowNumber(), order_by=F("took").asc()),
        "size": Window(Count("pk")),
    }
    middle = Q(size__lte=2 * F("rank"), size__gte=2 * F("rank") - 2)
    if group is not None:
        windows |= {
            "group_key": F(group),
            "group_rank": Window(RowNumber(), partition_by=F(group), order_by=F("took").asc()),
            "group_size": Window(Count("pk"), partition_by=F(group)),
        }
        middle |= Q(group_size__lte=2 * F("group_rank"), group_size__gte=2 * F("group_rank") - 2)
    found: dict[int | None, list[timedelta]] = {}
    sizes: dict[int | None, int] = {None: 0}
    for row in rows.annotate(**windows).filter(middle).values("took", *windows):
        if row["size"] <= 2 * row["rank"] <= row["size"] + 2:
            found.setdefault(None, []).append(row["took"])
            sizes[None] = row["size"]
        if group is not None and row["group_size"] <= 2 * row["group_rank"] <= row["group_size"] + 2:
            found.setdefault(row["group_key"], []).append(row["took"])
            sizes[row["group_key"]] = row["group_size"]
    return {
        key: Median(
            value=sum(found[key], timedelta()) / len(found[key]) if key in found else None, count=size
        )
        for key, size in sizes.items()
    }
