from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Feedback requests"

    def ready(self) -> None:
        from feedback_portal import audit

        from . import emails, erasure, signals  # noqa: F401  (declares its e-mail kinds; connects its receivers)
        from .models import FeedbackRequest

        audit.about_too(FeedbackRequest)  # legal holds, in the admin's audit trail

        erasure.register()  # what it erases about a person (feedback_portal.erasure)
