"""/dashboard/requests/<uuid>/follow-up/forward/: the recruiter forwards the question to the manager."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from candidates.models import HiringManager
from feedback_portal.models import OutboundEmail
from requests_app import services
from requests_app.models import Event, FollowUp, Routing

pytestmark = pytest.mark.django_db


def url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/follow-up/forward/"


def page_url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/"


@pytest.fixture
def asked(released_request, ask_follow_up) -> FollowUp:
    return ask_follow_up(released_request, "Which modelling tool should I learn first?")


@pytest.fixture
def manager(released_request):
    """The manager whose feedback was released."""
    return released_request.routings.get().hiring_manager


def test_recruiter_sees_the_question_and_forwards_it_as_asked(
    recruiter_client, recruiter, asked, manager, django_capture_on_commit_callbacks
):
    fr = asked.feedback_request
    html = recruiter_client.get(page_url(fr)).content.decode()
    assert "Follow-up question" in html
    assert f"Forward to {manager.name}" in html
    assert '">\nWhich modelling tool should I learn first?</textarea>' in html  # offered to reword

    with django_capture_on_commit_callbacks(execute=True):
        page = recruiter_client.post(url(fr), {"message": ""}, follow=True)

    html = page.content.decode()
    assert f"Forwarded to {manager.name}." in html
    assert "Forward to" not in html  # the link is live: nothing to forward again
    routing = Routing.objects.get(follow_up=asked)
    assert routing.hiring_manager == manager
    assert routing.message == "Which modelling tool should I learn first?"  # empty: as asked
    assert routing.expires_at > timezone.now() + timedelta(days=13)
    assert FollowUp.objects.get().state == FollowUp.State.FORWARDED
    [invitation] = [m for m in mail.outbox if manager.email in m.to]
    assert invitation.reply_to == [recruiter.email]  # the recruiter who forwarded it
    assert "/respond/" in invitation.body
    assert routing.tokens.count() == 1  # minted while rendering; only its hash is kept
    assert routing.tokens.get().token_hash not in invitation.body


def test_forwarding_is_on_the_timeline_without_the_managers_name_for_the_candidate(
    recruiter_client, asked, manager
):
    recruiter_client.post(url(asked.feedback_request), {"message": "Reworded."})

    forwarded = Event.objects.get(kind=Event.Kind.FOLLOW_UP_FORWARDED)
    assert not forwarded.visible_to_candidate
    assert manager.name in forwarded.message
    visible = Event.objects.filter(visible_to_candidate=True).order_by("-id").first()
    assert visible.message == "Your follow-up question was passed to the interview team."
    assert Routing.objects.get(follow_up=asked).message == "Reworded."


def test_an_overlong_rewording_says_so_and_keeps_it(recruiter_client, asked):
    page = recruiter_client.post(url(asked.feedback_request), {"message": "q" * 2001})

    html = page.content.decode()
    assert page.status_code == 400
    assert "Ensure this value has at most 2000 characters (it has 2001)." in html
    assert "q" * 2001 in html
    assert FollowUp.objects.get().state == FollowUp.State.ASKED
    assert not OutboundEmail.objects.filter(kind="manager_follow_up").exists()


def test_forwarding_again_is_offered_once_the_link_expired(recruiter_client, asked, forward_follow_up):
    first = forward_follow_up(asked)
    Routing.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(hours=1))

    html = recruiter_client.get(page_url(asked.feedback_request)).content.decode()
    assert "Forward again with a fresh link" in html
    recruiter_client.post(url(asked.feedback_request), {"message": ""})

    assert Routing.objects.get(pk=first.pk).revoked_at is not None
    assert Routing.objects.filter(follow_up=asked).count() == 2
    assert Event.objects.filter(kind=Event.Kind.FOLLOW_UP_FORWARDED).count() == 2


def test_forwarding_again_while_the_link_works_is_refused_as_the_page_would_say(
    recruiter_client, asked, forward_follow_up
):
    """The page offers no second forward while the manager's link works; a POST that skips the
    page is refused by the service with the same words, and nothing is sent."""
    first = forward_follow_up(asked)
    html = recruiter_client.get(page_url(asked.feedback_request)).content.decode()
    assert "Forward again with a fresh link" not in html
    emails = OutboundEmail.objects.count()

    page = recruiter_client.post(url(asked.feedback_request), {"message": ""}, follow=True)

    expires = timezone.localtime(Routing.objects.get(pk=first.pk).expires_at)
    assert (
        f"The hiring manager&#x27;s link works until {expires:%d %b %Y %H:%M}: "
        "forward the question again once it has closed." in page.content.decode()
    )
    assert Routing.objects.get(pk=first.pk).revoked_at is None
    assert Routing.objects.filter(follow_up=asked).count() == 1
    assert OutboundEmail.objects.count() == emails


def test_an_inactive_manager_gets_nothing_and_the_recruiter_answers(recruiter_client, asked, manager):
    HiringManager.objects.filter(pk=manager.pk).update(is_active=False)

    html = recruiter_client.get(page_url(asked.feedback_request)).content.decode()
    page = recruiter_client.post(url(asked.feedback_request), {"message": ""}, follow=True)

    assert "Forward to" not in html
    assert "Answer it yourself" in html
    assert "no active hiring manager" in page.content.decode()
    assert FollowUp.objects.get().state == FollowUp.State.ASKED


def test_a_request_answered_after_a_call_goes_to_the_manager_who_was_asked(
    submitted_request, route, answer_form, recruiter_client, ask_follow_up
):
    routing = route(submitted_request)
    fr = submitted_request
    recruiter_client.post(
        f"/dashboard/requests/{fr.uuid}/answer/", answer_form(rating_cv="met", summary="Good CV.")
    )
    response = fr.responses.get()
    services.release_response(
        response=response, actor=fr.application.recruiter, released_summary="Good CV.", released_comments={}
    )
    follow_up = ask_follow_up(fr)

    recruiter_client.post(url(fr), {"message": ""})

    assert Routing.objects.get(follow_up=follow_up).hiring_manager == routing.hiring_manager


def test_an_answered_follow_up_is_not_forwarded(recruiter_client, asked):
    services.answer_follow_up(
        follow_up=asked, actor=asked.feedback_request.application.recruiter, answer="dbt."
    )

    page = recruiter_client.post(url(asked.feedback_request), {"message": ""}, follow=True)

    assert "This follow-up question is answered; it cannot be forwarded now." in page.content.decode()
    assert not Routing.objects.filter(follow_up=asked).exists()


def test_no_follow_up_is_404(recruiter_client, released_request):
    assert recruiter_client.post(url(released_request), {"message": ""}).status_code == 404


def test_a_candidate_cannot_forward(candidate_client, asked):
    assert candidate_client.post(url(asked.feedback_request), {"message": ""}).status_code == 404
    assert FollowUp.objects.get().state == FollowUp.State.ASKED


def test_request_page_with_a_forwarded_follow_up_renders_in_a_fixed_number_of_queries(
    recruiter_client, asked, forward_follow_up, django_assert_num_queries
):
    forward_follow_up(asked)
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
        page = recruiter_client.get(page_url(asked.feedback_request))
    assert "Forwarded to" in page.content.decode()


def test_forward_errors_page_renders_in_a_fixed_number_of_queries(
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
        page = recruiter_client.post(url(asked.feedback_request), {"message": "q" * 2001})
    assert page.status_code == 400
