"""{% once_field %}: the hidden key that makes a form that changes something act only once."""

from django import template
from django.utils.html import format_html

from .. import once

register = template.Library()


@register.simple_tag
def once_field() -> str:
    """A fresh key for this rendering of the form (see feedback_portal/once.py)."""
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, once.new_key())
