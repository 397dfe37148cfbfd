"""/requests/<uuid>/follow-up/: the candidate's one follow-up question after release.

The whole path runs here through the pages, both ways: the recruiter answers it, or forwards it
to the hiring manager, who answers through the link in their e-mail.
"""

import re
import uuid

import pytest
from django.core import mail
from django.test import Client as Browser

from feedback_portal.models import OutboundEmail
from requests_app import services
from requests_app.models import Event, FeedbackRequest, FollowUp

pytestmark = pytest.mark.django_db

QUESTION = "Which modelling tool would you learn first, dbt or SQLMesh?"
LINK = re.compile(r"/respond/[^/\s]+/")


def page_url(feedback_request) -> str:
    return f"/requests/{feedback_request.uuid}/"


def url(feedback_request) -> str:
    return f"/requests/{feedback_request.uuid}/follow-up/"


def dashboard_url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/"


@pytest.fixture
def recruiter_browser(released_request):
    """The owning recruiter, signed in in their own browser."""
    browser = Browser()
    browser.force_login(released_request.application.recruiter)
    return browser


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a step with its e-mails sent (after commit, as the worker would)."""

    def _sent(step, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args, **kwargs)

    return _sent


def one_email(to: str, subject_contains: str):
    found = [m for m in mail.outbox if to in m.to and subject_contains in m.subject]
    assert len(found) == 1, [(m.to, m.subject) for m in mail.outbox]
    return found[0]


# --- The whole path --------------------------------------------------------------------------


def test_forwarded_to_the_manager_who_answers_through_the_emailed_link(
    candidate_client, recruiter_browser, manager_browser, released_request, sent
):
    fr = released_request
    application = fr.application
    recruiter = application.recruiter
    manager = fr.routings.get().hiring_manager
    client_name = application.client.name

    # The candidate asks.
    assert "Ask a follow-up question" in candidate_client.get(page_url(fr)).content.decode()
    page = sent(candidate_client.post, url(fr), {"question": QUESTION}, follow=True)
    html = page.content.decode()
    assert "Your question is on its way to your recruiter." in html
    assert QUESTION in html
    assert "Ask a follow-up question" not in html
    one_email(recruiter.email, "Follow-up question")

    # The recruiter forwards it to the same manager, reworded.
    html = recruiter_browser.get(dashboard_url(fr)).content.decode()
    assert QUESTION in html
    assert f"Forward to {manager.name}" in html
    reworded = "Which tool would you learn first for the modelling gap: dbt or SQLMesh?"
    page = sent(
        recruiter_browser.post, f"{dashboard_url(fr)}follow-up/forward/", {"message": reworded}, follow=True
    )
    assert f"Forwarded to {manager.name}." in page.content.decode()
    invitation = one_email(manager.email, "follow-up question")
    assert invitation.reply_to == [recruiter.email]
    assert reworded in invitation.body
    [link] = set(LINK.findall(invitation.body))

    # The manager opens the link, sees the question beside their own feedback, and answers.
    opened = manager_browser.get(link)
    follow_up_page = f"/respond/answer/{fr.follow_up.routings.get().uuid}/follow-up/"
    assert opened.status_code == 302
    assert opened["Location"] == follow_up_page
    html = manager_browser.get(follow_up_page).content.decode()
    assert application.candidate_name in html
    assert application.role_title in html
    assert reworded in html
    assert "Less hands-on time with dbt" in html  # their own original words, not the released edit
    assert application.candidate_email not in html
    reply = "dbt: it is what our team uses, and its docs teach good modelling habits."
    page = sent(manager_browser.post, follow_up_page, {"reply": reply}, follow=True)
    assert "Thank you" in page.content.decode()
    assert reply in page.content.decode()
    one_email(recruiter.email, "Follow-up reply to review")

    # The recruiter reviews the reply, edits it and sends it on.
    html = recruiter_browser.get(dashboard_url(fr)).content.decode()
    assert "The manager's reply (original)" in html
    assert "Review and send the reply" in html
    assert f">\n{reply}</textarea>" in html  # the answer box starts from the manager's words
    edited = "dbt: the team uses it, and its documentation teaches good modelling habits."
    page = sent(
        recruiter_browser.post,
        f"{dashboard_url(fr)}follow-up/answer/",
        {"answer": edited, "seen_state": "replied"},
        follow=True,
    )
    assert "Sent. The candidate has been e-mailed." in page.content.decode()
    follow_up = FollowUp.objects.get()
    assert follow_up.state == FollowUp.State.ANSWERED
    assert (follow_up.reply, follow_up.answer) == (reply, edited)  # the original kept beside it
    assert follow_up.answer_source == FollowUp.Source.INTERVIEW_TEAM
    assert follow_up.replied_via.hiring_manager == manager
    assert follow_up.answered_by == recruiter
    told = one_email(fr.candidate.email, "has an answer")
    assert told.reply_to == [recruiter.email]
    assert page_url(fr) in told.body

    # The candidate reads it, from the interview team, never from the manager by name.
    html = candidate_client.get(page_url(fr)).content.decode()
    assert f"Answer from the interview team at {client_name}" in html
    assert edited in html
    assert reply not in html
    for secret in (manager.name, manager.email, manager.title):
        assert secret not in html
    assert "Follow-up question asked" in html
    assert "Follow-up question answered" in html

    # The manager's link is closed now, by address and by the page it led to.
    assert manager_browser.get(link).status_code == 410
    closed = manager_browser.get(follow_up_page)
    assert closed.status_code == 410
    assert "This link is closed" in closed.content.decode()
    assert reply not in closed.content.decode()


def test_the_recruiter_answers_it_directly(candidate_client, recruiter_browser, released_request, sent):
    fr = released_request
    manager = fr.routings.get().hiring_manager
    sent(candidate_client.post, url(fr), {"question": QUESTION})
    mail.outbox.clear()

    answer = "Start with dbt: most teams at our clients use it. I can send you a good course."
    page = sent(
        recruiter_browser.post,
        f"{dashboard_url(fr)}follow-up/answer/",
        {"answer": answer, "seen_state": "asked"},
        follow=True,
    )

    assert "Sent. The candidate has been e-mailed." in page.content.decode()
    follow_up = FollowUp.objects.get()
    assert follow_up.state == FollowUp.State.ANSWERED
    assert follow_up.answer_source == FollowUp.Source.RECRUITER
    assert follow_up.reply == ""
    assert [m.to for m in mail.outbox] == [[fr.candidate.email]]  # nobody else is asked
    html = candidate_client.get(page_url(fr)).content.decode()
    assert "Answer from your recruiter" in html
    assert answer in html
    assert manager.name not in html
    # Once answered, the candidate may close the request again.
    assert "Mark as read and close" in html


# --- Asking ----------------------------------------------------------------------------------


def test_asking_is_on_the_timeline_and_the_recruiter_is_told(candidate_client, released_request, sent):
    sent(candidate_client.post, url(released_request), {"question": f"  {QUESTION}  "})

    follow_up = FollowUp.objects.get(feedback_request=released_request)
    assert follow_up.question == QUESTION
    assert follow_up.state == FollowUp.State.ASKED
    event = Event.objects.get(kind=Event.Kind.FOLLOW_UP_ASKED)
    assert event.visible_to_candidate
    assert event.actor == released_request.candidate
    recruiter = released_request.application.recruiter
    message = one_email(recruiter.email, "Follow-up question")
    assert dashboard_url(released_request) in message.body


def test_only_one_follow_up_question(candidate_client, released_request, ask_follow_up):
    ask_follow_up(released_request, "The first question?")

    html = candidate_client.get(page_url(released_request)).content.decode()
    assert "Ask a follow-up question" not in html
    page = candidate_client.post(url(released_request), {"question": "A second question?"}, follow=True)

    assert "You have already asked your follow-up question" in page.content.decode()
    assert FollowUp.objects.get().question == "The first question?"
    assert Event.objects.filter(kind=Event.Kind.FOLLOW_UP_ASKED).count() == 1


@pytest.mark.parametrize("step", ["submitted", "routed", "answered"])
def test_no_follow_up_before_release(candidate_client, submitted_request, route, answer, step):
    if step != "submitted":
        routing = route(submitted_request)
        if step == "answered":
            answer(routing)

    html = candidate_client.get(page_url(submitted_request)).content.decode()
    page = candidate_client.post(url(submitted_request), {"question": QUESTION}, follow=True)

    assert "Ask a follow-up question" not in html
    assert "can be asked once your feedback is released" in page.content.decode()
    assert not FollowUp.objects.exists()


def test_no_follow_up_once_the_request_is_closed(candidate_client, released_request):
    services.acknowledge_feedback(feedback_request=released_request, candidate=released_request.candidate)

    html = candidate_client.get(page_url(released_request)).content.decode()
    page = candidate_client.post(url(released_request), {"question": QUESTION}, follow=True)

    assert "Ask a follow-up question" not in html
    assert "until the request is closed" in page.content.decode()
    assert not FollowUp.objects.exists()


def test_an_empty_question_says_so(candidate_client, released_request):
    page = candidate_client.post(url(released_request), {"question": "   "})

    html = page.content.decode()
    assert page.status_code == 400
    assert "Write your question before sending it." in html
    assert 'aria-invalid="true"' in html
    assert not FollowUp.objects.exists()


def test_an_overlong_question_says_so_and_keeps_it(candidate_client, released_request):
    question = "Why " + "y" * 1000
    page = candidate_client.post(url(released_request), {"question": question})

    html = page.content.decode()
    assert page.status_code == 400
    assert "Ensure this value has at most 1000 characters (it has 1004)." in html
    assert question in html
    assert not FollowUp.objects.exists()
    assert not OutboundEmail.objects.filter(kind="follow_up_asked").exists()


def test_a_null_character_is_refused_not_a_server_error(candidate_client, released_request):
    page = candidate_client.post(url(released_request), {"question": "a\x00b"})
    assert page.status_code == 400
    assert "Null characters are not allowed." in page.content.decode()
    assert not FollowUp.objects.exists()


def test_candidate_cannot_ask_on_another_candidates_request(client, candidate_factory, released_request):
    client.force_login(candidate_factory())

    assert client.post(url(released_request), {"question": QUESTION}).status_code == 404
    assert client.get(url(released_request)).status_code == 405  # a POST-only address
    assert not FollowUp.objects.exists()


def test_an_unknown_request_or_a_recruiter_is_404(candidate_client, recruiter_browser, released_request):
    assert (
        candidate_client.post(f"/requests/{uuid.uuid4()}/follow-up/", {"question": QUESTION}).status_code
        == 404
    )
    assert recruiter_browser.post(url(released_request), {"question": QUESTION}).status_code == 404
    assert not FollowUp.objects.exists()


def test_an_open_follow_up_keeps_the_request_open(candidate_client, released_request, ask_follow_up):
    ask_follow_up(released_request)

    html = candidate_client.get(page_url(released_request)).content.decode()
    page = candidate_client.post(f"{page_url(released_request)}acknowledge/", {}, follow=True)

    assert "Mark as read and close" not in html
    assert "this request stays open until then" in html
    assert "can be closed once it is answered" in page.content.decode()
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.RELEASED


def test_waiting_for_the_manager_shows_no_name(
    candidate_client, released_request, ask_follow_up, forward_follow_up
):
    forward_follow_up(ask_follow_up(released_request))
    manager = released_request.routings.filter(follow_up__isnull=True).get().hiring_manager

    html = candidate_client.get(page_url(released_request)).content.decode()

    assert "Your recruiter has passed it to the interview team." in html
    assert "Your follow-up question was passed to the interview team." in html  # the timeline
    assert manager.name not in html
    assert manager.email not in html


# --- Query counts ----------------------------------------------------------------------------


def test_page_with_the_question_form_renders_in_a_fixed_number_of_queries(
    candidate_client, released_request, django_assert_num_queries
):
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with its application, client and follow-up question (none yet)
    # 3. the released response
    # 4. its area answers (prefetched)
    # 5. the candidate-visible timeline (the next steps released are kept on the answers)
    with django_assert_num_queries(5):
        page = candidate_client.get(page_url(released_request))
    assert "Ask a follow-up question" in page.content.decode()


def test_page_with_an_answered_follow_up_renders_in_a_fixed_number_of_queries(
    candidate_client, released_request, ask_follow_up, django_assert_num_queries
):
    follow_up = ask_follow_up(released_request)
    services.answer_follow_up(
        follow_up=follow_up, actor=released_request.application.recruiter, answer="Start with dbt."
    )
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with its application, client and follow-up question
    # 3. the released response
    # 4. its area answers (prefetched)
    # 5. the candidate-visible timeline (the next steps released are kept on the answers)
    with django_assert_num_queries(5):
        page = candidate_client.get(page_url(released_request))
    assert "Start with dbt." in page.content.decode()


def test_question_errors_page_renders_in_a_fixed_number_of_queries(
    candidate_client, released_request, django_assert_num_queries
):
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with its application, client and follow-up question (none yet)
    # 3. the released response
    # 4. its area answers (prefetched)
    # 5. the candidate-visible timeline (the next steps released are kept on the answers)
    with django_assert_num_queries(5):
        page = candidate_client.post(url(released_request), {"question": ""})
    assert page.status_code == 400
