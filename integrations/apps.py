from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from feedback_portal import erasure

        from . import importing, signals, webhooks  # noqa: F401  (connects the webhooks' receivers)

        # Before the candidates app blanks the addresses their applications are found by.
        erasure.register(erasure.ACCOUNT, "webhook deliveries", webhooks.forget_deliveries_about, first=True)
        erasure.register(erasure.ACCOUNT, "import rows", importing.forget_import_rows_of)
