"""Celery tasks for requests: thin wrappers around services, taking no secrets."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def expire_routings() -> int:
    """Move requests whose hiring-manager link ran out to "expired", for the recruiter to act on."""
    return services.expire_due_routings(now=timezone.now())


@shared_task
def close_stale_releases() -> int:
    """Close released requests nobody acknowledged within the portal's period."""
    return services.close_stale_releases(now=timezone.now())


@shared_task
def send_due_reminders() -> int:
    """Remind hiring managers whose next reminder is due (working hours only)."""
    from . import reminders

    return reminders.send_due_reminders(now=timezone.now())


@shared_task
def send_recruiter_digests() -> int:
    """Each business morning, one digest e-mail per recruiter with something to act on."""
    from . import reminders

    return reminders.send_recruiter_digests(now=timezone.now())


@shared_task
def anonymise_due_requests() -> int:
    """Anonymise requests ended longer ago than the retention period; legal holds are skipped."""
    from . import retention

    return retention.anonymise_due_requests(now=timezone.now())
