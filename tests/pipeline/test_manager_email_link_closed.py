"""A hiring manager's e-mail whose link closed before it went out is dropped, not sent.

"Withdraw: nobody will be asked about it again" must hold for an e-mail still
in the queue: waiting for its task, or for a retry after the mail server refused it.
"""

from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.utils import timezone

from feedback_portal import mail
from feedback_portal.models import OutboundEmail
from requests_app import emails, services
from requests_app.models import Event, LinkToken, Routing

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(submitted_request, manager):
    """Routed through the service; its e-mail is queued (no commit in a test: no task ran)."""
    routing = services.route_request(
        feedback_request=submitted_request,
        hiring_manager=manager,
        message="Was my SQL answer the problem?",
        actor=submitted_request.application.recruiter,
    )
    return routing, OutboundEmail.objects.get(kind="manager_request", routing=routing)


def withdraw(routing):
    fr = routing.feedback_request
    services.withdraw_request(feedback_request=fr, candidate=fr.candidate)


def reroute(routing):
    fr = routing.feedback_request
    services.route_request(
        feedback_request=fr, hiring_manager=routing.hiring_manager, message="", actor=fr.application.recruiter
    )


def decline(routing):
    fr = routing.feedback_request
    services.decline_request(feedback_request=fr, actor=fr.application.recruiter, message="Sorry.")


def expire(routing):
    Routing.objects.filter(pk=routing.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


@pytest.mark.parametrize("close", [withdraw, reroute, decline, expire])
def test_a_queued_manager_email_is_not_sent_once_its_link_closed(routed, close):
    routing, email = routed
    close(routing)

    assert not mail.deliver(email.pk)

    assert [m for m in outbox.outbox if routing.hiring_manager.email in m.to] == []
    assert not LinkToken.objects.filter(routing=routing).exists()
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.CANCELLED
    assert email.last_error.startswith("Not sent: the hiring manager's link closed")
    # Dropped for good: no sweep picks it up again.
    assert email.pk not in mail.due_ids(now=timezone.now() + timedelta(days=30))
    note = Event.objects.filter(feedback_request=routing.feedback_request, kind=Event.Kind.NOTE).last()
    assert "not sent" in note.message
    assert not note.visible_to_candidate


def test_a_manager_email_for_a_link_extended_again_is_sent(routed):
    routing, email = routed
    expire(routing)
    services.extend_routing(feedback_request=routing.feedback_request, actor=routing.routed_by, days=7)

    assert mail.deliver(email.pk)

    [message] = [m for m in outbox.outbox if routing.hiring_manager.email in m.to]
    assert "/respond/" in message.body
    assert LinkToken.objects.filter(routing=routing).count() == 1


def test_a_queued_reminder_is_not_sent_once_the_request_is_withdrawn(routed):
    routing, _ = routed
    reminder = mail.queue(emails.MANAGER_REMINDER, to=routing.hiring_manager.email, about=routing)
    withdraw(routing)

    assert not mail.deliver(reminder.pk)

    assert outbox.outbox == []
    reminder.refresh_from_db()
    assert reminder.state == OutboundEmail.State.CANCELLED


def test_a_queued_reminder_is_not_sent_once_the_manager_has_answered(routed):
    routing, _ = routed
    reminder = mail.queue(emails.MANAGER_REMINDER, to=routing.hiring_manager.email, about=routing)
    services.submit_manager_decline(routing=routing, reason="Our policy.")

    assert not mail.deliver(reminder.pk)

    assert outbox.outbox == []
    reminder.refresh_from_db()
    assert reminder.state == OutboundEmail.State.CANCELLED
    assert reminder.last_error == (
        "Not sent: the hiring manager can no longer answer (the request is answered, awaiting review)"
    )
