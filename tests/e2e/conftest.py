"""Browser tests: Playwright on the system chromium against a live server.

The live server speaks plain HTTP on 127.0.0.1, so for these tests only the HTTPS
redirect and the secure-only cookies are off. Recruiters and admins sign in without a second
factor: tests/conftest.py makes the settings row with the requirement off, unless a test asks
for `mfa_required`.
"""

import os
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

from tests.factories import PASSWORD

# Playwright's sync API keeps an event loop running in the main thread from its first use
# to the end of the session, and Django refuses ORM calls from a thread with a running
# loop. The calls made here (seeding rows, and every later test's) are plain synchronous
# ones. Never set in a deployment: `check --deploy` fails on it (async.E001).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 10_000

PLAIN_HTTP = {
    # The suite already turns the redirect off (tests/conftest.py); the server's middleware
    # reads it once, when it starts, so say it here too. Secure-only cookies would never
    # come back over http://127.0.0.1.
    "SECURE_SSL_REDIRECT": False,
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        reason = f"needs the system chromium at {CHROMIUM}"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1: every service-backed test must run)")
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def serve(addr: str):
    """pytest-django's live server at `addr`, started inside the plain-HTTP settings.

    The middleware reads SECURE_SSL_REDIRECT once, when the server's handler is built,
    so the settings must change before the server starts; module scope keeps the
    change away from every other test in the run.
    """
    with override_settings(**PLAIN_HTTP):
        server = LiveServer(addr)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def live_server(django_db_setup, django_db_blocker):
    """The live server on 127.0.0.1 (tests of passkeys, which need a secure context, serve on
    `localhost` instead: tests/e2e/test_mfa.py)."""
    yield from serve(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "127.0.0.1")


@pytest.fixture(autouse=True)
def _empty_outbox():
    mail.outbox.clear()
    yield


@pytest.fixture(autouse=True)
def _expect_timeout():
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)


LINK = re.compile(r"https?://[^\s\"'<>]+")


class Outbox:
    """The e-mails the portal sent, as the people they went to would find them."""

    def __init__(self, live_server):
        self.live_server = live_server

    def one(self, to: str, *, subject_contains: str = ""):
        found = [m for m in mail.outbox if to in m.to and subject_contains.lower() in m.subject.lower()]
        seen = [(m.to, m.subject) for m in mail.outbox]
        assert len(found) == 1, f"expected one e-mail to {to} about {subject_contains!r}; sent: {seen}"
        return found[0]

    def link(self, message, path_prefix: str) -> str:
        """The link in the e-mail whose path starts with `path_prefix`, on the live server's host."""
        for url in LINK.findall(message.body):
            parts = urlsplit(url)
            if parts.path.startswith(path_prefix):
                query = f"?{parts.query}" if parts.query else ""
                return f"{self.live_server.url}{parts.path}{query}"
        raise AssertionError(f"no {path_prefix} link in {message.subject!r}:\n{message.body}")


@pytest.fixture
def outbox(live_server) -> Outbox:
    return Outbox(live_server)


@pytest.fixture
def sign_in(live_server, new_context):
    """Open a fresh browser context and sign in through the real allauth form."""
    from playwright.sync_api import expect

    def sign_in(email: str, password: str = PASSWORD):
        context = new_context()
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return page

    return sign_in


@pytest.fixture
def csp_violations():
    """Collects what chromium reports as blocked by the Content-Security-Policy."""
    seen: list[str] = []

    def watch(page):
        page.on(
            "console",
            lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        return page

    watch.seen = seen
    return watch
