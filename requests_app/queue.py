"""The recruiters' queue: what to do next, and finding any request.

The default view is *Needs you*: every request waiting on a recruiter (FeedbackRequest.needs),
longest waiting first, each with its age in working days against the agency's triage SLA.
Other views by state, and everything ever asked. Search, filters and sort are in the address
(QueueFilter, django-filter), so a view can be shared and the back button works. Pages are 50
rows, read in index order with a cursor (keyset pagination): no silent cap, and a late page
costs what the first does.
"""

import copy
import hashlib
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import escape

import django_filters
from django import forms
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from candidates.models import Client
from feedback_portal.models import PortalSettings, User
from feedback_portal.widgets import DatePicker, ListSelect

from .models import FeedbackRequest, FollowUp

NEEDS_YOU = "needs"
OPEN = "open"
FOLLOW_UPS = "follow_ups"
EVERYTHING = "all"
MINE, UNASSIGNED = "mine", "none"
PAGE_SIZE = 50

VIEWS = [
    (NEEDS_YOU, "Needs you"),
    (OPEN, "All open requests"),
    (FOLLOW_UPS, "Open follow-up questions"),
    *FeedbackRequest.State.choices,
    (EVERYTHING, "Everything ever asked"),
]
# Each sort: its label, and the order it reads in (the last field breaks ties, for the cursor).
SORTS = {
    "age": ("Waiting longest", ("waiting_since", "id")),
    "oldest": ("Asked first", ("created_at", "id")),
    "newest": ("Asked last", ("-created_at", "-id")),
    "client": ("Client, A to Z", ("client_sort", "id")),
}


def _choices_key(kind: str) -> str:
    return f"queue-choices:{kind}"


def forget_choices() -> None:
    """After a client or a recruiter changed: the filter's lists and the rows' names are read again."""
    cache.delete_many([_choices_key("clients"), _choices_key("recruiters"), _choices_key("names")])


def client_choices() -> list[tuple[str, str]]:
    """Every client, for the filter: read through the cache, so the queue keeps its query budget."""
    found = cache.get(_choices_key("clients"))
    if found is None:
        found = [(str(u), n) for u, n in Client.objects.order_by("name").values_list("uuid", "name")]
        cache.set(_choices_key("clients"), found, 3600)
    return found


def recruiter_choices() -> list[tuple[str, str]]:
    """Every recruiter who can sign in, for the owner filter and reassigning (cached the same way)."""
    found = cache.get(_choices_key("recruiters"))
    if found is None:
        people = User.objects.filter(role__in=[User.Role.RECRUITER, User.Role.ADMIN], is_active=True)
        found = [
            (str(u), n or e)
            for u, n, e in people.order_by("name", "email").values_list("uuid", "name", "email")
        ]
        cache.set(_choices_key("recruiters"), found, 3600)
    return found


class Names:
    """What the rows name by id: each client's name, and each recruiter's, those who left too.
    The rows' query reads ids only: two joins fewer on the page's one query."""

    def __init__(self, kept: tuple[dict[int, str], dict[int, str]]):
        self.clients, self.people = kept

    def client(self, pk: int) -> str:
        if pk not in self.clients:  # added a moment ago, the cache not yet told
            self.clients[pk] = Client.objects.filter(pk=pk).values_list("name", flat=True).first() or ""
        return self.clients[pk]

    def person(self, pk: int | None) -> str:
        if pk is None:
            return ""
        if pk not in self.people:  # someone no longer a recruiter: named as they are
            found = User.objects.filter(pk=pk).values_list("name", "email").first() or ("", "")
            self.people[pk] = found[0] or found[1]
        return self.people[pk]


def names(kept: tuple | None = None) -> Names:
    """Every client's and recruiter's name by id, read through the cache like the lists
    (`kept`: what lists_and_counts read of it already)."""
    if kept is None:
        kept = cache.get(_choices_key("names"))
    if kept is None:
        people = User.objects.filter(role__in=[User.Role.RECRUITER, User.Role.ADMIN])
        kept = (
            dict(Client.objects.values_list("id", "name")),
            {pk: n or e for pk, n, e in people.values_list("id", "name", "email")},
        )
        cache.set(_choices_key("names"), kept, 3600)
    return Names(kept)


COUNTS_VERSION_KEY = "queue-counts:version"
COUNTS_KEY = "queue-counts"


@dataclass
class Kept:
    """What a view of the queue reads from the cache, in one trip (lists_and_counts)."""

    clients: list[tuple[str, str]]  # the filter's lists
    recruiters: list[tuple[str, str]]
    names: Names  # for the rows
    counts: dict[str, dict[str, int]]  # of open work (work_counts)


def lists_and_counts(visible, *, every_request: bool) -> Kept:
    """The filter's two lists, the rows' names and the counts of open work, in one trip to the cache."""
    keys = [_choices_key("clients"), _choices_key("recruiters"), _choices_key("names")]
    found = cache.get_many([*keys, COUNTS_VERSION_KEY, COUNTS_KEY] if every_request else keys)
    clients, recruiters, kept_names = (found.get(key) for key in keys)
    return Kept(
        clients=clients if clients is not None else client_choices(),
        recruiters=recruiters if recruiters is not None else recruiter_choices(),
        names=names(kept_names),
        counts=work_counts(visible, every_request=every_request, found=found),
    )


def work_counts(visible, *, every_request: bool, found: dict | None = None) -> dict[str, dict[str, int]]:
    """How much open work there is (FeedbackRequestQuerySet.work_counts) among `visible`.

    When the recruiter sees every request (`every_request`), the counts are the agency's and
    are kept in the cache with the version they were counted at, which every change of a
    request's state or of what it waits for moves on (forget_counts): the version is read
    before counting, so counts read while a change commits carry the old version and are never
    shown after it.
    """
    if not every_request:
        return visible.work_counts()
    if found is None:  # else, read already (lists_and_counts)
        found = cache.get_many([COUNTS_VERSION_KEY, COUNTS_KEY])
    version = found.get(COUNTS_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(COUNTS_VERSION_KEY, version, None):
            version = cache.get(COUNTS_VERSION_KEY, version)
    kept = found.get(COUNTS_KEY)
    if kept is not None and kept[0] == version:
        return kept[1]
    counts = visible.work_counts()
    cache.set(COUNTS_KEY, (version, counts), 600)
    _moves.counted = True
    return counts


_moves = threading.local()  # counted: counts were kept since the version last moved on


def _move_counts_on() -> None:
    cache.set(COUNTS_VERSION_KEY, uuid.uuid4().hex, None)
    _moves.counted = False


def forget_counts() -> None:
    """A request moved, or what it waits for changed: the queue's counts are read again.

    The version moves on now (this transaction reads its own change) and again once the change is
    committed (others counted the old state meanwhile). Once per transaction, however many
    requests it moves: again only if counts were kept since.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # committed already
        _move_counts_on()
        return
    waiting = any(func is _move_counts_on for _savepoints, func, _robust in connection.run_on_commit)
    if not waiting or getattr(_moves, "counted", True):
        _move_counts_on()
    if not waiting:
        transaction.on_commit(_move_counts_on)


def _local_midnight(day: date, zone) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


class QueueFilter(django_filters.FilterSet):
    """The queue's view, search, filters and sort, from the address; a bad value is said and ignored."""

    view = django_filters.ChoiceFilter(
        label="Show", choices=VIEWS, empty_label=None, method="filter_view", widget=ListSelect
    )
    q = django_filters.CharFilter(label="Search", method="filter_search", max_length=100)
    client = django_filters.ChoiceFilter(
        label="Client", empty_label="Every client", method="filter_client", widget=ListSelect
    )
    owner = django_filters.ChoiceFilter(
        label="Recruiter", empty_label="Everyone", method="filter_owner", widget=ListSelect
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput
    )
    asked_from = django_filters.DateFilter(label="Asked from", method="filter_asked_from", widget=DatePicker)
    asked_to = django_filters.DateFilter(label="Asked until", method="filter_asked_to", widget=DatePicker)
    sort = django_filters.ChoiceFilter(
        label="Sort",
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        empty_label=None,
        method="filter_nothing",
        widget=ListSelect,
    )

    class Meta:
        model = FeedbackRequest
        fields = ["view", "q", "client", "owner", "overdue", "asked_from", "asked_to", "sort"]

    def __init__(
        self,
        data=None,
        *args,
        me: User,
        desk: list[int],
        portal: PortalSettings,
        lists: tuple[list, list] | None = None,
        **kwargs,
    ):
        data = data.copy() if data is not None else {}
        data.setdefault("view", NEEDS_YOU)
        data.setdefault("sort", "age" if data.get("view") == NEEDS_YOU else "oldest")
        super().__init__(data, *args, **kwargs)
        self.me, self.desk, self.portal = me, desk, portal
        self.form.label_suffix = ""
        # The fields add their empty choice ("Every client", "Everyone") themselves.
        clients, recruiters = lists or (client_choices(), recruiter_choices())
        self.form.fields["client"].choices = clients
        self.form.fields["owner"].choices = [(MINE, "Mine"), (UNASSIGNED, "Unassigned"), *recruiters]

    @classmethod
    def _form_class(cls) -> type[forms.Form]:
        form_class = cls.__dict__.get("_built_form_class")
        if form_class is None:
            fields = {name: declared.field for name, declared in cls.base_filters.items()}
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            cls._built_form_class = form_class
        return form_class

    def get_form_class(self) -> type[forms.Form]:
        """The form, built once (django-filter builds a form class and a field per filter for each
        page); every page's form still gets its own copy of the fields, as forms do."""
        return self._form_class()

    def filter_queryset(self, queryset):
        # A field in error is left out (its message shows beside it); the rest still apply.
        cleaned = self.form.cleaned_data if self.form.is_bound else {}
        for name, value in cleaned.items():
            if value not in (None, "", False):
                queryset = self.filters[name].filter(queryset, value)
        if "view" not in cleaned:
            queryset = queryset.needs_you()
        return queryset

    @property
    def chosen_view(self) -> str:
        return (self.form.cleaned_data if self.form.is_valid() else {}).get("view") or NEEDS_YOU

    @property
    def more_filters_used(self) -> bool:
        """Whether a filter beyond search and view, or a sort of one's own, is chosen (or in error)."""
        more = ("owner", "client", "asked_from", "asked_to", "overdue")
        if any(self.data.get(name) for name in more) or any(name in self.form.errors for name in more):
            return True
        return self.data.get("sort") not in (None, "", "age", "oldest")

    @property
    def chosen_sort(self) -> str:
        cleaned = self.form.cleaned_data if self.form.is_bound and hasattr(self.form, "cleaned_data") else {}
        sort = cleaned.get("sort") or "age"
        # Only the "Needs you" requests have an age to sort by; elsewhere, waiting longest is asked first.
        return "oldest" if sort == "age" and self.chosen_view != NEEDS_YOU else sort

    def filter_view(self, queryset, name, value):
        if value == NEEDS_YOU:
            return queryset.needs_you()
        if value == OPEN:
            return queryset.open()
        if value == FOLLOW_UPS:
            return queryset.filter(follow_up__state__in=FollowUp.OPEN_STATES)
        if value == EVERYTHING:
            return queryset
        return queryset.filter(state=value)

    def filter_search(self, queryset, name, value):
        return queryset.matching(value) if value.strip() else queryset

    def filter_client(self, queryset, name, value):
        return queryset.filter(application__client__uuid=value)

    def filter_owner(self, queryset, name, value):
        if value == MINE:
            return queryset.owned_by(self.desk)
        if value == UNASSIGNED:
            return queryset.unassigned()
        return queryset.filter(owner__uuid=value)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        last_day = self.portal.last_day_overdue(today, self.portal.triage_sla_business_days)
        return queryset.waiting_before(_local_midnight(last_day, self.portal.zone) + timedelta(days=1))

    def filter_asked_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_local_midnight(value, self.portal.zone))

    def filter_asked_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_local_midnight(value, self.portal.zone) + timedelta(days=1))

    def filter_nothing(self, queryset, name, value):
        return queryset  # the sort orders the page; it filters nothing


class _DeclaredFilters(dict):
    """QueueFilter's declared filters. django-filter deep-copies them for every page (choices,
    widgets, fields: a third of a millisecond); a shallow copy of each gives the page its own
    filters to point back at it (`parent`, `model`) and shares what no page changes."""

    def __deepcopy__(self, memo):
        copied = {}
        for name, declared in self.items():
            copied[name] = mine = copy.copy(declared)
            mine.method = declared.method  # its method bound to the copy, which knows the page
        return copied


QueueFilter.base_filters = _DeclaredFilters(QueueFilter.base_filters)


@dataclass
class Row:
    """One request as the queue shows it, its words and links worked out once (the page lists
    fifty: every lookup a row saves the template is fifty saved)."""

    uuid: uuid.UUID
    state: str
    age: int | None  # working days waiting on a recruiter
    overdue: bool
    href: str = ""
    candidate: str = ""
    unconfirmed: bool = False
    role_and_client: str = ""
    what_now: str = ""  # what the recruiter must do; else, the request's state
    state_label: str = ""
    asked_iso: str = ""
    asked_label: str = ""
    owner: str = ""

    @property
    def age_label(self) -> str:
        if self.age is None:
            return ""
        if self.age == 0:
            return "today"
        return f"{self.age} working day{'s' if self.age != 1 else ''}"

    def html(self) -> SafeString:
        """The row's `<tr>`, written in one pass with every value escaped: fifty rows through the
        template engine were the largest part of the queue's time. Each cell carries its column's
        name for the phone's cards."""
        if self.what_now:
            what_now = escape(self.what_now)
        else:
            what_now = STATE_BADGE.format(state=escape(self.state), label=escape(self.state_label))
        waiting = NO_AGE if self.age is None else self.age_label + (OVERDUE_BADGE if self.overdue else "")
        # Safe: every value in it is escaped above or here, or is the portal's own markup.
        return mark_safe(  # noqa: S308
            ROW.format(
                overdue=OVERDUE_CLASS if self.overdue else "",
                uuid=self.uuid,
                href=escape(self.href),
                candidate=escape(self.candidate),
                unconfirmed=UNCONFIRMED_BADGE if self.unconfirmed else "",
                role_and_client=escape(self.role_and_client),
                what_now=what_now,
                waiting=waiting,
                asked_iso=self.asked_iso,
                asked_label=self.asked_label,
                owner=escape(self.owner) if self.owner else UNASSIGNED_CELL,
            )
        )


ROW = (
    "<tr{overdue}>"
    '<td data-label="Choose"><input type="checkbox" name="requests" value="{uuid}" id="pick-{uuid}"'
    ' aria-label="Choose {candidate}"></td>'
    '<td data-label="Candidate"><a href="{href}">{candidate}</a>{unconfirmed}</td>'
    '<td data-label="Role and client">{role_and_client}</td>'
    '<td data-label="What now">{what_now}</td>'
    '<td data-label="Waiting">{waiting}</td>'
    '<td data-label="Asked"><time datetime="{asked_iso}">{asked_label}</time></td>'
    '<td data-label="Recruiter">{owner}</td>'
    "</tr>"
)
OVERDUE_CLASS = ' class="overdue"'
UNCONFIRMED_BADGE = ' <span class="badge">unconfirmed</span>'
STATE_BADGE = '<span class="badge state-{state}">{label}</span>'
NO_AGE = '<span class="muted">—</span>'
OVERDUE_BADGE = ' <strong class="badge overdue-badge">overdue</strong>'
UNASSIGNED_CELL = '<span class="muted">unassigned</span>'


def rows(requests: list[dict], portal: PortalSettings, names: Names) -> list[Row]:
    """Each request (a dict of FeedbackRequest.objects.for_queue()) with its age in working days
    against the triage SLA, and the names of its client and recruiter (no query)."""
    today, zone = timezone.localdate(), portal.zone
    ages = {}  # many rows began waiting on the same day
    shown = []
    for fr in requests:
        age = None
        needs, waiting_since = fr["needs"], fr["waiting_since"]
        if needs and waiting_since:
            since = timezone.localtime(waiting_since, zone).date()
            if since not in ages:
                ages[since] = portal.working_days_since(since, today)
            age = ages[since]
        confirmed, described = fr["application__is_confirmed"], fr["application__company_as_described"]
        # As the candidate named it until a recruiter confirms it (Application.company_for_candidate).
        company = described if described and not confirmed else names.client(fr["application__client_id"])
        asked = timezone.localtime(fr["created_at"])
        shown.append(
            Row(
                fr["uuid"],
                fr["state"],
                age,
                age is not None and age > portal.triage_sla_business_days,
                href=page_of(fr["uuid"]),
                candidate=fr["application__candidate_name"],
                unconfirmed=not confirmed,
                role_and_client=f"{fr['application__role_title']} · {company}",
                what_now=NEEDS_LABELS.get(needs, needs) if needs else "",
                state_label=STATE_LABELS.get(fr["state"], fr["state"]),
                asked_iso=f"{asked:%Y-%m-%d}",
                asked_label=f"{asked.day} {asked:%b %Y}",
                owner=names.person(fr["owner_id"]),
            )
        )
    return shown


def rows_html(shown: list[Row]) -> SafeString:
    """The rows' `<tr>`s, one to a line."""
    return mark_safe("\n".join(row.html() for row in shown))  # noqa: S308 (each row escapes its values)


NEEDS_LABELS = dict(FeedbackRequest.Needs.choices)
STATE_LABELS = dict(FeedbackRequest.State.choices)


def fragments(wanted: dict[str, Callable[[], str]]) -> dict[str, SafeString]:
    """Pieces of the page kept rendered in the cache (`wanted`: key → how to render it), read in
    one trip; a piece not there is rendered and kept for a day (its key names what it shows)."""
    found = cache.get_many(list(wanted))
    missing = {key: render() for key, render in wanted.items() if key not in found}
    if missing:
        cache.set_many(missing, 86400)
    # Safe: each was rendered by the portal's own templates, which escape what they show.
    return {key: mark_safe(html) for key, html in {**found, **missing}.items()}  # noqa: S308


def fragment_key(data, *choices: list[tuple[str, str]]) -> str:
    """What a cached piece of the queue page (the filters, the bulk form) is rendered from: the
    address's choices and the lists offered. The cursor is left out: every page shares them."""
    chosen = sorted((k, v) for k, vs in data.lists() for v in vs if k not in ("after", "before"))
    return hashlib.blake2b(repr((chosen, choices)).encode(), digest_size=16).hexdigest()


def page_of(request_uuid) -> str:
    """The recruiter's page of a request: reversed once per process, then filled in per row."""
    global _PAGE_PATTERN
    if _PAGE_PATTERN is None:
        _PAGE_PATTERN = reverse("requests_app:dashboard_request", args=[_PLACEHOLDER])
    return _PAGE_PATTERN.replace(str(_PLACEHOLDER), str(request_uuid))


_PLACEHOLDER = uuid.UUID(int=0)
_PAGE_PATTERN: str | None = None
