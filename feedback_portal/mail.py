"""How the portal sends e-mail: a row per message, rendered and sent by a task.

The row is the source of truth. A task claims it with a conditional update (a
lease), renders it from the ids it keeps, sends it and marks it sent; a sweep
re-enqueues rows that are still queued or whose lease ran out, so a lost broker
message or a killed worker delays an e-mail but never loses it.

The one window for a duplicate is between the mail server accepting a message
and the commit that marks its row sent: nothing else happens in between.

This module knows no domain. Each app declares its e-mails as EmailKind constants (a name,
who reads it, what it is about and how its template context is built) and queues them with
`queue(KIND, ...)`; what became of an e-mail is announced by the signals below, so the app
that cares (the requests' timeline) writes it down. See docs/architecture.md.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail, PortalSettings, User
from .tasks import send_outbound_email
from .text import one_line

log = logging.getLogger(__name__)


class Audience(StrEnum):
    """Who reads an e-mail; the timeline says it ("E-mail to the candidate: …")."""

    CANDIDATE = "candidate"
    RECRUITER = "recruiter"
    HIRING_MANAGER = "hiring manager"


class Cancelled(Exception):
    """Raised by a renderer when its e-mail is no longer wanted: dropped, never sent or retried."""


Renderer = Callable[[OutboundEmail], dict]

# Every kind of e-mail, by name; filled as the apps' e-mail modules load (their AppConfig.ready).
KINDS: dict[str, "EmailKind"] = {}


@dataclass(frozen=True, eq=False)
class EmailKind:
    """One kind of e-mail: its name (the folder of its templates under templates/emails/), who
    reads it, the model it is about (the row passed to `queue`) and the function that builds
    its template context from its OutboundEmail row.

    Declared once as a module constant that callers import, so a misspelt kind fails when the
    module loads; `manage.py check` checks that every kind has its three templates.
    """

    name: str
    audience: Audience
    render: Renderer
    about: type[models.Model] | None = None

    def __post_init__(self) -> None:
        if self.name in KINDS:
            raise ImproperlyConfigured(f"Two kinds of e-mail are called {self.name!r}.")
        KINDS[self.name] = self

    @property
    def templates(self) -> tuple[str, str, str]:
        base = f"emails/{self.name}"
        return f"{base}/subject.txt", f"{base}/body.txt", f"{base}/body.html"

    def __str__(self) -> str:
        return self.name


# What became of an e-mail, sent inside the transaction that records it. Every signal passes
# `email` (the OutboundEmail row) and `kind` (its EmailKind, None when no longer known).
email_sent = Signal()  # and `subject`, `at`
email_cancelled = Signal()  # and `reason`: it was no longer wanted, and never will be sent
email_failed = Signal()  # and `error`: it could not be sent after every attempt


def queue(
    kind: EmailKind,
    *,
    to: str,
    reply_to: str = "",
    about: models.Model | None = None,
    recipient: User | None = None,
) -> OutboundEmail:
    """Store an e-mail to send and enqueue its sending once the transaction commits.

    `about` is the row the e-mail is rendered from (of the kind's `about` model); `recipient`
    the portal user it is for, when it is about them as a whole (a digest).
    """
    if not isinstance(kind, EmailKind):
        raise TypeError(f"Queue an EmailKind, not {kind!r}.")
    if kind.about is not None and not isinstance(about, kind.about):
        raise TypeError(f"A {kind.name} e-mail is about a {kind.about.__name__}, not {about!r}.")
    email = OutboundEmail.objects.create(
        kind=kind.name, to_email=to, reply_to=reply_to, about=about, recipient=recipient
    )
    transaction.on_commit(partial(_enqueue, email.pk))
    return email


def _enqueue(email_id: int) -> None:
    """Hand the e-mail to a worker. Should the broker be down, the row is safe: beat's sweep
    enqueues every e-mail still queued, so the person's click has nothing to wait for."""
    try:
        send_outbound_email.delay(email_id)
    except Exception as exc:  # the broker unreachable, whatever the transport's error
        log.warning("E-mail %s left for the sweep: the broker is unreachable (%s)", email_id, exc)


def render(email: OutboundEmail, kind: EmailKind) -> tuple[str, str, str]:
    """The e-mail's subject, text and HTML, from its row, as of now."""
    portal = PortalSettings.load()
    context = {"site_url": settings.SITE_URL, "portal": portal, **kind.render(email)}
    subject, text, html = kind.templates
    # Dates in e-mails read in the agency's time zone, as on its pages.
    with timezone.override(portal.zone):
        return (
            one_line(render_to_string(subject, context)),
            render_to_string(text, context),
            render_to_string(html, context),
        )


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
    email = OutboundEmail.objects.get(pk=email_id)
    kind = KINDS.get(email.kind)
    try:
        if kind is None:
            raise Cancelled(f"the portal no longer knows e-mails of the kind {email.kind!r}")
        # Rendering may write (a hiring manager's fresh link): commit it before sending.
        with transaction.atomic():
            subject, text, html = render(email, kind)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            # The agency's name before the portal's address: who the e-mail is from to its reader.
            from_email=PortalSettings.load().sender,
            to=[email.to_email],
            reply_to=[email.reply_to] if email.reply_to else None,
        )
        message.attach_alternative(html, "text/html")
        message.send()
    except Cancelled as exc:
        _record_cancelled(email, kind, str(exc))
        return False
    except Exception as exc:  # any failure: retry later, never lose the row
        _record_failure(email, kind, exc, now=now)
        return False
    _record_sent(email, kind, subject, now=timezone.now())
    return True


def _record_sent(email: OutboundEmail, kind: EmailKind, subject: str, *, now: datetime) -> None:
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=email.pk).update(
            state=OutboundEmail.State.SENT, subject=subject[:255], sent_at=now, last_error=""
        )
        email_sent.send(OutboundEmail, email=email, kind=kind, subject=subject, at=now)


def _record_cancelled(email: OutboundEmail, kind: EmailKind | None, reason: str) -> None:
    # The row stays (nothing is lost, the admin shows why) but leaves the queue for good.
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=email.pk).update(
            state=OutboundEmail.State.CANCELLED, last_error=f"Not sent: {reason}", lease_expires_at=None
        )
        email_cancelled.send(OutboundEmail, email=email, kind=kind, reason=reason)


def _record_failure(email: OutboundEmail, kind: EmailKind, exc: Exception, *, now: datetime) -> None:
    log.warning("E-mail %s (%s) failed: %s", email.pk, email.kind, type(exc).__name__)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    attempts = email.attempts  # read after the claim, so it counts this attempt already
    with transaction.atomic():
        if attempts >= settings.OUTBOUND_EMAIL_MAX_ATTEMPTS:
            OutboundEmail.objects.filter(pk=email.pk).update(
                state=OutboundEmail.State.FAILED, last_error=error, lease_expires_at=None
            )
            email_failed.send(OutboundEmail, email=email, kind=kind, error=error)
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


def sweep(*, now: datetime) -> int:
    """Re-enqueue e-mails still queued, or stuck in sending past their lease."""
    ids = due_ids(now=now)
    for email_id in ids:
        send_outbound_email.delay(email_id)
    return len(ids)
