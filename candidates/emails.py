"""The e-mails about applications: one renderer each, building context from ids."""

from django.urls import reverse

from feedback_portal.mail import Rendered, renderer
from feedback_portal.models import OutboundEmail, PortalSettings

from .models import Application


@renderer("feedback_invitation")
def feedback_invitation(email: OutboundEmail) -> Rendered:
    """To a candidate turned down: you can ask why, here is how."""
    application = Application.objects.select_related("client").get(pk=email.application_id)
    has_account = application.candidate_id is not None
    path = reverse("candidates:applications") if has_account else reverse("account_signup")
    return Rendered(
        {
            "portal": PortalSettings.load(),
            "application": application,
            "client": application.client,
            "has_account": has_account,
            "path": path,
        },
        audience="candidate",
    )
