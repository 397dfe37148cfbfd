"""The hiring manager's input, through their link: the answer, a decline, the follow-up reply.

The recruiter fills in the same ManagerResponseForm after a call.
"""

from django import forms
from django.core.exceptions import ValidationError

from ..models import AREA_PROMPTS, Area, FeedbackResponse, Rating


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

    def __init__(
        self, *args, requested_areas: list[str], allow_comments: bool, questions: list[str] = (), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.allow_comments = allow_comments
        # The candidate's questions, each with its own answer box; a ratings-only client writes
        # no words, so it is not asked them (the page says why).
        self.questions = list(questions) if allow_comments else []
        for number, question in enumerate(self.questions, start=1):
            self.fields[f"answer_{number}"] = forms.CharField(
                # The question is the label (escaped like every label): the box answers it.
                label=f"Question {number}: {question}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
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

    def asked_rows(self):
        """The areas the candidate asked about: open at the top of the page."""
        return [row for row in self.area_rows() if row["requested"]]

    def other_rows(self):
        """The rest, optional: inside one disclosure, opened when one of them has an error."""
        return [row for row in self.area_rows() if not row["requested"]]

    def other_rows_have_errors(self) -> bool:
        return any(
            row["rating"].errors or (row["comment"] is not None and row["comment"].errors)
            for row in self.other_rows()
        )

    def question_rows(self):
        for number, question in enumerate(self.questions, start=1):
            yield {"number": number, "question": question, "answer": self[f"answer_{number}"]}

    def question_answers(self) -> list[dict]:
        """Each question as asked, with the answer written (blank when none)."""
        return [
            {"question": question, "answer": self.cleaned_data.get(f"answer_{number}", "").strip()}
            for number, question in enumerate(self.questions, start=1)
        ]

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
        answered = any(data.get(f"answer_{n}", "").strip() for n in range(1, len(self.questions) + 1))
        if (
            ratings
            and all(r == Rating.NOT_ASSESSED for r in ratings)
            and not data.get("summary")
            and not answered
        ):
            raise ValidationError(
                "Rate at least one area, answer a question or write a summary — or decline at the top "
                "of the page if you cannot give feedback."
            )
        return data


class ManagerDeclineForm(forms.Form):
    """Declining in one step, with a reason."""

    # The candidate is told kindly which it was (requests_app.feedback.decline_explanation).
    REASONS = FeedbackResponse.DeclineReason.choices
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
