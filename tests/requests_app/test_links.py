"""The hiring manager's link from the recruiter's side: extend it (with an e-mail), resend it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from feedback_portal.models import OutboundEmail
from requests_app import services
from requests_app.models import Event, LinkToken, Routing

pytestmark = pytest.mark.django_db


def page_url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/"


def test_extending_emails_the_manager_a_fresh_link_and_the_new_date(
    recruiter_client, routing, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = recruiter_client.post(page_url(routing.feedback_request) + "extend/", {"days": 7}, follow=True)

    routing.refresh_from_db()
    assert f"{routing.hiring_manager.name} has been e-mailed the new date." in page.content.decode()
    [message] = mail.outbox
    assert message.to == [routing.hiring_manager.email]
    assert f"now works until {timezone.localtime(routing.expires_at):%-d %B %Y}" in message.body
    assert "/respond/" in message.body
    assert LinkToken.objects.filter(routing=routing).count() == 1  # minted for this e-mail, when sent


def test_resending_sends_a_fresh_link_and_keeps_the_date(
    recruiter_client, routing, django_capture_on_commit_callbacks
):
    expires = routing.expires_at
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = recruiter_client.post(page_url(routing.feedback_request) + "resend-link/", follow=True)

    assert f"Sent. {routing.hiring_manager.name} has the link again." in page.content.decode()
    [message] = mail.outbox
    assert "Here is your personal link again" in message.body
    assert Routing.objects.get(pk=routing.pk).expires_at == expires
    assert Event.objects.filter(message__startswith="The link was sent to").count() == 1


def test_an_expired_link_is_never_said_to_work_and_cannot_be_resent(recruiter_client, routing):
    Routing.objects.filter(pk=routing.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    services.expire_routing(routing=Routing.objects.get(pk=routing.pk))

    html = recruiter_client.get(page_url(routing.feedback_request)).content.decode()
    assert "· link expired on" in html
    assert "· link works until" not in html
    assert "Resend the link" not in html
    refused = recruiter_client.post(page_url(routing.feedback_request) + "resend-link/", follow=True)
    assert "The hiring manager has no open link to send" in refused.content.decode()
    assert not OutboundEmail.objects.filter(kind="manager_link_resent").exists()


def test_reminding_now_sends_a_fresh_link_outside_the_cadence(
    routing, recruiter, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.remind_now(feedback_request=routing.feedback_request, actor=recruiter)
    [message] = mail.outbox
    assert message.subject.startswith("Reminder:")
    assert Event.objects.filter(kind=Event.Kind.REMINDED, actor=recruiter).exists()
