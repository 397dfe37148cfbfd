"""Widgets of the portal's own: a drop-down quick to render, a date field browsers understand."""

import re

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class ListSelect(forms.Select):
    """A drop-down written in one pass, instead of one template include per option.

    The queue's filters list every client and recruiter on each view of the queue; Django's
    own Select renders each option through its own template, which made the choices the
    largest part of the page's time. The markup is the same: name, attributes (ids,
    aria-invalid, aria-describedby from the form), options with the chosen one selected.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    "" if option["value"] is None else option["value"],
                    mark_safe(" selected") * option["selected"],
                    option["label"],
                )
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class DatePicker(forms.DateInput):
    """A date the browser offers a calendar for (`type="date"`).

    Its value is always written YYYY-MM-DD, the one form such a field accepts (the agency's
    locale would write 01/12/2026, which the browser shows as empty). A value that is not a
    date at all (typed into the address, say) is left out, as the browser would: the field's
    error message says what was wrong with it.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        value = super().format_value(value)
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return None
        return value
