"""/dashboard/requests/<uuid>/follow-up/answer/: the recruiter sends the follow-up's answer.

Their own answer, or their review of the hiring manager's reply; the legal-safety check's
terms run on it as on released feedback.
"""

import re

import pytest
from django.core import mail
from django.test import Client as Browser

from candidates.models import HiringManager
from feedback_portal.models import OutboundEmail
from requests_app import services
from requests_app.models import Event, FeedbackRequest, FollowUp, Routing

pytestmark = pytest.mark.django_db

FLAGGED = "They wanted someone for a young team, so dbt experience mattered less."


def url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/follow-up/answer/"


def page_url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/"


@pytest.fixture
def asked(released_request, ask_follow_up) -> FollowUp:
    return ask_follow_up(released_request)


@pytest.fixture
def forwarded(asked, forward_follow_up) -> Routing:
    return forward_follow_up(asked)


@pytest.fixture
def unanswered(asked):
    """Asserts, when called, that nothing was sent to the candidate since the fixture ran."""
    events = Event.objects.count()
    emails = OutboundEmail.objects.count()

    def check():
        follow_up = FollowUp.objects.get()
        assert follow_up.state != FollowUp.State.ANSWERED
        assert follow_up.answer == ""
        assert Event.objects.count() == events
        assert OutboundEmail.objects.count() == emails

    return check


def seen(html: str) -> str:
    return re.search(r'name="seen_answer_legal_age" value="([0-9a-f]+)"', html).group(1)


def test_answering_directly_closes_the_managers_link_and_tells_the_candidate(
    recruiter_client, recruiter, forwarded, django_capture_on_commit_callbacks
):
    fr = forwarded.feedback_request
    html = recruiter_client.get(page_url(fr)).content.decode()
    assert "Answer it yourself" in html
    assert "The manager's link closes." in html

    with django_capture_on_commit_callbacks(execute=True):
        page = recruiter_client.post(url(fr), {"answer": "dbt, said the team.", "seen_state": "forwarded"})

    assert page.status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.state, follow_up.answer, follow_up.answered_by) == (
        "answered",
        "dbt, said the team.",
        recruiter,
    )
    assert follow_up.answer_source == FollowUp.Source.RECRUITER
    assert Routing.objects.get(pk=forwarded.pk).revoked_at is not None
    answered = Event.objects.get(kind=Event.Kind.FOLLOW_UP_ANSWERED)
    assert answered.visible_to_candidate
    assert answered.actor == recruiter
    [told] = [m for m in mail.outbox if fr.candidate.email in m.to]
    assert "has an answer" in told.subject


def test_a_declined_reply_leaves_the_answer_to_the_recruiter(recruiter_client, forwarded):
    services.decline_follow_up(routing=forwarded, reason="I have nothing to add to my feedback")
    fr = forwarded.feedback_request

    html = recruiter_client.get(page_url(fr)).content.decode()
    assert "The manager declined" in html
    assert "Answer it yourself" in html
    assert '">\n</textarea>' in html  # a decline is not offered as the answer
    recruiter_client.post(url(fr), {"answer": "The team has nothing to add; let us talk it through."})

    follow_up = FollowUp.objects.get()
    assert follow_up.answer_source == FollowUp.Source.RECRUITER
    assert follow_up.reply == "I have nothing to add to my feedback"
    candidate_browser = Browser()
    candidate_browser.force_login(fr.candidate)
    assert "Answer from your recruiter" in candidate_browser.get(f"/requests/{fr.uuid}/").content.decode()


def test_the_manager_replied_while_the_recruiter_was_writing(recruiter_client, forwarded, unanswered):
    fr = forwarded.feedback_request
    services.reply_to_follow_up(routing=forwarded, reply="dbt, without a doubt.")
    events = Event.objects.count()

    page = recruiter_client.post(url(fr), {"answer": "My own careful answer.", "seen_state": "forwarded"})

    html = page.content.decode()
    assert page.status_code == 409
    assert "The hiring manager replied while you were writing" in html
    assert "dbt, without a doubt." in html  # the reply, to read
    assert "My own careful answer." in html  # and nothing typed is lost
    assert 'name="seen_state" value="replied"' in html
    assert FollowUp.objects.get().state == FollowUp.State.REPLIED
    assert Event.objects.count() == events

    recruiter_client.post(url(fr), {"answer": "My own careful answer.", "seen_state": "replied"})
    assert FollowUp.objects.get().state == FollowUp.State.ANSWERED


def test_an_empty_answer_says_so(recruiter_client, asked, unanswered):
    page = recruiter_client.post(url(asked.feedback_request), {"answer": " ", "seen_state": "asked"})
    assert page.status_code == 400
    assert "Write the answer the candidate will read." in page.content.decode()
    unanswered()


def test_an_overlong_answer_says_so_and_keeps_it(recruiter_client, asked, unanswered):
    page = recruiter_client.post(url(asked.feedback_request), {"answer": "w" * 2001})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Ensure this value has at most 2000 characters (it has 2001)." in html
    assert "w" * 2001 in html
    unanswered()


def test_answering_twice_is_refused(recruiter_client, asked):
    recruiter_client.post(url(asked.feedback_request), {"answer": "First."})
    page = recruiter_client.post(url(asked.feedback_request), {"answer": "Second."}, follow=True)

    assert "This follow-up question is answered; it cannot be answered now." in page.content.decode()
    assert FollowUp.objects.get().answer == "First."
    assert Event.objects.filter(kind=Event.Kind.FOLLOW_UP_ANSWERED).count() == 1


def test_a_candidate_cannot_answer(candidate_client, asked, unanswered):
    assert candidate_client.post(url(asked.feedback_request), {"answer": "Myself."}).status_code == 404
    unanswered()


def test_no_follow_up_is_404(recruiter_client, released_request):
    assert recruiter_client.post(url(released_request), {"answer": "Hello."}).status_code == 404


# --- The legal-safety check ----------------------------------------------------------------


def test_a_flagged_reply_is_shown_with_its_flag_and_cannot_go_unacknowledged(recruiter_client, forwarded):
    fr = forwarded.feedback_request
    services.reply_to_follow_up(routing=forwarded, reply=FLAGGED)

    html = recruiter_client.get(page_url(fr)).content.decode()
    assert "The legal-safety check flagged the answer below." in html
    assert "Check: possible legal risk (age)</strong> — “young team”." in html
    assert 'aria-describedby="flag-answer_legal_age"' in html
    page = recruiter_client.post(url(fr), {"answer": FLAGGED, "seen_state": "replied"})

    assert page.status_code == 400
    assert "Edit this text, or tick “Send anyway” below and say why." in page.content.decode()
    assert FollowUp.objects.get().state == FollowUp.State.REPLIED


def test_a_reply_naming_the_manager_must_be_edited_before_it_is_sent(recruiter_client, forwarded):
    """The follow-up answer passes the same identity check as released feedback."""
    fr = forwarded.feedback_request
    HiringManager.objects.filter(pk=forwarded.hiring_manager_id).update(name="Dana Whitfield")
    reply = f"Learn dbt first. Dana Whitfield can mentor you: write to {forwarded.hiring_manager.email}."
    services.reply_to_follow_up(routing=forwarded, reply=reply)

    html = recruiter_client.get(page_url(fr)).content.decode()
    assert html.count("Check: names someone</strong>") == 2
    page = recruiter_client.post(url(fr), {"answer": reply, "seen_state": "replied"})
    assert page.status_code == 400
    assert (
        f"Edit “{forwarded.hiring_manager.email}” away: the candidate must not read it."
        in page.content.decode()
    )
    assert FollowUp.objects.get().state == FollowUp.State.REPLIED

    recruiter_client.post(url(fr), {"answer": "Learn dbt first.", "seen_state": "replied"})
    assert FollowUp.objects.get().answer == "Learn dbt first."


def test_editing_the_flagged_words_away_sends_it(recruiter_client, forwarded):
    services.reply_to_follow_up(routing=forwarded, reply=FLAGGED)
    edited = "They put dbt experience first for this team."

    recruiter_client.post(url(forwarded.feedback_request), {"answer": edited, "seen_state": "replied"})

    follow_up = FollowUp.objects.get()
    assert (follow_up.reply, follow_up.answer) == (FLAGGED, edited)
    assert follow_up.answer_source == FollowUp.Source.INTERVIEW_TEAM


def test_sending_anyway_needs_a_reason_and_is_noted_for_recruiters(recruiter_client, forwarded):
    fr = forwarded.feedback_request
    services.reply_to_follow_up(routing=forwarded, reply=FLAGGED)
    signature = seen(recruiter_client.get(page_url(fr)).content.decode())
    data = {
        "answer": FLAGGED,
        "seen_state": "replied",
        "ack_answer_legal_age": "on",
        "seen_answer_legal_age": signature,
    }

    page = recruiter_client.post(url(fr), data)
    assert page.status_code == 400
    assert "Say why this can be sent as it is." in page.content.decode()

    recruiter_client.post(
        url(fr), {**data, "reason_answer_legal_age": "The client's own words; checked with them."}
    )
    assert FollowUp.objects.get().state == FollowUp.State.ANSWERED
    note = Event.objects.get(kind=Event.Kind.NOTE, message__startswith="Follow-up answer sent with flags")
    assert not note.visible_to_candidate
    assert "Follow-up answer — possible legal risk (age): “young team”" in note.message
    assert "checked with them" in note.message


def test_a_tick_for_other_words_needs_a_fresh_look(recruiter_client, forwarded):
    fr = forwarded.feedback_request
    services.reply_to_follow_up(routing=forwarded, reply=FLAGGED)
    signature = seen(recruiter_client.get(page_url(fr)).content.decode())

    page = recruiter_client.post(
        url(fr),
        {
            "answer": "They wanted a young team, and someone less overqualified.",
            "seen_state": "replied",
            "ack_answer_legal_age": "on",
            "seen_answer_legal_age": signature,
            "reason_answer_legal_age": "Fine.",
        },
    )

    assert page.status_code == 400
    assert "The check found other words since you ticked" in page.content.decode()
    assert FollowUp.objects.get().state == FollowUp.State.REPLIED


# --- Query counts ----------------------------------------------------------------------------


def test_request_page_with_a_reply_to_review_renders_in_a_fixed_number_of_queries(
    recruiter_client, forwarded, django_assert_num_queries
):
    services.reply_to_follow_up(routing=forwarded, reply="dbt.")
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with application, client, recruiter, candidate and follow-up question
    # 3. every routing of the request, with its hiring manager (the request's and the follow-up's)
    # 4. the latest response
    # 5. its area answers (prefetched)
    # 6. every version of it released to the candidate, with who released it
    # 7. the names the identity check looks for, for the answer form
    # 8. the timeline, with each event's actor
    # (the portal settings, with the legal-safety terms, come from the cache)
    with django_assert_num_queries(8):
        page = recruiter_client.get(page_url(forwarded.feedback_request))
    assert "Review and send the reply" in page.content.decode()


def test_answer_errors_page_renders_in_a_fixed_number_of_queries(
    recruiter_client, asked, django_assert_num_queries
):
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with application, client, recruiter, candidate and follow-up question
    # 3. every routing of the request, with its hiring manager
    # 4. the latest response
    # 5. its area answers (prefetched)
    # 6. every version of it released to the candidate, with who released it
    # 7. the names the identity check looks for, for the answer form
    # 8. the timeline, with each event's actor
    with django_assert_num_queries(8):
        page = recruiter_client.post(url(asked.feedback_request), {"answer": ""})
    assert page.status_code == 400


def test_the_request_stays_released_until_the_follow_up_is_answered(asked):
    fr = asked.feedback_request
    with pytest.raises(services.TransitionNotAllowed):
        services.close_request(feedback_request=fr)
    services.answer_follow_up(follow_up=asked, actor=fr.application.recruiter, answer="dbt.")

    services.close_request(feedback_request=fr)

    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.CLOSED
