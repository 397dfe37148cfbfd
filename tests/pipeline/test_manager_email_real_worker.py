"""The hiring manager's e-mail, sent by a real Celery worker that took the task from Redis."""

import hashlib
import re
import threading
import time

import pytest
from celery.signals import task_prerun
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models, transaction

from feedback_portal.models import OutboundEmail
from requests_app import services
from requests_app.models import LinkToken

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"/respond/(?P<token>[A-Za-z0-9_-]{20,})/")


@pytest.fixture
def tasks_run():
    """Each task run while the test lasts: its name, its thread and how it was delivered."""
    runs = []

    def record(sender, task, **kwargs):
        runs.append((task.name, threading.current_thread(), task.request.delivery_info or {}))

    task_prerun.connect(record, weak=False)
    yield runs
    task_prerun.disconnect(record)


def wait_for_state(email: OutboundEmail, state: str, *, timeout: float = 30) -> None:
    """Poll the row until it reaches the state, or give up after the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.state == state:
            return
        time.sleep(0.1)


def rows_containing(text: str) -> list[str]:
    """Every row of every model whose text columns contain the text, as "model.field"."""
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField | models.TextField) and (
                model._default_manager.filter(**{f"{f.name}__contains": text}).exists()
            ):
                found.append(f"{model._meta.label}.{f.name}")
    return found


def test_worker_sends_the_managers_email_with_a_link_only_the_email_carries(
    celery_worker_on_redis, tasks_run, submitted_request, manager
):
    recruiter = submitted_request.application.recruiter
    with transaction.atomic():
        routing = services.route_request(
            feedback_request=submitted_request,
            hiring_manager=manager,
            message="How could I have prepared better?",
            actor=recruiter,
        )
    # Queued in the same transaction; the worker takes it only after the commit.
    email = OutboundEmail.objects.get(routing=routing, kind="manager_request")

    wait_for_state(email, OutboundEmail.State.SENT)

    assert email.state == OutboundEmail.State.SENT, email.last_error
    assert email.attempts == 1
    # Sent by the worker's thread, from a message it took off this test's queue.
    [(name, thread, delivery)] = tasks_run
    assert name == "feedback_portal.tasks.send_outbound_email"
    assert thread is not threading.current_thread()
    assert delivery["routing_key"] == celery_worker_on_redis.app.conf.task_default_queue
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [manager.email]
    assert message.reply_to == [recruiter.email]
    assert message.subject == email.subject
    token = LINK.search(message.body)["token"]
    assert f"{settings.SITE_URL}/respond/{token}/" in message.body
    html = message.alternatives[0][0]
    assert f"/respond/{token}/" in html
    # Only the token's hash is kept, and the clear token is nowhere in the database.
    assert list(LinkToken.objects.filter(routing=routing).values_list("token_hash", flat=True)) == [
        hashlib.sha256(token.encode()).hexdigest()
    ]
    assert rows_containing(token) == []
