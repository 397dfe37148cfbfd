"""/requests/<uuid>/: the candidate's own request, its timeline and, once released, the feedback."""

import uuid

import pytest

from requests_app import services
from requests_app.models import Event

pytestmark = pytest.mark.django_db


def url(feedback_request) -> str:
    return f"/requests/{feedback_request.uuid}/"


@pytest.fixture
def released(routing, answer, recruiter):
    """Answered by the manager, edited and released by the recruiter."""
    response = answer(routing)
    services.release_response(
        response=response,
        actor=recruiter,
        released_summary="One modelling project would make the difference.",
        released_comments={
            "experience": "The team wanted more hands-on dbt modelling.",
            "answers": "Your examples were clear and well structured.",
        },
    )
    return routing.feedback_request


def test_candidate_sees_what_they_asked_and_the_timeline(candidate_client, submitted_request):
    page = candidate_client.get(url(submitted_request))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Relevant experience, Answers to interview questions" in html
    assert "How could I have prepared better?" in html
    assert "You asked for feedback." in html
    assert "Withdraw this request" in html


def test_candidate_reads_released_feedback_from_the_interview_team(candidate_client, released):
    html = candidate_client.get(url(released)).content.decode()
    client_name = released.application.client.name
    assert f"Feedback from the interview team at {client_name}" in html
    assert "One modelling project would make the difference." in html
    assert "The team wanted more hands-on dbt modelling." in html
    assert "Your examples were clear and well structured." in html
    # A next step from the library, under the area rated "room to improve".
    assert "Volunteer or side projects that show it" in html
    assert "Withdraw this request" not in html


def test_candidate_never_sees_the_managers_name_or_original_words(candidate_client, released):
    manager = released.routings.get().hiring_manager
    html = candidate_client.get(url(released)).content.decode()
    assert manager.name not in html
    assert manager.email not in html
    assert manager.title not in html
    assert "Less hands-on time with dbt" not in html  # the manager's original comment
    assert "Build one end-to-end modelling project." not in html  # the original summary


def test_unreleased_answers_stay_hidden(candidate_client, routing, answer):
    answer(routing)
    html = candidate_client.get(url(routing.feedback_request)).content.decode()
    assert "Feedback from the interview team" not in html
    assert "Less hands-on time with dbt" not in html
    assert routing.hiring_manager.name not in html


def test_candidate_cannot_open_another_candidates_request(
    candidate_client, feedback_request_factory, portal_settings
):
    theirs = feedback_request_factory()
    assert candidate_client.get(url(theirs)).status_code == 404


def test_an_unknown_or_malformed_request_id_is_404(candidate_client, submitted_request):
    assert candidate_client.get(f"/requests/{uuid.uuid4()}/").status_code == 404
    assert candidate_client.get("/requests/123/").status_code == 404
    assert candidate_client.get("/requests/").status_code == 404


def test_a_recruiter_uses_the_dashboard_not_the_candidates_page(recruiter_client, submitted_request):
    assert recruiter_client.get(url(submitted_request)).status_code == 404


def test_released_page_renders_in_a_fixed_number_of_queries(
    candidate_client, released, django_assert_num_queries
):
    for _ in range(5):  # a longer timeline costs no extra query
        Event.objects.create(feedback_request=released, kind="note", visible_to_candidate=True)
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with its application and client, owned by this candidate
    # 3. the released response
    # 4. its area answers (prefetched)
    # 5. the next steps for the areas rated "room to improve"
    # 6. the candidate-visible timeline
    with django_assert_num_queries(6):
        page = candidate_client.get(url(released))
    assert page.status_code == 200
