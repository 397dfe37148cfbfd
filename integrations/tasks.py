"""Celery tasks of the integrations: thin wrappers that take ids and call a service."""

from celery import shared_task
from django.utils import timezone


# A 20,000-row import takes well under the soft limit; a task stopped by it leaves its finished
# batches of rows done, and running it again carries on from there.
@shared_task(soft_time_limit=1800, time_limit=2100)
def apply_import(batch_id: int) -> int:
    """Apply a confirmed CSV import's rows, a batch at a time; how many rows it has applied in all."""
    from . import services

    return services.apply_import(batch_id=batch_id, now=timezone.now()).processed
