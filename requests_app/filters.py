"""The dashboard's filters."""

import django_filters
from django import forms

from .models import FeedbackRequest

OPEN = "open"


class DashboardFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label="Show",
        choices=[(OPEN, "All open requests"), *FeedbackRequest.State.choices],
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
        return queryset.filter(state=value)
