"""The recruiter's input on a request: route it, review and release its answer, decline, extend,
and forward or answer the follow-up question."""

from dataclasses import replace

from django import forms

from candidates.models import Client, HiringManager

from .. import safety
from ..models import FeedbackResponse, FollowUp
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
        label="What the manager is asked",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The candidate's questions; reword them if needed. The manager sees this.",
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


class ReleaseForm(SafetyFlagsMixin, forms.Form):
    """The recruiter's reviewed version of an answer, as the candidate will read it.

    The legal-safety check (requests_app.safety) runs on the text as shown or typed. Each flag
    it raises must be edited away or released anyway with a reason (SafetyFlagsMixin); the form
    refuses the release while any is left, and keeps everything typed.
    """

    released_summary = forms.CharField(
        label="Summary for the candidate",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args,
        response: FeedbackResponse,
        terms: list[str],
        comments_expected: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.response = response
        self.answer_list = sorted(response.answers.all(), key=lambda a: a.area_order)
        if not self.is_bound:
            self.fields["released_summary"].initial = response.summary
        for answer in self.answer_list:
            self.fields[f"comment_{answer.area}"] = forms.CharField(
                label=f"{answer.get_area_display()} — {answer.get_rating_display()}",
                required=False,
                max_length=2000,
                initial=answer.comment,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # The check reads what the page shows: the original when first opened, else what was typed.
        self.add_flag_fields(
            safety.check_feedback(
                summary=self["released_summary"].value() or "",
                answers={
                    a.area: (a.rating, self[f"comment_{a.area}"].value() or "") for a in self.answer_list
                },
                terms=terms,
                comments_expected=comments_expected,
            )
        )

    def text_field_name(self, flag: safety.Flag) -> str:
        return "released_summary" if flag.slot == "summary" else f"comment_{flag.slot}"

    def clean(self):
        data = super().clean()
        if unresolved := self.clean_flags(data):
            flags = f"{unresolved} flag needs" if unresolved == 1 else f"{unresolved} flags need"
            self.add_error(
                None,
                f"Not released: {flags} a decision. Edit the flagged words away, or tick "
                "“Release anyway” and give a reason.",
            )
        return data

    def review_rows(self):
        """Each text the candidate will read, with the flags that concern it, for the template."""
        for name in ["released_summary", *(f"comment_{a.area}" for a in self.answer_list)]:
            yield {"field": self[name], "flags": self.flag_rows(name)}

    def released_comments(self) -> dict[str, str]:
        return {a.area: self.cleaned_data.get(f"comment_{a.area}", "") for a in self.answer_list}


class DeclineRequestForm(forms.Form):
    """The recruiter declines (or confirms a manager's decline) with a kind word."""

    message = forms.CharField(
        label="Note for the candidate's timeline",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="The interview team is not able to share detailed feedback this time. "
        "Your recruiter is glad to talk through your next steps.",
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

    The legal-safety check's terms run on it as on released feedback: words it finds must be
    edited away or sent anyway with a reason (SafetyFlagsMixin), and new words need a new decision.
    """

    verb = "Send"
    verb_done = "sent"

    answer = forms.CharField(
        label="Answer for the candidate",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write the answer the candidate will read."},
    )

    def __init__(self, *args, follow_up: FollowUp, terms: list[str], **kwargs):
        kwargs.setdefault("auto_id", "follow_up_%s")
        super().__init__(*args, **kwargs)
        if follow_up.has_team_reply:
            self.fields["answer"].initial = follow_up.reply
        # Only terms: an answer to one question has no rating to be unactionable against. The
        # check names its one place the summary; here (and on the timeline) it is this answer.
        flags = safety.check_feedback(summary=self["answer"].value() or "", answers={}, terms=terms)
        self.add_flag_fields([replace(f, slot="answer", place="Follow-up answer") for f in flags])

    def text_field_name(self, flag: safety.Flag) -> str:
        return "answer"

    def clean(self):
        data = super().clean()
        self.clean_flags(data)
        return data

    def answer_rows(self) -> list[dict]:
        """The answer's flags, for the template (call before rendering the field)."""
        return self.flag_rows("answer")
