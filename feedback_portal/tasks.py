"""Celery tasks for e-mail: thin wrappers that take ids and call the mail module."""

from celery import shared_task
from django.utils import timezone

from . import mail


@shared_task
def send_outbound_email(email_id: int) -> bool:
    """Render and send one queued e-mail; a no-op if another worker has it."""
    return mail.deliver(email_id)


@shared_task
def sweep_outbound_email() -> int:
    """Re-enqueue e-mails still queued, or stuck in sending past their lease."""
    ids = mail.due_ids(now=timezone.now())
    for email_id in ids:
        send_outbound_email.delay(email_id)
    return len(ids)
