"""The e-mails about applications: one EmailKind each, its context built from the application."""

from django.urls import reverse

from feedback_portal.mail import Audience, EmailKind
from feedback_portal.models import OutboundEmail

from .models import Application


def _invitation(email: OutboundEmail) -> dict:
    application = Application.objects.select_related("client").get(pk=email.about_id)
    has_account = application.candidate_id is not None
    return {
        "application": application,
        "client": application.client,
        "has_account": has_account,
        "path": reverse("requests_app:applications") if has_account else reverse("account_signup"),
    }


# To a candidate turned down: you can ask why, here is how.
FEEDBACK_INVITATION = EmailKind("feedback_invitation", Audience.CANDIDATE, _invitation, about=Application)
