"""{% address 'name' %}: {% url %} for an address without arguments, worked out once per process.

Every page's navigation names a dozen addresses; reversing each on every page cost more than
the rest of the navigation together.
"""

import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def address(name: str) -> str:
    return _reversed(name, get_script_prefix(), get_urlconf())


@functools.cache
def _reversed(name: str, prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


@receiver(setting_changed)
def _forget(setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":  # tests that swap the address book
        _reversed.cache_clear()
