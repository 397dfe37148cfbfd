"""People and applications: candidates, clients, hiring managers, applications."""

import uuid
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from feedback_portal.dates import add_months

from . import companies


class CandidateProfile(models.Model):
    """A candidate's details beyond their account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate_profile"
    )
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.user)


def _count_of(rows: models.QuerySet, per: str) -> Coalesce:
    """How many of `rows` (filtered on an OuterRef) there are, as a correlated subquery.

    One small count per row of the page, read through the foreign key's index, instead of a
    join that multiplies a client's managers by its requests before counting either.
    """
    counted = rows.order_by().values(per).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# The clients list's two sorts, each served by an index of Client.Meta (keyset pagination,
# feedback_portal.paging): A to Z ignoring case, or newest first. The last key breaks ties.
CLIENT_ORDERS = {"name": ("name_key", "pk"), "newest": ("-created_at", "-pk")}


class ClientQuerySet(models.QuerySet):
    def named(self, name: str) -> "ClientQuerySet":
        """Clients called `name`, compared as client_name_unique_ci compares them (lower-cased)."""
        return self.alias(lower_name=Lower("name")).filter(lower_name=Lower(Value(name)))

    def matching(self, written: str) -> "Client | None":
        """The client a candidate means by the company name they wrote, or None (candidates.companies).

        One query reads every client's id and name: an agency has hundreds of clients, not millions,
        and the forgiving comparison happens in Python. The holding client is never a match.
        """
        names = self.exclude(name=HOLDING_CLIENT_NAME).values_list("pk", "name")
        pk = companies.match(written, names)
        return None if pk is None else self.get(pk=pk)

    def with_counts(self) -> "ClientQuerySet":
        """Each client with its owner, active hiring managers and open feedback requests, in one query.

        For one client's page: the open requests are counted in a subquery per row. A list
        counts them for its page at once instead (for_recruiters, then count_open_requests).
        """
        # requests_app builds on candidates, so its model is imported here, when the page asks.
        from requests_app.models import FeedbackRequest

        return self.for_recruiters().annotate(
            open_requests=_count_of(
                FeedbackRequest.objects.open().filter(application__client=OuterRef("pk")),
                "application__client",
            ),
        )

    def for_recruiters(self) -> "ClientQuerySet":
        """The clients list's rows: owner, count of active managers, and the A-to-Z key (name_key).

        Page it with an order of CLIENT_ORDERS; the counts of a page's open requests come after,
        from count_open_requests, in one query for the page.
        """
        return self.select_related("owner").annotate(
            name_key=Lower("name"),
            active_managers=_count_of(
                HiringManager.objects.filter(client=OuterRef("pk"), is_active=True), "client"
            ),
        )


def count_open_requests(clients: "list[Client]") -> "list[Client]":
    """Set `open_requests` on each of `clients` (a page of the list), in one grouped query.

    Only open requests are read, through the partial index on them, and grouped by the client
    name each request keeps for the queue's sort (`client_sort`, its client's name in lower
    case; names are unique in any case): a client's ended history, however long, is not read,
    and neither is any application.
    """
    from requests_app.models import FeedbackRequest

    if not clients:
        return clients
    counts = dict(
        FeedbackRequest.objects.open()
        .filter(client_sort__in=[c.name.lower() for c in clients])
        .order_by()
        .values_list("client_sort")
        .annotate(n=Count("*"))
    )
    for client in clients:
        client.open_requests = counts.get(client.name.lower(), 0)
    return clients


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

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="client_name_unique_ci")]
        indexes = [
            # The clients list A to Z (CLIENT_ORDERS["name"]), a page at a time: the keyset
            # lower(name), id read in index order, both ways.
            models.Index(Lower("name"), "id", name="client_name_order_idx"),
            # The clients list newest first (CLIENT_ORDERS["newest"]), read backwards.
            models.Index(fields=["created_at", "id"], name="client_created_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_holding(self) -> bool:
        """Is this where described applications wait whose company matched no client?"""
        return self.name == HOLDING_CLIENT_NAME

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

    @property
    def policy_for_recruiters(self) -> str:
        """What the policy means for the hiring manager's form and for the candidate."""
        return POLICY_FOR_RECRUITERS[self.feedback_policy]


# Where an application a candidate describes goes when its company matches no client: its own
# client row, so every application still has one, until a recruiter confirms the right client at
# triage (or declines). Candidates never read this name: they see the company as they wrote it.
HOLDING_CLIENT_NAME = "Company to confirm (described by a candidate)"


# What each policy does, where recruiters choose it and read it (forms and client pages).
POLICY_FOR_RECRUITERS = {
    Client.FeedbackPolicy.FULL: (
        "The hiring manager rates each area and writes comments and a summary; "
        "you review them before the candidate reads them."
    ),
    Client.FeedbackPolicy.RATINGS_ONLY: (
        "The hiring manager rates each area, with no comment boxes; "
        "the candidate sees the ratings you release."
    ),
    Client.FeedbackPolicy.NONE: (
        "The hiring manager is only asked to confirm the policy; you tell the candidate kindly what you can."
    ),
}


class HiringManagerQuerySet(models.QuerySet):
    def with_email(self, email: str) -> "HiringManagerQuerySet":
        """Managers with this address, compared as hiring_manager_email_unique_per_client compares them."""
        return self.alias(lower_email=Lower("email")).filter(lower_email=Lower(Value(email)))

    def with_history(self) -> "HiringManagerQuerySet":
        """Each manager with the requests routed to them, and those still waiting for their answer.

        Two small counts per manager (a client has a handful), each over that manager's own
        routings through their index on the manager, the request joined by its primary key:
        the state is counted, not filtered on, so no other manager's requests are read (a
        filter on it would read every request awaiting any manager, through the state's index).
        """
        from requests_app.models import FeedbackRequest, Routing

        theirs = Routing.objects.filter(hiring_manager=OuterRef("pk")).order_by().values("hiring_manager")
        routed = theirs.annotate(n=Count("feedback_request", distinct=True)).values("n")
        awaiting = Q(feedback_request__state=FeedbackRequest.State.AWAITING_MANAGER)
        waiting = (
            theirs.filter(revoked_at__isnull=True, follow_up__isnull=True)
            .annotate(n=Count("pk", filter=awaiting))
            .values("n")
        )
        return self.annotate(
            requests_routed=Coalesce(Subquery(routed, output_field=IntegerField()), Value(0)),
            requests_waiting=Coalesce(Subquery(waiting, output_field=IntegerField()), Value(0)),
        )

    def for_client_page(self) -> "HiringManagerQuerySet":
        """A client's managers with their history, the ones still offered for routing first."""
        return self.with_history().order_by("-is_active", Lower("name"), "pk")


class HiringManager(models.Model):
    """A contact at a client who interviews candidates and answers feedback requests."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="hiring_managers")
    name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)

    objects = HiringManagerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("client", Lower("email"), name="hiring_manager_email_unique_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.client})"


# The applications list's order (keyset pagination, feedback_portal.paging): newest first; the
# last key breaks ties. Served by application_created_idx, and application_pending_idx for the
# "waiting for an outcome" view.
APPLICATION_ORDER = ("-created_at", "-pk")


class ApplicationQuerySet(models.QuerySet):
    def for_recruiters(self, *, pending_only: bool = False) -> "ApplicationQuerySet":
        """The agency's applications as the recruiters' list shows them (page it in APPLICATION_ORDER).

        `pending_only`: those still waiting for an outcome.
        """
        rows = self.select_related("client", "recruiter")
        return rows.filter(outcome=Application.Outcome.PENDING) if pending_only else rows

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
        API = "api", "From the agency's applicant-tracking system"
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
    external_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="The application's id in the agency's applicant-tracking system, when it came "
        "from there: imports and the API find it again by this.",
    )
    is_confirmed = models.BooleanField(
        default=True, help_text="Unconfirmed when described by a candidate, until triage."
    )
    company_as_described = models.CharField(
        max_length=200,
        blank=True,
        help_text="The company as the candidate wrote it, when they described the application: "
        "they read it so until a recruiter confirms the client.",
    )
    interviewers = models.TextField(
        blank=True,
        help_text="Who interviewed the candidate, one name per line: feedback is checked for these "
        "names before the candidate reads it.",
    )
    # The e-mails about this application (an invitation to ask for feedback).
    emails = GenericRelation(
        "feedback_portal.OutboundEmail",
        content_type_field="about_type",
        object_id_field="about_id",
        related_query_name="application",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When anything about the application last changed: the API's "updated since" reads it, so an
    # applicant-tracking system can fetch only what moved. Services that save some fields list it.
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Linking a newly verified candidate to the applications that name them.
            models.Index(Lower("candidate_email"), name="application_email_idx"),
            # The recruiters' applications list, newest first (APPLICATION_ORDER), a page at a time.
            models.Index(fields=["created_at", "id"], name="application_created_idx"),
            # Its "waiting for an outcome" view: only pending applications are in it.
            models.Index(
                fields=["created_at", "id"], condition=Q(outcome="pending"), name="application_pending_idx"
            ),
            # A client's open requests (count_open_requests, Client.with_counts): the client's
            # applications' ids from the index alone, to join to the open requests' partial index.
            models.Index(fields=["client", "id"], name="application_client_idx"),
            # The API's list filtered to what changed since a moment (`updated_since`).
            models.Index(fields=["updated_at"], name="application_updated_idx"),
        ]
        constraints = [
            # One application per id of the applicant-tracking system; most have none.
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="application_external_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_name} — {self.role_title} at {self.client}"

    def interviewer_names(self) -> list[str]:
        """The interviewers listed, one per line (commas separate names too)."""
        return [
            name.strip()
            for line in self.interviewers.splitlines()
            for name in line.split(",")
            if name.strip()
        ]

    @property
    def is_negative(self) -> bool:
        return self.outcome in self.NEGATIVE_OUTCOMES

    @property
    def company_for_candidate(self) -> str:
        """The company's name on the candidate's pages and e-mails: as they wrote it until a recruiter
        confirms the application, so nothing tells them whether (or which) client it matched."""
        if self.company_as_described and not self.is_confirmed:
            return self.company_as_described
        return self.client.name

    @property
    def outcome_for_candidate(self) -> str:
        """What the outcome means, kindly, in the candidate's words ("" while pending or hired)."""
        return OUTCOME_FOR_CANDIDATES.get(self.outcome, "")

    def asking_closes_on(self, months: int) -> date | None:
        """The last day the candidate may ask for feedback: `months` after the outcome."""
        return add_months(self.outcome_on, months) if self.outcome_on else None

    def within_asking_window(self, *, today: date, months: int) -> bool:
        """Is `today` within the asking window? An outcome without a date has no window to miss."""
        closes = self.asking_closes_on(months)
        return closes is None or today <= closes


# What each way of being turned down means, for the candidate: their pages and the invitation
# to ask say it. A role withdrawn or reposted is about the company, not the candidate.
OUTCOME_FOR_CANDIDATES = {
    Application.Outcome.NOT_SELECTED: (
        "The company chose another candidate this time. Feedback can show what would make your "
        "next application stronger."
    ),
    Application.Outcome.WITHDRAWN: (
        "The company withdrew the role — this says nothing about you. It can still help to hear "
        "how your interview came across."
    ),
    Application.Outcome.REPOSTED: (
        "The company decided to advertise the role again. That is usually about what the role needs, "
        "not about you; feedback can tell you how your interview came across."
    ),
}
