"""/respond/answer/<routing uuid>/decline/: the hiring manager declines in one step."""

import pytest
from django.core import mail

from candidates.models import Client
from feedback_portal.models import OutboundEmail
from requests_app.models import Event, FeedbackRequest, FeedbackResponse

pytestmark = pytest.mark.django_db


def url(routing) -> str:
    return f"/respond/answer/{routing.uuid}/decline/"


@pytest.fixture
def linked(routing, granted):
    """The manager's browser, after opening the e-mailed link."""
    return granted(routing)


def test_manager_declines_with_a_reason_and_the_recruiter_is_told(
    routing, linked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = linked.post(
            url(routing), {"reason": "policy", "detail": "Legal asked us not to."}, follow=True
        )

    html = page.content.decode()
    assert page.redirect_chain == [(f"/respond/answer/{routing.uuid}/", 302)]
    assert "Thank you" in html
    assert "You declined: Our company policy does not allow detailed feedback. Legal asked us not to." in html
    response = FeedbackResponse.objects.get()
    assert response.kind == FeedbackResponse.Kind.DECLINE
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.ANSWERED
    assert Event.objects.filter(kind=Event.Kind.ANSWERED).count() == 1
    recruiter_email = routing.feedback_request.application.recruiter.email
    assert any(recruiter_email in m.to for m in mail.outbox)


def test_a_no_feedback_clients_manager_declines_with_the_policy_preselected(routing, linked):
    Client.objects.filter(pk=routing.feedback_request.application.client_id).update(
        feedback_policy=Client.FeedbackPolicy.NONE
    )
    html = linked.get(f"/respond/answer/{routing.uuid}/").content.decode()
    assert '<option value="policy" selected>' in html
    linked.post(url(routing), {"reason": "policy"})
    assert FeedbackResponse.objects.get().kind == FeedbackResponse.Kind.DECLINE


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": "bored", "detail": "My typed detail"}, "Select a valid choice. bored is not one of"),
        ({"reason": "", "detail": "My typed detail"}, "This field is required."),
        ({"reason": "other", "detail": "My typed detail" + "d" * 1000}, "at most 1000 characters"),
    ],
)
def test_a_bad_decline_says_so_keeps_the_detail_and_stores_nothing(routing, linked, data, error):
    events = Event.objects.count()
    emails = OutboundEmail.objects.count()

    page = linked.post(url(routing), data)

    html = page.content.decode()
    assert page.status_code == 400
    assert "There is a problem" in html
    assert error in html
    assert "My typed detail" in html
    assert not FeedbackResponse.objects.exists()
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.AWAITING_MANAGER
    assert Event.objects.count() == events
    assert OutboundEmail.objects.count() == emails


def test_declining_needs_a_grant_for_this_routing(routing, manager_browser):
    assert manager_browser.post(url(routing), {"reason": "policy"}).status_code == 404
    assert not FeedbackResponse.objects.exists()


def test_declining_after_answering_is_refused(routing, linked, answer):
    answer(routing)
    page = linked.post(url(routing), {"reason": "policy"})
    assert page.status_code == 410
    assert FeedbackResponse.objects.get().kind == FeedbackResponse.Kind.FEEDBACK


def test_declining_needs_a_post(routing, linked):
    assert linked.get(url(routing)).status_code == 405


def test_decline_errors_page_renders_in_a_fixed_number_of_queries(routing, linked, django_assert_num_queries):
    # 1. the granted routing, with request, application, client and hiring manager
    with django_assert_num_queries(1):
        page = linked.post(url(routing), {"reason": "bored"})
    assert page.status_code == 400
