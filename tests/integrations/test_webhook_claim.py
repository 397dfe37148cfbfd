"""Two workers never send the same attempt: ten threads try one delivery at the same moment on
PostgreSQL, where their updates really overlap, and the receiver gets it once."""

import threading

import pytest
from django.db import connection, transaction

from candidates import services as candidate_services
from candidates.models import Application
from integrations import webhooks
from integrations.models import WebhookDelivery

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_ten_workers_at_once_send_a_delivery_once(receiver, endpoint_for, application_factory, monkeypatch):
    endpoint_for(receiver)
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)
    # Left for the workers below: nothing is enqueued when the outcome commits.
    monkeypatch.setattr(webhooks, "_enqueue", lambda *args, **kwargs: None)
    with transaction.atomic():
        candidate_services.record_outcome(application=application, outcome=Application.Outcome.NOT_SELECTED)
    delivery = WebhookDelivery.objects.get()

    start = threading.Barrier(10)
    results = []

    def worker():
        try:
            start.wait()
            results.append(webhooks.deliver(delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False] * 9 + [True]
    assert len(receiver.wait_for(1)) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 1)
