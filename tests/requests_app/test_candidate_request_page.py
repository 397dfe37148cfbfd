"""/requests/<uuid>/: the candidate's own request, its timeline and, once released, the feedback."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app import services
from requests_app.models import Event, FeedbackRequest
from requests_app.services.routing import expire_routing

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
    # A next step from the library, under the area rated "room to improve", as released.
    assert "Aim one step closer" in html
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
    # 5. the candidate-visible timeline
    # (the next steps are those released, kept on the answers: no query of the library)
    with django_assert_num_queries(5):
        page = candidate_client.get(url(released))
    assert page.status_code == 200


# --- The released page: a kind framing, then each area side by side ------------------------


def _section(html: str, heading: str) -> str:
    """The part of the page from an area's heading to the next area's (or the summary)."""
    start = html.index(f"<h3>{heading}</h3>")
    end = html.find("<h3>", start + 1)
    return html[start:end]


def test_released_feedback_sets_each_area_side_by_side_with_the_candidates_own_view(
    candidate_client, candidate, application_factory, portal_settings, route, answer, recruiter
):
    application = application_factory(candidate=candidate)
    feedback_request = services.submit_request(
        candidate=candidate,
        application=application,
        areas=["experience", "answers"],
        questions=[],
        consent_to_forward=False,
        self_assessment={"experience": "strength"},
    )
    response = answer(route(feedback_request))
    services.release_response(
        response=response,
        actor=recruiter,
        released_summary="One modelling project would make the difference.",
        released_comments={"experience": "The team wanted more hands-on dbt modelling."},
    )

    html = candidate_client.get(url(feedback_request)).content.decode()

    # The framing comes first, then the areas, then the summary.
    framing = html.index("Thank you for asking")
    experience = html.index("<h3>Relevant experience</h3>")
    assert framing < experience < html.index("<h3>Overall</h3>")
    area = _section(html, "Relevant experience")
    assert area.index("How you saw it") < area.index("Strength") < area.index("How the interview team saw it")
    assert "Room to improve" in area
    assert "You saw this as stronger than the team did" in area
    # Then the comment, then the next steps.
    assert area.index("The team wanted more hands-on dbt modelling.") < area.index("Next steps")
    # An area they did not rate themselves: their choice not to say, in their words.
    answers = _section(html, "Answers to interview questions")
    assert "Prefer not to say" in answers
    assert "Not assessed" not in answers
    assert "Strength" in answers


def test_released_feedback_says_who_to_talk_it_through_with(candidate_client, released):
    owner = released.owner
    html = candidate_client.get(url(released)).content.decode()
    assert "Talk it through" in html
    assert f'href="mailto:{owner.email}"' in html


# --- Pages that end without feedback lead with kind words and the recruiter -------------------


def _lead(html: str) -> str:
    """The page from its heading to the timeline: what the candidate reads first."""
    return html[html.index("<h1>") : html.index('id="timeline-heading"')]


def test_a_declined_page_leads_with_the_managers_reason_kindly_and_the_recruiter(
    candidate_client, routing, recruiter
):
    services.submit_manager_decline(
        routing=routing, reason="Our company policy does not allow detailed feedback. Legal says no."
    )
    feedback_request = routing.feedback_request
    services.decline_request(feedback_request=feedback_request, actor=recruiter, message="Sorry, Sam.")
    owner = feedback_request.owner

    html = candidate_client.get(url(feedback_request)).content.decode()

    lead = _lead(html)
    assert "policy does not allow detailed feedback to candidates" in lead
    assert "says nothing about you" in lead
    assert "Legal says no" not in html  # the manager's own words stay with the recruiter
    assert "A call to talk through your interview" in lead
    assert "Other roles that fit you" in lead
    assert owner.name in lead
    assert f'href="mailto:{owner.email}"' in lead
    assert html.index("No detailed feedback this time") < html.index("What you asked")


def test_a_manager_who_saw_too_little_is_explained_as_such(candidate_client, routing, recruiter):
    services.submit_manager_decline(
        routing=routing, reason="I did not see enough of the candidate to comment"
    )
    services.decline_request(feedback_request=routing.feedback_request, actor=recruiter, message="Sorry.")
    html = candidate_client.get(url(routing.feedback_request)).content.decode()
    assert "did not feel they saw enough of you to comment fairly" in html
    assert "policy" not in _lead(html)


def test_a_recruiters_own_decline_reads_kindly_without_a_reason(
    candidate_client, submitted_request, recruiter
):
    services.decline_request(feedback_request=submitted_request, actor=recruiter, message="Sorry.")
    html = candidate_client.get(url(submitted_request)).content.decode()
    assert "is not able to share detailed feedback this time. This says nothing about you." in html


def test_the_recruiter_named_is_the_applications_when_the_request_has_no_owner(
    candidate_client, submitted_request, recruiter
):
    services.decline_request(feedback_request=submitted_request, actor=recruiter, message="Sorry.")
    FeedbackRequest.objects.filter(pk=submitted_request.pk).update(owner=None)
    application_recruiter = submitted_request.application.recruiter
    html = candidate_client.get(url(submitted_request)).content.decode()
    assert f'href="mailto:{application_recruiter.email}"' in _lead(html)


def test_an_expired_page_says_the_recruiter_decides_next(candidate_client, routing):
    expire_routing(routing=routing, now=timezone.now() + timedelta(days=30))
    html = candidate_client.get(url(routing.feedback_request)).content.decode()
    lead = _lead(html)
    assert "The interview team hasn't answered yet" in lead
    assert "You don't need to do anything" in lead
    assert "What your recruiter can still offer" in lead
    assert routing.hiring_manager.name not in html


def test_a_withdrawn_page_says_the_recruiter_is_still_there(candidate_client, submitted_request, candidate):
    services.withdraw_request(feedback_request=submitted_request, candidate=candidate)
    lead = _lead(candidate_client.get(url(submitted_request)).content.decode())
    assert "You withdrew this request" in lead
    assert "your recruiter is still here for you" in lead
    assert submitted_request.owner.email in lead


def test_a_pending_request_explains_the_outcome(candidate_client, submitted_request):
    html = candidate_client.get(url(submitted_request)).content.decode()
    assert "The company chose another candidate this time." in html
    assert "What your recruiter can still offer" not in html


# --- The timeline ----------------------------------------------------------------------------


def test_the_timeline_says_we_e_mailed_you_once_per_e_mail_without_its_subject(
    candidate_client, submitted_request
):
    for subject in ("We have your feedback request", "Your feedback is ready"):
        Event.objects.create(
            feedback_request=submitted_request,
            kind=Event.Kind.EMAIL_SENT,
            message=f"E-mail to the candidate: “{subject}”",
            visible_to_candidate=True,
        )
    html = candidate_client.get(url(submitted_request)).content.decode()
    timeline = html[html.index('id="timeline-heading"') :]
    assert timeline.count("We e-mailed you") == 2
    assert "We have your feedback request" not in timeline
    assert "E-mail to the candidate" not in timeline


def test_declined_page_renders_in_a_fixed_number_of_queries(
    candidate_client, submitted_request, recruiter, django_assert_num_queries
):
    services.decline_request(feedback_request=submitted_request, actor=recruiter, message="Sorry.")
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with its application, client, recruiters and follow-up, owned by this candidate
    # 3. its latest answer, for the reason the manager chose (none here)
    # 4. the candidate-visible timeline
    with django_assert_num_queries(4):
        page = candidate_client.get(url(submitted_request))
    assert page.status_code == 200
