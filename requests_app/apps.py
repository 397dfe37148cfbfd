from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Feedback requests"

    def ready(self) -> None:
        from . import emails  # noqa: F401  (registers the e-mail renderers)
