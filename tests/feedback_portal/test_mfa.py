"""Two-factor authentication: required of recruiters and admins when the agency says so, with an
authenticator app (real TOTP codes, computed here from the secret) and recovery codes."""

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from feedback_portal.models import PortalSettings
from tests.factories import PASSWORD
from tests.totp import SECRET, not_a_code_now, totp

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def confirm_password(client, then: str):
    """allauth asks for the password again before a second factor is added or removed."""
    page = client.get(then)
    assert page["Location"].startswith("/accounts/reauthenticate/")
    confirmed = client.post(page["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302, confirmed.content.decode()[:800]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def admin(recruiter_factory):
    return recruiter_factory(role="admin", is_staff=True, is_superuser=True)


# --- The setting ----------------------------------------------------------------------------------


def fresh_settings_row() -> PortalSettings:
    PortalSettings.objects.all().delete()
    cache.delete(PortalSettings.cache_key())
    return PortalSettings.load()


def test_a_fresh_install_without_debug_requires_it_and_make_run_does_not(real_mfa_default):
    assert fresh_settings_row().require_mfa is True

    with override_settings(DEBUG=True):
        assert fresh_settings_row().require_mfa is False


def test_under_make_run_the_demo_recruiter_and_admin_sign_in_without_it(real_mfa_default, settings, client):
    settings.DEBUG = True  # as `make run` runs: a fresh settings row, then the demo seed
    fresh_settings_row()
    call_command("seed_demo", stdout=io.StringIO())

    for email, page in (("recruiter@demo.test", "/dashboard/"), ("admin@demo.test", "/admin/")):
        client.logout()
        client.post("/accounts/login/", {"login": email, "password": "demo-pass-2026"})
        assert client.get(page).status_code == 200, email


def test_the_admin_edits_it_with_the_other_portal_settings(admin_client):
    html = admin_client.get("/admin/feedback_portal/portalsettings/1/change/").content.decode()

    assert "Require two-factor authentication" in html
    assert 'name="require_mfa"' in html


# --- Required: staff without it are led to set it up ----------------------------------------------


def test_a_recruiter_without_it_is_sent_to_set_it_up_and_cannot_reach_the_dashboard(
    mfa_required, client, recruiter
):
    response = sign_in(client, recruiter)
    response = client.get(response["Location"], follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/2fa/"
    assert "sign in with two-factor authentication" in " ".join(messages_of(response))
    assert "Set up an authenticator app" in response.content.decode()
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 302
    assert dashboard["Location"] == "/accounts/2fa/"


def test_an_admin_without_it_is_not_let_into_the_admin(mfa_required, client, admin):
    sign_in(client, admin)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    assert client.get("/admin/feedback_portal/portalsettings/1/change/")["Location"] == "/accounts/2fa/"


def test_a_candidate_is_never_required_to(mfa_required, candidate_client):
    assert candidate_client.get("/applications/").status_code == 200


def test_when_the_agency_does_not_require_it_a_recruiter_goes_straight_in(client, recruiter):
    sign_in(client, recruiter)

    assert client.get("/dashboard/").status_code == 200


def test_setting_up_an_authenticator_app_lets_the_recruiter_in(mfa_required, client, recruiter):
    sign_in(client, recruiter)
    confirm_password(client, "/accounts/2fa/totp/activate/")
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert secret in page.content.decode()  # the key, for typing into the app by hand

    wrong = client.post("/accounts/2fa/totp/activate/", {"code": not_a_code_now(secret)})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/dashboard/").status_code == 302

    done = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})

    assert done.status_code == 302
    assert Authenticator.objects.filter(user=recruiter, type=Authenticator.Type.TOTP).exists()
    codes = client.get(done["Location"])
    assert codes.status_code == 200
    assert "Recovery codes" in codes.content.decode()
    assert client.get("/dashboard/").status_code == 200


def test_removing_the_last_second_factor_leads_back_to_setting_one_up(mfa_required, client, recruiter):
    TOTP.activate(recruiter, SECRET)
    sign_in(client, recruiter)
    client.post("/accounts/2fa/authenticate/", {"code": totp(SECRET)})
    assert client.get("/dashboard/").status_code == 200
    confirm_password(client, "/accounts/2fa/totp/deactivate/")

    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=recruiter, type=Authenticator.Type.TOTP).exists()

    assert client.get("/dashboard/")["Location"] == "/accounts/2fa/"


def test_adding_and_removing_a_second_factor_is_in_the_audit_trail(
    client, recruiter, django_capture_on_commit_callbacks
):
    from auditlog.models import LogEntry

    from feedback_portal import audit

    sign_in(client, recruiter)
    confirm_password(client, "/accounts/2fa/totp/activate/")
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):  # allauth tells of it once committed
        assert client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)}).status_code == 302
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302  # just confirmed
    assert not Authenticator.objects.filter(user=recruiter).exists()

    changes = [
        (entry.actor_id, entry.object_pk, entry.additional_data["change"], entry.additional_data["kind"])
        for entry in LogEntry.objects.filter(additional_data__event=audit.MFA_CHANGED).order_by("pk")
    ]
    assert (recruiter.pk, str(recruiter.pk), "added", "totp") in changes
    assert (recruiter.pk, str(recruiter.pk), "removed", "totp") in changes


# --- Signing in with it -----------------------------------------------------------------------------


def test_signing_in_asks_for_the_code_and_a_right_one_lets_the_recruiter_in(mfa_required, client, recruiter):
    TOTP.activate(recruiter, SECRET)

    response = sign_in(client, recruiter)

    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/dashboard/")["Location"].startswith("/accounts/login/")  # not signed in yet
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "Sign in: second step" in page

    done = client.post("/accounts/2fa/authenticate/", {"code": totp(SECRET)})

    assert done.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message(mfa_required, client, recruiter):
    TOTP.activate(recruiter, SECRET)
    sign_in(client, recruiter)
    wrong = not_a_code_now(SECRET)

    page = client.post("/accounts/2fa/authenticate/", {"code": wrong})

    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    assert "That code is not right" in html
    assert f'value="{wrong}"' in html  # what was typed stays
    assert client.get("/dashboard/")["Location"].startswith("/accounts/login/")


def test_a_wrong_code_is_a_failed_sign_in_on_the_audit_trail(mfa_required, client, recruiter):
    from auditlog.models import LogEntry

    from feedback_portal import audit

    TOTP.activate(recruiter, SECRET)
    sign_in(client, recruiter)
    client.post("/accounts/2fa/authenticate/", {"code": not_a_code_now(SECRET)})

    [entry] = LogEntry.objects.filter(additional_data__event=audit.SIGN_IN_FAILED)
    assert entry.object_pk == str(recruiter.pk)
    assert entry.additional_data["step"] == "second step"
    assert entry.actor is None  # not signed in
    client.post("/accounts/2fa/authenticate/", {"code": totp(SECRET)})
    assert LogEntry.objects.filter(additional_data__event=audit.SIGN_IN_FAILED).count() == 1


def test_an_empty_code_says_what_to_enter(mfa_required, client, recruiter):
    TOTP.activate(recruiter, SECRET)
    sign_in(client, recruiter)

    html = client.post("/accounts/2fa/authenticate/", {"code": ""}).content.decode()

    assert "Enter the 6-digit code your authenticator app shows now, or a recovery code." in html


def test_a_recovery_code_signs_in_once(mfa_required, client, recruiter):
    TOTP.activate(recruiter, SECRET)
    code = RecoveryCodes.activate(recruiter).get_unused_codes()[0]

    sign_in(client, recruiter)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/dashboard/").status_code == 200
    client.post("/accounts/logout/")

    sign_in(client, recruiter)
    again = client.post("/accounts/2fa/authenticate/", {"code": code})

    assert again.status_code == 200
    assert "That code is not right" in again.content.decode()
    assert client.get("/dashboard/")["Location"].startswith("/accounts/login/")


def test_an_admin_with_it_reaches_the_admin_after_the_second_step(mfa_required, client, admin):
    TOTP.activate(admin, SECRET)
    sign_in(client, admin)
    client.post("/accounts/2fa/authenticate/", {"code": totp(SECRET)})

    assert client.get("/admin/").status_code == 200


def test_a_signed_in_recruiter_with_it_costs_the_dashboard_no_extra_query_after_the_first_page(
    mfa_required, portal_settings, client, recruiter, django_assert_num_queries
):
    TOTP.activate(recruiter, SECRET)
    sign_in(client, recruiter)
    client.post("/accounts/2fa/authenticate/", {"code": totp(SECRET)})
    client.get("/dashboard/")  # the first page notes the second factor in the session
    # As without the requirement (tests/requests_app/test_dashboard.py): the user and the page of
    # requests (the counts are kept in the cache); nothing about authenticators.
    with django_assert_num_queries(2) as queries:
        assert client.get("/dashboard/").status_code == 200
    assert not any("mfa_authenticator" in q["sql"] for q in queries.captured_queries)


# --- Stored secrets --------------------------------------------------------------------------------


def test_the_apps_secret_and_the_recovery_seed_are_stored_encrypted(recruiter):
    TOTP.activate(recruiter, SECRET)
    RecoveryCodes.activate(recruiter)

    stored = {a.type: a.data for a in Authenticator.objects.filter(user=recruiter)}

    assert SECRET not in str(stored[Authenticator.Type.TOTP])
    assert TOTP(Authenticator.objects.get(user=recruiter, type="totp")).validate_code(totp(SECRET))
    seed = stored[Authenticator.Type.RECOVERY_CODES]["seed"]
    assert len(seed) > 60  # a Fernet token, not the 40 hexadecimal digits of the seed


def test_a_new_secret_key_keeps_reading_them_while_the_old_one_is_a_fallback(
    mfa_required, settings, client, recruiter
):
    TOTP.activate(recruiter, SECRET)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-for-the-portal", [settings.SECRET_KEY]

    sign_in(client, recruiter)
    assert client.post("/accounts/2fa/authenticate/", {"code": totp(SECRET)}).status_code == 302

    assert client.get("/dashboard/").status_code == 200


def test_the_passkey_button_without_javascript_says_what_happened(client):
    page = client.post("/accounts/2fa/webauthn/login/", {"credential": ""}, follow=True)

    assert page.status_code == 200
    assert page.redirect_chain == [("/accounts/login/", 302)]
    assert "Your browser did not offer a passkey" in " ".join(messages_of(page))
