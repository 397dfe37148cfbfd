"""The recruiter's input on a request: route it, decline, extend, and forward or answer the
follow-up question. (Release and correction: forms/release.py.)"""

from dataclasses import replace

from django import forms

from candidates.models import HOLDING_CLIENT_NAME, Application, Client, HiringManager

from .. import identity, safety
from ..models import FollowUp
from .safety import SafetyFlagsMixin


class RouteForm(forms.Form):
    """The recruiter sends the request to one of the client's hiring managers."""

    hiring_manager = forms.ModelChoiceField(
        queryset=HiringManager.objects.none(),
        label="Hiring manager",
        empty_label="Choose a hiring manager",
        error_messages={"required": "Choose the hiring manager to ask."},
    )
    message = forms.CharField(
        label="A note for the manager (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The manager sees it above the form. The candidate's questions are shown to them "
        "separately, each with its own answer box.",
    )
    expires_in_days = forms.IntegerField(
        label="Link works for (days)",
        min_value=1,
        max_value=60,
        error_messages={
            "min_value": "The link must work for at least 1 day.",
            "max_value": "The link can work for at most 60 days.",
            "invalid": "Enter a whole number of days.",
            "required": "Say how many days the link should work.",
        },
    )

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hiring_manager"].queryset = client.hiring_managers.filter(is_active=True)


class DeclineRequestForm(forms.Form):
    """The recruiter declines (or confirms a manager's decline) with a kind word."""

    message = forms.CharField(
        label="Note for the candidate's timeline",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        # In the recruiter's own voice: the page and the e-mail give the reason first, kindly
        # (feedback.decline_explanation), then this note.
        initial="I'm sorry there is no more to share this time. I'd be glad to talk through your "
        "interview and what to try next.",
        help_text="The candidate reads it on their page and in the e-mail, after the reason the "
        "interview team gave, in kind words.",
        error_messages={"required": "Write a short note for the candidate."},
    )

    def __init__(self, *args, **kwargs):
        # The route form on the same page has a "message" field too: ids must stay unique.
        kwargs.setdefault("auto_id", "decline_%s")
        super().__init__(*args, **kwargs)


class ExtendForm(forms.Form):
    """More time for the hiring manager on the same link."""

    days = forms.IntegerField(
        label="Extend the link by (days)",
        min_value=1,
        max_value=60,
        initial=7,
        error_messages={
            "min_value": "Extend by at least 1 day.",
            "max_value": "Extend by at most 60 days.",
            "invalid": "Enter a whole number of days.",
            "required": "Say how many days to extend by.",
        },
    )


class FollowUpForwardForm(forms.Form):
    """The recruiter forwards the question to the same hiring manager, perhaps reworded."""

    message = forms.CharField(
        label="What the hiring manager is asked",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The candidate's question; reword it if needed. The manager sees this. "
        "Left empty, the question goes as the candidate asked it.",
    )

    def __init__(self, *args, follow_up: FollowUp, **kwargs):
        kwargs.setdefault("auto_id", "forward_%s")
        super().__init__(*args, **kwargs)
        self.fields["message"].initial = follow_up.question


class FollowUpAnswerForm(SafetyFlagsMixin, forms.Form):
    """The answer the candidate will read: the recruiter's own, or their review of the manager's reply.

    The release checks run on it as on released feedback: legal-safety words must be edited
    away or sent anyway with a reason, names and contact details edited away (SafetyFlagsMixin);
    new words need a new decision.
    """

    verb = "Send"
    verb_done = "sent"

    answer = forms.CharField(
        label="Answer for the candidate",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write the answer the candidate will read."},
    )

    def __init__(self, *args, follow_up: FollowUp, terms: list[safety.Term], names: list[str] = (), **kwargs):
        kwargs.setdefault("auto_id", "follow_up_%s")
        super().__init__(*args, **kwargs)
        if follow_up.has_team_reply:
            self.fields["answer"].initial = follow_up.reply
        # Only terms: an answer to one question has no rating to be unactionable against. The
        # check names its one place the summary; here (and on the timeline) it is this answer.
        text = self["answer"].value() or ""
        flags = safety.check_feedback(summary=text, answers={}, terms=terms)
        flags = [replace(f, slot="answer", place="Follow-up answer") for f in flags]
        self.add_flag_fields([*flags, *identity.flags("answer", "Follow-up answer", text, names)])

    def text_field_name(self, flag: safety.Flag) -> str:
        return "answer"

    def clean(self):
        data = super().clean()
        self.clean_flags(data)
        return data

    def answer_rows(self) -> list[dict]:
        """The answer's flags, for the template (call before rendering the field)."""
        return self.flag_rows("answer")


class ConfirmApplicationForm(forms.Form):
    """The recruiter confirms an application a candidate described, and which client they meant.

    Starts from the client the company's name matched; one that matched none needs choosing.
    """

    client = forms.ModelChoiceField(
        queryset=Client.objects.exclude(name=HOLDING_CLIENT_NAME),
        label="The client they mean",
        empty_label="Choose the client",
        required=False,
        error_messages={"invalid_choice": "Choose one of the agency's clients."},
    )

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault("auto_id", "confirm_%s")
        super().__init__(*args, **kwargs)
        self.application = application
        if not application.client.is_holding:
            self.fields["client"].initial = application.client.pk

    def clean_client(self):
        client = self.cleaned_data["client"]
        if client is None and self.application.client.is_holding:
            raise forms.ValidationError(
                "Choose the client the candidate means — "
                "or decline the request if we do not recruit for them."
            )
        return client
