"""Input for applications, with the messages people see when it is wrong."""

from django import forms
from django.utils import timezone

from .models import Application, Client


class DateInput(forms.DateInput):
    input_type = "date"


def _not_in_future(value, what: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"The {what} cannot be in the future.")
    return value


class ApplicationForm(forms.ModelForm):
    """A recruiter records a candidate put forward for a role."""

    class Meta:
        model = Application
        fields = [
            "client",
            "candidate_name",
            "candidate_email",
            "role_title",
            "job_reference",
            "stage",
            "interviewed_on",
            "outcome",
            "outcome_on",
        ]
        labels = {
            "candidate_email": "Candidate's e-mail",
            "interviewed_on": "Date of the last stage",
            "outcome_on": "Date of the outcome",
        }
        help_texts = {
            "candidate_email": "The candidate sees this application once they sign in with this address.",
        }
        widgets = {"interviewed_on": DateInput, "outcome_on": DateInput}
        error_messages = {
            "client": {"required": "Choose the client."},
            "candidate_name": {"required": "Enter the candidate's name."},
            "candidate_email": {
                "required": "Enter the candidate's e-mail address.",
                "invalid": "Enter a valid e-mail address, like name@example.com.",
            },
            "role_title": {"required": "Enter the role."},
        }

    invite = forms.BooleanField(
        label="E-mail the candidate that they can ask for feedback (when turned down)",
        required=False,
        initial=True,
    )

    def clean_interviewed_on(self):
        return _not_in_future(self.cleaned_data.get("interviewed_on"), "interview date")

    def clean_outcome_on(self):
        return _not_in_future(self.cleaned_data.get("outcome_on"), "outcome date")

    def clean(self):
        data = super().clean()
        if data.get("outcome") in Application.NEGATIVE_OUTCOMES and not data.get("outcome_on"):
            data["outcome_on"] = timezone.localdate()
        return data


class DescribeApplicationForm(forms.Form):
    """A candidate tells us about an application the portal does not list yet."""

    company = forms.CharField(
        label="Company you interviewed with",
        max_length=200,
        error_messages={"required": "Enter the company's name."},
    )
    role_title = forms.CharField(
        label="Role", max_length=200, error_messages={"required": "Enter the role you applied for."}
    )
    stage = forms.ChoiceField(label="Stage you reached", choices=Application.Stage.choices)
    interviewed_on = forms.DateField(
        label="Date of your last interview (optional)",
        required=False,
        widget=DateInput,
        error_messages={"invalid": "Enter a date, like 2026-11-20."},
    )
    outcome = forms.ChoiceField(
        label="What you heard",
        choices=[(o.value, o.label) for o in Application.NEGATIVE_OUTCOMES],
    )

    def __init__(self, *args, contact_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_email = contact_email

    def clean_company(self):
        name = self.cleaned_data["company"].strip()
        client = Client.objects.filter(name__iexact=name).first()
        if client is None:
            contact = f" or write to {self.contact_email}" if self.contact_email else ""
            raise forms.ValidationError(
                f"We can’t find “{name}” among the companies we recruit for. "
                f"Check the spelling as the company writes it{contact}."
            )
        self.client = client
        return name

    def clean_interviewed_on(self):
        return _not_in_future(self.cleaned_data.get("interviewed_on"), "interview date")


class OutcomeForm(forms.Form):
    """How an application ended, recorded by the recruiter."""

    outcome = forms.ChoiceField(label="Outcome", choices=Application.Outcome.choices)
    outcome_on = forms.DateField(
        label="Date of the outcome (today if empty)",
        required=False,
        widget=DateInput,
        error_messages={"invalid": "Enter a date, like 2026-11-20."},
    )
    invite = forms.BooleanField(
        label="E-mail the candidate that they can ask for feedback (when turned down)",
        required=False,
        initial=True,
    )

    def clean_outcome_on(self):
        return _not_in_future(self.cleaned_data.get("outcome_on"), "outcome date")
