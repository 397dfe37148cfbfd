"""The candidate's input: the ask, closing the request, the one follow-up question."""

from django import forms

from ..models import Area, FeedbackRequest, FollowUp, Rating

# The shared scale, in the candidate's words: "Not assessed" is their choice not to say. Only
# the label differs; the value stored is the scale's own, so analytics compare like with like.
SELF_RATING_CHOICES = [
    (Rating.NOT_ASSESSED.value, "Prefer not to say"),
    *((r.value, r.label) for r in Rating if r != Rating.NOT_ASSESSED),
]


QUESTION_FIELDS = ("question_1", "question_2", "question_3")
QUESTION_MAX_LENGTH = 1000


class FeedbackRequestForm(forms.Form):
    """The candidate's ask: the areas, an optional self-assessment, their questions."""

    areas = forms.MultipleChoiceField(
        label="Which areas would you most like feedback on?",
        choices=Area.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one area you would like feedback on."},
    )
    # Up to three questions, each its own field, so the manager answers each in its own box.
    question_1 = forms.CharField(
        label="Question 1 (optional)",
        required=False,
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: “Was my portfolio the right level of detail?”",
    )
    question_2 = forms.CharField(
        label="Question 2 (optional)",
        required=False,
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    question_3 = forms.CharField(
        label="Question 3 (optional)",
        required=False,
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Asked only about questions: the page puts it right under them, and without questions
    # there is nothing to pass on, so clean() stores no consent.
    consent_to_forward = forms.BooleanField(
        label="Pass my questions to the interview team (your recruiter reads them first).",
        required=False,
        help_text="Only if you wrote questions above.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for area in Area:
            self.fields[f"self_{area.value}"] = forms.ChoiceField(
                label=f"{area.label} (your rating)",
                choices=SELF_RATING_CHOICES,
                initial=Rating.NOT_ASSESSED,
                required=False,
            )

    def self_assessment_fields(self):
        return [self[f"self_{area.value}"] for area in Area]

    def question_fields(self):
        return [self[name] for name in QUESTION_FIELDS]

    def question_list(self) -> list[str]:
        """The questions written, in order, blank ones left out."""
        return [q.strip() for q in (self.cleaned_data.get(name, "") for name in QUESTION_FIELDS) if q.strip()]

    def clean(self):
        data = super().clean()
        if not self.question_list():
            data["consent_to_forward"] = False  # consent to pass on nothing means nothing
        elif not data.get("consent_to_forward"):
            self.add_error(
                "consent_to_forward",
                "Tick this box so we may pass your questions on, or leave the questions empty.",
            )
        return data

    def self_assessment(self) -> dict[str, str]:
        return {
            area.value: self.cleaned_data[f"self_{area.value}"]
            for area in Area
            # "Prefer not to say" (or nothing chosen) is no self-assessment: nothing to store.
            if self.cleaned_data.get(f"self_{area.value}") not in ("", None, Rating.NOT_ASSESSED)
        }


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
