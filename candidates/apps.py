from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates and clients"

    def ready(self) -> None:
        from . import emails, erasure, signals  # noqa: F401  (declares its e-mail kinds; connects its receivers)

        erasure.register()  # what it erases about a person (feedback_portal.erasure)
