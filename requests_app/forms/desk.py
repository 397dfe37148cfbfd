"""The recruiters' desk: reassigning requests, handing work over, and bulk actions on the queue."""

import uuid

from django import forms
from django.utils import timezone

from feedback_portal.models import User
from feedback_portal.widgets import DatePicker, ListSelect

from ..models import BulkRun
from ..queue_kept import recruiter_choices


def _recruiter_field(label: str, **kwargs) -> forms.ChoiceField:
    """A choice of the agency's recruiters; the choices are read when the form is made (cached)."""
    return forms.ChoiceField(
        label=label,
        widget=ListSelect,
        error_messages={
            "required": "Choose the recruiter.",
            "invalid_choice": "Choose one of the agency's recruiters.",
        },
        **kwargs,
    )


class ReassignForm(forms.Form):
    """Give a request to another recruiter."""

    owner = _recruiter_field("Looked after by")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "reassign_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Choose a recruiter"), *recruiter_choices()]

    def recruiter(self) -> User:
        return User.objects.get(uuid=self.cleaned_data["owner"])


class HandoverForm(forms.Form):
    """Hand over a recruiter's open work to a colleague: for a holiday (dates) or for good."""

    FOR_DATES, FOR_GOOD = "dates", "good"

    from_recruiter = _recruiter_field("Whose work")
    to_recruiter = _recruiter_field("To whom")
    how_long = forms.ChoiceField(
        label="For how long",
        widget=forms.RadioSelect,
        choices=[
            (FOR_DATES, "For dates (a holiday): their requests stay theirs, the colleague covers them"),
            (FOR_GOOD, "For good (they are leaving): every open request, and their clients, move now"),
        ],
        initial=FOR_DATES,
        error_messages={"required": "Say for how long."},
    )
    starts_on = forms.DateField(
        label="From", widget=DatePicker, required=False,
        error_messages={"invalid": "Enter a date, like 2026-12-21."},
    )  # fmt: skip
    ends_on = forms.DateField(
        label="Until (the last day of cover)", widget=DatePicker, required=False,
        error_messages={"invalid": "Enter a date, like 2027-01-04."},
    )  # fmt: skip

    def __init__(self, *args, me: User, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a recruiter"), *recruiter_choices()]
        self.fields["to_recruiter"].choices = choices
        if me.role == User.Role.ADMIN:  # an admin hands over anyone's work; a recruiter, their own
            self.fields["from_recruiter"].choices = choices
        else:
            self.fields["from_recruiter"].choices = [(str(me.uuid), me.name or me.email)]
        self.fields["from_recruiter"].initial = str(me.uuid)

    def clean(self):
        data = super().clean()
        if data.get("from_recruiter") and data.get("from_recruiter") == data.get("to_recruiter"):
            self.add_error("to_recruiter", "Choose a colleague: someone other than whose work it is.")
        if data.get("how_long") == self.FOR_DATES:
            starts, ends = data.get("starts_on"), data.get("ends_on")
            if not starts and "starts_on" not in self.errors:
                self.add_error("starts_on", "Say when the cover starts.")
            if not ends and "ends_on" not in self.errors:
                self.add_error("ends_on", "Say the last day of cover.")
            if starts and ends and ends < starts:
                self.add_error("ends_on", "The cover must end on or after the day it starts.")
            if ends and ends < timezone.localdate():
                self.add_error("ends_on", "That day has passed: choose dates from today.")
        return data

    def people(self) -> tuple[User, User]:
        giver, taker = self.cleaned_data["from_recruiter"], self.cleaned_data["to_recruiter"]
        by_uuid = {str(u.uuid): u for u in User.objects.filter(uuid__in=[giver, taker])}
        return by_uuid[giver], by_uuid[taker]


# The most requests one bulk action takes: it runs within the recruiter's request to the portal
# (make bench times 500); the queue offers a page of 50 at a time.
BULK_LIMIT = 500


class BulkForm(forms.Form):
    """An action on the requests chosen in the queue, with what it needs."""

    requests = forms.TypedMultipleChoiceField(
        label="Requests",
        coerce=uuid.UUID,
        error_messages={
            "required": "Tick the requests to act on first.",
            "invalid_choice": "One of the ticked requests is not one we know: show the queue again.",
        },
    )
    action = forms.ChoiceField(
        label="With the ticked requests",
        choices=[("", "Choose an action"), *BulkRun.Action.choices],
        widget=ListSelect,
        error_messages={"required": "Choose what to do with them."},
    )
    owner = forms.ChoiceField(label="Reassign to", required=False, widget=ListSelect)
    days = forms.IntegerField(
        label="Extend links by (days)",
        required=False,
        min_value=1,
        max_value=60,
        error_messages={
            "min_value": "Extend by at least 1 day.",
            "max_value": "Extend by at most 60 days.",
            "invalid": "Enter a whole number of days.",
        },
    )
    message = forms.CharField(
        label="Note for each candidate (decline)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, request_choices: list[str] = (), recruiters: list | None = None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        recruiters = recruiter_choices() if recruiters is None else recruiters
        self.fields["owner"].choices = [("", "Choose a recruiter"), *recruiters]
        if self.is_bound:
            self.fields["requests"].choices = [(r, r) for r in self.data.getlist("requests")]
        else:
            self.fields["requests"].choices = [(r, r) for r in request_choices]

    def clean_requests(self):
        chosen = self.cleaned_data["requests"]
        if len(chosen) > BULK_LIMIT:
            raise forms.ValidationError(f"Tick at most {BULK_LIMIT} requests at a time.")
        return chosen

    def clean(self):
        data = super().clean()
        needs = {
            BulkRun.Action.REASSIGN: ("owner", "Choose who to reassign them to."),
            BulkRun.Action.EXTEND: ("days", "Say by how many days to extend the links."),
            BulkRun.Action.DECLINE: ("message", "Write the note each candidate will read."),
        }
        if data.get("action") in needs:
            field, message = needs[data["action"]]
            if not data.get(field) and field not in self.errors:
                self.add_error(field, message)
        return data

    def parameters(self) -> dict:
        action = self.cleaned_data["action"]
        if action == BulkRun.Action.REASSIGN:
            return {"to": self.cleaned_data["owner"]}
        if action == BulkRun.Action.EXTEND:
            return {"days": self.cleaned_data["days"]}
        if action == BulkRun.Action.DECLINE:
            return {"message": self.cleaned_data["message"].strip()}
        return {}
