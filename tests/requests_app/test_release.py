"""/dashboard/requests/<uuid>/release/: the recruiter releases their reviewed version."""

import pytest
from django.core import mail

from feedback_portal.models import OutboundEmail
from requests_app import services
from requests_app.models import Event, FeedbackRequest, FeedbackResponse

pytestmark = pytest.mark.django_db


def url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/release/"


@pytest.fixture
def answered(routing, answer):
    answer(routing)
    return routing.feedback_request


@pytest.fixture
def unreleased(answered):
    """Asserts, when called, that nothing was released since the fixture ran."""
    events = Event.objects.count()
    emails = OutboundEmail.objects.count()

    def check():
        assert FeedbackRequest.objects.get().state == FeedbackRequest.State.ANSWERED
        response = FeedbackResponse.objects.get()
        assert response.released_at is None
        assert response.released_summary == ""
        assert not response.answers.exclude(released_comment="").exists()
        assert Event.objects.count() == events
        assert OutboundEmail.objects.count() == emails

    return check


def test_releasing_tells_the_candidate(
    recruiter_client, answered, recruiter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = recruiter_client.post(
            url(answered),
            {"released_summary": "Edited summary.", "comment_experience": "Edited comment."},
            follow=True,
        )
    assert "Released. The candidate has been e-mailed." in page.content.decode()
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.RELEASED
    assert Event.objects.filter(kind=Event.Kind.RELEASED, actor=recruiter).exists()
    message = next(m for m in mail.outbox if answered.candidate.email in m.to)
    assert f"/requests/{answered.uuid}/" in message.body


def test_an_overlong_comment_says_so_and_keeps_every_edit(recruiter_client, answered, unreleased):
    page = recruiter_client.post(
        url(answered),
        {
            "released_summary": "My careful edit of the summary.",
            "comment_experience": "x" * 2001,
            "comment_answers": "My careful edit of the answers.",
        },
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "Please check the highlighted fields below." in html
    assert "Ensure this value has at most 2000 characters (it has 2001)." in html
    assert "My careful edit of the summary." in html
    assert "My careful edit of the answers." in html
    unreleased()


def test_a_null_character_is_refused_not_a_server_error(recruiter_client, answered, unreleased):
    page = recruiter_client.post(url(answered), {"released_summary": "a\x00b"})
    assert page.status_code == 400
    assert "Null characters are not allowed." in page.content.decode()
    unreleased()


def test_a_managers_decline_is_not_released(recruiter_client, routing):
    services.submit_manager_decline(routing=routing, reason="Our policy.")
    page = recruiter_client.post(url(routing.feedback_request), {"released_summary": "x"}, follow=True)
    assert "A decline is confirmed, not released." in page.content.decode()
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.ANSWERED
    assert not Event.objects.filter(kind=Event.Kind.RELEASED).exists()


def test_nothing_to_release_is_404(recruiter_client, submitted_request):
    assert recruiter_client.post(url(submitted_request), {"released_summary": "x"}).status_code == 404


def test_releasing_twice_is_refused(recruiter_client, answered):
    recruiter_client.post(url(answered), {"released_summary": "First."})
    page = recruiter_client.post(url(answered), {"released_summary": "Second."}, follow=True)
    assert "it cannot be released now" in page.content.decode()
    assert FeedbackResponse.objects.get().released_summary == "First."
    assert Event.objects.filter(kind=Event.Kind.RELEASED).count() == 1


def test_a_candidate_cannot_release(candidate_client, answered, unreleased):
    assert candidate_client.post(url(answered), {"released_summary": "x"}).status_code == 404
    unreleased()


def test_form_errors_page_renders_in_a_fixed_number_of_queries(
    recruiter_client, answered, django_assert_num_queries
):
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with application, client, recruiter and candidate
    # 3. the latest response
    # 4. its area answers (prefetched)
    # 5. the latest routing, with its hiring manager
    # 6. the client's hiring managers, for the re-route form
    # 7. the timeline, with each event's actor
    with django_assert_num_queries(7):
        page = recruiter_client.post(url(answered), {"released_summary": "x" * 4001})
    assert page.status_code == 400
