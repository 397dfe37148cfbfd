"""The candidate's questions, each answered in its own box: on the manager's page (and the
recruiter's record of a call), in the e-mail that asks, and what a ratings-only client sees."""

import pytest
from django.core import mail

from candidates.models import Client
from requests_app import services
from requests_app.models import Area, FeedbackRequest, FeedbackResponse

pytestmark = pytest.mark.django_db

QUESTIONS = ["Was my CV too long?", "Did my <b>portfolio</b> help?"]


@pytest.fixture
def two_questions(candidate, application_factory, portal_settings):
    """Asked about experience and skills, with two questions; not routed yet."""
    return services.submit_request(
        candidate=candidate,
        application=application_factory(candidate=candidate),
        areas=[Area.EXPERIENCE, Area.SKILLS],
        questions=QUESTIONS,
        consent_to_forward=True,
    )


@pytest.fixture
def routed(two_questions, route):
    return route(two_questions, message="")


@pytest.fixture
def linked(routed, granted):
    return granted(routed)


def url(routing) -> str:
    return f"/respond/answer/{routing.uuid}/"


def set_policy(feedback_request, policy):
    Client.objects.filter(pk=feedback_request.application.client_id).update(feedback_policy=policy)


def test_each_question_has_its_own_answer_box_under_it(routed, linked):
    html = linked.get(url(routed)).content.decode()
    assert "The candidate's questions" in html
    assert '<label class="label" for="id_answer_1">Question 1: Was my CV too long?</label>' in html
    # The candidate's words are escaped like every label.
    assert "Question 2: Did my &lt;b&gt;portfolio&lt;/b&gt; help?" in html
    assert 'name="answer_2"' in html and 'name="answer_3"' not in html


def test_the_asked_areas_come_first_and_the_others_wait_behind_one_disclosure(routed, linked):
    html = linked.get(url(routed)).content.decode()
    details = html.index('<details class="other-areas">')
    assert html.count("<details") == 1
    assert "<summary>Rate other areas (optional)</summary>" in html
    assert html.index('name="rating_experience"') < details
    assert html.index('name="rating_skills"') < details
    for other in ("cv", "presentation", "answers", "preparation", "fit"):
        assert html.index(f'name="rating_{other}"') > details


def test_decline_in_one_step_is_offered_at_the_top(routed, linked):
    html = linked.get(url(routed)).content.decode()
    offer = html.index('<a href="#decline-heading">Can\'t give feedback? Decline in one step</a>')
    assert offer < html.index("<form")
    assert '<h2 id="decline-heading">Decline in one step</h2>' in html


def test_the_manager_answers_each_question_and_the_answers_are_kept_in_order(routed, linked, answer_form):
    page = linked.post(
        url(routed),
        answer_form(rating_experience="met", answer_1="  A page too long. ", answer_2=""),
    )
    assert page.status_code == 302
    response = FeedbackResponse.objects.get()
    assert response.question_answers == [
        {"question": QUESTIONS[0], "answer": "A page too long."},
        {"question": QUESTIONS[1], "answer": ""},
    ]
    thanks = linked.get(url(routed)).content.decode()
    assert "What happens next" in thanks
    assert "A page too long." in thanks
    assert "We contact you again only if the candidate asks one follow-up question" in thanks


def test_an_answer_alone_is_enough_to_send(routed, linked, answer_form):
    page = linked.post(url(routed), answer_form(answer_2="Yes, it showed real work."))
    assert page.status_code == 302
    assert FeedbackResponse.objects.get().question_answers[1]["answer"] == "Yes, it showed real work."


def test_bad_input_keeps_every_answer_typed(routed, linked, answer_form):
    page = linked.post(url(routed), answer_form(answer_1="x" * 2001, answer_2="Kept, I hope."))
    html = page.content.decode()
    assert page.status_code == 400
    assert "Ensure this value has at most 2000 characters (it has 2001)." in html
    assert ">\nKept, I hope.</textarea>" in html
    assert not FeedbackResponse.objects.exists()


def test_an_error_among_the_other_areas_opens_the_disclosure(routed, linked, answer_form):
    data = answer_form(rating_experience="met")
    del data["rating_fit"]
    html = linked.post(url(routed), data).content.decode()
    assert '<details class="other-areas" open>' in html
    assert "Choose a rating for team and culture fit." in html


def test_an_error_in_an_asked_area_leaves_the_disclosure_closed(routed, linked, answer_form):
    data = answer_form()
    del data["rating_skills"]
    html = linked.post(url(routed), data).content.decode()
    assert '<details class="other-areas">' in html
    assert "Choose a rating for skills." in html


def test_a_ratings_only_client_is_not_shown_the_questions_and_is_told_why(routed, linked, answer_form):
    set_policy(routed.feedback_request, Client.FeedbackPolicy.RATINGS_ONLY)
    html = linked.get(url(routed)).content.decode()
    assert "the candidate's questions are not shown" in html
    for question in ("Was my CV too long?", "portfolio"):
        assert question not in html
    assert 'name="answer_1"' not in html
    # Answers posted anyway (a forged form) are not kept.
    linked.post(url(routed), answer_form(rating_skills="met", answer_1="Smuggled in."))
    assert FeedbackResponse.objects.get().question_answers == []


def test_without_questions_no_sentence_about_them(submitted_request, route, granted):
    FeedbackRequest.objects.filter(pk=submitted_request.pk).update(question_list=[])
    routing = route(FeedbackRequest.objects.get(pk=submitted_request.pk))
    set_policy(submitted_request, Client.FeedbackPolicy.RATINGS_ONLY)
    html = granted(routing).get(url(routing)).content.decode()
    assert "gives ratings only, so there are no comment boxes." in html
    assert "questions are not shown" not in html


def test_questions_the_candidate_did_not_agree_to_pass_on_are_not_shown(routed, linked):
    FeedbackRequest.objects.filter(pk=routed.feedback_request_id).update(consent_to_forward=False)
    html = linked.get(url(routed)).content.decode()
    assert "Was my CV too long?" not in html


def test_the_email_lists_the_areas_and_the_questions_and_promises_the_decline_at_the_top(
    two_questions, route, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        route(two_questions, message="Please be kind: first interview.")
    message = next(m for m in mail.outbox if "/respond/" in m.body)
    assert "They most want to hear about: Relevant experience, Skills." in message.body
    assert "1. Was my CV too long?\n2. Did my <b>portfolio</b> help?" in message.body
    assert "A note from your recruiter:\nPlease be kind: first interview." in message.body
    assert "decline in one step at the top of the page" in message.body
    html = message.alternatives[0][0]
    assert "<li>Did my &lt;b&gt;portfolio&lt;/b&gt; help?</li>" in html


def test_the_email_to_a_ratings_only_manager_leaves_the_questions_out(
    two_questions, route, django_capture_on_commit_callbacks
):
    set_policy(two_questions, Client.FeedbackPolicy.RATINGS_ONLY)
    with django_capture_on_commit_callbacks(execute=True):
        route(two_questions, message="")
    message = next(m for m in mail.outbox if "/respond/" in m.body)
    assert "Was my CV too long?" not in message.body


# --- The recruiter's record of a call ---------------------------------------------------


def test_the_recruiters_call_form_has_the_same_answer_boxes(recruiter_client, routed, answer_form):
    feedback_request = routed.feedback_request
    html = recruiter_client.get(f"/dashboard/requests/{feedback_request.uuid}/").content.decode()
    assert '<label class="label" for="call_answer_1">Question 1: Was my CV too long?</label>' in html
    page = recruiter_client.post(
        f"/dashboard/requests/{feedback_request.uuid}/answer/",
        answer_form(rating_skills="met", answer_2="It helped: it showed shipped work."),
    )
    assert page.status_code == 302
    response = FeedbackResponse.objects.get()
    assert response.answered_by_recruiter is not None
    assert response.question_answers[1] == {
        "question": QUESTIONS[1],
        "answer": "It helped: it showed shipped work.",
    }
