from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates and clients"

    def ready(self) -> None:
        from feedback_portal import audit

        from . import emails, erasure, signals  # noqa: F401  (declares its e-mail kinds; connects its receivers)
        from .models import Application, Client, HiringManager

        # Recruiters' writes, in the admin's audit trail: a manager's new address redirects their links.
        for model in (Application, Client, HiringManager):
            audit.track(model)

        erasure.register()  # what it erases about a person (feedback_portal.erasure)
