"""/respond/answer/<routing uuid>/follow-up/: the hiring manager answers the follow-up question."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from feedback_portal import mail as outbound
from feedback_portal.models import OutboundEmail
from requests_app import services, tokens
from requests_app.models import Event, FeedbackRequest, FollowUp, Routing

pytestmark = pytest.mark.django_db

CLOSED = "This link is closed"


def url(routing) -> str:
    return f"/respond/answer/{routing.uuid}/follow-up/"


@pytest.fixture
def forwarded(released_request, ask_follow_up, forward_follow_up) -> Routing:
    """The follow-up question, forwarded to the manager whose feedback was released."""
    return forward_follow_up(ask_follow_up(released_request), message="Which tool would you learn first?")


@pytest.fixture
def linked(forwarded, granted):
    """The manager's browser, after opening the e-mailed link."""
    return granted(forwarded)


@pytest.fixture
def unanswered(forwarded):
    """Asserts, when called, that no reply was stored since the fixture ran."""
    events = Event.objects.count()
    emails = OutboundEmail.objects.count()

    def check():
        follow_up = FollowUp.objects.get()
        assert follow_up.state == FollowUp.State.FORWARDED
        assert (follow_up.reply, follow_up.replied_at) == ("", None)
        assert Event.objects.count() == events
        assert OutboundEmail.objects.count() == emails

    return check


def test_the_link_leads_to_the_follow_up_page(forwarded, manager_browser, open_link):
    opened = open_link(forwarded, manager_browser)

    assert opened.status_code == 302
    assert opened["Location"] == url(forwarded)
    assert opened["Referrer-Policy"] == "no-referrer"
    assert "no-store" in opened["Cache-Control"]


def test_manager_sees_the_candidate_the_role_their_feedback_and_the_question(forwarded, linked):
    page = linked.get(url(forwarded))
    html = page.content.decode()
    application = forwarded.feedback_request.application
    assert page.status_code == 200
    assert f"A follow-up question from {application.candidate_name}" in html
    assert application.role_title in html
    assert "Which tool would you learn first?" in html
    # Their own original feedback, not the recruiter's released edit of it.
    assert "Less hands-on time with dbt" in html
    assert "Build one end-to-end modelling project." in html
    assert "The team wanted more hands-on dbt modelling." not in html
    assert "They never see your name" in html
    assert application.candidate_email not in html


def test_follow_up_page_is_never_cached_and_leaks_no_address(forwarded, linked):
    page = linked.get(url(forwarded))
    assert "no-store" in page["Cache-Control"]
    # `same-origin`, as on the answer page: the form posts back here (see views.answer_page).
    assert page["Referrer-Policy"] in ("no-referrer", "same-origin")


def test_manager_replies_and_the_recruiter_is_told(forwarded, linked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = linked.post(url(forwarded), {"reply": "  dbt, as our team uses it.  "}, follow=True)

    assert "Thank you" in page.content.decode()
    follow_up = FollowUp.objects.get()
    assert follow_up.state == FollowUp.State.REPLIED
    assert follow_up.reply == "dbt, as our team uses it."
    assert not follow_up.reply_declined
    assert follow_up.replied_via == forwarded
    assert follow_up.answer == ""  # nothing reaches the candidate before the recruiter's review
    event = Event.objects.get(kind=Event.Kind.FOLLOW_UP_REPLIED)
    assert not event.visible_to_candidate  # the manager's name is in it
    assert forwarded.hiring_manager.name in event.actor_label
    recruiter = forwarded.feedback_request.application.recruiter
    [told] = [m for m in mail.outbox if recruiter.email in m.to]
    assert "Follow-up reply to review" in told.subject
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.RELEASED


def test_manager_declines_in_one_step(forwarded, linked, django_capture_on_commit_callbacks):
    html = linked.get(url(forwarded)).content.decode()
    assert "Nothing to add?" in html

    with django_capture_on_commit_callbacks(execute=True):
        page = linked.post(f"{url(forwarded)}decline/", {"reason": "nothing_to_add"}, follow=True)

    assert "You declined: I have nothing to add to my feedback" in page.content.decode()
    follow_up = FollowUp.objects.get()
    assert follow_up.state == FollowUp.State.REPLIED
    assert follow_up.reply_declined
    recruiter = forwarded.feedback_request.application.recruiter
    [told] = [m for m in mail.outbox if recruiter.email in m.to]
    assert "Follow-up declined" in told.subject
    assert "Please answer it yourself." in told.body


def test_an_empty_reply_says_so(forwarded, linked, unanswered):
    page = linked.post(url(forwarded), {"reply": "  "})
    assert page.status_code == 400
    assert "Write a few lines — or decline below if you cannot add more." in page.content.decode()
    unanswered()


def test_an_overlong_reply_says_so_and_keeps_it(forwarded, linked, unanswered):
    page = linked.post(url(forwarded), {"reply": "z" * 2001})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Ensure this value has at most 2000 characters (it has 2001)." in html
    assert "z" * 2001 in html
    unanswered()


def test_a_made_up_decline_reason_says_so(forwarded, linked, unanswered):
    page = linked.post(f"{url(forwarded)}decline/", {"reason": "bored", "detail": "Typed detail"})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Select a valid choice." in html
    assert "Typed detail" in html
    unanswered()


def test_replying_twice_is_refused(forwarded, linked):
    linked.post(url(forwarded), {"reply": "First."})

    assert linked.post(url(forwarded), {"reply": "Second."}).status_code == 410
    assert linked.post(f"{url(forwarded)}decline/", {"reason": "policy"}).status_code == 410
    assert FollowUp.objects.get().reply == "First."


def test_after_replying_the_link_shows_what_was_sent_until_the_recruiter_sends_the_answer(
    forwarded, linked, open_link, manager_browser
):
    linked.post(url(forwarded), {"reply": "dbt, as our team uses it."})
    assert "dbt, as our team uses it." in linked.get(url(forwarded)).content.decode()
    assert open_link(forwarded, manager_browser).status_code == 302

    services.answer_follow_up(
        follow_up=FollowUp.objects.get(),
        actor=forwarded.feedback_request.application.recruiter,
        answer="dbt: the team uses it.",
    )

    page = linked.get(url(forwarded))
    assert page.status_code == 410
    assert CLOSED in page.content.decode()
    assert "dbt, as our team uses it." not in page.content.decode()
    entry = open_link(forwarded, manager_browser)
    assert entry.status_code == 410
    assert entry["Referrer-Policy"] == "no-referrer"


def test_the_link_closes_when_the_recruiter_answers_first(forwarded, linked, unanswered):
    services.answer_follow_up(
        follow_up=FollowUp.objects.get(),
        actor=forwarded.feedback_request.application.recruiter,
        answer="I asked the team on the phone: dbt.",
    )
    assert Routing.objects.get(pk=forwarded.pk).revoked_at is not None

    assert linked.get(url(forwarded)).status_code == 410
    page = linked.post(url(forwarded), {"reply": "Too late."})
    assert page.status_code == 410
    assert FollowUp.objects.get().reply == ""


def test_a_queued_invitation_is_not_sent_once_the_recruiter_answered(released_request, ask_follow_up):
    """The e-mail waited in the queue while the recruiter answered: it is cancelled, no link minted."""
    follow_up = ask_follow_up(released_request)
    routing = services.forward_follow_up(follow_up=follow_up, actor=released_request.application.recruiter)
    services.answer_follow_up(follow_up=follow_up, actor=routing.routed_by, answer="dbt.")
    email = OutboundEmail.objects.get(kind="manager_follow_up")

    assert outbound.deliver(email.pk) is False

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.CANCELLED
    assert not routing.tokens.exists()
    assert not [m for m in mail.outbox if routing.hiring_manager.email in m.to]


def test_the_link_closes_when_it_expires(forwarded, linked, open_link, manager_browser):
    Routing.objects.filter(pk=forwarded.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert linked.get(url(forwarded)).status_code == 410
    assert linked.post(url(forwarded), {"reply": "Late."}).status_code == 410
    assert open_link(forwarded, manager_browser).status_code == 410
    assert FollowUp.objects.get().state == FollowUp.State.FORWARDED


def test_forwarding_again_closes_the_earlier_link(forwarded, linked, forward_follow_up):
    Routing.objects.filter(pk=forwarded.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    fresh = forward_follow_up(FollowUp.objects.get())

    assert linked.get(url(forwarded)).status_code == 410
    assert fresh.hiring_manager == forwarded.hiring_manager
    assert Routing.objects.live().get() == fresh


def test_the_follow_up_link_never_opens_the_feedback_form(forwarded, linked):
    """The request's own answer page, reached with a follow-up grant, is closed: the feedback is done."""
    page = linked.get(f"/respond/answer/{forwarded.uuid}/")
    assert page.status_code == 410
    assert linked.post(f"/respond/answer/{forwarded.uuid}/decline/", {"reason": "policy"}).status_code == 410


def test_a_feedback_link_is_not_a_follow_up_page(routing, granted):
    browser = granted(routing)
    assert browser.get(url(routing)).status_code == 404


def test_without_the_link_the_page_is_404(forwarded, manager_browser, candidate_client):
    assert manager_browser.get(url(forwarded)).status_code == 404
    assert manager_browser.post(url(forwarded), {"reply": "Hello"}).status_code == 404
    assert candidate_client.get(url(forwarded)).status_code == 404
    assert FollowUp.objects.get().state == FollowUp.State.FORWARDED


def test_opening_the_follow_up_link_changes_nothing(forwarded, manager_browser):
    raw = tokens.mint(forwarded)
    before = (
        FollowUp.objects.values_list("state").get(),
        Event.objects.count(),
        OutboundEmail.objects.count(),
    )
    for _ in range(2):  # a mail scanner, then the manager
        assert manager_browser.get(f"/respond/{raw}/").status_code == 302
    after = (
        FollowUp.objects.values_list("state").get(),
        Event.objects.count(),
        OutboundEmail.objects.count(),
    )
    assert after == before


# --- Query counts ----------------------------------------------------------------------------


def test_opening_a_follow_up_link_costs_what_any_link_costs(
    forwarded, manager_browser, django_assert_max_num_queries
):
    raw = tokens.mint(forwarded)
    # 1. the token's hash, with its routing, request and follow-up question
    # 2. is the new session key free?
    # 3. insert the new session
    # 4. save the grant into it
    with django_assert_max_num_queries(8) as captured:
        page = manager_browser.get(f"/respond/{raw}/")
    assert page.status_code == 302
    savepoints = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
    assert len([q for q in captured.captured_queries if not q["sql"].startswith(savepoints)]) == 4


def test_follow_up_page_renders_in_a_fixed_number_of_queries(forwarded, linked, django_assert_num_queries):
    # 1. the granted routing, with its follow-up, request, application, client and hiring manager
    #    (the session, with its grants, comes from the cache; no user is signed in)
    # 2. the released response: the feedback this manager gave
    # 3. its area answers (prefetched)
    with django_assert_num_queries(3):
        page = linked.get(url(forwarded))
    assert page.status_code == 200


def test_follow_up_errors_page_renders_in_a_fixed_number_of_queries(
    forwarded, linked, django_assert_num_queries
):
    # 1. the granted routing, with its follow-up, request, application, client and hiring manager
    # 2. the released response
    # 3. its area answers (prefetched)
    with django_assert_num_queries(3):
        page = linked.post(url(forwarded), {"reply": ""})
    assert page.status_code == 400
    with django_assert_num_queries(3):
        page = linked.post(f"{url(forwarded)}decline/", {"reason": "bored"})
    assert page.status_code == 400


def test_follow_up_thank_you_page_renders_in_a_fixed_number_of_queries(
    forwarded, linked, django_assert_num_queries
):
    linked.post(url(forwarded), {"reply": "dbt."})
    # 1. the granted routing, with its follow-up (and the reply), request, application and client
    with django_assert_num_queries(1):
        page = linked.get(url(forwarded))
    assert "Thank you" in page.content.decode()


def test_closed_page_renders_in_a_fixed_number_of_queries(forwarded, linked, django_assert_num_queries):
    Routing.objects.filter(pk=forwarded.pk).update(revoked_at=timezone.now())
    # 1. the granted routing, with its follow-up: revoked, so closed
    with django_assert_num_queries(1):
        page = linked.get(url(forwarded))
    assert page.status_code == 410
