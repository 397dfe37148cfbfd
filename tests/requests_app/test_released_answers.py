"""The answers to the candidate's questions, from the manager's words to the candidate's page:
edited on the release page through the identity and legal-safety checks and the preview, kept
in every released version, corrected, exported and anonymised like every other released text."""

import re

import pytest
from django.test import Client as Browser
from django.utils import timezone

from requests_app import exports, retention, services
from requests_app.models import Area, FeedbackRequest, FeedbackResponse, Rating, ReleasedVersion

pytestmark = pytest.mark.django_db

QUESTIONS = ["Was my CV too long?", "Should I have asked about the data stack?"]
ANSWER = "Yes: two pages would have been enough; the projects section ran long."
EXPERIENCE = "More hands-on dbt: one modelling project from raw data to a dashboard would close it."
HIDDEN = re.compile(r'name="(previewed|once)" value="([0-9a-f]+)"')


@pytest.fixture
def answered(candidate, application_factory, portal_settings, route):
    """Asked with two questions, routed, and answered: the first question only."""
    feedback_request = services.submit_request(
        candidate=candidate,
        application=application_factory(candidate=candidate),
        areas=[Area.EXPERIENCE],
        questions=QUESTIONS,
        consent_to_forward=True,
    )
    routing = route(feedback_request, message="")
    services.submit_manager_response(
        routing=routing,
        answers={Area.EXPERIENCE: (Rating.IMPROVE, EXPERIENCE)},
        summary="",
        question_answers=[{"answer": ANSWER}, {"answer": ""}],
    )
    return FeedbackRequest.objects.get(pk=feedback_request.pk)


def release_url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/release/"


def send(client, address: str, data: dict, **kwargs):
    """Preview `data`, then send what was previewed, as the page's two buttons do."""
    shown = dict(HIDDEN.findall(client.post(address, {**data, "action": "preview"}).content.decode()))
    return client.post(address, {**data, **shown, "action": "send"}, **kwargs)


def released_form(**changes) -> dict:
    return {
        "released_summary": "",
        "comment_experience": EXPERIENCE,
        "answer_1": ANSWER,
        "answer_2": "",
        **changes,
    }


def test_the_recruiter_reads_the_managers_answers_with_the_rest(recruiter_client, answered):
    html = recruiter_client.get(f"/dashboard/requests/{answered.uuid}/").content.decode()
    original = html[html.index("The manager's answer (original)") :]
    assert f"<dt>Was my CV too long?</dt><dd>{ANSWER}</dd>" in original
    assert "<dt>Should I have asked about the data stack?</dt><dd>Not answered</dd>" in original


def test_the_release_page_shows_each_question_with_its_answer_to_edit(recruiter_client, answered):
    html = recruiter_client.get(release_url(answered)).content.decode()
    assert "<legend>The candidate's questions</legend>" in html
    assert f">\n{ANSWER}</textarea>" in html
    assert "The candidate asked: Was my CV too long?" in html
    # The preview shows the candidate's page with the answers, and says which one has none.
    assert "Your questions" in html
    assert "The interview team did not answer this one." in html


def test_a_name_in_an_answer_is_flagged_and_blocks_the_release(recruiter_client, answered):
    manager = answered.routings.get().hiring_manager
    page = send(
        recruiter_client, release_url(answered), released_form(answer_1=f"Ask {manager.name}, she knows.")
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert re.search(r'name="mark_question_1_identity_[0-9a-f]+"', html)  # beside the answer it is in
    assert "in Answer to question 1)" in html
    assert f"Ask {manager.name}, she knows.</textarea>" in html  # what was typed is kept
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.ANSWERED


def test_a_legally_risky_answer_is_flagged(recruiter_client, answered):
    html = send(
        recruiter_client, release_url(answered), released_form(answer_2="We wanted someone younger.")
    ).content.decode()
    assert 'name="ack_question_2_legal_age"' in html
    assert 'name="reason_question_2_legal_age"' in html
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.ANSWERED


def test_releasing_keeps_the_answers_as_edited_in_the_response_and_the_version(
    recruiter_client, answered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = send(
            recruiter_client,
            release_url(answered),
            released_form(answer_1="Two pages would have been enough.", answer_2="  "),
            follow=True,
        )
    assert "Released. The candidate has been e-mailed." in page.content.decode()
    response = FeedbackResponse.objects.get()
    expected = [
        {"question": QUESTIONS[0], "answer": "Two pages would have been enough."},
        {"question": QUESTIONS[1], "answer": ""},
    ]
    assert response.released_question_answers == expected
    assert response.question_answers[0]["answer"] == ANSWER  # the manager's words stay as they were
    assert ReleasedVersion.objects.get().question_answers == expected


def test_the_candidate_reads_each_question_with_its_answer(recruiter_client, answered, candidate):
    send(recruiter_client, release_url(answered), released_form())
    browser = Browser()
    browser.force_login(candidate)
    html = browser.get(f"/requests/{answered.uuid}/").content.decode()
    questions = html.index("Your questions")
    assert html.index("Was my CV too long?", questions) < html.index(ANSWER, questions)
    assert html.index("Should I have asked about the data stack?", questions) < html.index(
        "The interview team did not answer this one.", questions
    )


def test_a_correction_of_an_answer_is_a_new_version_naming_what_changed(recruiter_client, answered):
    send(recruiter_client, release_url(answered), released_form())
    send(
        recruiter_client,
        f"/dashboard/requests/{answered.uuid}/correct/",
        released_form(answer_2="A little, yes.", reason="The second answer came later."),
    )
    versions = list(ReleasedVersion.objects.order_by("number"))
    assert [v.question_answers[1]["answer"] for v in versions] == ["", "A little, yes."]
    assert FeedbackResponse.objects.get().released_question_answers[1]["answer"] == "A little, yes."
    assert answered.events.filter(message__contains="Changed: Answer to question 2").exists()


def test_exports_and_retention_cover_the_questions_and_answers(
    recruiter, answered, candidate, recruiter_client
):
    send(recruiter_client, release_url(answered), released_form())
    mine = exports.candidate_export(candidate)
    request = next(r for a in mine["applications"] for r in a["feedback_requests"])
    assert request["questions"] == QUESTIONS
    assert request["feedback"]["your_questions"][0] == {"question": QUESTIONS[0], "answer": ANSWER}
    full = exports.subject_access_export(candidate=candidate, actor=recruiter)
    response = next(r for a in full["applications"] for fr in a["feedback_requests"] for r in fr["responses"])
    assert response["question_answers"][0]["answer"] == ANSWER
    assert response["released_versions"][0]["question_answers"][0]["answer"] == ANSWER

    FeedbackRequest.objects.filter(pk=answered.pk).update(state=FeedbackRequest.State.CLOSED)
    assert retention.anonymise_request(
        feedback_request=FeedbackRequest.objects.get(pk=answered.pk), now=timezone.now()
    )
    assert FeedbackRequest.objects.get().question_list == []
    response = FeedbackResponse.objects.get()
    assert response.question_answers == [] and response.released_question_answers == []
    assert ReleasedVersion.objects.get().question_answers == []
