from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Feedback requests"

    def ready(self) -> None:
        from . import emails  # noqa: F401  (declares its e-mail kinds; the timeline hears of each e-mail)
