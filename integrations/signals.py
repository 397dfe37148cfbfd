"""What integrations hears from the domain apps: each event it announces to the ATS by webhook.

Receivers run inside the transaction of the event, so the delivery rows commit, or roll back,
with it.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from candidates.services import outcome_recorded
from requests_app.models import Event

from . import webhooks


@receiver(post_save, sender=Event, dispatch_uid="integrations.webhooks.timeline")
def timeline_event_written(sender, instance: Event, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        webhooks.request_event_recorded(instance)


@receiver(outcome_recorded, dispatch_uid="integrations.webhooks.outcome")
def application_outcome_recorded(sender, applications, at, **kwargs) -> None:
    webhooks.outcomes_recorded(applications, at=at)
