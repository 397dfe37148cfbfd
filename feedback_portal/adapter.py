"""allauth's e-mails (sign-up codes, sign-in codes, password resets) as the agency's own.

allauth sends them itself, straight through Django's e-mail backend (they carry a code or a link
that must not be stored in the outbox); this adapter gives them the portal's sender name and the
context its templates (templates/account/email/) share with the portal's e-mails. Should the
mail server be down, the page says so instead of failing: nothing is half-done that blocks a
second try (a new sign-up's code can be sent again from the code page).
"""

import logging
import smtplib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages

from .models import PortalSettings
from .text import one_line

log = logging.getLogger(__name__)
NOT_SENT = (
    "We could not send the e-mail just now: our mail server is not answering. "
    "Wait a few minutes, then try again."
)


class AccountAdapter(DefaultAccountAdapter):
    # allauth's messages in the portal's voice: what went wrong and what to do, in plain words.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": "This account is switched off. Ask the agency if you think it should not be.",
        "email_password_mismatch": "The e-mail address or password is not right. Check them and try again.",
        "email_taken": "An account with this e-mail address exists. Sign in, or reset its password.",
        "enter_current_password": "Enter your current password.",
        "incorrect_code": "That code is not right. Check the e-mail and enter the code again.",
        "incorrect_password": "That password is not right.",
        "invalid_or_expired_key": "This link has expired or was already used. Ask for a new one.",
        "invalid_password_reset": "This reset link has expired or was already used. Ask for a new one.",
        "too_many_login_attempts": "Too many attempts to sign in. Wait a few minutes, then try again.",
        "unknown_email": "There is no account with this e-mail address.",
        "rate_limited": "Too many tries in a short time. Wait a minute, then try again.",
        "same_as_current": "Enter a password different from your current one.",
    }

    def get_from_email(self) -> str:
        """The agency's name before the portal's address, as on the portal's own e-mails."""
        return PortalSettings.load().sender

    def format_email_subject(self, subject: str) -> str:
        return one_line(super().format_email_subject(subject))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's e-mail, rendered with the agency's settings and address like the portal's.

        It greets its reader by name only at an address they have proved is theirs: anyone may
        sign up with anyone's address, and a name is whatever they typed ("Visit evil.example")."""
        user = context.get("user")
        verified = (
            getattr(user, "pk", None) is not None
            and EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
        )
        try:
            super().send_mail(
                template_prefix,
                email,
                {
                    "portal": PortalSettings.load(),
                    "site_url": settings.SITE_URL,
                    "greet_name": user.name if verified and getattr(user, "name", "") else "",
                    **context,
                },
            )
        except (smtplib.SMTPException, OSError) as exc:  # refused, timed out, unreachable
            log.warning("Account e-mail %s not sent: %s", template_prefix, exc)
            request = allauth_context.request
            if request is not None:
                messages.error(request, NOT_SENT)
