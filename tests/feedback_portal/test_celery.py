"""Celery as the ecosystem runs it: time limits on every task, logging left to Django."""

from django.conf import settings

from feedback_portal.celery import app
from feedback_portal.tasks import send_outbound_email

OURS = ("feedback_portal.", "candidates.", "requests_app.")


def test_every_task_has_a_soft_and_a_hard_time_limit():
    app.loader.import_default_modules()
    tasks = {name: task for name, task in app.tasks.items() if name.startswith(OURS)}
    assert "requests_app.tasks.send_due_reminders" in tasks
    for name, task in tasks.items():
        assert task.soft_time_limit and task.time_limit, name
        assert task.soft_time_limit < task.time_limit, name


def test_beat_runs_only_tasks_that_exist():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_an_email_task_is_stopped_before_its_lease_runs_out():
    """Otherwise a sweep could hand the same e-mail to a second worker while the first still sends it."""
    assert send_outbound_email.time_limit < settings.OUTBOUND_EMAIL_LEASE_SECONDS


def test_the_worker_leaves_the_root_logger_to_django():
    assert app.conf.worker_hijack_root_logger is False
