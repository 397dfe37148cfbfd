"""The release checks' flags on a form the candidate will read, each resolved by the recruiter.

A form that shows the candidate's text (the release, a correction, the follow-up answer) runs
the checks on what it shows or was sent, and mixes this in. Each flag of the legal-safety
check (requests_app.safety) gets a "… anyway" box and a reason; each flag of the identity
check (requests_app.identity) is never let through that way: the recruiter edits it away, or
marks it "not a person's name here" (a capitalised everyday word, a public web page). The form
refuses to go through while any flag is unresolved. A box ticked for other words than the
checks find now (the text changed) needs a fresh look. Nothing typed is lost on a refusal.
"""

from django import forms

from ..safety import Acknowledged, Flag, Kind

MARKS = {
    "name": "Not a person's name here",
    "web": "A public page that names no one",
}


class SafetyFlagsMixin:
    """Adds the boxes each flag needs; `clean_flags` in the form's clean()."""

    # The button's verb, in the box's label ("Release anyway") and the messages.
    verb = "Release"
    verb_done = "released"

    def add_flag_fields(self, flags: list[Flag]) -> None:
        """Call in __init__ once the text fields exist and the flags are known."""
        self.flags = flags
        self.stale: set[str] = set()
        for flag in flags:
            where = f"{flag.place}: {flag.label}"
            if flag.kind == Kind.IDENTITY:
                if flag.rule in MARKS:
                    self.fields[f"mark_{flag.key}"] = forms.BooleanField(
                        label=f"{MARKS[flag.rule]} (“{flag.words[0]}” in {flag.place})", required=False
                    )
                box = f"mark_{flag.key}"
            else:
                self.fields[f"ack_{flag.key}"] = forms.BooleanField(
                    label=f"{self.verb} anyway ({where})", required=False
                )
                self.fields[f"reason_{flag.key}"] = forms.CharField(
                    label=f"Why it is fine to {self.verb.lower()} ({where})",
                    required=False,
                    max_length=500,
                    help_text=f"Required when you {self.verb.lower()} anyway. Recruiters see it on the "
                    "timeline; the candidate never does.",
                )
                box = f"ack_{flag.key}"
            # Ticked for other words than the checks find now: that needs a fresh look.
            if self.is_bound and self.data.get(box) and self.data.get(f"seen_{flag.key}") != flag.signature:
                self.stale.add(flag.key)
        if self.stale:
            self.data = self.data.copy()
            for key in self.stale:
                self.data.pop(f"ack_{key}", None)
                self.data.pop(f"mark_{key}", None)

    def text_field_name(self, flag: Flag) -> str:
        """The form's field holding the flagged text."""
        raise NotImplementedError

    def clean_flags(self, data: dict) -> int:
        """Mark every unresolved flag on its field; how many there are."""
        unresolved = 0
        anyway = f"“{self.verb} anyway”"
        for flag in self.flags:
            text = self.text_field_name(flag)
            if flag.key in self.stale:
                unresolved += 1
                self.add_error(
                    text,
                    f"The check found other words since you ticked {anyway}: "
                    "look at them, then tick it again.",
                )
            elif flag.kind == Kind.IDENTITY:
                if not data.get(f"mark_{flag.key}"):
                    unresolved += 1
                    mark = f", or tick “{MARKS[flag.rule]}”" if flag.rule in MARKS else ""
                    self.add_error(
                        text, f"Edit “{flag.words[0]}” away: the candidate must not read it{mark}."
                    )
            elif not data.get(f"ack_{flag.key}"):
                unresolved += 1
                self.add_error(text, f"Edit this text, or tick {anyway} below and say why.")
            elif not data.get(f"reason_{flag.key}", "").strip():
                unresolved += 1
                if f"reason_{flag.key}" not in self.errors:  # e.g. too long: that message says it
                    self.add_error(f"reason_{flag.key}", f"Say why this can be {self.verb_done} as it is.")
        return unresolved

    def flag_rows(self, field_name: str) -> list[dict]:
        """The flags on one text field, with their boxes, for the template.

        Screen readers hear the flags with the field, as they hear its errors.
        """
        flags = [f for f in self.flags if self.text_field_name(f) == field_name]
        rows = [
            {
                "flag": flag,
                "id": f"flag-{flag.key}",
                "ack": self[f"ack_{flag.key}"] if f"ack_{flag.key}" in self.fields else None,
                "reason": self[f"reason_{flag.key}"] if f"reason_{flag.key}" in self.fields else None,
                "mark": self[f"mark_{flag.key}"] if f"mark_{flag.key}" in self.fields else None,
                "seen_name": f"seen_{flag.key}",
            }
            for flag in flags
        ]
        if rows:
            field = self[field_name]
            described = [f"{field.auto_id}_error"] if field.errors else []
            field.field.widget.attrs["aria-describedby"] = " ".join([*described, *(r["id"] for r in rows)])
        return rows

    def acknowledged(self) -> list[Acknowledged]:
        """The flags let through, with why (after validation): a legal flag's reason, or the mark."""
        return [
            Acknowledged(
                flag,
                MARKS[flag.rule]
                if flag.kind == Kind.IDENTITY
                else self.cleaned_data[f"reason_{flag.key}"].strip(),
            )
            for flag in self.flags
        ]
