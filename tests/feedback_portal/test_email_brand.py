"""Every e-mail comes from the agency by name and ends with its sign-off: the portal's own (the outbox)
and allauth's (sent straight through Django's backend), in text and HTML alike."""

from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail as django_mail

from feedback_portal import mail
from feedback_portal.models import PortalSettings
from requests_app import emails

pytestmark = pytest.mark.django_db

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"


@pytest.fixture
def southwind():
    portal = PortalSettings.load()
    portal.agency_name = "Southwind Careers"
    portal.agency_contact_email = "help@southwind.test"
    portal.sign_off = "Warm wishes, the Southwind team"
    portal.brand_colour = "#8a1538"
    portal.save()
    return PortalSettings.load()


def sent_from(message) -> tuple[str, str]:
    """The From header as the reader's mail program shows it: display name and address."""
    parsed = message_from_bytes(message.message().as_bytes(), policy=default_policy)
    address = parsed["From"].addresses[0]
    return address.display_name, address.addr_spec


def test_the_portals_emails_come_from_the_agency_by_name_and_end_with_its_sign_off(
    southwind, feedback_request_factory, django_capture_on_commit_callbacks
):
    feedback_request = feedback_request_factory()

    with django_capture_on_commit_callbacks(execute=True):
        mail.queue(emails.REQUEST_RECEIVED, to="cas@example.test", about=feedback_request)

    [message] = django_mail.outbox
    assert sent_from(message) == ("Southwind Careers", "feedback@portal.test")
    assert message.body.rstrip().endswith(
        "Warm wishes, the Southwind team\nSouthwind Careers · help@southwind.test"
    )
    html = message.alternatives[0].content
    assert "Southwind Careers</p>" in html  # the header
    assert "border-bottom: 3px solid #8a1538" in html
    assert "background: #8a1538" in html  # the button
    assert "Warm wishes, the Southwind team<br>Southwind Careers" in html


def test_a_name_with_accents_and_punctuation_reaches_the_reader_as_written(
    southwind, feedback_request_factory, django_capture_on_commit_callbacks
):
    southwind.agency_name = "Nordström & Söhne, Talent"
    southwind.save()

    with django_capture_on_commit_callbacks(execute=True):
        mail.queue(emails.REQUEST_RECEIVED, to="cas@example.test", about=feedback_request_factory())

    assert sent_from(django_mail.outbox[0]) == ("Nordström & Söhne, Talent", "feedback@portal.test")


def test_the_agency_logo_heads_the_html_email_from_the_portals_address(
    southwind, feedback_request_factory, django_capture_on_commit_callbacks
):
    southwind.set_logo(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    southwind.save()

    with django_capture_on_commit_callbacks(execute=True):
        mail.queue(emails.REQUEST_RECEIVED, to="cas@example.test", about=feedback_request_factory())

    html = django_mail.outbox[0].alternatives[0].content
    assert f'<img src="{settings.SITE_URL}{PortalSettings.load().logo_url}" alt=""' in html


def test_allauths_password_reset_comes_from_the_agency_in_text_and_html(southwind, client, candidate):
    response = client.post("/accounts/password/reset/", {"email": candidate.email})

    assert response.status_code == 302
    [message] = django_mail.outbox
    assert sent_from(message) == ("Southwind Careers", "feedback@portal.test")
    assert message.subject == "Reset your password"
    assert message.body.startswith(f"Hello {candidate.name},")
    assert "/accounts/password/reset/key/" in message.body
    assert message.body.rstrip().endswith(
        "Warm wishes, the Southwind team\nSouthwind Careers · help@southwind.test"
    )
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "Choose a new password</a>" in html
    assert "Southwind Careers</p>" in html and "Warm wishes, the Southwind team<br>" in html


def test_allauths_sign_up_code_comes_from_the_agency_too(southwind, client):
    client.post(
        "/accounts/signup/",
        {
            "name": "Nia Newcomer",
            "email": "nia@example.test",
            "password1": "a-long-new-password-2026",
            "password2": "a-long-new-password-2026",
        },
    )

    [message] = django_mail.outbox
    assert sent_from(message) == ("Southwind Careers", "feedback@portal.test")
    assert message.subject == "Your code to confirm your e-mail address"
    assert "If you did not sign up with Southwind Careers" in message.body
    assert "If you did not sign up with Southwind Careers" in message.alternatives[0].content


@pytest.mark.parametrize("folder", sorted(p.name for p in EMAILS.iterdir() if p.is_dir()), ids=str)
def test_every_portal_email_uses_the_shared_header_and_sign_off(folder):
    text = (EMAILS / folder / "body.txt").read_text()
    html = (EMAILS / folder / "body.html").read_text()

    assert '{% include "emails/_signature.txt" %}' in text, f"end {folder}/body.txt with the shared sign-off"
    assert html.startswith('{% extends "emails/_base.html" %}'), f"extend emails/_base.html in {folder}"
