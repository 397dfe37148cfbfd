"""What requests_app keeps in step with the applications and clients its requests name."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from candidates.models import Application, Client
from feedback_portal.models import User

from . import queue_kept
from .models import FeedbackRequest
from .services import search


@receiver(post_save, sender=Application, dispatch_uid="requests_app.describe_application")
def application_saved(sender, instance: Application, created: bool, **kwargs) -> None:
    if not created:
        search.describe_application(instance)


@receiver(post_save, sender=Client, dispatch_uid="requests_app.describe_client")
def client_saved(sender, instance: Client, created: bool, update_fields=None, **kwargs) -> None:
    queue_kept.forget_choices()
    if not created and (update_fields is None or "name" in update_fields):
        search.describe_client(instance)


@receiver(post_save, sender=User, dispatch_uid="requests_app.forget_recruiters")
def user_saved(sender, instance: User, **kwargs) -> None:
    if instance.is_recruiter:  # the queue's lists of recruiters are read again
        queue_kept.forget_choices()


@receiver(post_save, sender=FeedbackRequest, dispatch_uid="requests_app.count_saved_request")
@receiver(post_delete, sender=FeedbackRequest, dispatch_uid="requests_app.count_deleted_request")
def request_saved_or_deleted(sender, **kwargs) -> None:
    """A request saved whole (asked, or edited in the admin) or deleted: the queue counts again.
    The portal's own moves update a few columns and say so themselves (lifecycle.note_needs)."""
    queue_kept.forget_counts()
