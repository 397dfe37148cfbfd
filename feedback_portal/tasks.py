"""Celery tasks for e-mail: thin wrappers that take ids and call the mail module.

The mail module enqueues these tasks, so it is imported inside each task, never at the top.
Time limits: a task stops (soft: an exception the mail module records as a failed attempt;
hard: the worker kills it) well before its e-mail's lease (OUTBOUND_EMAIL_LEASE_SECONDS, 5
minutes by default) runs out, so no second worker ever sends an e-mail the first still holds.
"""

from celery import shared_task
from django.utils import timezone


@shared_task(soft_time_limit=60, time_limit=90)
def send_outbound_email(email_id: int) -> bool:
    """Render and send one queued e-mail; a no-op if another worker has it."""
    from . import mail

    return mail.deliver(email_id)


@shared_task(soft_time_limit=120, time_limit=180)
def sweep_outbound_email() -> int:
    """Re-enqueue e-mails still queued, or stuck in sending past their lease."""
    from . import mail

    return mail.sweep(now=timezone.now())


@shared_task(soft_time_limit=120, time_limit=180)
def forget_old_form_keys() -> int:
    """Forget the keys of forms acted on long ago: a repeat of those is long past."""
    from . import once

    return once.forget_old(now=timezone.now())
