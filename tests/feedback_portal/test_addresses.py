"""The navigation's addresses, worked out once per process, are the ones Django reverses."""

from django.template import Context, Template
from django.test import override_settings
from django.urls import path, reverse, set_script_prefix


def render(text: str) -> str:
    return Template("{% load addresses %}" + text).render(Context())


def test_an_address_is_the_one_reverse_gives():
    shown = render("{% address 'requests_app:dashboard' %}")
    assert shown == reverse("requests_app:dashboard") == "/dashboard/"


def test_an_address_follows_the_script_prefix():
    set_script_prefix("/portal/")
    try:
        assert render("{% address 'account' %}") == reverse("account")
        assert reverse("account").startswith("/portal/")
    finally:
        set_script_prefix("/")
    assert not render("{% address 'account' %}").startswith("/portal/")


urlpatterns = [path("elsewhere/", lambda request: None, name="account")]


def test_another_address_book_is_read_afresh():
    before = render("{% address 'account' %}")
    with override_settings(ROOT_URLCONF=__name__):
        assert render("{% address 'account' %}") == "/elsewhere/"
    assert render("{% address 'account' %}") == before
