"""Awaiting requests whose hiring-manager link ran out move to "expired", once."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from requests_app import services
from requests_app.models import Event, FeedbackRequest, Routing
from requests_app.tasks import expire_routings

pytestmark = pytest.mark.django_db

ROUTED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def routing(submitted_request, manager, time_machine):
    """The request routed at ROUTED_AT, with the portal's default expiry (14 days)."""
    time_machine.move_to(ROUTED_AT, tick=False)
    return services.route_request(
        feedback_request=submitted_request,
        hiring_manager=manager,
        message="How could I have prepared better?",
        actor=submitted_request.application.recruiter,
    )


def expired_events(feedback_request: FeedbackRequest) -> list[Event]:
    return list(feedback_request.events.filter(kind=Event.Kind.EXPIRED))


def test_request_expires_once_its_routing_runs_out_and_only_once(routing, time_machine):
    feedback_request = routing.feedback_request
    assert routing.expires_at == ROUTED_AT + timedelta(days=14)

    assert services.expire_due_routings(now=routing.expires_at - timedelta(seconds=1)) == 0
    feedback_request.refresh_from_db()
    assert feedback_request.state == FeedbackRequest.State.AWAITING_MANAGER

    time_machine.move_to(routing.expires_at, tick=False)
    assert services.expire_due_routings(now=timezone.now()) == 1
    assert services.expire_due_routings(now=timezone.now()) == 0

    feedback_request.refresh_from_db()
    assert feedback_request.state == FeedbackRequest.State.EXPIRED
    assert feedback_request.state_changed_at == routing.expires_at
    [event] = expired_events(feedback_request)
    assert (event.from_state, event.to_state) == ("awaiting_manager", "expired")
    assert routing.hiring_manager.name in event.message


def test_beat_task_expires_with_its_own_clock(routing, time_machine):
    time_machine.move_to(routing.expires_at - timedelta(minutes=1), tick=False)
    assert expire_routings.apply().get() == 0

    time_machine.move_to(routing.expires_at + timedelta(minutes=5), tick=False)
    assert expire_routings.apply().get() == 1
    assert expire_routings.apply().get() == 0

    assert len(expired_events(routing.feedback_request)) == 1


def test_answered_request_does_not_expire(routing, time_machine):
    time_machine.move_to(ROUTED_AT + timedelta(days=2), tick=False)
    services.submit_manager_decline(routing=routing, reason="Company policy: no feedback.")

    assert services.expire_due_routings(now=routing.expires_at + timedelta(days=1)) == 0

    routing.feedback_request.refresh_from_db()
    assert routing.feedback_request.state == FeedbackRequest.State.ANSWERED
    assert expired_events(routing.feedback_request) == []


def test_withdrawn_request_does_not_expire(routing):
    feedback_request = routing.feedback_request
    services.withdraw_request(feedback_request=feedback_request, candidate=feedback_request.candidate)

    assert services.expire_due_routings(now=routing.expires_at + timedelta(days=1)) == 0

    feedback_request.refresh_from_db()
    assert feedback_request.state == FeedbackRequest.State.WITHDRAWN
    assert expired_events(feedback_request) == []


def test_a_routing_extended_after_the_sweep_read_it_is_not_expired(routing, time_machine):
    """The sweep found the routing due; the recruiter extended it before the sweep got to it."""
    time_machine.move_to(routing.expires_at + timedelta(minutes=1), tick=False)
    [due] = Routing.objects.filter(pk=routing.pk)  # as the sweep's query read it
    feedback_request = routing.feedback_request
    services.extend_routing(
        feedback_request=feedback_request, actor=feedback_request.application.recruiter, days=7
    )

    assert not services.expire_routing(routing=due, now=timezone.now())

    feedback_request.refresh_from_db()
    assert feedback_request.state == FeedbackRequest.State.AWAITING_MANAGER
    assert expired_events(feedback_request) == []


def test_a_routing_replaced_after_the_sweep_read_it_does_not_expire_the_new_one(
    routing, manager, time_machine
):
    time_machine.move_to(routing.expires_at + timedelta(minutes=1), tick=False)
    [due] = Routing.objects.filter(pk=routing.pk)
    feedback_request = routing.feedback_request
    rerouted = services.route_request(
        feedback_request=feedback_request,
        hiring_manager=manager,
        message="",
        actor=feedback_request.application.recruiter,
    )

    assert not services.expire_routing(routing=due, now=timezone.now())

    feedback_request.refresh_from_db()
    assert feedback_request.state == FeedbackRequest.State.AWAITING_MANAGER
    assert Routing.objects.live().get() == rerouted


def test_the_recruiter_looking_after_the_request_now_is_told(
    routing, recruiter_factory, time_machine, django_capture_on_commit_callbacks
):
    feedback_request = routing.feedback_request
    colleague = recruiter_factory(name="Cam Colleague")
    services.reassign(feedback_request=feedback_request, to=colleague, actor=colleague)
    time_machine.move_to(routing.expires_at, tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_due_routings(now=timezone.now()) == 1

    [told] = [m for m in mail.outbox if m.subject.startswith("No answer in time")]
    assert told.to == [colleague.email]


def test_the_sweep_reads_each_routing_once_with_what_expiring_it_needs(
    routing, routing_factory, time_machine
):
    others = [routing_factory(expires_at=routing.expires_at) for _ in range(2)]
    due = [routing, *others]
    time_machine.move_to(routing.expires_at, tick=False)

    with CaptureQueriesContext(connection) as run:
        assert services.expire_due_routings(now=timezone.now()) == len(due)

    # The manager, the request's application, client and recruiter come with the sweep's one
    # query (its first), never read again a routing at a time.
    read_later = " ".join(q["sql"] for q in run.captured_queries[1:])
    for table in ("candidates_hiringmanager", "candidates_application", "candidates_client"):
        assert f'FROM "{table}"' not in read_later
    assert 'FROM "feedback_portal_user"' not in read_later
    for r in due:
        r.feedback_request.refresh_from_db()
        assert r.feedback_request.state == FeedbackRequest.State.EXPIRED
