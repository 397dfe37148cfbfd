"""Hiring-manager reminders: day 3, 7 and 12 after routing, in working hours, each once."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client

from feedback_portal.models import OutboundEmail, PortalSettings
from requests_app import reminders, services
from requests_app.models import Event, FeedbackRequest, Reminder, Routing

pytestmark = pytest.mark.django_db

# Monday 2 November 2026, 10:00 in London (GMT, so UTC too).
ROUTED_AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
LINK = re.compile(r"https?://\S+(/respond/[^/\s]+/)")


@pytest.fixture
def routing(submitted_request, manager, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(ROUTED_AT, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        routing = services.route_request(
            feedback_request=submitted_request,
            hiring_manager=manager,
            message="How could I have prepared better?",
            actor=submitted_request.application.recruiter,
        )
    return routing


def sweep(now, django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return reminders.send_due_reminders(now=now)


def reminder_mails(manager) -> list:
    return [m for m in mail.outbox if manager.email in m.to and m.subject.startswith("Reminder")]


def test_the_first_reminder_comes_on_day_three_with_a_fresh_working_link(
    routing, manager, django_capture_on_commit_callbacks
):
    [invitation] = [m for m in mail.outbox if manager.email in m.to]

    assert sweep(ROUTED_AT + timedelta(days=3, seconds=-1), django_capture_on_commit_callbacks) == 0
    assert sweep(ROUTED_AT + timedelta(days=3), django_capture_on_commit_callbacks) == 1

    [reminder] = reminder_mails(manager)
    assert reminder.reply_to == [routing.feedback_request.application.recruiter.email]
    first_link = LINK.search(invitation.body)[1]
    fresh_link = LINK.search(reminder.body)[1]
    assert fresh_link != first_link
    for link in (first_link, fresh_link):  # both belong to the same routing, both still open
        assert Client().get(link)["Location"] == f"/respond/answer/{routing.uuid}/"
    assert Reminder.objects.get(routing=routing).step == 1
    assert Routing.objects.get(pk=routing.pk).reminders_sent == 1
    event = Event.objects.get(feedback_request=routing.feedback_request, kind=Event.Kind.REMINDED)
    assert manager.name in event.message
    assert not event.visible_to_candidate


def test_a_sweep_run_twice_reminds_once(routing, manager, django_capture_on_commit_callbacks):
    now = ROUTED_AT + timedelta(days=3, hours=1)

    assert sweep(now, django_capture_on_commit_callbacks) == 1
    assert sweep(now, django_capture_on_commit_callbacks) == 0

    assert len(reminder_mails(manager)) == 1
    assert OutboundEmail.objects.filter(kind="manager_reminder").count() == 1


def test_two_sweeps_that_read_the_routing_at_once_remind_once(
    routing, manager, django_capture_on_commit_callbacks
):
    """Two beats' sweeps may both read a routing before either claims it; the claim lets one through."""
    now = ROUTED_AT + timedelta(days=3, hours=1)
    read_by_first, read_by_second = Routing.objects.get(pk=routing.pk), Routing.objects.get(pk=routing.pk)

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders._remind(read_by_first, 1, now=now) is True
        assert reminders._remind(read_by_second, 1, now=now) is False

    assert len(reminder_mails(manager)) == 1
    assert (
        Event.objects.filter(feedback_request=routing.feedback_request, kind=Event.Kind.REMINDED).count() == 1
    )


def test_the_cadence_runs_day_3_7_and_12(routing, manager, django_capture_on_commit_callbacks):
    # Day 12 is a Saturday: the third reminder waits for Monday morning, before the expiry.
    for days, expected in [(3, 1), (7, 1), (12, 0), (13, 0)]:
        assert sweep(ROUTED_AT + timedelta(days=days), django_capture_on_commit_callbacks) == expected
    monday_morning = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    assert monday_morning < routing.expires_at
    assert sweep(monday_morning, django_capture_on_commit_callbacks) == 1

    assert list(Reminder.objects.filter(routing=routing).values_list("step", flat=True)) == [1, 2, 3]
    assert len(reminder_mails(manager)) == 3


def test_reminders_wait_for_working_hours_in_the_agencys_time_zone(
    routing, manager, django_capture_on_commit_callbacks
):
    portal = PortalSettings.load()
    portal.time_zone = "America/New_York"  # 10:00 UTC is 05:00 there
    portal.save()

    assert sweep(ROUTED_AT + timedelta(days=3), django_capture_on_commit_callbacks) == 0
    assert sweep(ROUTED_AT + timedelta(days=3, hours=4), django_capture_on_commit_callbacks) == 1  # 09:00


def test_a_listed_holiday_waits_like_a_weekend(routing, manager, django_capture_on_commit_callbacks):
    portal = PortalSettings.load()
    portal.holidays = "2026-11-05\n"
    portal.save()

    assert sweep(ROUTED_AT + timedelta(days=3), django_capture_on_commit_callbacks) == 0
    assert sweep(ROUTED_AT + timedelta(days=4), django_capture_on_commit_callbacks) == 1


def test_missed_steps_give_one_reminder_not_a_burst(routing, manager, django_capture_on_commit_callbacks):
    assert sweep(ROUTED_AT + timedelta(days=8), django_capture_on_commit_callbacks) == 1

    assert len(reminder_mails(manager)) == 1
    assert Routing.objects.get(pk=routing.pk).reminders_sent == 2


@pytest.mark.parametrize("ended_by", ["answer", "withdraw", "reroute"])
def test_no_reminder_once_the_routing_is_answered_withdrawn_or_replaced(
    routing, manager, hiring_manager_factory, django_capture_on_commit_callbacks, ended_by
):
    feedback_request = routing.feedback_request
    if ended_by == "answer":
        services.submit_manager_decline(routing=routing, reason="Policy")
    elif ended_by == "withdraw":
        services.withdraw_request(feedback_request=feedback_request, candidate=feedback_request.candidate)
    else:
        other = hiring_manager_factory(client=feedback_request.application.client)
        services.route_request(
            feedback_request=feedback_request, hiring_manager=other, message="", actor=routing.routed_by
        )
    mail.outbox.clear()

    # A re-route starts the new manager's own cadence; the old manager hears no more.
    expected = 1 if ended_by == "reroute" else 0
    assert sweep(ROUTED_AT + timedelta(days=3), django_capture_on_commit_callbacks) == expected
    assert reminder_mails(manager) == []


def test_an_expired_routing_tells_the_recruiter(routing, django_capture_on_commit_callbacks):
    recruiter = routing.feedback_request.application.recruiter
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_due_routings(now=routing.expires_at) == 1

    [notice] = mail.outbox
    assert notice.to == [recruiter.email]
    assert "No answer in time" in notice.subject
    assert f"/dashboard/requests/{routing.feedback_request.uuid}/" in notice.body
    assert FeedbackRequest.objects.get(pk=routing.feedback_request_id).state == "expired"
