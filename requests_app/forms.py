"""Input for feedback requests, with the messages people see when it is wrong."""

from dataclasses import replace

from django import forms
from django.core.exceptions import ValidationError

from candidates.models import Client, HiringManager

from . import safety
from .models import AREA_PROMPTS, Area, FeedbackRequest, FeedbackResponse, FollowUp, Rating

SELF_RATING_CHOICES = [("", "Prefer not to say"), *Rating.choices]


class FeedbackRequestForm(forms.Form):
    """The candidate's ask: the areas, an optional self-assessment, their questions."""

    areas = forms.MultipleChoiceField(
        label="Which areas would you most like feedback on?",
        choices=Area.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one area you would like feedback on."},
    )
    questions = forms.CharField(
        label="Your questions for the interview team (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example: “Was my portfolio the right level of detail?”",
    )
    consent_to_forward = forms.BooleanField(
        label="Pass my questions to the interview team (your recruiter may reword them).",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for area in Area:
            self.fields[f"self_{area.value}"] = forms.ChoiceField(
                label=f"{area.label} (your rating)", choices=SELF_RATING_CHOICES, required=False
            )

    def self_assessment_fields(self):
        return [self[f"self_{area.value}"] for area in Area]

    def clean(self):
        data = super().clean()
        if data.get("questions", "").strip() and not data.get("consent_to_forward"):
            self.add_error(
                "consent_to_forward",
                "Tick this box so we may pass your questions on, or leave the questions empty.",
            )
        return data

    def self_assessment(self) -> dict[str, str]:
        return {
            area.value: self.cleaned_data[f"self_{area.value}"]
            for area in Area
            if self.cleaned_data.get(f"self_{area.value}")
        }


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


class ManagerResponseForm(forms.Form):
    """The hiring manager's answer, one rating (and comment, if policy allows) per area."""

    summary = forms.CharField(
        label="Overall, what should the candidate work on?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consider_for_other_roles = forms.ChoiceField(
        label="Would you consider them for other roles?",
        choices=[("", "Rather not say"), *FeedbackResponse.Consider.choices],
        required=False,
    )

    def __init__(self, *args, requested_areas: list[str], allow_comments: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_comments = allow_comments
        self.rows = []
        for area in Area:
            rating = forms.ChoiceField(
                label=area.label,
                choices=Rating.choices,
                widget=forms.RadioSelect,
                initial=Rating.NOT_ASSESSED,
                error_messages={"required": f"Choose a rating for {area.label.lower()}."},
            )
            self.fields[f"rating_{area.value}"] = rating
            if allow_comments:
                self.fields[f"comment_{area.value}"] = forms.CharField(
                    label=f"Your comment on {area.label}",
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=AREA_PROMPTS[area],
                )
        if not allow_comments:
            del self.fields["summary"]
        self.requested_areas = requested_areas

    def area_rows(self):
        # The areas the candidate asked about come first: the busy manager starts there.
        for area in sorted(Area, key=lambda a: a.value not in self.requested_areas):
            yield {
                "area": area,
                "requested": area.value in self.requested_areas,
                "rating": self[f"rating_{area.value}"],
                "comment": self[f"comment_{area.value}"] if self.allow_comments else None,
            }

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            area.value: (
                self.cleaned_data[f"rating_{area.value}"],
                self.cleaned_data.get(f"comment_{area.value}", ""),
            )
            for area in Area
        }

    def clean(self):
        data = super().clean()
        ratings = [data.get(f"rating_{area.value}") for area in Area]
        if ratings and all(r == Rating.NOT_ASSESSED for r in ratings) and not data.get("summary"):
            raise ValidationError(
                "Rate at least one area or write a summary — or decline below if you cannot give feedback."
            )
        return data


class ManagerDeclineForm(forms.Form):
    """Declining in one step, with a reason."""

    REASONS = [
        ("policy", "Our company policy does not allow detailed feedback"),
        ("not_enough", "I did not see enough of the candidate to comment"),
        ("other", "Another reason"),
    ]
    reason = forms.ChoiceField(label="Reason", choices=REASONS, initial="policy")
    detail = forms.CharField(
        label="Anything to add (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def reason_text(self) -> str:
        label = dict(self.REASONS)[self.cleaned_data["reason"]]
        detail = self.cleaned_data.get("detail", "").strip()
        return f"{label}. {detail}".strip() if detail else label


class ReleaseForm(forms.Form):
    """The recruiter's reviewed version of an answer, as the candidate will read it.

    The legal-safety check (safety.py) runs on the text as shown or typed. Each flag it
    raises must be edited away or released anyway with a reason; the form refuses the
    release while any is left, and keeps everything typed.
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
        self.answer_list = list(response.answers.all())
        self.answer_list.sort(key=lambda a: a.area_order)
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
        self.flags = safety.check_feedback(
            summary=self["released_summary"].value() or "",
            answers={a.area: (a.rating, self[f"comment_{a.area}"].value() or "") for a in self.answer_list},
            terms=terms,
            comments_expected=comments_expected,
        )
        self.stale: set[str] = set()
        for flag in self.flags:
            self.fields[f"ack_{flag.key}"] = forms.BooleanField(
                label=f"Release anyway ({flag.place}: {flag.kind.label})", required=False
            )
            self.fields[f"reason_{flag.key}"] = forms.CharField(
                label=f"Why it is fine to release ({flag.place}: {flag.kind.label})",
                required=False,
                max_length=500,
                help_text="Required when you release anyway. Recruiters see it on the timeline; "
                "the candidate never does.",
            )
            # Ticked for other words than the check finds now: that needs a fresh look.
            ticked = self.is_bound and self.data.get(f"ack_{flag.key}")
            if ticked and self.data.get(f"seen_{flag.key}") != flag.signature:
                self.stale.add(flag.key)
        if self.stale:
            self.data = self.data.copy()
            for key in self.stale:
                self.data.pop(f"ack_{key}", None)

    @staticmethod
    def _text_field(flag: safety.Flag) -> str:
        return "released_summary" if flag.slot == "summary" else f"comment_{flag.slot}"

    def clean(self):
        data = super().clean()
        unresolved = 0
        for flag in self.flags:
            reason = data.get(f"reason_{flag.key}", "").strip()
            if flag.key in self.stale:
                unresolved += 1
                self.add_error(
                    self._text_field(flag),
                    "The check found other words since you ticked “Release anyway”: "
                    "look at them, then tick it again.",
                )
            elif not data.get(f"ack_{flag.key}"):
                unresolved += 1
                self.add_error(
                    self._text_field(flag),
                    "Edit this text, or tick “Release anyway” below and say why.",
                )
            elif not reason:
                unresolved += 1
                if f"reason_{flag.key}" not in self.errors:  # e.g. too long: that message says it
                    self.add_error(f"reason_{flag.key}", "Say why this can be released as it is.")
        if unresolved:
            flags = f"{unresolved} flag needs" if unresolved == 1 else f"{unresolved} flags need"
            self.add_error(
                None,
                f"Not released: {flags} a decision. Edit the flagged words away, or tick "
                "“Release anyway” and give a reason.",
            )
        return data

    def review_rows(self):
        """Each text the candidate will read, with the flags that concern it, for the template."""
        by_field: dict[str, list[safety.Flag]] = {}
        for flag in self.flags:
            by_field.setdefault(self._text_field(flag), []).append(flag)
        for name in ["released_summary", *(f"comment_{a.area}" for a in self.answer_list)]:
            field = self[name]
            flags = [
                {
                    "flag": flag,
                    "id": f"flag-{flag.key}",
                    "ack": self[f"ack_{flag.key}"],
                    "reason": self[f"reason_{flag.key}"],
                    "seen_name": f"seen_{flag.key}",
                }
                for flag in by_field.get(name, [])
            ]
            if flags:
                # Screen readers hear the flags with the field, as they hear its errors.
                described = [f"{field.auto_id}_error"] if field.errors else []
                field.field.widget.attrs["aria-describedby"] = " ".join(
                    [*described, *(f["id"] for f in flags)]
                )
            yield {"field": field, "flags": flags}

    def released_comments(self) -> dict[str, str]:
        return {a.area: self.cleaned_data.get(f"comment_{a.area}", "") for a in self.answer_list}

    def acknowledged(self) -> list[safety.Acknowledged]:
        """The flags released anyway, with their reasons (after validation)."""
        return [
            safety.Acknowledged(flag, self.cleaned_data[f"reason_{flag.key}"].strip()) for flag in self.flags
        ]


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


class AcknowledgeForm(forms.Form):
    """The candidate closes their request, saying how useful the feedback was."""

    usefulness = forms.ChoiceField(
        label="How useful was this feedback?",
        choices=FeedbackRequest._meta.get_field("usefulness").choices,
        widget=forms.RadioSelect,
        required=False,
    )


# --- The follow-up question ---------------------------------------------------------------


class FollowUpQuestionForm(forms.Form):
    """The candidate's one follow-up question on their released feedback."""

    question = forms.CharField(
        label="Your follow-up question",
        max_length=FollowUp.QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="You can ask one question about this feedback. Your recruiter answers it or passes "
        "it to the interview team.",
        error_messages={"required": "Write your question before sending it."},
    )

    def __init__(self, *args, **kwargs):
        # The acknowledge form shares the page: ids stay apart.
        kwargs.setdefault("auto_id", "follow_up_%s")
        super().__init__(*args, **kwargs)


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


class FollowUpAnswerForm(forms.Form):
    """The answer the candidate will read: the recruiter's own, or their review of the manager's reply.

    The legal-safety check's terms run on it as on released feedback (safety.py): words it finds
    must be edited away or sent anyway with a reason, and new words need a new decision.
    """

    answer = forms.CharField(
        label="Answer for the candidate",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write the answer the candidate will read."},
    )

    def __init__(self, *args, follow_up: FollowUp, terms: list[str], **kwargs):
        kwargs.setdefault("auto_id", "follow_up_%s")
        super().__init__(*args, **kwargs)
        if follow_up.state == FollowUp.State.REPLIED and not follow_up.reply_declined:
            self.fields["answer"].initial = follow_up.reply
        # Only terms: an answer to one question has no rating to be unactionable against. The
        # check names its one place "Summary"; here (and on the timeline) it is this answer.
        flags = safety.check_feedback(summary=self["answer"].value() or "", answers={}, terms=terms)
        self.flag = replace(flags[0], place="Follow-up answer") if flags else None
        self.stale = False
        if self.flag:
            self.fields["ack"] = forms.BooleanField(
                label=f"Send anyway ({self.flag.kind.label})", required=False
            )
            self.fields["reason"] = forms.CharField(
                label="Why it is fine to send",
                required=False,
                max_length=500,
                help_text="Required when you send anyway. Recruiters see it on the timeline; "
                "the candidate never does.",
            )
            # Ticked for other words than the check finds now: that needs a fresh look.
            if self.is_bound and self.data.get("ack") and self.data.get("seen") != self.flag.signature:
                self.stale = True
                self.data = self.data.copy()
                self.data.pop("ack", None)

    def clean(self):
        data = super().clean()
        if not self.flag:
            return data
        if self.stale:
            self.add_error(
                "answer",
                "The check found other words since you ticked “Send anyway”: "
                "look at them, then tick it again.",
            )
        elif not data.get("ack"):
            self.add_error("answer", "Edit this text, or tick “Send anyway” below and say why.")
        elif not data.get("reason", "").strip() and "reason" not in self.errors:
            self.add_error("reason", "Say why this can be sent as it is.")
        return data

    def answer_field(self) -> forms.BoundField:
        """The answer's field for the template; screen readers hear the flag with it, as its errors."""
        field = self["answer"]
        if self.flag:
            described = [f"{field.auto_id}_error"] if field.errors else []
            field.field.widget.attrs["aria-describedby"] = " ".join([*described, "flag-follow-up"])
        return field

    def acknowledged(self) -> list[safety.Acknowledged]:
        """The flag sent anyway, with its reason (after validation)."""
        if not self.flag:
            return []
        return [safety.Acknowledged(self.flag, self.cleaned_data["reason"].strip())]


class ManagerFollowUpForm(forms.Form):
    """The hiring manager's reply to the follow-up question: one text box."""

    reply = forms.CharField(
        label="Your answer",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write a few lines — or decline below if you cannot add more."},
    )


class ManagerFollowUpDeclineForm(ManagerDeclineForm):
    """Declining the follow-up in one step; the recruiter then answers the candidate."""

    REASONS = [("nothing_to_add", "I have nothing to add to my feedback"), *ManagerDeclineForm.REASONS]
    reason = forms.ChoiceField(label="Reason", choices=REASONS, initial="nothing_to_add")
