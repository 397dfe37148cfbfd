from django.apps import AppConfig


class FeedbackPortalConfig(AppConfig):
    name = "feedback_portal"
    verbose_name = "Feedback Portal"

    def ready(self) -> None:
        from . import audit, checks, sessions  # noqa: F401  (system checks; each sign-in noted and audited)
        from .models import PortalSettings, User

        # Roles, e-mail addresses and switching accounts off; never a password (audit.SECRET_FIELDS).
        audit.track(User)
        audit.track(PortalSettings, exclude=["logo_type"])
