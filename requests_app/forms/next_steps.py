"""The next steps a release suggests to the candidate, area by area, as the recruiter picks them.

Mixed into the release and correction forms (forms/release.py). Each area the team rated starts
from its suggestions (`starting_steps`: the library's steps for that rating on a release, what
the candidate reads now on a correction): each step can be unticked, its title, description and
link edited, and one step of the recruiter's own added. The release checks read the title and
description of every step that will be sent (`step_flags`), so a name or an e-mail address there
is flagged as anywhere else; a step's own link is a public web page, and is not checked.
"""

import dataclasses

from django import forms
from django.core.exceptions import ValidationError

from .. import identity, safety
from ..feedback import Step
from ..models.areas import http_url

PARTS = ("title", "description")


class WebLinkField(forms.URLField):
    """A link to a public web page: http or https only (Django's own would take ftp), one message."""

    default_validators = [http_url]


def _url_field(where: str) -> forms.URLField:
    return WebLinkField(
        label="Link (optional)",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="A public web page: a course, a practice site, a guide.",
        error_messages={
            "invalid": f"{where}: enter a link starting with https:// (or http://), or leave it empty.",
            "max_length": f"{where}: the link is too long (300 characters at most).",
        },
    )


def _text_fields(where: str, step: Step | None) -> dict[str, forms.Field]:
    return {
        "title": forms.CharField(
            label="Title",
            required=False,
            max_length=100,
            initial=step.title if step else "",
            error_messages={"max_length": f"{where}: keep the title to 100 characters."},
        ),
        "description": forms.CharField(
            label="Description (one line)",
            required=False,
            max_length=200,
            initial=step.description if step else "",
            error_messages={"max_length": f"{where}: keep the description to one line (200 characters)."},
        ),
    }


class NextStepsMixin:
    """Adds each rated area's next steps to a release form; `clean_steps` in the form's clean()."""

    def starting_steps(self) -> dict[str, list[Step]]:
        """The steps each area starts from, by area."""
        raise NotImplementedError

    def add_step_fields(self) -> None:
        """Call in __init__ once `answer_list` is known: the fields of every step, by area."""
        starting = self.starting_steps()
        self.step_slots: list[tuple[object, list[tuple[str, str]]]] = []  # (answer, [(prefix, where)])
        for answer in self.answer_list:
            if not answer.is_assessed:
                continue
            label = answer.get_area_display()
            slots = []
            for number, step in enumerate(starting.get(answer.area, []), start=1):
                prefix, where = f"step_{answer.area}_{number}", f"{label}, step {number}"
                self.fields[f"{prefix}_keep"] = forms.BooleanField(
                    label=f"Suggest “{step.title}”", required=False, initial=True, help_text=step.description
                )
                for part, field in _text_fields(where, step).items():
                    self.fields[f"{prefix}_{part}"] = field
                self.fields[f"{prefix}_url"] = _url_field(where)
                self.fields[f"{prefix}_url"].initial = step.url
                slots.append((prefix, where))
            prefix, where = f"step_{answer.area}_own", f"{label}, your own step"
            for part, field in _text_fields(where, None).items():
                self.fields[f"{prefix}_{part}"] = field
            self.fields[f"{prefix}_url"] = _url_field(where)
            slots.append((prefix, where))
            self.step_slots.append((answer, slots))

    def _sent(self, prefix: str) -> bool:
        """Will this step be sent? A suggested step while ticked; the recruiter's own once it has a title."""
        if prefix.endswith("_own"):
            return bool((self[f"{prefix}_title"].value() or "").strip())
        return bool(self[f"{prefix}_keep"].value())

    def _link(self, prefix: str) -> str:
        """The step's link as typed, or "" when it is no web address (never shown, even in the preview)."""
        try:
            return self.fields[f"{prefix}_url"].clean(self[f"{prefix}_url"].value()) or ""
        except ValidationError:
            return ""

    def picked_steps(self) -> dict[str, list[dict]]:
        """The steps as shown or typed, by area, as the candidate's page will list them."""
        picked = {}
        for answer, slots in self.step_slots:
            picked[answer.area] = [
                Step(
                    (self[f"{prefix}_title"].value() or "").strip(),
                    (self[f"{prefix}_description"].value() or "").strip(),
                    self._link(prefix),
                ).as_dict()
                for prefix, _ in slots
                if self._sent(prefix)
            ]
        return picked

    def step_flags(self, terms: list[safety.Term], names: list[str]) -> list[safety.Flag]:
        """The release checks on the words of every step that will be sent (not their links)."""
        flags = []
        for _, slots in self.step_slots:
            for prefix, where in slots:
                if not self._sent(prefix):
                    continue
                for part in PARTS:
                    name, place = f"{prefix}_{part}", f"{where} ({part})"
                    text = self[name].value() or ""
                    legal = safety.check_feedback(summary=text, answers={}, terms=terms)
                    flags += [dataclasses.replace(flag, slot=name, place=place) for flag in legal]
                    flags += identity.flags(name, place, text, names)
        return flags

    def clean_steps(self, data: dict) -> None:
        """Every step sent has a title; an own step's description or link needs one too."""
        for _, slots in self.step_slots:
            for prefix, where in slots:
                title = (data.get(f"{prefix}_title") or "").strip()
                if title:
                    continue
                if not prefix.endswith("_own"):
                    if data.get(f"{prefix}_keep") and f"{prefix}_title" not in self.errors:
                        self.add_error(f"{prefix}_title", f"{where}: give the step a title, or untick it.")
                elif data.get(f"{prefix}_description") or data.get(f"{prefix}_url"):
                    self.add_error(
                        f"{prefix}_title",
                        f"{where}: give your step a title, or clear its description and link.",
                    )

    def released_steps(self) -> dict[str, list[dict]]:
        """After validation: the steps to send, by area."""
        return self.picked_steps()

    def step_groups(self):
        """Each rated area's steps with their fields and flags, for the template (_release_steps.html)."""
        for answer, slots in self.step_slots:
            rows = []
            for prefix, where in slots:
                fields = {part: self[f"{prefix}_{part}"] for part in (*PARTS, "url")}
                flags = {part: self.flag_rows(f"{prefix}_{part}") for part in PARTS}
                own = prefix.endswith("_own")
                # An own step with anything typed; a suggestion whose words or link were changed.
                typed = any((f.value() or "") != (f.initial or "") for f in fields.values())
                rows.append(
                    {
                        "where": where,
                        "own": own,
                        "keep": None if own else self[f"{prefix}_keep"],
                        "fields": fields,
                        "flags": flags,
                        # Open when there is something to see: an error, a flag, or words typed.
                        "open": any(f.errors for f in fields.values()) or any(flags.values()) or typed,
                    }
                )
            yield {
                "area": answer.get_area_display(),
                "rating": answer.get_rating_display(),
                "id": f"steps-{answer.area}",
                "rows": rows,
            }
