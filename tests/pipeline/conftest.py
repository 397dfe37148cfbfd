"""Fixtures for the e-mail pipeline: a real Celery worker on Redis, a real SMTP sink.

The worker runs in a thread of the test process, so it shares time-machine's clock
and Django's locmem outbox, but it sees only committed rows: its tests need
`django_db(transaction=True)`.
"""

import email
import email.policy
import os
import socket
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from feedback_portal.celery import app as celery_app


@pytest.fixture
def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment it is chosen)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- A real SMTP conversation ------------------------------------------------------


@dataclass
class SmtpInbox:
    """What the sink accepted: one envelope per message, parsed as a mail program would."""

    envelopes: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(e.original_content or e.content, policy=email.policy.default)
            for e in self.envelopes
        ]


@pytest.fixture
def smtp_sink(settings, free_port):
    """An aiosmtpd server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield inbox
    finally:
        controller.stop()


# --- A real Celery worker on Redis -------------------------------------------------


def _redis_broker_url() -> str:
    """REDIS_URL on the broker's database number, as settings.py builds it."""
    parts = urlsplit(os.environ["REDIS_URL"])
    number = int(os.environ.get("REDIS_BROKER_DB", "0"))
    return urlunsplit((parts.scheme, parts.netloc, f"/{number}", parts.query, ""))


def _forget_broker_state() -> None:
    """Drop the app's cached connection pool, queues and router.

    They are built lazily from the configuration the first time they are needed;
    dropping them makes the next use read the configuration this test set. (The
    pools themselves belong to kombu's registry and stay open for whoever shares them.)
    """
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


@pytest.fixture
def celery_worker_on_redis(request):
    """A real worker (solo pool, in a thread) consuming a queue only this test uses.

    Several pytest-xdist processes may share the Redis database, so the queue's
    name carries the process id and a random part: no worker steals another's task.
    """
    if not request.node.get_closest_marker("redis"):
        pytest.fail("celery_worker_on_redis needs the test to be marked `redis`")
    queue = f"pipeline-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    changed = {
        "broker_url": _redis_broker_url(),
        "broker_transport_options": {},
        "task_default_queue": queue,
        "task_always_eager": False,
    }
    saved = {key: celery_app.conf[key] for key in changed}

    def close_worker_db_connections(**kwargs):
        # The worker thread opens its own connections; close them after each task
        # so none outlives the test (PostgreSQL will not drop a database in use).
        connections.close_all()

    task_postrun.connect(close_worker_db_connections, weak=False)
    celery_app.conf.update(changed)
    _forget_broker_state()
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=20
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_worker_db_connections)
        # Remove the queue and its bindings from Redis; declaring it first tells the
        # channel which bindings to delete.
        with celery_app.connection_for_write() as conn:
            bound = celery_app.amqp.queues[queue](conn.default_channel)
            bound.declare()
            bound.delete()
        celery_app.conf.update(saved)
        _forget_broker_state()


# --- The request the hiring manager is asked about ----------------------------------

CANDIDATE_NAME = "Robin Castellano"


@pytest.fixture
def submitted_request(feedback_request_factory):
    """A candidate's submitted request, not yet routed; its candidate has a known name."""
    return feedback_request_factory(application__candidate__name=CANDIDATE_NAME)


@pytest.fixture
def manager(submitted_request, hiring_manager_factory):
    """A hiring manager at the request's client."""
    return hiring_manager_factory(client=submitted_request.application.client, name="Dana Whitfield")
