"""Celery tasks of the integrations: thin wrappers that take ids and call webhooks.py or importing.py.

Those modules enqueue these, so they are imported inside each task, never at the top. The
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


# --- CSV imports (integrations/importing.py) -------------------------------------------------


# A 20,000-row import takes well under the soft limit; a task stopped by it leaves its finished
# batches of rows done, and running it again carries on from there.
@shared_task(soft_time_limit=1800, time_limit=2100)
def apply_import(batch_id: int) -> int:
    """Apply a confirmed CSV import's rows, a batch at a time; how many rows it has applied in all."""
    from . import importing

    return importing.apply_import(batch_id=batch_id, now=timezone.now()).processed


@shared_task(soft_time_limit=120, time_limit=180)
def resume_imports() -> int:
    """Enqueue again every confirmed import not yet done; how many."""
    from . import importing

    return importing.resume_imports(now=timezone.now())


@shared_task(soft_time_limit=600, time_limit=660)
def forget_old_import_rows() -> int:
    """Delete the rows of imports finished longer ago than IMPORT_ROWS_KEEP_DAYS."""
    from django.conf import settings

    from . import importing

    return importing.forget_old_import_rows(now=timezone.now(), days=settings.IMPORT_ROWS_KEEP_DAYS)
