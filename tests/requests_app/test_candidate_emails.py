"""What the candidate reads in the e-mails that end a request: released feedback, or none."""

import pytest

from requests_app import services
from requests_app.models import Area, Rating

pytestmark = pytest.mark.django_db


def _sent_to_candidate(mailoutbox, feedback_request):
    """The last e-mail the candidate was sent: (subject, text, html)."""
    [*_, message] = [m for m in mailoutbox if m.to == [feedback_request.candidate.email]]
    return message.subject, message.body, message.alternatives[0][0]


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a service and send the e-mails it queues, as the worker would."""

    def _send(run):
        with django_capture_on_commit_callbacks(execute=True):
            return run()

    return _send


def _release(response, recruiter, summary):
    return services.release_response(
        response=response, actor=recruiter, released_summary=summary, released_comments={}
    )


def test_the_release_e_mail_mentions_no_recruiters_note_when_there_is_none(
    routing, answer, recruiter, send, mailoutbox
):
    response = answer(routing, summary="Build one end-to-end modelling project.")
    send(lambda: _release(response, recruiter, "Build one end-to-end modelling project."))

    subject, text, html = _sent_to_candidate(mailoutbox, routing.feedback_request)
    assert "is ready" in subject
    assert "The interview team at" in text
    assert "note" not in text
    assert "note" not in html


def test_the_release_e_mail_mentions_the_recruiters_note_when_they_wrote_one(
    routing, answer, recruiter, send, mailoutbox
):
    response = answer(routing, summary="")
    send(lambda: _release(response, recruiter, "A note from me: this is a strong result for a first try."))

    _, text, html = _sent_to_candidate(mailoutbox, routing.feedback_request)
    assert "Your recruiter has added a note of their own." in text
    assert "Your recruiter has added a note of their own." in html


def test_the_release_e_mail_of_a_call_says_the_recruiter_wrote_it_down(
    submitted_request, recruiter, send, mailoutbox
):
    def run():
        response = services.record_recruiter_answer(
            feedback_request=submitted_request,
            actor=recruiter,
            answers={Area.CV: (Rating.IMPROVE, "Lead with outcomes.")},
        )
        _release(response, recruiter, "")

    send(run)

    _, text, _ = _sent_to_candidate(mailoutbox, submitted_request)
    assert "Your recruiter spoke with the interview team" in text
    assert "note" not in text


@pytest.mark.parametrize(
    ("reason", "explained", "not_said"),
    [
        (
            "Our company policy does not allow detailed feedback",
            "policy does not allow detailed feedback to candidates",
            "saw enough",
        ),
        (
            "I did not see enough of the candidate to comment. I joined late.",
            "did not feel they saw enough of you to comment fairly",
            "policy",
        ),
        ("Another reason. Busy quarter.", "is not able to share detailed feedback this time", "policy"),
    ],
)
def test_the_decline_e_mail_gives_the_reason_the_manager_chose_kindly(
    routing, recruiter, send, mailoutbox, reason, explained, not_said
):
    feedback_request = routing.feedback_request
    services.submit_manager_decline(routing=routing, reason=reason)
    send(
        lambda: services.decline_request(
            feedback_request=feedback_request, actor=recruiter, message="I am sorry. Shall we talk on Friday?"
        )
    )

    _, text, html = _sent_to_candidate(mailoutbox, feedback_request)
    assert explained in text
    assert explained in html.replace("&#x27;", "'")
    assert not_said not in text
    assert "says nothing about you" in text or "says nothing about how you did" in text
    # The manager's own words stay with the recruiter; the recruiter's note reaches the candidate.
    assert "I joined late" not in text
    assert "Busy quarter" not in text
    assert "A note from your recruiter:\nI am sorry. Shall we talk on Friday?" in text
    assert feedback_request.owner.email in text
    assert routing.hiring_manager.name not in text


def test_a_decline_without_the_manager_gives_no_reason_but_offers_the_recruiter(
    submitted_request, recruiter, send, mailoutbox
):
    send(
        lambda: services.decline_request(
            feedback_request=submitted_request, actor=recruiter, message="Sorry."
        )
    )

    _, text, _ = _sent_to_candidate(mailoutbox, submitted_request)
    assert "is not able to share detailed feedback this time. This says nothing about you." in text
    assert "policy" not in text
    assert "a call to talk through your interview" in text
