"""The recruiters' queue: what to do next, and finding any request.

The default view is *Needs you*: every request waiting on a recruiter (FeedbackRequest.needs),
longest waiting first, each with its age in working days against the agency's triage SLA.
Other views by state, and everything ever asked. Search, filters and sort are in the address
(QueueFilter, django-filter), so a view can be shared and the back button works. Pages are 50
rows, read in index order with a cursor (keyset pagination): no silent cap, and a late page
costs what the first does. The rows are written by queue_rows; what the page keeps ready in
the cache (its lists, counts and rendered forms) is in queue_kept.
"""

import copy
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone

from feedback_portal.models import PortalSettings, User
from feedback_portal.widgets import DatePicker, ListSelect

from .models import FeedbackRequest, FollowUp
from .queue_kept import client_choices, recruiter_choices

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
