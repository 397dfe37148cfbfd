"""Two-factor authentication in a real browser, with the agency requiring it: a recruiter sets up an
authenticator app, and another registers a passkey with chromium's virtual authenticator and signs
in with it.

Passkeys need a secure context: `http://localhost` is one, `http://127.0.0.1` is not, so this
module's live server answers at `localhost`. The pages keep the real Content-Security-Policy
(the console must report nothing blocked); the audit of the same pages (axe, the Nu HTML checker,
screenshots at 1280 and 375 px) bypasses it to inject axe.
"""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.totp import SECRET, not_a_code_now, totp

from . import nu_checker
from .conftest import serve
from .test_accessibility import Audit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # Whitenoise looks for STATIC_ROOT, which only collectstatic makes.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture(scope="module")
def live_server(django_db_setup, django_db_blocker):
    """The portal at http://localhost:<port>: a secure context, where the browser offers passkeys."""
    yield from serve("localhost")


def test_the_live_server_is_a_secure_context(live_server, page):
    assert live_server.url.startswith("http://localhost:")
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.evaluate("window.isSecureContext") is True


def sign_in_with_password(page, url: str, email: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def confirm_password(page) -> None:
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()


def add_virtual_authenticator(page) -> str:
    """Chromium's virtual authenticator: a platform passkey store that says yes at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page._passkeys_cdp = cdp  # kept alive with the page
    return added["authenticatorId"]


def test_a_recruiter_required_to_use_it_sets_up_an_authenticator_app(
    mfa_required, live_server, page, recruiter_factory, csp_violations
):
    recruiter = recruiter_factory(name="Riley Recruiter")
    csp_violations(page)
    url = live_server.url

    sign_in_with_password(page, url, recruiter.email)

    expect(page).to_have_url(f"{url}/accounts/2fa/")
    expect(page.get_by_text("sign in with two-factor authentication")).to_be_visible()
    page.goto(f"{url}/dashboard/")
    expect(page).to_have_url(f"{url}/accounts/2fa/")  # not until it is set up
    page.get_by_role("link", name="Set up an authenticator app").click()
    confirm_password(page)
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.locator("#authenticator-secret").inner_text()

    page.get_by_label("Code from your app").fill(not_a_code_now(secret))
    page.get_by_role("button", name="Turn on the authenticator app").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")

    page.get_by_label("Code from your app").fill(totp(secret))
    page.get_by_role("button", name="Turn on the authenticator app").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Your unused recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    page.goto(f"{url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/"))
    assert Authenticator.objects.filter(user=recruiter, type=Authenticator.Type.TOTP).exists()
    page.goto(f"{url}/account/")
    expect(page.get_by_role("link", name="Manage two-factor authentication")).to_be_visible()
    assert not csp_violations.seen, csp_violations.seen


def test_a_recruiter_registers_a_passkey_and_signs_in_with_it(
    mfa_required, live_server, page, recruiter_factory, csp_violations
):
    recruiter = recruiter_factory(name="Pat Passkey")
    csp_violations(page)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    add_virtual_authenticator(page)
    url = live_server.url

    sign_in_with_password(page, url, recruiter.email)
    expect(page).to_have_url(f"{url}/accounts/2fa/")
    page.get_by_role("link", name="Add a passkey").click()
    confirm_password(page)
    expect(page.get_by_role("heading", name="Add a passkey")).to_be_visible()
    page.get_by_label("Name of this passkey").fill("Work laptop")
    expect(page.get_by_label("Sign in with this passkey alone")).to_be_checked()
    page.get_by_role("button", name="Add a passkey").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    passkey = Authenticator.objects.get(user=recruiter, type=Authenticator.Type.WEBAUTHN)
    assert str(passkey) == "Work laptop"
    page.goto(f"{url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/"))

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{url}/accounts/login/")
    page.get_by_role("button", name="Use a passkey").click()

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/"))  # a passkey is a second factor: let in
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # With the password, the passkey is the second step.
    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, url, recruiter.email)
    expect(page.get_by_role("heading", name="Sign in: second step")).to_be_visible()
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/"))
    assert not csp_violations.seen, csp_violations.seen
    assert not errors, errors


def test_a_recruiter_with_an_authenticator_app_is_asked_for_its_code(
    mfa_required, live_server, page, recruiter_factory, csp_violations
):
    recruiter = recruiter_factory()
    TOTP.activate(recruiter, SECRET)
    csp_violations(page)
    url = live_server.url

    sign_in_with_password(page, url, recruiter.email)
    expect(page.get_by_role("heading", name="Sign in: second step")).to_be_visible()
    page.get_by_label("Code from your app, or a recovery code").fill(totp(SECRET))
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/"))
    assert not csp_violations.seen, csp_violations.seen


@pytest.mark.browser_context_args(bypass_csp=True)
def test_the_two_factor_pages_meet_wcag_21_aa_and_look_like_the_portal(
    mfa_required, live_server, page, recruiter_factory
):
    nu_checker.available()
    audit = Audit()
    url = live_server.url
    with_app = recruiter_factory(name="Avery App")
    TOTP.activate(with_app, SECRET)
    RecoveryCodes.activate(with_app)
    newcomer = recruiter_factory(name="Nico Newcomer")

    page.goto(f"{url}/accounts/login/")
    audit.check(page, "mfa sign in with a passkey offered")
    sign_in_with_password(page, url, with_app.email)
    audit.check(page, "mfa sign in second step")
    page.get_by_label("Code from your app, or a recovery code").fill(not_a_code_now(SECRET))
    page.get_by_role("button", name="Sign in", exact=True).click()
    audit.check(page, "mfa sign in wrong code")
    page.get_by_label("Code from your app, or a recovery code").fill(totp(SECRET, step=1))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{url}/accounts/2fa/")
    audit.check(page, "mfa overview with an app")
    page.goto(f"{url}/accounts/2fa/recovery-codes/")
    audit.check(page, "mfa recovery codes")
    page.goto(f"{url}/account/")
    audit.check(page, "mfa account page")
    page.get_by_role("button", name="Sign out").click()

    sign_in_with_password(page, url, newcomer.email)
    expect(page).to_have_url(f"{url}/accounts/2fa/")
    audit.check(page, "mfa overview asked to set up")
    page.goto(f"{url}/accounts/2fa/totp/activate/")
    audit.check(page, "mfa confirm password")
    confirm_password(page)
    audit.check(page, "mfa set up an app")
    page.goto(f"{url}/accounts/2fa/webauthn/add/")
    audit.check(page, "mfa add a passkey")

    audit.assert_clean()
