"""The dashboard's filters, and the analytics page's period and client."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import django_filters
from django import forms

from feedback_portal.dates import add_months

from .models import FeedbackRequest, FollowUp

OPEN = "open"
FOLLOW_UPS = "follow_ups"


class DashboardFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label="Show",
        choices=[
            (OPEN, "All open requests"),
            (FOLLOW_UPS, "Open follow-up questions"),
            *FeedbackRequest.State.choices,
        ],
        empty_label=None,
        method="filter_state",
        widget=forms.Select,
    )

    class Meta:
        model = FeedbackRequest
        fields = ["state"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("state", OPEN)
        super().__init__(data, *args, **kwargs)

    def filter_queryset(self, queryset):
        if "state" not in self.form.cleaned_data:
            # A bad value shows the open queue beside the form's error, not every request
            # ever made (which no index orders: a sort of the whole table).
            return queryset.open()
        return super().filter_queryset(queryset)

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.open()
        if value == FOLLOW_UPS:
            # Released requests whose follow-up still waits: not in the open queue otherwise.
            return queryset.filter(follow_up__state__in=FollowUp.OPEN_STATES)
        return queryset.filter(state=value)


@dataclass(frozen=True)
class AnalyticsChoice:
    """What the analytics page shows: requests asked from the first day of `first_month` (None:
    all time) to today, of one client or all."""

    period: str
    period_label: str
    first_month: date | None
    client_id: int | None
    client_name: str


class AnalyticsFilterForm(forms.Form):
    """The analytics page's period and client.

    Periods are whole calendar months, the current one included, because the page reads the
    monthly roll-up (AnalyticsMonth): "Last 3 months" on 2 March is 1 January to today.

    A value that is not on the list (a typo in the address, a deleted client, a NUL byte) is
    never used in a query: that field says what was wrong and falls back to its default, and
    the page shows what it fell back to.
    """

    PERIODS = {
        "3m": ("Last 3 months", 3),
        "12m": ("Last 12 months", 12),
        "all": ("All time", None),
    }
    # Addresses saved before periods were whole months still open the nearest period.
    FORMER_PERIODS = {"90d": "3m"}
    DEFAULT_PERIOD = "12m"

    period = forms.ChoiceField(
        label="Period",
        choices=[(key, label) for key, (label, _) in PERIODS.items()],
        initial=DEFAULT_PERIOD,
        required=False,
        error_messages={"invalid_choice": "We do not know that period, so this shows the last 12 months."},
    )
    client = forms.ChoiceField(
        label="Client",
        required=False,
        error_messages={"invalid_choice": "We do not know that client, so this shows all clients."},
    )

    def __init__(self, data=None, *, clients: list[tuple[int, UUID, str]]):
        """`clients`: (id, uuid, name) of every client, read once; the address names a client by uuid."""
        if data is not None and data.get("period") in self.FORMER_PERIODS:
            data = data.copy()  # a request's GET is immutable
            data["period"] = self.FORMER_PERIODS[data["period"]]
        super().__init__(data)
        self.fields["client"].choices = [
            ("", "All clients"),
            *((str(uuid), name) for _, uuid, name in clients),
        ]
        self._clients = {str(uuid): (pk, name) for pk, uuid, name in clients}

    def chosen(self, *, this_month: date) -> AnalyticsChoice:
        """The period and client to show: the valid values given, the defaults for the rest.

        `this_month` is the current month's first day in the agency's time zone. Call it before
        rendering the form: it sets the fields to the values used.
        """
        cleaned = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data then holds the valid fields, errors the others
            cleaned = self.cleaned_data
        period = cleaned.get("period") or self.DEFAULT_PERIOD
        client = cleaned.get("client") or ""
        if self.is_bound:
            # The form shows what the page shows: a field in error keeps its message beside its default.
            self.data = {"period": period, "client": client}
        label, months = self.PERIODS[period]
        client_id, client_name = self._clients.get(client, (None, ""))
        return AnalyticsChoice(
            period=period,
            period_label=label,
            first_month=None if months is None else add_months(this_month, 1 - months),
            client_id=client_id,
            client_name=client_name,
        )
