"""Two-factor authentication: who must use it, and how allauth's MFA names the agency.

allauth.mfa does the work (authenticator apps, recovery codes, passkeys, the second step when
signing in). The portal adds one rule: when the agency requires it (`PortalSettings.require_mfa`),
a recruiter or admin without a second factor is led to set one up before any other page, the
admin's included. Candidates are never required to; they may choose it on their account page.
"""

import base64

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.crypto import salted_hmac

from .models import PortalSettings
from .sessions import is_staff_session

# Set in the session once this person is known to have a second factor, so the pages they open
# next ask nothing more of the database (the dashboard's query budget holds).
HAS_SECOND_FACTOR = "mfa_has_second_factor"

# What a recruiter without a second factor may still open: setting one up (and confirming it is
# them, which that asks), signing out, and what every page loads.
OPEN_WITHOUT_SECOND_FACTOR = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "healthz",
        "brand_css",
        "brand_logo",
    }
)


# Recovery codes alone are not a way to sign in: they stand in for a lost app or passkey.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user) -> bool:
    """True when this person signs in with an authenticator app or a passkey."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def must_set_up_second_factor(request: HttpRequest) -> bool:
    """True when this signed-in person must set up a second factor before going on."""
    user = request.user
    if not is_staff_session(user) or request.session.get(HAS_SECOND_FACTOR):
        return False
    if not PortalSettings.load().require_mfa:
        return False
    if has_second_factor(user):
        request.session[HAS_SECOND_FACTOR] = True
        return False
    return True


class RequireMFAMiddleware:
    """Leads staff without a second factor to set one up, when the agency requires it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        name = match.url_name if match else None
        if name and (name.startswith("mfa_") or name in OPEN_WITHOUT_SECOND_FACTOR):
            return None
        if not must_set_up_second_factor(request):
            return None
        messages.info(
            request,
            "The agency asks recruiters and admins to sign in with two-factor authentication. "
            "Set up an authenticator app or a passkey to go on.",
        )
        return redirect("mfa_index")


@receiver(authenticator_removed, dispatch_uid="feedback_portal.mfa.forget_second_factor")
def forget_second_factor(sender, request, user, **kwargs) -> None:
    """A removed app or passkey may have been the last one: ask the database again next time."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(HAS_SECOND_FACTOR, None)


def _secrets_key() -> MultiFernet:
    """The key the authenticator apps' secrets and the recovery codes' seeds are kept under, made
    from SECRET_KEY (the first encrypts; SECRET_KEY_FALLBACKS still decrypt, so a key can rotate)."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac("feedback_portal.mfa", "", secret=key, algorithm="sha256").digest()
                )
            )
            for key in keys
        ]
    )


class MFAAdapter(DefaultMFAAdapter):
    """Authenticator apps and passkeys list the portal under the agency's name; a wrong code says
    what to try; the secrets are stored encrypted, so a copy of the database alone makes no codes."""

    def encrypt(self, text: str) -> str:
        return _secrets_key().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return _secrets_key().decrypt(encrypted_text.encode()).decode()
        except InvalidToken as error:
            raise ValueError(
                "A two-factor secret cannot be read with SECRET_KEY or SECRET_KEY_FALLBACKS: was the "
                "key changed without keeping the old one as a fallback?"
            ) from error

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "That code is not right. Enter the code your authenticator app shows for "
        "this account now (it changes every 30 seconds), or an unused recovery code.",
    }

    def get_totp_issuer(self) -> str:
        return PortalSettings.load().agency_name

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        return {**super().get_public_key_credential_rp_entity(), "name": PortalSettings.load().agency_name}
