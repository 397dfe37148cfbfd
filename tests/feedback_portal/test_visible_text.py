"""Text reaches pages and e-mails as people read it: nothing typed can reorder or hide it."""

import pytest
from django.core import mail as django_mail

from feedback_portal import mail
from feedback_portal.models import PortalSettings, User
from feedback_portal.text import one_line, visible
from requests_app import emails

RLO, LRI, PDI, ZWSP, BOM = "\u202e", "\u2066", "\u2069", "\u200b", "\ufeff"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (f"Ada{RLO}gpj.exe", "Adagpj.exe"),
        (f"{LRI}Ada{PDI} {ZWSP}Lovelace{BOM}", "Ada Lovelace"),
        ("Ada\x07\x1b[31mLovelace\x7f", "Ada[31mLovelace"),
        ("line one\nline two\tand a tab", "line one\nline two\tand a tab"),
        ("Zoë Ó Súilleabháin-Nguyễn", "Zoë Ó Súilleabháin-Nguyễn"),
        ("👩\u200d💻 می\u200cخواهم", "👩\u200d💻 می\u200cخواهم"),  # joiners that writing needs stay
        ("שלום\u200f Ada", "שלום\u200f Ada"),  # a plain right-to-left mark stays
    ],
)
def test_only_characters_that_reorder_or_hide_text_are_taken_out(typed, read):
    assert visible(typed) == read


def test_one_line_is_what_an_email_header_may_carry():
    assert one_line(f"New request:\n Ada{RLO} Lovelace\r\n") == "New request: Ada Lovelace"


@pytest.mark.django_db
def test_a_name_typed_with_an_override_is_saved_without_it(candidate_client, candidate):
    page = candidate_client.post("/account/", {"name": f"Ada {RLO}ecalevoL"})

    assert page.status_code == 302
    candidate.refresh_from_db()
    assert candidate.name == "Ada ecalevoL"


@pytest.mark.django_db
def test_a_search_with_hidden_characters_finds_what_it_shows(recruiter_client, feedback_request_factory):
    feedback_request_factory(application__candidate_name="Ada Lovelace")

    html = recruiter_client.get("/dashboard/", {"q": f"Love{ZWSP}lace", "view": "all"}).content.decode()

    assert ">Ada Lovelace</a>" in html


@pytest.mark.django_db
def test_a_password_is_used_exactly_as_typed(client, candidate_factory):
    password = f"correct-horse{ZWSP}-battery-2026"
    candidate_factory(email="pat@example.test", password=password)

    page = client.post(
        "/accounts/login/",
        {"login": "pat@example.test", "password": password},
        headers={"Origin": "http://testserver"},
    )

    assert page.status_code == 302 and "/accounts/login/" not in page["Location"]


@pytest.mark.django_db
def test_a_name_stored_before_never_reaches_an_email_header(
    feedback_request_factory, django_capture_on_commit_callbacks
):
    portal = PortalSettings.load()
    portal.agency_name = f"South{RLO}wind\nBcc: someone@example.test"
    portal.save()
    feedback_request = feedback_request_factory(application__candidate_name=f"Ada{RLO} Lovelace\nBcc: x@y.z")

    with django_capture_on_commit_callbacks(execute=True):
        mail.queue(emails.NEW_REQUEST, to="rec@example.test", about=feedback_request)

    [message] = django_mail.outbox
    assert message.subject.startswith("New feedback request: Ada Lovelace Bcc: x@y.z")
    assert RLO not in message.subject and "\n" not in message.subject
    assert message.from_email == '"Southwind Bcc: someone@example.test" <feedback@portal.test>'
    assert message.bcc == []


@pytest.mark.django_db
def test_an_email_to_an_address_not_yet_proved_never_carries_the_name_typed_at_sign_up(client):
    client.post(
        "/accounts/signup/",
        {
            "name": "Visit evil.example to claim a prize",
            "email": "victim@example.test",
            "password1": "a-long-new-password-2026",
            "password2": "a-long-new-password-2026",
        },
    )

    [message] = django_mail.outbox
    assert message.to == ["victim@example.test"]
    assert "evil.example" not in message.body
    assert "evil.example" not in message.alternatives[0].content
    assert message.body.startswith("Hello,")
    assert User.objects.get(email="victim@example.test").name == "Visit evil.example to claim a prize"
