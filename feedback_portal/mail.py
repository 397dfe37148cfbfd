"""How the portal sends e-mail: a row per message, rendered and sent by a task.

The row is the source of truth. A task claims it with a conditional update (a
lease), renders it from the ids it keeps, sends it and marks it sent; a sweep
re-enqueues rows that are still queued or whose lease ran out, so a lost broker
message or a killed worker delays an e-mail but never loses it.

The one window for a duplicate is between the mail server accepting a message
and the commit that marks its row sent: nothing else happens in between.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail, PortalSettings

log = logging.getLogger(__name__)


@dataclass
class Rendered:
    """What a renderer gives back: the template context, plus a word on who reads it."""

    context: dict
    audience: str  # "candidate", "recruiter" or "hiring manager": shown on the timeline
    extra: dict = field(default_factory=dict)


class Cancelled(Exception):
    """Raised by a renderer when its e-mail is no longer wanted: dropped, never sent or retried."""


Renderer = Callable[[OutboundEmail], Rendered]
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the function that builds an e-mail's context from its row."""

    def register(func: Renderer) -> Renderer:
        RENDERERS[kind] = func
        return func

    return register


def queue(
    *,
    kind: str,
    to: str,
    reply_to: str = "",
    feedback_request=None,
    routing=None,
    application=None,
    recipient=None,
) -> OutboundEmail:
    """Store an e-mail to send and enqueue its sending once the transaction commits."""
    if kind not in RENDERERS:
        raise ValueError(f"No renderer for e-mail kind {kind!r}")
    email = OutboundEmail.objects.create(
        kind=kind,
        to_email=to,
        reply_to=reply_to,
        feedback_request=feedback_request,
        routing=routing,
        application=application,
        recipient=recipient,
    )
    from .tasks import send_outbound_email

    send_outbound_email.delay_on_commit(email.pk)
    return email


def render(email: OutboundEmail) -> tuple[str, str, str, Rendered]:
    rendered = RENDERERS[email.kind](email)
    context = {"site_url": settings.SITE_URL, **rendered.context}
    base = f"emails/{email.kind}"
    # Dates in e-mails read in the agency's time zone, as on its pages.
    with timezone.override(PortalSettings.load().zone):
        subject = " ".join(render_to_string(f"{base}/subject.txt", context).split())
        text = render_to_string(f"{base}/body.txt", context)
        html = render_to_string(f"{base}/body.html", context)
    return subject, text, html, rendered


def claim(email_id: int, *, now: datetime) -> bool:
    """Take the lease on a queued e-mail, or on one whose sender's lease ran out."""
    lease = timedelta(seconds=settings.OUTBOUND_EMAIL_LEASE_SECONDS)
    due = Q(state=OutboundEmail.State.QUEUED) & (
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now)
    )
    stale = Q(state=OutboundEmail.State.SENDING, lease_expires_at__lte=now)
    return bool(
        OutboundEmail.objects.filter(due | stale, pk=email_id).update(
            state=OutboundEmail.State.SENDING,
            lease_expires_at=now + lease,
            attempts=F("attempts") + 1,
        )
    )


def deliver(email_id: int, *, now: datetime | None = None) -> bool:
    """Send one queued e-mail if it can be claimed. True when it was sent."""
    now = now or timezone.now()
    if not claim(email_id, now=now):
        return False
    email = OutboundEmail.objects.select_related("feedback_request").get(pk=email_id)
    try:
        # Rendering may write (a hiring manager's fresh link): commit it before sending.
        with transaction.atomic():
            subject, text, html, rendered = render(email)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to_email],
            reply_to=[email.reply_to] if email.reply_to else None,
        )
        message.attach_alternative(html, "text/html")
        message.send()
    except Cancelled as exc:
        _record_cancelled(email, exc)
        return False
    except Exception as exc:  # any failure: retry later, never lose the row
        _record_failure(email, exc, now=now)
        return False
    _record_sent(email, subject, rendered.audience, now=timezone.now())
    return True


def _record_sent(email: OutboundEmail, subject: str, audience: str, *, now: datetime) -> None:
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=email.pk).update(
            state=OutboundEmail.State.SENT, subject=subject[:255], sent_at=now, last_error=""
        )
        if email.feedback_request_id:
            from requests_app.models import Event

            Event.objects.create(
                feedback_request_id=email.feedback_request_id,
                kind=Event.Kind.EMAIL_SENT,
                actor_label="Feedback Portal",
                message=f"E-mail to the {audience}: “{subject}”",
                visible_to_candidate=audience == "candidate",
                created_at=now,
            )


def _record_cancelled(email: OutboundEmail, exc: Cancelled) -> None:
    # The row stays (nothing is lost, the admin shows why) but leaves the queue for good.
    reason = f"Not sent: {exc}"
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=email.pk).update(
            state=OutboundEmail.State.CANCELLED, last_error=reason, lease_expires_at=None
        )
        if email.feedback_request_id:
            from requests_app.models import Event

            Event.objects.create(
                feedback_request_id=email.feedback_request_id,
                kind=Event.Kind.NOTE,
                actor_label="Feedback Portal",
                message=f"E-mail to {email.to_email} not sent: {exc}.",
            )


def _record_failure(email: OutboundEmail, exc: Exception, *, now: datetime) -> None:
    log.warning("E-mail %s (%s) failed: %s", email.pk, email.kind, type(exc).__name__)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    attempts = email.attempts  # read after the claim, so it counts this attempt already
    with transaction.atomic():
        if attempts >= settings.OUTBOUND_EMAIL_MAX_ATTEMPTS:
            OutboundEmail.objects.filter(pk=email.pk).update(
                state=OutboundEmail.State.FAILED, last_error=error, lease_expires_at=None
            )
            if email.feedback_request_id:
                from requests_app.models import Event

                Event.objects.create(
                    feedback_request_id=email.feedback_request_id,
                    kind=Event.Kind.EMAIL_FAILED,
                    actor_label="Feedback Portal",
                    message=f"E-mail to {email.to_email} could not be sent: {error}",
                )
        else:
            # Back to the queue, not before a growing pause; the sweep picks it up.
            backoff = timedelta(minutes=2**attempts)
            OutboundEmail.objects.filter(pk=email.pk).update(
                state=OutboundEmail.State.QUEUED, last_error=error, lease_expires_at=now + backoff
            )


def due_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """E-mails a sweep should enqueue: queued and due, or stuck past their lease."""
    grace = now - timedelta(seconds=60)  # leave a just-queued e-mail to its own task
    queued = Q(state=OutboundEmail.State.QUEUED, created_at__lte=grace) & (
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now)
    )
    stale = Q(state=OutboundEmail.State.SENDING, lease_expires_at__lte=now)
    return list(
        OutboundEmail.objects.filter(queued | stale)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
