"""An e-mail the mail server will not take: retried with a pause, then marked failed on the timeline."""

from datetime import UTC, datetime, timedelta

import pytest

from feedback_portal import mail
from feedback_portal.models import OutboundEmail
from requests_app import emails
from requests_app.models import Event

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def unreachable_smtp(settings, free_port):
    """Django's SMTP backend pointed at a port nothing listens on: connection refused."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def queued_email(submitted_request, time_machine):
    time_machine.move_to(START, tick=False)
    return mail.queue(emails.REQUEST_RECEIVED, to=submitted_request.candidate.email, about=submitted_request)


def test_refused_connection_puts_the_email_back_in_the_queue_with_the_error(unreachable_smtp, queued_email):
    assert not mail.deliver(queued_email.pk, now=START)

    queued_email.refresh_from_db()
    assert queued_email.state == OutboundEmail.State.QUEUED
    assert queued_email.attempts == 1
    assert queued_email.last_error.startswith("ConnectionRefusedError")
    assert queued_email.sent_at is None
    # It waits before the next try: not due now, due once the pause is over.
    assert queued_email.lease_expires_at > START
    assert mail.due_ids(now=START + timedelta(seconds=61)) == []
    assert mail.due_ids(now=queued_email.lease_expires_at) == [queued_email.pk]
    assert not mail.deliver(queued_email.pk, now=queued_email.lease_expires_at - timedelta(seconds=1))
    queued_email.refresh_from_db()
    assert queued_email.attempts == 1


def test_pause_between_tries_grows(unreachable_smtp, queued_email, settings):
    settings.OUTBOUND_EMAIL_MAX_ATTEMPTS = 4
    now = START
    pauses = []
    for _ in range(3):
        assert not mail.deliver(queued_email.pk, now=now)
        queued_email.refresh_from_db()
        pauses.append(queued_email.lease_expires_at - now)
        now = queued_email.lease_expires_at

    assert pauses[0] < pauses[1] < pauses[2]
    assert queued_email.attempts == 3
    assert queued_email.state == OutboundEmail.State.QUEUED


def test_email_fails_after_the_last_attempt_and_the_timeline_says_so(
    unreachable_smtp, queued_email, settings
):
    settings.OUTBOUND_EMAIL_MAX_ATTEMPTS = 3
    now = START
    for attempt in range(1, 3):
        assert not mail.deliver(queued_email.pk, now=now)
        queued_email.refresh_from_db()
        assert (queued_email.state, queued_email.attempts) == (OutboundEmail.State.QUEUED, attempt)
        now = queued_email.lease_expires_at
    assert not Event.objects.filter(kind=Event.Kind.EMAIL_FAILED).exists()

    assert not mail.deliver(queued_email.pk, now=now)

    queued_email.refresh_from_db()
    assert queued_email.state == OutboundEmail.State.FAILED
    assert queued_email.attempts == 3
    assert queued_email.last_error.startswith("ConnectionRefusedError")
    [event] = Event.objects.filter(feedback_request_id=queued_email.about_id, kind="email_failed")
    assert queued_email.to_email in event.message
    assert not event.visible_to_candidate
    # A failed e-mail is never picked up again.
    assert mail.due_ids(now=now + timedelta(days=30)) == []
    assert not mail.deliver(queued_email.pk, now=now + timedelta(days=30))
