"""The Celery app: configured from Django's settings (CELERY_*), tasks found in each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedback_portal.settings")

app = Celery("feedback_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
