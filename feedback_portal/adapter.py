"""allauth's e-mails (sign-up codes, sign-in codes, password resets) as the agency's own.

allauth sends them itself, straight through Django's e-mail backend (they carry a code or a link
that must not be stored in the outbox); this adapter gives them the portal's sender name and the
context its templates (templates/account/email/) share with the portal's e-mails.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from .models import PortalSettings


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self) -> str:
        """The agency's name before the portal's address, as on the portal's own e-mails."""
        return PortalSettings.load().sender

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's e-mail, rendered with the agency's settings and address like the portal's."""
        super().send_mail(
            template_prefix,
            email,
            {"portal": PortalSettings.load(), "site_url": settings.SITE_URL, **context},
        )
