"""The legal-safety check's flags on a form the candidate will read, each resolved by the recruiter.

A form that shows the candidate's text (the release, the follow-up answer) runs the check on
what it shows or was sent, and mixes this in: each flag gets a "… anyway" box and a reason,
and the form refuses to go through while any flag is neither edited away nor acknowledged
with a reason. A box ticked for other words than the check finds now (the text changed) needs
a fresh look. Nothing typed is lost on a refusal.
"""

from django import forms

from ..safety import Acknowledged, Flag


class SafetyFlagsMixin:
    """Adds one "… anyway" box and one reason per flag; `clean_flags` in the form's clean()."""

    # The button's verb, in the box's label ("Release anyway") and the messages.
    verb = "Release"
    verb_done = "released"

    def add_flag_fields(self, flags: list[Flag]) -> None:
        """Call in __init__ once the text fields exist and the flags are known."""
        self.flags = flags
        self.stale: set[str] = set()
        for flag in flags:
            where = f"{flag.place}: {flag.kind.label}"
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
            # Ticked for other words than the check finds now: that needs a fresh look.
            ticked = self.is_bound and self.data.get(f"ack_{flag.key}")
            if ticked and self.data.get(f"seen_{flag.key}") != flag.signature:
                self.stale.add(flag.key)
        if self.stale:
            self.data = self.data.copy()
            for key in self.stale:
                self.data.pop(f"ack_{key}", None)

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
                "ack": self[f"ack_{flag.key}"],
                "reason": self[f"reason_{flag.key}"],
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
        """The flags let through anyway, with their reasons (after validation)."""
        return [Acknowledged(flag, self.cleaned_data[f"reason_{flag.key}"].strip()) for flag in self.flags]
