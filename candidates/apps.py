from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates and clients"

    def ready(self) -> None:
        from . import emails, signals  # noqa: F401  (registers e-mail renderers and receivers)
