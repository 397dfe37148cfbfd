"""Widgets the portal renders often enough for their cost to matter."""

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
