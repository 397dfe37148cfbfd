"""/respond/<token>/: the hiring manager's e-mailed link."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from feedback_portal.models import OutboundEmail
from requests_app import services, tokens
from requests_app.models import Event, FeedbackRequest, FeedbackResponse, LinkToken, Routing

pytestmark = pytest.mark.django_db

CLOSED = "This link is closed"
UNKNOWN = "We don't recognise this link"


def assert_link_page_headers(page):
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]


def test_opening_the_link_grants_this_browser_and_moves_to_the_tokenless_page(
    routing, manager_browser, open_link
):
    opened = open_link(routing, manager_browser)

    assert opened.status_code == 302
    assert opened["Location"] == f"/respond/answer/{routing.uuid}/"
    assert_link_page_headers(opened)
    assert manager_browser.get(opened["Location"]).status_code == 200


def test_opening_the_link_changes_nothing(routing, manager_browser):
    raw = tokens.mint(routing)
    before = (
        list(FeedbackRequest.objects.values_list("state", "state_changed_at")),
        list(Routing.objects.values_list("revoked_at", "expires_at", "reminders_sent")),
        Event.objects.count(),
        LinkToken.objects.count(),
        FeedbackResponse.objects.count(),
        OutboundEmail.objects.count(),
    )
    for _ in range(2):  # a mail scanner, then the manager
        assert manager_browser.get(f"/respond/{raw}/").status_code == 302
    after = (
        list(FeedbackRequest.objects.values_list("state", "state_changed_at")),
        list(Routing.objects.values_list("revoked_at", "expires_at", "reminders_sent")),
        Event.objects.count(),
        LinkToken.objects.count(),
        FeedbackResponse.objects.count(),
        OutboundEmail.objects.count(),
    )
    assert after == before


def test_opening_the_link_cycles_the_session_key(routing, manager_browser, open_link):
    open_link(routing, manager_browser)
    first = manager_browser.cookies["sessionid"].value
    open_link(routing, manager_browser)
    assert manager_browser.cookies["sessionid"].value != first


def test_an_unknown_token_gets_a_friendly_404(manager_browser, db):
    page = manager_browser.get("/respond/not-a-real-token-at-all-0123456789/")
    html = page.content.decode()
    assert page.status_code == 404
    assert UNKNOWN in html
    assert "open it again straight from the e-mail" in html
    assert "Traceback" not in html
    assert_link_page_headers(page)


def test_a_tampered_token_gets_a_friendly_404(routing, manager_browser):
    raw = tokens.mint(routing)
    page = manager_browser.get(f"/respond/{raw[:-2]}xx/")
    assert page.status_code == 404
    assert UNKNOWN in page.content.decode()


def test_a_rerouted_routings_link_is_closed(routing, route, manager_browser):
    raw = tokens.mint(routing)
    route(routing.feedback_request)

    page = manager_browser.get(f"/respond/{raw}/")

    assert page.status_code == 410
    assert CLOSED in page.content.decode()
    assert_link_page_headers(page)


def test_an_expired_link_is_closed(routing, manager_browser):
    raw = tokens.mint(routing)
    Routing.objects.filter(pk=routing.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    page = manager_browser.get(f"/respond/{raw}/")
    assert page.status_code == 410
    assert CLOSED in page.content.decode()


def test_a_released_requests_link_is_closed(routing, answer, recruiter, manager_browser):
    raw = tokens.mint(routing)
    services.release_response(
        response=answer(routing), actor=recruiter, released_summary="", released_comments={}
    )
    page = manager_browser.get(f"/respond/{raw}/")
    assert page.status_code == 410
    assert CLOSED in page.content.decode()


def test_a_withdrawn_requests_link_is_closed(routing, manager_browser):
    raw = tokens.mint(routing)
    feedback_request = routing.feedback_request
    services.withdraw_request(feedback_request=feedback_request, candidate=feedback_request.candidate)
    assert manager_browser.get(f"/respond/{raw}/").status_code == 410


def test_after_answering_the_link_shows_a_read_only_thank_you(routing, answer, manager_browser):
    raw = tokens.mint(routing)
    answer(routing)
    page = manager_browser.get(f"/respond/{raw}/", follow=True)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Thank you" in html
    assert "Less hands-on time with dbt" in html
    assert "<form" not in html.split("<main", 1)[1]


def test_an_answered_routings_link_is_closed_once_it_expires(routing, answer, manager_browser):
    raw = tokens.mint(routing)
    answer(routing)
    Routing.objects.filter(pk=routing.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    page = manager_browser.get(f"/respond/{raw}/")

    assert page.status_code == 410
    assert CLOSED in page.content.decode()


def test_a_grant_for_one_routing_does_not_open_another(
    routing, routing_factory, granted, answer_form, manager_browser
):
    other = routing_factory()
    granted(routing)

    assert manager_browser.get(f"/respond/answer/{other.uuid}/").status_code == 404
    answer_post = answer_form(rating_cv="strength")
    assert manager_browser.post(f"/respond/answer/{other.uuid}/", answer_post).status_code == 404
    decline_post = {"reason": "policy"}
    assert manager_browser.post(f"/respond/answer/{other.uuid}/decline/", decline_post).status_code == 404
    assert not FeedbackResponse.objects.filter(routing=other).exists()
    assert FeedbackRequest.objects.get(pk=other.feedback_request_id).state == "awaiting_manager"


def test_a_grant_lasts_a_day_after_opening_and_the_link_opens_it_again(routing, manager_browser, open_link):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        open_link(routing, manager_browser)
        clock.shift(timedelta(hours=23))
        assert manager_browser.get(f"/respond/answer/{routing.uuid}/").status_code == 200

        clock.shift(timedelta(hours=2))  # the routing still runs for days; the grant does not
        assert routing.expires_at > timezone.now()
        assert manager_browser.get(f"/respond/answer/{routing.uuid}/").status_code == 404

        assert open_link(routing, manager_browser).status_code == 302
        assert manager_browser.get(f"/respond/answer/{routing.uuid}/").status_code == 200


def test_the_answer_page_without_a_grant_is_404(routing, manager_browser, candidate_client):
    assert manager_browser.get(f"/respond/answer/{routing.uuid}/").status_code == 404
    # Being the candidate, signed in, grants nothing either.
    assert candidate_client.get(f"/respond/answer/{routing.uuid}/").status_code == 404


def test_guessing_links_is_limited_per_address_but_a_real_link_always_opens(routing, manager_browser):
    for n in range(20):
        assert manager_browser.get(f"/respond/guess-{n:02d}-aaaaaaaaaaaaaaaaaaaa/").status_code == 404
    page = manager_browser.get("/respond/guess-20-aaaaaaaaaaaaaaaaaaaa/")
    assert page.status_code == 429
    assert "Too many unrecognised links" in page.content.decode()
    # A manager sharing the guesser's address (an office, a proxy) still gets in.
    assert manager_browser.get(f"/respond/{tokens.mint(routing)}/").status_code == 302


def test_behind_a_proxy_each_address_counts_its_own_guesses(routing, manager_browser, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.5"}

    def guess(n: int, address: str) -> int:
        url = f"/respond/guess-{n:02d}-aaaaaaaaaaaaaaaaaaaa/"
        return manager_browser.get(url, HTTP_X_FORWARDED_FOR=address, **proxy).status_code

    assert [guess(n, "203.0.113.9") for n in range(21)] == [404] * 20 + [429]
    # Behind the same proxy, another manager's mistyped link is only a mistyped link.
    assert guess(21, "192.0.2.1, 198.51.100.7") == 404
    honest = manager_browser.get(
        f"/respond/{tokens.mint(routing)}/", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy
    )
    assert honest.status_code == 302


def _without_savepoints(captured) -> list[str]:
    """Savepoints exist only because each test runs inside a transaction."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    ]


def test_opening_a_link_in_a_fresh_browser_costs_a_fixed_number_of_queries(
    routing, manager_browser, django_assert_max_num_queries
):
    raw = tokens.mint(routing)
    # 1. the token's hash, with its routing and request
    # 2. is the new session key free?
    # 3. insert the new session
    # 4. save the grant into it
    with django_assert_max_num_queries(8) as captured:
        page = manager_browser.get(f"/respond/{raw}/")
    assert page.status_code == 302
    assert len(_without_savepoints(captured)) == 4


def test_opening_a_second_link_in_one_browser_costs_a_fixed_number_of_queries(
    routing, routing_factory, manager_browser, open_link, django_assert_max_num_queries
):
    open_link(routing_factory(), manager_browser)
    raw = tokens.mint(routing)
    # 1. the token's hash, with its routing and request
    # 2. is the new session key free?
    # 3. insert the new session
    # 4-5. find and delete the old session (the key is cycled)
    # 6. save both grants into the new session
    with django_assert_max_num_queries(12) as captured:
        page = manager_browser.get(f"/respond/{raw}/")
    assert page.status_code == 302
    assert len(_without_savepoints(captured)) == 6
