"""The recruiter records feedback a hiring manager gave on a call."""

import pytest

from candidates.models import Client
from requests_app.models import Event, FeedbackRequest, FeedbackResponse, Routing

pytestmark = pytest.mark.django_db


def url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/answer/"


def test_recruiter_records_a_call_and_the_managers_link_closes(
    recruiter_client, routing, answer_form, manager_browser, open_link
):
    feedback_request = routing.feedback_request
    page = recruiter_client.get(f"/dashboard/requests/{feedback_request.uuid}/").content.decode()
    assert "Record feedback from a call" in page

    response = recruiter_client.post(
        url(feedback_request),
        answer_form(rating_experience="improve", comment_experience="Needs more dbt.", summary="Close call."),
        follow=True,
    )

    html = response.content.decode()
    feedback_request.refresh_from_db()
    assert feedback_request.state == FeedbackRequest.State.ANSWERED
    assert "Review it below and release it" in html
    assert f'href="/dashboard/requests/{feedback_request.uuid}/release/">Review and release' in html
    recorded = FeedbackResponse.objects.get(feedback_request=feedback_request)
    assert recorded.answered_by_recruiter is not None
    assert recorded.routing is None
    assert recorded.answers.get(area="experience").comment == "Needs more dbt."
    assert Routing.objects.get(pk=routing.pk).revoked_at is not None
    assert open_link(routing, manager_browser).status_code == 410
    assert Event.objects.filter(feedback_request=feedback_request, kind=Event.Kind.ANSWERED).exists()


def test_a_request_not_yet_routed_can_be_answered_after_a_call(
    recruiter_client, submitted_request, answer_form
):
    recruiter_client.post(url(submitted_request), answer_form(rating_skills="strength", summary="Great."))

    submitted_request.refresh_from_db()
    assert submitted_request.state == FeedbackRequest.State.ANSWERED


def test_nothing_rated_keeps_the_form_open_with_a_message_and_stores_nothing(
    recruiter_client, submitted_request, answer_form
):
    response = recruiter_client.post(url(submitted_request), answer_form(comment_cv="typed but not rated"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "Rate at least one area, answer a question or write a summary" in html
    assert "typed but not rated" in html
    assert "<details open>" in html
    assert not FeedbackResponse.objects.exists()
    submitted_request.refresh_from_db()
    assert submitted_request.state == FeedbackRequest.State.SUBMITTED


def test_a_ratings_only_client_gets_no_comments_even_by_phone(
    recruiter_client, submitted_request, answer_form
):
    Client.objects.filter(pk=submitted_request.application.client_id).update(
        feedback_policy=Client.FeedbackPolicy.RATINGS_ONLY
    )

    recruiter_client.post(
        url(submitted_request), answer_form(rating_cv="met", comment_cv="Should be dropped")
    )

    assert FeedbackResponse.objects.get().answers.get(area="cv").comment == ""


def test_an_answered_request_cannot_be_answered_again(recruiter_client, routing, answer, answer_form):
    answer(routing)

    response = recruiter_client.post(url(routing.feedback_request), answer_form(rating_cv="met"), follow=True)

    assert "cannot be answered now" in response.content.decode()
    assert FeedbackResponse.objects.count() == 1


def test_candidates_cannot_record_answers(candidate_client, submitted_request, answer_form):
    assert candidate_client.post(url(submitted_request), answer_form(rating_cv="met")).status_code == 404
    assert not FeedbackResponse.objects.exists()
