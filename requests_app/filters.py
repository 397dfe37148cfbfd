"""The dashboard's filters."""

import django_filters
from django import forms

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
