from django.apps import AppConfig


class FeedbackPortalConfig(AppConfig):
    name = "feedback_portal"
    verbose_name = "Feedback Portal"
