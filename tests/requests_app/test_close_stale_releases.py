"""Released feedback closes by itself after the portal's period, unless acknowledged first."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from requests_app import services, tasks
from requests_app.models import Event, FeedbackRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(routing, answer):
    response = answer(routing)
    recruiter = routing.feedback_request.application.recruiter
    services.release_response(response=response, actor=recruiter, released_summary="", released_comments={})
    return FeedbackRequest.objects.get(pk=routing.feedback_request_id)


def test_a_release_closes_after_thirty_days_not_before(released):
    released_at = released.state_changed_at

    assert services.close_stale_releases(now=released_at + timedelta(days=30) - timedelta(seconds=1)) == 0
    assert services.close_stale_releases(now=released_at + timedelta(days=30)) == 1

    released.refresh_from_db()
    assert released.state == FeedbackRequest.State.CLOSED
    closed = Event.objects.get(feedback_request=released, kind=Event.Kind.CLOSED)
    assert closed.actor is None
    assert closed.actor_label == "Feedback Portal"
    assert services.close_stale_releases(now=released_at + timedelta(days=60)) == 0


def test_the_period_comes_from_the_portal_settings(released, portal_settings):
    portal_settings.close_released_after_days = 7
    portal_settings.save()

    assert services.close_stale_releases(now=released.state_changed_at + timedelta(days=7)) == 1


def test_the_beat_task_closes_what_is_due(released):
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        assert tasks.close_stale_releases() == 1
    released.refresh_from_db()
    assert released.state == FeedbackRequest.State.CLOSED


def test_open_requests_are_never_closed_by_the_sweep(routing):
    assert services.close_stale_releases(now=timezone.now() + timedelta(days=400)) == 0
    assert FeedbackRequest.objects.get(pk=routing.feedback_request_id).state == "awaiting_manager"


def test_an_open_follow_up_keeps_the_request_released(released, ask_follow_up, forward_follow_up):
    follow_up = ask_follow_up(released)
    far = released.state_changed_at + timedelta(days=400)

    assert services.close_stale_releases(now=far) == 0
    forward_follow_up(follow_up)
    services.reply_to_follow_up(routing=follow_up.routings.get(), reply="dbt.")
    assert services.close_stale_releases(now=far) == 0

    assert FeedbackRequest.objects.get(pk=released.pk).state == FeedbackRequest.State.RELEASED


def test_once_the_follow_up_is_answered_the_candidate_has_the_full_period_to_read_it(
    released, ask_follow_up, time_machine
):
    follow_up = ask_follow_up(released)
    answered_at = released.state_changed_at + timedelta(days=40)
    time_machine.move_to(answered_at, tick=False)
    services.answer_follow_up(follow_up=follow_up, actor=released.application.recruiter, answer="dbt.")

    assert services.close_stale_releases(now=answered_at + timedelta(days=30) - timedelta(seconds=1)) == 0
    assert services.close_stale_releases(now=answered_at + timedelta(days=30)) == 1
    assert FeedbackRequest.objects.get(pk=released.pk).state == FeedbackRequest.State.CLOSED
