"""/respond/answer/<routing uuid>/: the hiring manager's token-less answer page."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from candidates.models import Client
from feedback_portal.models import OutboundEmail
from requests_app.models import AreaAnswer, Event, FeedbackRequest, FeedbackResponse, Routing

pytestmark = pytest.mark.django_db


def url(routing) -> str:
    return f"/respond/answer/{routing.uuid}/"


@pytest.fixture
def linked(routing, granted):
    """The manager's browser, after opening the e-mailed link."""
    return granted(routing)


@pytest.fixture
def unanswered(routing):
    """Asserts, when called, that no answer was stored since the fixture ran."""
    events = Event.objects.count()
    emails = OutboundEmail.objects.count()

    def check():
        assert not FeedbackResponse.objects.exists()
        assert not AreaAnswer.objects.exists()
        assert FeedbackRequest.objects.get().state == FeedbackRequest.State.AWAITING_MANAGER
        assert Event.objects.count() == events
        assert OutboundEmail.objects.count() == emails

    return check


def set_policy(routing, policy):
    Client.objects.filter(pk=routing.feedback_request.application.client_id).update(feedback_policy=policy)


def test_manager_sees_the_candidate_the_role_and_the_question(routing, linked):
    page = linked.get(url(routing))
    html = page.content.decode()
    application = routing.feedback_request.application
    assert page.status_code == 200
    assert f"Feedback for {application.candidate_name}" in html
    assert application.role_title in html
    assert "How could I have prepared better?" in html
    assert "The candidate never sees your name." in html
    assert application.candidate_email not in html
    # The areas the candidate asked about come first.
    assert html.index("Relevant experience") < html.index("CV / résumé")


def test_manager_is_guided_to_describe_behaviour_and_skills_without_being_blocked(
    routing, linked, answer_form
):
    html = linked.get(url(routing)).content.decode()
    assert "says what the candidate did and the skills they showed, never age" in html
    # Guidance only: the recruiter's legal-safety check at release is what stops such words.
    page = linked.post(
        url(routing), answer_form(rating_fit="improve", comment_fit="Not a fit for a young team.")
    )
    assert page.status_code == 302
    assert FeedbackResponse.objects.get().answers.get(area="fit").comment == "Not a fit for a young team."


def test_answer_page_is_never_cached_and_leaks_no_address(routing, linked):
    page = linked.get(url(routing))
    assert "no-store" in page["Cache-Control"]
    # `same-origin`, not `no-referrer`: browsers send `Origin: null` under no-referrer and the
    # CSRF check refuses the POST (see views.answer_page). The address holds no token either way.
    assert page["Referrer-Policy"] in ("no-referrer", "same-origin")


def test_manager_answers_per_area_and_the_recruiter_is_told(
    routing, linked, answer_form, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = linked.post(
            url(routing),
            answer_form(
                rating_experience="improve",
                comment_experience="  More hands-on dbt would have helped.  ",
                rating_answers="strength",
                summary="One modelling project.",
                consider_for_other_roles="maybe",
            ),
            follow=True,
        )

    assert "Thank you" in page.content.decode()
    response = FeedbackResponse.objects.get()
    assert response.routing == routing
    assert response.summary == "One modelling project."
    assert response.consider_for_other_roles == "maybe"
    experience = response.answers.get(area="experience")
    assert (experience.rating, experience.comment) == ("improve", "More hands-on dbt would have helped.")
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.ANSWERED
    event = Event.objects.get(kind=Event.Kind.ANSWERED)
    assert not event.visible_to_candidate  # the manager's name is in it
    recruiter_email = routing.feedback_request.application.recruiter.email
    assert any(recruiter_email in m.to for m in mail.outbox)


def test_answering_nothing_says_so_and_keeps_what_was_typed(routing, linked, answer_form, unanswered):
    page = linked.post(
        url(routing), answer_form(comment_experience="Half-written thought", consider_for_other_roles="yes")
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "Rate at least one area, answer a question or write a summary" in html
    assert "Half-written thought" in html
    assert '<option value="yes" selected>' in html
    unanswered()


def test_an_invalid_rating_says_so_and_keeps_the_other_ratings(routing, linked, answer_form, unanswered):
    page = linked.post(url(routing), answer_form(rating_cv="brilliant", rating_answers="strength"))
    html = page.content.decode()
    assert page.status_code == 400
    assert "Select a valid choice. brilliant is not one of the available choices." in html
    assert re.search(r'<input[^>]*name="rating_answers" value="strength"[^>]*checked>', html)
    unanswered()


def test_a_missing_rating_names_the_area(routing, linked, answer_form, unanswered):
    data = answer_form(rating_answers="strength")
    del data["rating_fit"]
    page = linked.post(url(routing), data)
    assert page.status_code == 400
    assert "Choose a rating for team and culture fit." in page.content.decode()
    unanswered()


def test_an_overlong_comment_says_so_and_keeps_it(routing, linked, answer_form, unanswered):
    page = linked.post(url(routing), answer_form(rating_skills="improve", comment_skills="z" * 2001))
    html = page.content.decode()
    assert page.status_code == 400
    assert "Ensure this value has at most 2000 characters (it has 2001)." in html
    assert "z" * 2001 in html
    unanswered()


def test_a_ratings_only_client_gets_no_comment_boxes_and_no_comments_are_kept(routing, linked, answer_form):
    set_policy(routing, Client.FeedbackPolicy.RATINGS_ONLY)
    html = linked.get(url(routing)).content.decode()
    assert "gives ratings only, so there are no comment boxes" in html
    assert 'name="comment_experience"' not in html

    linked.post(url(routing), answer_form(rating_experience="improve", comment_experience="Sneaked in"))
    assert FeedbackResponse.objects.get().answers.get(area="experience").comment == ""


def test_a_no_feedback_client_can_only_decline(routing, linked, answer_form, unanswered):
    set_policy(routing, Client.FeedbackPolicy.NONE)
    html = linked.get(url(routing)).content.decode()
    assert "policy is not to give feedback" in html
    assert 'name="rating_experience"' not in html

    page = linked.post(url(routing), answer_form(rating_experience="improve"))
    assert page.status_code == 400
    unanswered()


def test_answering_twice_is_refused(routing, linked, answer_form):
    linked.post(url(routing), answer_form(rating_cv="strength"))
    page = linked.post(url(routing), answer_form(rating_cv="improve"))
    assert page.status_code == 410
    assert FeedbackResponse.objects.get().answers.get(area="cv").rating == "strength"


def test_a_grant_stops_working_when_the_request_is_rerouted(routing, linked, route, answer_form):
    route(routing.feedback_request)
    page = linked.get(url(routing))
    assert page.status_code == 410
    assert "This link is closed" in page.content.decode()
    assert linked.post(url(routing), answer_form(rating_cv="strength")).status_code == 410
    assert not FeedbackResponse.objects.exists()


def test_a_grant_stops_working_when_the_link_expires(routing, linked, answer_form):
    Routing.objects.filter(pk=routing.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert linked.get(url(routing)).status_code == 410
    assert linked.post(url(routing), answer_form(rating_cv="strength")).status_code == 410
    assert not FeedbackResponse.objects.exists()


def test_the_thank_you_page_closes_when_the_link_expires(routing, linked, answer):
    """Once expired, the link gets the "closed" page, answered or not."""
    answer(routing)
    assert "Thank you" in linked.get(url(routing)).content.decode()
    Routing.objects.filter(pk=routing.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    page = linked.get(url(routing))

    assert page.status_code == 410
    html = page.content.decode()
    assert "This link is closed" in html
    assert "Less hands-on time with dbt" not in html


def test_an_unknown_routing_is_404(routing, linked):
    assert linked.get("/respond/answer/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert linked.get("/respond/answer/not-a-uuid/").status_code == 404


def test_answer_page_renders_in_a_fixed_number_of_queries(routing, linked, django_assert_num_queries):
    # 1. the granted routing, with request, application, client and hiring manager
    # (the session, with its grants, comes from the cache; no user is signed in)
    with django_assert_num_queries(1):
        page = linked.get(url(routing))
    assert page.status_code == 200


def test_answer_form_errors_page_renders_in_a_fixed_number_of_queries(
    routing, linked, answer_form, django_assert_num_queries
):
    # 1. the granted routing, with request, application, client and hiring manager
    with django_assert_num_queries(1):
        page = linked.post(url(routing), answer_form())
    assert page.status_code == 400


def test_thank_you_page_renders_in_a_fixed_number_of_queries(
    routing, linked, answer, django_assert_num_queries
):
    answer(routing)
    # 1. the granted routing, with request, application, client and hiring manager
    # 2. has this routing been answered?
    # 3. the answer
    # 4. its area answers (prefetched)
    with django_assert_num_queries(4):
        page = linked.get(url(routing))
    assert "Thank you" in page.content.decode()
