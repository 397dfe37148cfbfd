"""/dashboard/requests/<uuid>/decline/: the recruiter declines, or confirms a manager's decline."""

import pytest
from django.core import mail

from feedback_portal.models import OutboundEmail
from requests_app import services
from requests_app.models import Event, FeedbackRequest, Routing

pytestmark = pytest.mark.django_db


def url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/decline/"


def test_confirming_a_managers_decline_tells_the_candidate_kindly(
    recruiter_client, routing, django_capture_on_commit_callbacks
):
    services.submit_manager_decline(routing=routing, reason="Our policy.")
    feedback_request = routing.feedback_request
    page = recruiter_client.get(f"/dashboard/requests/{feedback_request.uuid}/")
    assert "Confirm the decline" in page.content.decode()

    note = "The team cannot share details. Let's talk."
    with django_capture_on_commit_callbacks(execute=True):
        asked = recruiter_client.post(url(feedback_request), {"message": note})
        assert "Decline this request?" in asked.content.decode()  # asked once first
        assert FeedbackRequest.objects.get().state == FeedbackRequest.State.ANSWERED
        page = recruiter_client.post(
            url(feedback_request), {"message": note, "confirmed": "yes"}, follow=True
        )

    assert "Declined. The candidate has been told kindly." in page.content.decode()
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.DECLINED
    event = Event.objects.get(kind=Event.Kind.DECLINED)
    assert event.visible_to_candidate
    assert event.message == "The team cannot share details. Let's talk."
    assert not Routing.objects.live().exists()
    assert any(feedback_request.candidate.email in m.to for m in mail.outbox)


@pytest.mark.parametrize("message", ["", "   \n  "])
def test_declining_without_a_note_says_so_and_stores_nothing(recruiter_client, routing, message):
    events = Event.objects.count()
    emails = OutboundEmail.objects.count()

    page = recruiter_client.post(url(routing.feedback_request), {"message": message})

    assert page.status_code == 400
    assert "Write a short note for the candidate." in page.content.decode()
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.AWAITING_MANAGER
    assert Routing.objects.live().get() == routing
    assert Event.objects.count() == events
    assert OutboundEmail.objects.count() == emails


def test_an_overlong_note_says_so_and_keeps_it(recruiter_client, submitted_request):
    page = recruiter_client.post(url(submitted_request), {"message": "y" * 2001})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Ensure this value has at most 2000 characters (it has 2001)." in html
    assert "y" * 2001 in html
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.SUBMITTED


def test_a_released_request_cannot_be_declined(recruiter_client, routing, answer, recruiter):
    services.release_response(
        response=answer(routing), actor=recruiter, released_summary="", released_comments={}
    )
    page = recruiter_client.post(url(routing.feedback_request), {"message": "Sorry."}, follow=True)
    assert "it cannot be declined now" in page.content.decode()
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.RELEASED


def test_a_candidate_cannot_decline(candidate_client, submitted_request):
    assert candidate_client.post(url(submitted_request), {"message": "x"}).status_code == 404
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.SUBMITTED


def test_form_errors_page_renders_in_a_fixed_number_of_queries(
    recruiter_client, routing, django_assert_num_queries
):
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with application, client, recruiter and candidate
    # 3. the latest routing, with its hiring manager
    # 4. the latest response (none yet, so no answers to prefetch)
    # 5. the client's hiring managers, for the re-route form
    # 6. the timeline, with each event's actor
    # (the portal settings come from the cache)
    with django_assert_num_queries(6):
        page = recruiter_client.post(url(routing.feedback_request), {"message": ""})
    assert page.status_code == 400
