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
