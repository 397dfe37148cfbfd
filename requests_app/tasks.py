"""Celery tasks for requests: thin wrappers that call a sweep with the time it runs at.

Beat runs each on a schedule (settings.CELERY_BEAT_SCHEDULE). Each task takes no secrets and
imports its service inside the function, as services may enqueue tasks. Every sweep claims
its work in the database, so running one twice, at once on two workers, or again after a
late acknowledgement changes nothing. Time limits: the soft one raises inside the sweep
(what it finished is committed, the rest waits for the next run); the hard one stops it.
"""

from celery import shared_task
from django.utils import timezone

SWEEP_LIMITS = {"soft_time_limit": 240, "time_limit": 300}


@shared_task(**SWEEP_LIMITS)
def expire_routings() -> int:
    """Move requests whose hiring-manager link ran out to "expired", for the recruiter to act on."""
    from . import services

    return services.expire_due_routings(now=timezone.now())


@shared_task(**SWEEP_LIMITS)
def close_stale_releases() -> int:
    """Close released requests nobody acknowledged within the portal's period."""
    from . import services

    return services.close_stale_releases(now=timezone.now())


@shared_task(**SWEEP_LIMITS)
def send_due_reminders() -> int:
    """Remind hiring managers whose next reminder is due (working hours only)."""
    from . import reminders

    return reminders.send_due_reminders(now=timezone.now())


@shared_task(**SWEEP_LIMITS)
def send_recruiter_digests() -> int:
    """Each business morning, one digest e-mail per recruiter with something to act on."""
    from . import reminders

    return reminders.send_recruiter_digests(now=timezone.now())


@shared_task(soft_time_limit=1800, time_limit=2100)
def anonymise_due_requests() -> int:
    """Anonymise requests ended longer ago than the retention period, and forget audit entries as
    old; legal holds are skipped."""
    from . import retention

    now = timezone.now()
    retention.forget_old_audit_entries(now=now)
    return retention.anonymise_due_requests(now=now)


@shared_task(soft_time_limit=600, time_limit=660)
def rollup_analytics(months: int = 2) -> int:
    """Recount the analytics roll-up of the latest `months` months, the current one included.

    Beat runs it every 15 minutes for 2 months and nightly for 13 (requests_app/analytics.py
    says why); each month is committed on its own, so a run stopped by the soft limit keeps
    the months it finished.
    """
    from . import analytics

    return analytics.rollup_recent(now=timezone.now(), months=months)
