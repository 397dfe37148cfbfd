from django.apps import AppConfig


class FeedbackPortalConfig(AppConfig):
    name = "feedback_portal"
    verbose_name = "Feedback Portal"

    def ready(self) -> None:
        from . import checks, mfa, sessions  # noqa: F401  (system checks; notes each sign-in; MFA signals)
