"""Input for applications, clients and hiring managers, with the messages people see when it is wrong."""

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from feedback_portal.models import PortalSettings, User
from feedback_portal.widgets import DatePicker

from .models import POLICY_FOR_RECRUITERS, Application, Client, HiringManager
from .services import tidy


def _not_in_future(value, what: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"The {what} cannot be in the future.")
    return value


def _check_invitation(form: forms.Form, data: dict) -> None:
    """An invitation to ask for feedback goes out only while the candidate could still ask."""
    if not data.get("invite") or data.get("outcome") not in Application.NEGATIVE_OUTCOMES:
        return
    months = PortalSettings.load().ask_window_months
    ended = Application(outcome=data["outcome"], outcome_on=data.get("outcome_on"))
    if not ended.within_asking_window(today=timezone.localdate(), months=months):
        form.add_error(
            "invite",
            f"Feedback can be asked for up to {months} months after the outcome, so this candidate "
            "could no longer ask. Untick this, or check the date of the outcome.",
        )


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
        widgets = {"interviewed_on": DatePicker, "outcome_on": DatePicker}
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].empty_label = "Choose the client"

    def clean_interviewed_on(self):
        return _not_in_future(self.cleaned_data.get("interviewed_on"), "interview date")

    def clean_outcome_on(self):
        return _not_in_future(self.cleaned_data.get("outcome_on"), "outcome date")

    def clean(self):
        data = super().clean()
        if data.get("outcome") in Application.NEGATIVE_OUTCOMES and not data.get("outcome_on"):
            data["outcome_on"] = timezone.localdate()
        _check_invitation(self, data)
        return data


class DescribeApplicationForm(forms.Form):
    """A candidate tells us about an application the portal does not list yet."""

    company = forms.CharField(
        label="Company you interviewed with",
        help_text="As you know it: your recruiter checks the details.",
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
        widget=DatePicker,
        error_messages={"invalid": "Enter a date, like 2026-11-20."},
    )
    outcome = forms.ChoiceField(
        label="What you heard",
        choices=[(o.value, o.label) for o in Application.NEGATIVE_OUTCOMES],
    )

    def clean_company(self):
        # Any name is accepted as written: the service matches it to a client, or leaves it for
        # the recruiter to confirm. Saying here whether it matched would reveal the client list.
        return tidy(self.cleaned_data["company"])

    def clean_interviewed_on(self):
        return _not_in_future(self.cleaned_data.get("interviewed_on"), "interview date")


class OutcomeForm(forms.Form):
    """How an application ended, recorded by the recruiter."""

    outcome = forms.ChoiceField(label="Outcome", choices=Application.Outcome.choices)
    outcome_on = forms.DateField(
        label="Date of the outcome (today if empty)",
        required=False,
        widget=DatePicker,
        error_messages={"invalid": "Enter a date, like 2026-11-20."},
    )
    invite = forms.BooleanField(
        label="E-mail the candidate that they can ask for feedback (when turned down)",
        required=False,
        initial=True,
    )

    def clean_outcome_on(self):
        return _not_in_future(self.cleaned_data.get("outcome_on"), "outcome date")

    def clean(self):
        data = super().clean()
        _check_invitation(self, data)
        return data


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user.name} ({user.email})" if user.name else user.email


class ClientForm(forms.Form):
    """A client's name, owning recruiter and feedback policy, for adding or editing it."""

    name = forms.CharField(
        label="Client's name",
        max_length=Client._meta.get_field("name").max_length,
        help_text="As the company writes it: candidates find it by this name.",
        error_messages={
            "required": "Enter the client's name.",
            "max_length": "Keep the name to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )
    owner = OwnerChoiceField(
        label="Owning recruiter",
        queryset=User.objects.none(),
        empty_label="Choose a recruiter",
        help_text="They get the e-mails about this client's new requests.",
        error_messages={
            "required": "Choose the recruiter who owns this client.",
            "invalid_choice": "Choose one of the agency's recruiters.",
        },
    )
    feedback_policy = forms.ChoiceField(
        label="Feedback policy",
        widget=forms.RadioSelect,
        choices=[
            (value, format_html('{}<br><span class="muted">{}</span>', label, POLICY_FOR_RECRUITERS[value]))
            for value, label in Client.FeedbackPolicy.choices
        ],
        error_messages={
            "required": "Choose the client's feedback policy.",
            "invalid_choice": "Choose one of the three policies.",
        },
    )

    def __init__(self, *args, client: Client | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        # Recruiters and admins (admins are recruiters too) who can still sign in.
        self.fields["owner"].queryset = User.objects.filter(
            role__in=[User.Role.RECRUITER, User.Role.ADMIN], is_active=True
        ).order_by("name", "email")

    def clean_name(self):
        # Tidied as the service stores it, so the check compares what would be stored.
        name = tidy(self.cleaned_data["name"])
        others = Client.objects.named(name)
        if self.client is not None:
            others = others.exclude(pk=self.client.pk)
        if others.exists():
            raise forms.ValidationError(self.name_taken_message(name))
        return name

    @staticmethod
    def name_taken_message(name: str) -> str:
        return f"There is already a client called “{name}” (names are compared ignoring capitals)."


class HiringManagerForm(forms.Form):
    """A contact at the client: who they are and where their feedback links go."""

    name = forms.CharField(
        label="Name",
        max_length=HiringManager._meta.get_field("name").max_length,
        error_messages={
            "required": "Enter the hiring manager's name.",
            "max_length": "Keep the name to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )
    email = forms.EmailField(
        label="E-mail",
        max_length=HiringManager._meta.get_field("email").max_length,
        help_text="Their personal feedback links are sent here.",
        error_messages={
            "required": "Enter the hiring manager's e-mail address.",
            "invalid": "Enter a valid e-mail address, like name@example.com.",
            "max_length": "Keep the address to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )
    title = forms.CharField(
        label="Job title (optional)",
        required=False,
        max_length=HiringManager._meta.get_field("title").max_length,
        error_messages={
            "max_length": "Keep the title to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )

    def __init__(self, *args, client: Client, manager: HiringManager | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.manager = manager

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = self.client.hiring_managers.with_email(email)
        if self.manager is not None:
            others = others.exclude(pk=self.manager.pk)
        existing = others.first()
        if existing is not None:
            raise forms.ValidationError(self.email_taken_message(email, existing))
        return email

    def email_taken_message(self, email: str, existing: HiringManager | None = None) -> str:
        message = f"{email} is already a hiring manager at {self.client.name}"
        if existing is not None and not existing.is_active:
            return f"{message} ({existing.name}, deactivated): reactivate them in the list instead."
        return f"{message}."


class InterviewersForm(forms.Form):
    """Who interviewed the candidate: names the release check looks for in feedback."""

    interviewers = forms.CharField(
        label="Who interviewed the candidate",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One name per line. Before the candidate reads any feedback, the portal checks it "
        "names none of them, nor any hiring manager of the client.",
        error_messages={"max_length": "Keep the list to %(limit_value)d characters (it has %(show_value)d)."},
    )

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault("initial", {"interviewers": application.interviewers})
        super().__init__(*args, **kwargs)
