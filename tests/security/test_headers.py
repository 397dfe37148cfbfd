"""A strict Content-Security-Policy on every page, and pages that need nothing it forbids."""

import re
from html.parser import HTMLParser

import pytest

from requests_app import tokens
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *values = part.split()
        parsed[name] = values
    return parsed


class InlineCode(HTMLParser):
    """What a strict policy would block: inline scripts and styles, handlers, outside resources."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            # A JSON data block (allauth's passkey pages pass their options so) is never run.
            self._in_script = "src" not in attrs and attrs.get("type") != "application/json"
        if tag == "style":
            self.found.append("<style>")
        if "style" in attrs:
            self.found.append(f"style= on <{tag}>")
        self.found.extend(f"{name}= on <{tag}>" for name in attrs if name.startswith("on"))
        for name in ("src", "href") if tag in ("script", "link", "img", "iframe") else ("src",):
            if re.match(r"^(https?:)?//", attrs.get(name) or ""):
                self.found.append(f"outside {name}={attrs[name]} on <{tag}>")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("inline <script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


@pytest.fixture
def pages(client, candidate, recruiter, routing_factory, followed_up):
    """Each kind of page, as the person who sees it: (response, label)."""
    routing = routing_factory()
    feedback_request = routing.feedback_request
    feedback_request.candidate = candidate
    feedback_request.save(update_fields=["candidate"])
    raw = tokens.mint(routing)
    seen = {
        "home": client.get("/"),
        "log in": client.get("/accounts/login/"),
        "sign up": client.get("/accounts/signup/"),
        "not found": client.get("/no-such-page/"),
        "unknown link": client.get("/respond/not-a-real-token-at-all/"),
        "link entry": client.get(f"/respond/{raw}/"),
    }
    seen["answer page"] = client.get(f"/respond/answer/{routing.uuid}/")
    seen["follow-up link entry"] = client.get(f"/respond/{tokens.mint(followed_up.routing)}/")
    seen["follow-up page"] = client.get(f"/respond/answer/{followed_up.routing.uuid}/follow-up/")
    client.force_login(candidate)
    seen["candidate's request with a follow-up"] = client.get(
        f"/requests/{followed_up.feedback_request.uuid}/"
    )
    seen["applications"] = client.get("/applications/")
    seen["candidate's request"] = client.get(f"/requests/{feedback_request.uuid}/")
    client.force_login(recruiter)
    seen["dashboard"] = client.get("/dashboard/")
    seen["two-factor authentication"] = client.get("/accounts/2fa/")
    seen["dashboard request"] = client.get(f"/dashboard/requests/{feedback_request.uuid}/")
    seen["dashboard request with a follow-up"] = client.get(
        f"/dashboard/requests/{followed_up.feedback_request.uuid}/"
    )
    return seen


def test_every_page_sends_a_strict_content_security_policy(pages):
    for name, response in pages.items():
        assert "Content-Security-Policy" in response, name
        policy = directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"], name
        assert policy["script-src"] == ["'self'"], name
        assert policy["style-src"] == ["'self'"], name
        assert policy["object-src"] == ["'none'"], name
        assert policy["base-uri"] == ["'none'"], name
        assert policy["frame-ancestors"] == ["'none'"], name
        assert policy["form-action"] == ["'self'"], name
        everything = " ".join(v for values in policy.values() for v in values)
        for loose in ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"):
            assert loose not in everything.split(), f"{name}: {loose}"


def test_pages_need_nothing_the_policy_forbids(pages):
    for name, response in pages.items():
        if response.status_code in (301, 302):
            continue
        assert response.status_code in (200, 404), name
        assert InlineCode(response.content.decode()).found == [], name


def test_security_headers_on_every_page(pages):
    for name, response in pages.items():
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["Strict-Transport-Security"].startswith("max-age=31536000"), name
        assert "Referrer-Policy" in response, name


def test_no_page_with_personal_data_is_kept_in_a_cache(pages):
    for name, response in pages.items():
        assert "no-store" in response["Cache-Control"], name
        assert "private" in response["Cache-Control"], name


def test_static_files_and_the_brand_keep_their_own_caching(client, portal_settings):
    brand = client.get("/brand.css")
    assert brand.status_code == 200
    assert "no-store" not in brand["Cache-Control"]


def test_every_page_switches_off_browser_features_it_does_not_use(pages):
    for name, response in pages.items():
        policy = dict(
            part.strip().split("=", 1) for part in response["Permissions-Policy"].split(",") if part.strip()
        )
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert policy[feature] == "()", f"{name}: {feature}"
        assert policy["publickey-credentials-get"] == "(self)", name


def test_link_pages_are_never_cached_and_never_send_the_link_onward(pages):
    # The address with the token sends no referrer at all; the token-less answer page may
    # name itself to this site only (its forms need an Origin the CSRF check accepts).
    for name in ("unknown link", "link entry", "follow-up link entry"):
        assert pages[name]["Referrer-Policy"] == "no-referrer", name
        assert "no-store" in pages[name]["Cache-Control"], name
    for name in ("answer page", "follow-up page"):
        assert pages[name].status_code == 200, name
        assert pages[name]["Referrer-Policy"] in ("no-referrer", "same-origin"), name
        assert "no-store" in pages[name]["Cache-Control"], name


def test_session_and_csrf_cookies_are_secure_and_http_only(client, candidate):
    client.get("/accounts/login/")
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"

    response = client.post(
        "/accounts/login/",
        {"login": candidate.email, "password": PASSWORD},
        headers={"Origin": "https://testserver"},
    )
    assert response.status_code == 302
    session = client.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_plain_http_is_redirected_to_https(db, settings):
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True  # production's default; the suite turns it off
    response = Client().get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
