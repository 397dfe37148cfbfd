"""Webhooks end to end: committed events, a real Celery worker on Redis, a real HTTP receiver that
checks the signature with its own code."""

import time

import pytest
from django.db import transaction

from candidates import services as candidate_services
from candidates.models import Application
from integrations.models import WebhookDelivery, WebhookEvent

from ..pipeline.conftest import celery_worker_on_redis  # noqa: F401  (the fixture)
from .conftest import verify_signature

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


def wait_until_sent(count: int, timeout: float = 20.0) -> list[WebhookDelivery]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = list(WebhookDelivery.objects.filter(state="sent").order_by("pk"))
        if len(sent) >= count:
            return sent
        time.sleep(0.1)
    pytest.fail(
        f"{count} deliveries not marked sent: {list(WebhookDelivery.objects.values('state', 'last_error'))}"
    )


def test_the_worker_sends_an_outcome_and_request_events_the_receiver_verifies(
    celery_worker_on_redis,  # noqa: F811
    receiver,
    endpoint_for,
    application_factory,
    submit,
    route,
):
    endpoint = endpoint_for(
        receiver,
        events=[WebhookEvent.OUTCOME_RECORDED, WebhookEvent.REQUEST_ASKED, WebhookEvent.REQUEST_ROUTED],
    )
    application = application_factory(
        outcome=Application.Outcome.PENDING, outcome_on=None, external_id="JA-31"
    )

    with transaction.atomic():
        candidate_services.record_outcome(application=application, outcome=Application.Outcome.NOT_SELECTED)
    [outcome] = receiver.wait_for(1)
    feedback_request = submit(external_id="JA-32")
    route(feedback_request)

    received = receiver.wait_for(3)
    assert [got.headers["X-Portal-Event"] for got in received] == [
        "application.outcome_recorded",
        "request.asked",
        "request.routed",
    ]
    for got in received:
        assert verify_signature(endpoint.secret, got.headers["X-Portal-Signature"], got.body, now=got.at)
    assert outcome.json["data"]["application"]["external_id"] == "JA-31"
    assert received[2].json["data"]["request"] == {
        "uuid": str(feedback_request.uuid),
        "state": "awaiting_manager",
    }
    assert [d.attempts for d in wait_until_sent(3)] == [1, 1, 1]


def test_the_worker_retries_a_500_after_its_pause_and_then_succeeds(
    celery_worker_on_redis,  # noqa: F811
    receiver,
    endpoint_for,
    application_factory,
    settings,
):
    settings.WEBHOOK_RETRY_SECONDS = 1
    receiver.answers = [500]
    endpoint = endpoint_for(receiver)
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)

    with transaction.atomic():
        candidate_services.record_outcome(application=application, outcome=Application.Outcome.REPOSTED)

    first, second = receiver.wait_for(2)
    assert 0.4 <= second.at - first.at <= 5  # half a second to a second, plus the worker's own time
    [delivery] = wait_until_sent(1)
    assert (delivery.attempts, delivery.last_status_code) == (2, 200)
    assert (
        first.headers["X-Portal-Delivery"]
        == second.headers["X-Portal-Delivery"]
        == str(delivery.idempotency_key)
    )
    assert verify_signature(endpoint.secret, second.headers["X-Portal-Signature"], second.body, now=second.at)
