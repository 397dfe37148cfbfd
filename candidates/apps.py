from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates and clients"

    def ready(self) -> None:
        from . import emails, signals  # noqa: F401  (declares its e-mail kinds; connects its receivers)
