"""The candidate closes their released feedback, saying how useful it was."""

import pytest
from django.test import Client

from requests_app import services
from requests_app.models import Event, FeedbackRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(routing, answer):
    response = answer(routing)
    recruiter = routing.feedback_request.application.recruiter
    services.release_response(
        response=response, actor=recruiter, released_summary="Well done.", released_comments={}
    )
    return FeedbackRequest.objects.get(pk=routing.feedback_request_id)


def test_candidate_marks_feedback_read_and_rates_it(candidate_client, released):
    page = f"/requests/{released.uuid}/"
    assert "Done with this feedback?" in candidate_client.get(page).content.decode()

    response = candidate_client.post(f"{page}acknowledge/", {"usefulness": "very"}, follow=True)

    html = response.content.decode()
    released.refresh_from_db()
    assert released.state == FeedbackRequest.State.CLOSED
    assert released.usefulness == "very"
    assert "This request is closed" in html
    assert "Done with this feedback?" not in html
    assert "Well done." in html  # the feedback stays readable
    closed = Event.objects.get(feedback_request=released, kind=Event.Kind.CLOSED)
    assert closed.actor == released.candidate
    assert closed.visible_to_candidate


def test_the_rating_is_optional(candidate_client, released):
    candidate_client.post(f"/requests/{released.uuid}/acknowledge/", {})

    released.refresh_from_db()
    assert released.state == FeedbackRequest.State.CLOSED
    assert released.usefulness == ""


def test_a_made_up_rating_is_refused_and_nothing_changes(candidate_client, released):
    response = candidate_client.post(
        f"/requests/{released.uuid}/acknowledge/", {"usefulness": "meh"}, follow=True
    )

    released.refresh_from_db()
    assert released.state == FeedbackRequest.State.RELEASED
    assert "Choose one of the answers" in response.content.decode()


def test_only_released_feedback_can_be_acknowledged(candidate_client, submitted_request):
    response = candidate_client.post(f"/requests/{submitted_request.uuid}/acknowledge/", {}, follow=True)

    submitted_request.refresh_from_db()
    assert submitted_request.state == FeedbackRequest.State.SUBMITTED
    assert "it cannot be closed now" in response.content.decode()
    assert not Event.objects.filter(feedback_request=submitted_request, kind=Event.Kind.CLOSED).exists()


def test_another_candidate_cannot_acknowledge(client, candidate_factory, released):
    client.force_login(candidate_factory())

    assert client.post(f"/requests/{released.uuid}/acknowledge/", {}).status_code == 404
    released.refresh_from_db()
    assert released.state == FeedbackRequest.State.RELEASED


def test_the_recruiter_sees_how_useful_the_candidate_found_it(candidate_client, released):
    candidate_client.post(f"/requests/{released.uuid}/acknowledge/", {"usefulness": "somewhat"})
    recruiter_browser = Client()
    recruiter_browser.force_login(released.application.recruiter)

    html = recruiter_browser.get(f"/dashboard/requests/{released.uuid}/").content.decode()

    assert "Somewhat useful" in html
