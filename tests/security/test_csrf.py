"""Every form carries a CSRF token, and every POST without one is refused."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from requests_app import services, tokens
from requests_app.models import Area, Rating

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


class Forms(HTMLParser):
    """The POST forms of a page, and whether each carries the CSRF token."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._current = {"action": attrs.get("action", ""), "csrf": False}
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and attrs.get("name") == "csrfmiddlewaretoken":
            self._current["csrf"] = bool(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


@pytest.fixture
def world(candidate, recruiter, application_factory, hiring_manager_factory, followed_up):
    """A candidate with a request awaiting its manager, one answered, and one application unasked."""
    client_company = application_factory(recruiter=recruiter, client__owner=recruiter).client
    apps = [application_factory(candidate=candidate, client=client_company) for _ in range(3)]
    manager = hiring_manager_factory(client=client_company)

    def ask_and_route(application):
        feedback_request = services.submit_request(
            candidate=candidate,
            application=application,
            areas=[Area.EXPERIENCE],
            questions=[],
            consent_to_forward=False,
        )
        routing = services.route_request(
            feedback_request=feedback_request, hiring_manager=manager, message="", actor=recruiter
        )
        return feedback_request, routing

    awaiting, routing = ask_and_route(apps[0])
    answered, answered_routing = ask_and_route(apps[1])
    services.submit_manager_response(
        routing=answered_routing,
        answers={Area.EXPERIENCE: (Rating.IMPROVE, "More hands-on work with the reporting stack is needed.")},
    )
    return {
        "candidate": candidate,
        "recruiter": recruiter,
        "awaiting": awaiting,
        "answered": answered,
        "routing": routing,
        "unasked": apps[2],
        "released": followed_up.feedback_request,
        "follow_up": followed_up.follow_up,
        "follow_up_routing": followed_up.routing,
    }


def as_candidate(client, world):
    client.force_login(world["candidate"])


def as_recruiter(client, world):
    client.force_login(world["recruiter"])


def as_manager(client, world):
    assert client.get(f"/respond/{tokens.mint(world['routing'])}/").status_code == 302


def as_follow_up_manager(client, world):
    assert client.get(f"/respond/{tokens.mint(world['follow_up_routing'])}/").status_code == 302


def follow_up_page(w) -> str:
    return f"/respond/answer/{w['follow_up_routing'].uuid}/follow-up/"


def anonymous(client, world):
    pass


FORM_PAGES = {
    "log in": (anonymous, lambda w: "/accounts/login/"),
    "sign up": (anonymous, lambda w: "/accounts/signup/"),
    "reset password": (anonymous, lambda w: "/accounts/password/reset/"),
    "log in by code": (anonymous, lambda w: "/accounts/login/code/"),
    "applications": (as_candidate, lambda w: "/applications/"),
    "ask for feedback": (as_candidate, lambda w: f"/applications/{w['unasked'].uuid}/request/"),
    "candidate's request": (as_candidate, lambda w: f"/requests/{w['awaiting'].uuid}/"),
    "account e-mail": (as_candidate, lambda w: "/accounts/email/"),
    "change password": (as_candidate, lambda w: "/accounts/password/change/"),
    "account, with erasure": (as_candidate, lambda w: "/account/"),
    "dashboard": (as_recruiter, lambda w: "/dashboard/"),
    "request awaiting the manager": (as_recruiter, lambda w: f"/dashboard/requests/{w['awaiting'].uuid}/"),
    "request to release": (as_recruiter, lambda w: f"/dashboard/requests/{w['answered'].uuid}/"),
    "manager's answer page": (as_manager, lambda w: f"/respond/answer/{w['routing'].uuid}/"),
    "request with a follow-up": (as_candidate, lambda w: f"/requests/{w['released'].uuid}/"),
    "follow-up to answer": (as_recruiter, lambda w: f"/dashboard/requests/{w['released'].uuid}/"),
    "manager's follow-up page": (as_follow_up_manager, follow_up_page),
}


@pytest.mark.parametrize("form_page", FORM_PAGES)
def test_every_post_form_carries_a_csrf_token(form_page, world, client):
    sign_in, path = FORM_PAGES[form_page]
    sign_in(client, world)

    response = client.get(path(world))

    assert response.status_code == 200
    forms = Forms(response.content.decode()).forms
    assert forms, f"{form_page}: expected at least one POST form"
    assert [f["action"] for f in forms if not f["csrf"]] == []


def _answer(w):
    data = {f"rating_{area.value}": Rating.NOT_ASSESSED for area in Area}
    return data | {"rating_experience": Rating.IMPROVE, "summary": "One end-to-end project would help."}


# name: (who, page that sets the CSRF cookie, address posted to, form data)
POSTS = {
    "log in": (anonymous, "/accounts/login/", lambda w: "/accounts/login/", lambda w: {"login": "a@b.test"}),
    "sign up": (
        anonymous,
        "/accounts/signup/",
        lambda w: "/accounts/signup/",
        lambda w: {"email": "new@example.test", "password1": "x" * 20, "password2": "x" * 20},
    ),
    "sign out": (as_candidate, "/applications/", lambda w: "/accounts/logout/", lambda w: {}),
    "ask for erasure": (
        as_candidate,
        "/account/",
        lambda w: "/account/erase/",
        lambda w: {"password": "a-long-test-password-2026", "confirm": "on"},
    ),
    "cancel an erasure": (as_candidate, "/account/", lambda w: "/account/erase/cancel/", lambda w: {}),
    "ask for feedback": (
        as_candidate,
        "/applications/",
        lambda w: f"/applications/{w['unasked'].uuid}/request/",
        lambda w: {"areas": ["skills"]},
    ),
    "withdraw": (
        as_candidate,
        "/applications/",
        lambda w: f"/requests/{w['awaiting'].uuid}/withdraw/",
        lambda w: {},
    ),
    "route": (
        as_recruiter,
        "/dashboard/",
        lambda w: f"/dashboard/requests/{w['awaiting'].uuid}/route/",
        lambda w: {"hiring_manager": w["routing"].hiring_manager_id, "expires_in_days": 14},
    ),
    "extend": (
        as_recruiter,
        "/dashboard/",
        lambda w: f"/dashboard/requests/{w['awaiting'].uuid}/extend/",
        lambda w: {"days": 7},
    ),
    "release": (
        as_recruiter,
        "/dashboard/",
        lambda w: f"/dashboard/requests/{w['answered'].uuid}/release/",
        lambda w: {"released_summary": "Well done."},
    ),
    "decline": (
        as_recruiter,
        "/dashboard/",
        lambda w: f"/dashboard/requests/{w['awaiting'].uuid}/decline/",
        lambda w: {"message": "Not this time."},
    ),
    "manager answers": (
        as_manager,
        "answer page",
        lambda w: f"/respond/answer/{w['routing'].uuid}/",
        _answer,
    ),
    "manager declines": (
        as_manager,
        "answer page",
        lambda w: f"/respond/answer/{w['routing'].uuid}/decline/",
        lambda w: {"reason": "policy"},
    ),
    "ask a follow-up": (
        as_candidate,
        "/applications/",
        lambda w: f"/requests/{w['awaiting'].uuid}/follow-up/",
        lambda w: {"question": "Why?"},
    ),
    "forward a follow-up": (
        as_recruiter,
        "/dashboard/",
        lambda w: f"/dashboard/requests/{w['released'].uuid}/follow-up/forward/",
        lambda w: {"message": ""},
    ),
    "answer a follow-up": (
        as_recruiter,
        "/dashboard/",
        lambda w: f"/dashboard/requests/{w['released'].uuid}/follow-up/answer/",
        lambda w: {"answer": "dbt."},
    ),
    "manager answers the follow-up": (
        as_follow_up_manager,
        "follow-up page",
        follow_up_page,
        lambda w: {"reply": "dbt."},
    ),
    "manager declines the follow-up": (
        as_follow_up_manager,
        "follow-up page",
        lambda w: f"{follow_up_page(w)}decline/",
        lambda w: {"reason": "nothing_to_add"},
    ),
}


@pytest.mark.parametrize("action", POSTS)
def test_a_post_without_the_csrf_token_is_refused(action, world, csrf_client):
    sign_in, cookie_page, target, data = POSTS[action]
    sign_in(csrf_client, world)
    path = target(world)
    # Open a page first, as a browser would, so the CSRF cookie is there: only the token is missing.
    if cookie_page == "answer page":
        cookie_page = f"/respond/answer/{world['routing'].uuid}/"
    elif cookie_page == "follow-up page":
        cookie_page = follow_up_page(world)
    assert csrf_client.get(cookie_page).status_code == 200
    assert "csrftoken" in csrf_client.cookies
    states = {k: w.state for k, w in world.items() if hasattr(w, "state")}

    refused = csrf_client.post(path, data(world))

    assert refused.status_code == 403
    for key, state in states.items():
        world[key].refresh_from_db()
        assert world[key].state == state

    # The same POST with the token gets through the CSRF check (so the 403 was the token's).
    accepted = csrf_client.post(
        path, {**data(world), "csrfmiddlewaretoken": csrf_client.cookies["csrftoken"].value}
    )
    assert accepted.status_code != 403


def test_a_post_from_another_site_is_refused_even_with_a_token(world, csrf_client):
    as_candidate(csrf_client, world)
    csrf_client.get("/applications/")
    path = reverse("requests_app:withdraw", args=[world["awaiting"].uuid])

    response = csrf_client.post(
        path,
        {"csrfmiddlewaretoken": csrf_client.cookies["csrftoken"].value},
        headers={"Origin": "https://evil.example"},
    )

    assert response.status_code == 403
    world["awaiting"].refresh_from_db()
    assert world["awaiting"].is_open
