"""Kinds of e-mail are names the code imports: a misspelt or unfinished one fails early, not when queued."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from feedback_portal import mail
from feedback_portal.mail import Audience, EmailKind
from feedback_portal.models import OutboundEmail
from requests_app import emails

pytestmark = pytest.mark.django_db


@pytest.fixture
def unfinished_kind():
    """A kind declared without its templates; forgotten again after the test."""
    kind = EmailKind("never_written", Audience.CANDIDATE, lambda email: {})
    yield kind
    mail.KINDS.pop(kind.name)


def test_every_kind_the_apps_declare_has_its_templates():
    call_command("check", fail_level="ERROR")
    assert {"new_request", "manager_request", "feedback_invitation", "recruiter_digest"} <= set(mail.KINDS)


def test_a_kind_without_templates_fails_the_system_check(unfinished_kind):
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", fail_level="ERROR")
    assert "feedback_portal.E001" in str(failed.value)
    assert "The 'never_written' e-mail has no template emails/never_written/subject.txt." in str(failed.value)


def test_two_kinds_cannot_share_a_name():
    with pytest.raises(ImproperlyConfigured, match="Two kinds of e-mail are called 'new_request'"):
        EmailKind("new_request", Audience.RECRUITER, lambda email: {})


def test_queueing_takes_a_kind_not_a_string(feedback_request_factory):
    submitted_request = feedback_request_factory()
    with pytest.raises(TypeError, match="Queue an EmailKind"):
        mail.queue("new_request", to="someone@example.test", about=submitted_request)
    assert not OutboundEmail.objects.filter(to_email="someone@example.test").exists()


def test_queueing_checks_what_the_email_is_about(feedback_request_factory):
    submitted_request = feedback_request_factory()
    with pytest.raises(TypeError, match="A manager_request e-mail is about a Routing"):
        mail.queue(emails.MANAGER_REQUEST, to="someone@example.test", about=submitted_request)


def test_a_stored_email_of_a_kind_no_longer_known_is_cancelled_not_crashed():
    email = OutboundEmail.objects.create(kind="renamed_since", to_email="someone@example.test")

    assert not mail.deliver(email.pk)

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.CANCELLED
    assert email.last_error == "Not sent: the portal no longer knows e-mails of the kind 'renamed_since'"
