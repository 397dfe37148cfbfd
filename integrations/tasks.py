"""Celery tasks for webhooks: thin wrappers that take ids and call integrations/webhooks.py.

The webhooks module enqueues these, so it is imported inside each task, never at the top. The
sending task's hard limit (90 s) stays inside a delivery's lease (WEBHOOK_LEASE_SECONDS, 120 s by
default), and its request's timeout (WEBHOOK_TIMEOUT_SECONDS) well inside both: no second worker
takes a delivery the first still holds.
"""

from celery import shared_task
from django.utils import timezone


@shared_task(soft_time_limit=60, time_limit=90)
def send_webhook_delivery(delivery_id: int) -> bool:
    """Send one webhook delivery; a no-op if it is not due or another worker has it."""
    from . import webhooks

    return webhooks.deliver(delivery_id)


@shared_task(soft_time_limit=120, time_limit=180)
def sweep_webhook_deliveries() -> int:
    """Enqueue webhook deliveries that are due, or stuck in sending past their lease."""
    from . import webhooks

    return webhooks.sweep(now=timezone.now())


@shared_task(soft_time_limit=300, time_limit=360)
def forget_old_webhook_payloads() -> int:
    """Blank the payloads of webhook deliveries older than WEBHOOK_PAYLOAD_DAYS."""
    from . import webhooks

    return webhooks.forget_old_payloads(now=timezone.now())
