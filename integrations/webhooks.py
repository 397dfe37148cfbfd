"""Webhooks: telling the agency's applicant-tracking system when feedback moves on.

An event (a request asked, routed, answered…, an application's outcome recorded) writes one
`WebhookDelivery` row per endpoint that wants it, in the transaction of the event itself: should
that roll back, no delivery is left to announce what never happened. After commit a task sends
it; a failure, a timeout or an answer other than 2xx waits a growing pause (with jitter) and is
tried again, up to WEBHOOK_MAX_ATTEMPTS, then the delivery is marked failed. Like the outbox
(feedback_portal/mail.py), the row is the source of truth: a task claims it with a conditional
update (a lease), and beat's sweep enqueues what is due or stuck past its lease, so a lost broker
message or a killed worker delays a delivery but never loses it.

Delivery is at least once: the window for a repeat is between the receiver answering 2xx and the
commit that marks the row sent (or a worker dying in between). Each payload carries its event's
id (`id`, also the `X-Portal-Delivery` header), the same on every attempt, so a receiver drops
what it has seen.

Every request is signed: `X-Portal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<body>" with the endpoint's secret>`; receivers refuse a timestamp older than
REPLAY_WINDOW. See docs/integrations.md.

Where it may send is `integrations/addresses.py`'s to say: public http(s) addresses only (the
guard against server-side request forgery), checked again at each sending.
"""

import hashlib
import hmac
import json
import logging
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from candidates.models import Application
from requests_app.models import Event

from .addresses import post
from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .tasks import send_webhook_delivery

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Portal-Signature"
EVENT_HEADER = "X-Portal-Event"
DELIVERY_HEADER = "X-Portal-Delivery"
# How old a signature's timestamp a receiver should still accept.
REPLAY_WINDOW = timedelta(minutes=5)
# The longest pause between two attempts, however many came before.
LONGEST_PAUSE = timedelta(days=1)

# The timeline's kinds that are announced, and the event each is.
EVENT_FOR_KIND: dict[str, str] = {
    Event.Kind.SUBMITTED: WebhookEvent.REQUEST_ASKED,
    Event.Kind.ROUTED: WebhookEvent.REQUEST_ROUTED,
    Event.Kind.ANSWERED: WebhookEvent.REQUEST_ANSWERED,
    Event.Kind.RELEASED: WebhookEvent.REQUEST_RELEASED,
    Event.Kind.DECLINED: WebhookEvent.REQUEST_DECLINED,
    Event.Kind.EXPIRED: WebhookEvent.REQUEST_EXPIRED,
    Event.Kind.CLOSED: WebhookEvent.REQUEST_CLOSED,
    Event.Kind.WITHDRAWN: WebhookEvent.REQUEST_WITHDRAWN,
}

# A timeline event's idempotency key is derived from its id, so it is the same however often
# it is asked for; this namespace keeps such keys apart from any other UUID.
_TIMELINE_KEYS = uuid.UUID("5f1d7c2e-3b8a-4e59-9a61-0c4b2e7d9f13")


# --- Writing deliveries, in the event's transaction -------------------------------------------


def request_event_recorded(event: Event) -> list[WebhookDelivery]:
    """Queue the webhook of a timeline event, when it is one announced and an endpoint wants it.

    The payload says which request and application, the state the request moved to and when:
    never a name, an e-mail address, the hiring manager or anything anyone wrote.
    """
    name = EVENT_FOR_KIND.get(event.kind)
    endpoints = _wanting(name) if name else []
    if not endpoints:
        return []
    feedback_request = event.feedback_request
    application = Application.objects.only("uuid", "external_id").get(pk=feedback_request.application_id)
    data = {
        "request": {"uuid": str(feedback_request.uuid), "state": event.to_state or feedback_request.state},
        "application": _application_data(application),
    }
    key = uuid.uuid5(_TIMELINE_KEYS, str(event.pk))
    return _queue(endpoints, name, key=key, at=event.created_at, application=application, data=data)


def outcomes_recorded(
    applications: list[Application], *, at: datetime | None = None
) -> list[WebhookDelivery]:
    """Queue `application.outcome_recorded` for the endpoints that want it, one event per
    application: a fixed number of queries however many an import records at once."""
    endpoints = _wanting(WebhookEvent.OUTCOME_RECORDED)
    if not endpoints:
        return []
    at = at or timezone.now()
    deliveries = []
    for application in applications:
        data = {
            "application": {
                **_application_data(application),
                "outcome": application.outcome,
                "outcome_on": _iso_date(application.outcome_on),
            }
        }
        deliveries += _deliveries(
            endpoints,
            WebhookEvent.OUTCOME_RECORDED,
            key=uuid.uuid4(),
            at=at,
            application=application,
            data=data,
        )
    return _save_and_enqueue(deliveries)


def _application_data(application: Application) -> dict:
    return {"uuid": str(application.uuid), "external_id": application.external_id or None}


def _iso_date(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _wanting(event: str) -> list[WebhookEndpoint]:
    """The active endpoints that want the event: one query; few endpoints, so filtered here."""
    active = WebhookEndpoint.objects.filter(is_active=True).only("pk", "events")
    return [endpoint for endpoint in active if event in endpoint.events]


def _queue(
    endpoints: list[WebhookEndpoint],
    event: str,
    *,
    key: uuid.UUID,
    at: datetime,
    application: Application,
    data: dict,
) -> list[WebhookDelivery]:
    return _save_and_enqueue(
        _deliveries(endpoints, event, key=key, at=at, application=application, data=data)
    )


def _deliveries(
    endpoints: list[WebhookEndpoint],
    event: str,
    *,
    key: uuid.UUID,
    at: datetime,
    application: Application,
    data: dict,
) -> list[WebhookDelivery]:
    """One delivery of the event per endpoint, not yet saved."""
    payload = {"id": str(key), "type": str(event), "occurred_at": _iso(at), "data": data}
    now = timezone.now()
    return [
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            idempotency_key=key,
            application=application,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    ]


def _save_and_enqueue(deliveries: list[WebhookDelivery]) -> list[WebhookDelivery]:
    """Insert the deliveries (one query per 1,000) and hand each to a worker once committed."""
    WebhookDelivery.objects.bulk_create(deliveries, batch_size=1000)
    for delivery in deliveries:
        transaction.on_commit(partial(_enqueue, delivery.pk))
    return deliveries


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _enqueue(delivery_id: int, countdown: float | None = None) -> None:
    """Hand the delivery to a worker; with the broker down, beat's sweep will."""
    try:
        send_webhook_delivery.apply_async((delivery_id,), countdown=countdown)
    except Exception as exc:  # the broker unreachable, whatever the transport's error
        log.warning(
            "Webhook delivery %s left for the sweep: the broker is unreachable (%s)", delivery_id, exc
        )


# --- Signing -------------------------------------------------------------------------------------


def body_of(payload: dict) -> bytes:
    """The bytes sent: the stored payload as compact JSON, the same on every attempt."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, body: bytes, *, timestamp: int) -> str:
    """The `X-Portal-Signature` value: `t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def headers_for(delivery: WebhookDelivery, body: bytes, *, now: datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "FeedbackPortal-Webhooks/1",
        SIGNATURE_HEADER: signature(delivery.endpoint.secret, body, timestamp=int(now.timestamp())),
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.idempotency_key),
    }


# --- Sending -----------------------------------------------------------------------------------

_DUE = (WebhookDelivery.State.PENDING, WebhookDelivery.State.SENDING)


def claim(delivery_id: int, *, now: datetime) -> bool:
    """Take the lease on a delivery that is due, or whose sender's lease ran out."""
    lease = timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    return bool(
        WebhookDelivery.objects.filter(pk=delivery_id, state__in=_DUE, next_attempt_at__lte=now).update(
            state=WebhookDelivery.State.SENDING,
            next_attempt_at=now + lease,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
    )


def deliver(delivery_id: int, *, now: datetime | None = None) -> bool:
    """Send one delivery if it can be claimed. True when the endpoint took it (2xx)."""
    now = now or timezone.now()
    if not claim(delivery_id, now=now):
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not delivery.endpoint.is_active:
        _finish(delivery, state=WebhookDelivery.State.FAILED, error="The endpoint was turned off.")
        return False
    body = body_of(delivery.payload)
    try:
        status, answer = post(delivery.endpoint.url, body, headers_for(delivery, body, now=timezone.now()))
    except Exception as exc:  # refused address, DNS, refused connection, timeout, TLS: try again later
        _record_failure(delivery, f"{type(exc).__name__}: {exc}", status=None, now=now)
        return False
    if 200 <= status < 300:
        _finish(delivery, state=WebhookDelivery.State.SENT, status=status, sent_at=timezone.now())
        return True
    _record_failure(delivery, f"The endpoint answered {status}: {answer}".strip(), status=status, now=now)
    return False


def _held(delivery: WebhookDelivery) -> QuerySet[WebhookDelivery]:
    # Still ours: in "sending" on the attempt we claimed (a sweep may have re-claimed it since).
    return WebhookDelivery.objects.filter(
        pk=delivery.pk, state=WebhookDelivery.State.SENDING, attempts=delivery.attempts
    )


def _finish(
    delivery: WebhookDelivery,
    *,
    state: str,
    status: int | None = None,
    error: str = "",
    sent_at: datetime | None = None,
) -> None:
    _held(delivery).update(state=state, last_status_code=status, last_error=error[:2000], sent_at=sent_at)


def pause_after(attempts: int) -> timedelta:
    """The pause after the n-th failed attempt: doubling from WEBHOOK_RETRY_SECONDS, up to a
    day, of which a random part ("equal jitter") keeps endpoints that failed together apart."""
    full = min(settings.WEBHOOK_RETRY_SECONDS * 2 ** (attempts - 1), LONGEST_PAUSE.total_seconds())
    return timedelta(seconds=full / 2 + random.SystemRandom().uniform(0, full / 2))


def _record_failure(delivery: WebhookDelivery, error: str, *, status: int | None, now: datetime) -> None:
    log.warning("Webhook delivery %s (%s) failed: %s", delivery.pk, delivery.event, error[:200])
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        _finish(delivery, state=WebhookDelivery.State.FAILED, status=status, error=error)
        return
    pause = pause_after(delivery.attempts)
    updated = _held(delivery).update(
        state=WebhookDelivery.State.PENDING,
        last_status_code=status,
        last_error=error[:2000],
        next_attempt_at=now + pause,
    )
    if updated:  # beat's sweep would find it too; this only saves the wait for the next sweep
        _enqueue(delivery.pk, countdown=pause.total_seconds())


def due_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """Deliveries a sweep should enqueue: waiting and due, or stuck in sending past their lease."""
    return list(
        WebhookDelivery.objects.filter(state__in=_DUE, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def sweep(*, now: datetime) -> int:
    """Enqueue the deliveries that are due or whose lease ran out."""
    ids = due_ids(now=now)
    for delivery_id in ids:
        _enqueue(delivery_id)
    return len(ids)


@transaction.atomic
def resend(deliveries: QuerySet[WebhookDelivery], *, now: datetime) -> int:
    """Send these deliveries again, from a fresh count of attempts (the admin's "Resend"). One
    being sent right now, or whose payload retention has blanked, is left as it is."""
    ids = list(
        deliveries.exclude(state=WebhookDelivery.State.SENDING)
        .filter(forgotten_at__isnull=True)
        .values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=ids).update(
        state=WebhookDelivery.State.PENDING, attempts=0, next_attempt_at=now, last_error="", sent_at=None
    )
    for delivery_id in ids:
        transaction.on_commit(partial(_enqueue, delivery_id))
    return len(ids)


# --- Retention and erasure ---------------------------------------------------------------------


def forget_application(application_id: int) -> int:
    """Erasure: delete every delivery about the application, sent or not (their payloads name it)."""
    deleted, _ = WebhookDelivery.objects.filter(application_id=application_id).delete()
    return deleted


def forget_deliveries_about(person, now: datetime, actor) -> dict[str, int]:
    """Erasure of a candidate: the deliveries about their applications (registered to run before
    the candidates app blanks the addresses those applications are found by)."""
    from candidates.erasure import applications_of

    deleted = sum(forget_application(pk) for pk in applications_of(person).values_list("pk", flat=True))
    return {"webhook_deliveries": deleted}


def forget_old_payloads(*, now: datetime, days: int | None = None) -> int:
    """Retention: blank the payloads of deliveries sent or failed more than `days` ago
    (WEBHOOK_PAYLOAD_DAYS); the rows stay, with their event, state and answer, as history."""
    days = settings.WEBHOOK_PAYLOAD_DAYS if days is None else days
    return WebhookDelivery.objects.filter(
        forgotten_at__isnull=True,
        created_at__lt=now - timedelta(days=days),
        state__in=[WebhookDelivery.State.SENT, WebhookDelivery.State.FAILED],
    ).update(payload={}, application=None, forgotten_at=now)
