"""The recruiter's release and correction of an answer: the text the candidate will read.

The release checks run on the text as shown or typed: the legal-safety check (requests_app.safety)
and the identity check (requests_app.identity). Each flag must be edited away or resolved on
the form (SafetyFlagsMixin); the form refuses to go through while any is left, and keeps
everything typed. `draft()` is the text as the candidate's page would show it, for the preview;
`text_signature()` names that text, so what is sent is what was previewed.
"""

import copy
import hashlib
import json

from django import forms
from django.utils.html import escape

from .. import identity, safety
from ..feedback import Released, Step, library_steps
from ..models import FeedbackResponse
from .next_steps import NextStepsMixin
from .safety import SafetyFlagsMixin


class ReleaseForm(NextStepsMixin, SafetyFlagsMixin, forms.Form):
    """The recruiter's reviewed version of an answer, as the candidate will read it."""

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
        terms: list[safety.Term],
        names: list[str] = (),
        comments_expected: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.response = response
        self.names = list(names)
        self.answer_list = sorted(response.answers.all(), key=lambda a: a.area_order)
        if not self.is_bound:
            self.fields["released_summary"].initial = self.starting_summary()
        for answer in self.answer_list:
            self.fields[f"comment_{answer.area}"] = forms.CharField(
                label=f"{answer.get_area_display()} — {answer.get_rating_display()}",
                required=False,
                max_length=2000,
                initial=self.starting_comment(answer),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # --- The candidate's questions, each with its answer (an edit the candidate reads).
        self.question_list = [pair.get("question", "") for pair in response.question_answers]
        for number, pair in enumerate(response.question_answers, start=1):
            self.fields[f"answer_{number}"] = forms.CharField(
                label=f"Answer to question {number}",
                required=False,
                max_length=2000,
                initial=self.starting_answer(number - 1),
                widget=forms.Textarea(attrs={"rows": 2}),
                # Hints are rendered as HTML: the candidate's words are escaped first.
                help_text=escape(f"The candidate asked: {pair.get('question', '')}"),
            )
        # --- end of the questions' fields
        self.add_step_fields()  # next steps, per rated area (forms/next_steps.py)
        # The checks read what the page shows: the starting text when first opened, else what was typed.
        texts = self.texts()
        flags = safety.check_feedback(
            summary=texts["summary"],
            answers={a.area: (a.rating, texts[a.area]) for a in self.answer_list},
            terms=terms,
            comments_expected=comments_expected,
        )
        places = [("summary", "Summary"), *((a.area, a.get_area_display()) for a in self.answer_list)]
        for slot, place in self._answer_places():
            flags += safety.check_text(slot=slot, place=place, text=texts[slot], terms=terms)
        for slot, place in [*places, *self._answer_places()]:
            flags += identity.flags(slot, place, texts[slot], names)
        flags += self.step_flags(terms, names)
        self.add_flag_fields(flags)

    def starting_summary(self) -> str:
        """The text the editor starts from: the original answer, for the recruiter to review."""
        return self.response.summary

    def starting_comment(self, answer) -> str:
        return answer.comment

    def starting_answer(self, index: int) -> str:
        return self.response.question_answers[index].get("answer", "")

    def _answer_places(self) -> list[tuple[str, str]]:
        return [(f"question_{n}", f"Answer to question {n}") for n in range(1, len(self.question_list) + 1)]

    def starting_steps(self) -> dict[str, list[Step]]:
        """The library's steps for each area's rating, for the recruiter to pick from."""
        return library_steps(self.answer_list)

    def texts(self) -> dict[str, str]:
        """The text as shown or typed, by place: "summary" and each area."""
        texts = {"summary": self["released_summary"].value() or ""}
        for answer in self.answer_list:
            texts[answer.area] = self[f"comment_{answer.area}"].value() or ""
        for slot, _ in self._answer_places():
            texts[slot] = self[slot.replace("question_", "answer_")].value() or ""
        return texts

    def text_signature(self) -> str:
        """Names this text exactly, so that what is sent can be checked against what was previewed."""
        shown = {**self.texts(), "next_steps": self.picked_steps()}
        return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:32]

    def draft(self, corrected_at=None) -> Released:
        """The text as the candidate's page will show it."""
        texts, steps = self.texts(), self.picked_steps()
        answers = []
        for answer in self.answer_list:
            shown = copy.copy(answer)
            shown.released_comment = texts[answer.area].strip()
            shown.released_steps = steps.get(answer.area, [])
            answers.append(shown)
        return Released(
            texts["summary"].strip(), answers, corrected_at, question_answers=self.released_answers()
        )

    def text_field_name(self, flag: safety.Flag) -> str:
        if flag.slot.startswith("question_"):
            return flag.slot.replace("question_", "answer_")
        if flag.slot.startswith("step_"):  # a next step's title or description: the slot is its field
            return flag.slot
        return "released_summary" if flag.slot == "summary" else f"comment_{flag.slot}"

    def clean(self):
        data = super().clean()
        self.clean_steps(data)
        if unresolved := self.clean_flags(data):
            flags = f"{unresolved} flag needs" if unresolved == 1 else f"{unresolved} flags need"
            self.add_error(None, f"Not {self.verb_done}: {flags} a decision. {self.resolve_hint}")
        return data

    resolve_hint = "Edit the flagged words away, or resolve each flag below its text."

    def review_rows(self):
        """Each text the candidate will read, with the flags that concern it, for the template."""
        for name in ["released_summary", *(f"comment_{a.area}" for a in self.answer_list)]:
            yield {"field": self[name], "flags": self.flag_rows(name)}

    def released_comments(self) -> dict[str, str]:
        return {a.area: self.cleaned_data.get(f"comment_{a.area}", "") for a in self.answer_list}

    def answer_rows(self):
        """Each question with its answer's editor and flags (requests_app/_release_answers.html)."""
        for number, question in enumerate(self.question_list, start=1):
            name = f"answer_{number}"
            yield {"number": number, "question": question, "field": self[name], "flags": self.flag_rows(name)}

    def released_answers(self) -> list[dict]:
        """The questions with the answers as shown or typed: what the candidate will read."""
        texts = self.texts()
        return [
            {"question": question, "answer": texts[f"question_{n}"].strip()}
            for n, question in enumerate(self.question_list, start=1)
        ]


class CorrectionForm(ReleaseForm):
    """A correction of the released text: it starts from what the candidate reads now, and says why."""

    verb = "Publish"
    verb_done = "published"

    reason = forms.CharField(
        label="Why is it corrected?",
        max_length=500,
        help_text="For instance: a colleague's name was left in; a typo. Recruiters see it on the "
        "timeline; the candidate never does.",
        error_messages={"required": "Say why the released text is corrected."},
    )
    material = forms.BooleanField(
        label="The meaning changed: e-mail the candidate to read it again",
        required=False,
        help_text="Leave it unticked for a typo: their page says “Updated on …” either way.",
    )

    def starting_summary(self) -> str:
        return self.response.released_summary

    def starting_comment(self, answer) -> str:
        return answer.released_comment

    def starting_answer(self, index: int) -> str:
        released = self.response.released_question_answers
        return released[index].get("answer", "") if index < len(released) else ""

    def starting_steps(self) -> dict[str, list[Step]]:
        """The steps the candidate reads now, as released."""
        return {a.area: [Step.of(kept) for kept in a.released_steps] for a in self.answer_list}
