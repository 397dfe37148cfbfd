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


@shared_task(soft_time_limit=120, time_limit=180)
def resume_imports() -> int:
    """Enqueue again every confirmed import not yet done; how many."""
    from . import services

    return services.resume_imports(now=timezone.now())


@shared_task(soft_time_limit=600, time_limit=660)
def forget_old_import_rows() -> int:
    """Delete the rows of imports finished longer ago than IMPORT_ROWS_KEEP_DAYS."""
    from django.conf import settings

    from . import services

    return services.forget_old_import_rows(now=timezone.now(), days=settings.IMPORT_ROWS_KEEP_DAYS)
