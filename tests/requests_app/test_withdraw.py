"""/requests/<uuid>/withdraw/: the candidate withdraws, and every link stops working."""

import pytest

from requests_app import services
from requests_app.models import Event, FeedbackRequest, Routing

pytestmark = pytest.mark.django_db


def url(feedback_request) -> str:
    return f"/requests/{feedback_request.uuid}/withdraw/"


def test_candidate_withdraws_and_the_managers_link_closes(
    candidate_client, routing, manager_browser, open_link
):
    page = candidate_client.post(url(routing.feedback_request), follow=True)

    assert "Your request is withdrawn. Nobody will be asked about it again." in page.content.decode()
    feedback_request = FeedbackRequest.objects.get()
    assert feedback_request.state == FeedbackRequest.State.WITHDRAWN
    assert Event.objects.filter(kind=Event.Kind.WITHDRAWN, actor=feedback_request.candidate).exists()
    assert not Routing.objects.live().exists()
    assert open_link(routing, manager_browser).status_code == 410


def test_an_ended_request_cannot_be_withdrawn(candidate_client, submitted_request, recruiter):
    services.decline_request(feedback_request=submitted_request, actor=recruiter, message="Sorry.")
    events = Event.objects.count()

    page = candidate_client.post(url(submitted_request), follow=True)

    assert "This request has already ended, so it cannot be withdrawn." in page.content.decode()
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.DECLINED
    assert Event.objects.count() == events


def test_candidate_cannot_withdraw_another_candidates_request(
    candidate_client, feedback_request_factory, portal_settings
):
    theirs = feedback_request_factory()
    assert candidate_client.post(url(theirs)).status_code == 404
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.SUBMITTED


def test_withdrawing_asks_once_first_saying_what_it_does(candidate_client, submitted_request):
    html = candidate_client.get(f"/requests/{submitted_request.uuid}/").content.decode()
    assert f'href="{url(submitted_request)}">Withdraw this request</a>' in html  # a link, not a button

    page = candidate_client.get(url(submitted_request))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Withdraw your request?" in html
    assert "Nobody at" in html and "will be asked about it again" in html
    assert "Yes, withdraw my request" in html
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.SUBMITTED  # asking changes nothing


def test_the_confirmation_of_an_ended_request_says_it_cannot_be_withdrawn(
    candidate_client, submitted_request, recruiter
):
    services.decline_request(feedback_request=submitted_request, actor=recruiter, message="Sorry.")
    page = candidate_client.get(url(submitted_request), follow=True)
    assert "This request has already ended, so it cannot be withdrawn." in page.content.decode()
    assert "Yes, withdraw my request" not in page.content.decode()
