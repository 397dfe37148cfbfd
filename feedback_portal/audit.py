"""The audit trail: who changed what outside a request's timeline, and who signed in.

Changes to the rows the apps register (`track`) are recorded by django-auditlog: one entry per
save, each field's value before and after. What is not a row's save goes into the same table
through `record`: sign-ins and failed sign-ins, exports, legal holds, second-factor changes.
A conditional `.update()` (acting once however often a form is sent) is no save, so services
that change a row that way note it with `record_change`.

Who acted comes from the request (`AuditActorMiddleware`: the portal's own pages and the admin
alike); the worker and beat write without a request, shown as "system". Only the agency's admins
read the trail (the admin's "Audit trail", `admin.AuditEntryAdmin`); `redact_about` takes a
person's data out of it on erasure, and the retention sweep forgets entries past the retention
period (`forget_before`).

This module imports no domain app: `candidates` registers its models here when it loads.
"""

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from auditlog.context import set_extra_data
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import pre_log
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from .text import one_line

log = logging.getLogger(__name__)

# Fields never recorded, on any model: secrets, and what changes on every sign-in.
SECRET_FIELDS = ("password", "last_login", "logo")
# What stands in for personal data once its person is erased.
REDACTED = "[erased]"

# What `record` may note, as the admin's trail names it.
SIGNED_IN = "signed_in"
SIGN_IN_FAILED = "sign_in_failed"
EXPORTED = "exported"
LEGAL_HOLD_PLACED = "legal_hold_placed"
LEGAL_HOLD_RELEASED = "legal_hold_released"
MFA_CHANGED = "mfa_changed"
EVENTS = {
    SIGNED_IN: "Signed in",
    SIGN_IN_FAILED: "Failed sign-in",
    EXPORTED: "Exported personal data",
    LEGAL_HOLD_PLACED: "Placed a legal hold",
    LEGAL_HOLD_RELEASED: "Released a legal hold",
    MFA_CHANGED: "Changed the second factor",
}
CHANGES = {
    LogEntry.Action.CREATE: "Created",
    LogEntry.Action.UPDATE: "Changed",
    LogEntry.Action.DELETE: "Deleted",
}


_KINDS: set[type[models.Model]] = set()


def track(model: type[models.Model], *, exclude: Iterable[str] = ()) -> None:
    """Record every save and delete of `model`, field by field; secrets are never recorded."""
    auditlog.register(model, exclude_fields=[*SECRET_FIELDS, *exclude])
    _KINDS.add(model)


def about_too(model: type[models.Model]) -> None:
    """A kind of row `record` notes things about (an export, a hold), offered in the trail's filter."""
    _KINDS.add(model)


def kinds() -> list[type[models.Model]]:
    """What the trail may be about: every tracked model, those `about_too` names, and accounts."""
    return [*_KINDS, get_user_model()]


def record(actor: Any, action: str, target: models.Model | None = None, **details: Any) -> LogEntry:
    """Note something that is not a row's save (a sign-in, an export, a hold) in the trail.

    `actor` is the user who did it, or None for the system or someone not signed in; `target`
    what it was about (an account when None: a failed sign-in at an address no one has).
    """
    if action not in EVENTS:
        raise ValueError(f"Unknown audit action {action!r}: add it to audit.EVENTS.")
    actor = actor if getattr(actor, "is_authenticated", False) else None
    about = target if target is not None else get_user_model()
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(about),
        object_pk=str(target.pk) if target is not None else "",
        object_id=target.pk if target is not None and isinstance(target.pk, int) else None,
        object_repr=one_line(str(target if target is not None else details.get("email", "")))[:200],
        action=LogEntry.Action.ACCESS,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        additional_data={"event": action, **details},
    )
    entry.save()
    return entry


def record_change(target: models.Model, **changes: tuple[Any, Any]) -> LogEntry | None:
    """Note a change made by a conditional update, which auditlog cannot see: field=(before, after)."""
    diff = {
        name: [_text(before), _text(after)] for name, (before, after) in changes.items() if before != after
    }
    if not diff:
        return None
    return LogEntry.objects.log_create(target, action=LogEntry.Action.UPDATE, changes=diff)


def _text(value: Any) -> str:
    # As auditlog writes values, so the trail reads the same whichever wrote the entry.
    if isinstance(value, models.Model):
        return str(value.pk)
    return "None" if value is None else str(value)


# --- Who acted ------------------------------------------------------------------------------


_REQUEST: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


class AuditActorMiddleware:
    """Every entry written while a request runs names its signed-in user and address.

    Both are worked out only when an entry is written, so a page that writes none reads nothing
    more (pages keep their query budgets); once the response is made, entries are the system's
    again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _REQUEST.set(request)
        try:
            return self.get_response(request)
        finally:
            _REQUEST.reset(token)


def _address(request: HttpRequest) -> str | None:
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:
        return None


def _name_actor(sender, instance: LogEntry, **kwargs) -> None:
    request = _REQUEST.get()
    if request is None or not instance._state.adding:
        return
    if instance.remote_addr is None:
        instance.remote_addr = _address(request)
    user = getattr(request, "user", None)
    if instance.actor_id is None and not _is_sign_in_failure(instance) and user and user.is_authenticated:
        instance.actor = user
        instance.actor_email = user.email


def _is_sign_in_failure(entry: LogEntry) -> bool:
    return (entry.additional_data or {}).get("event") == SIGN_IN_FAILED


models.signals.pre_save.connect(_name_actor, sender=LogEntry, dispatch_uid="feedback_portal.audit.actor")


@receiver(pre_log, dispatch_uid="feedback_portal.audit.skip_defaults")
def _skip_settings_created_with_defaults(sender, instance, action, **kwargs) -> bool | None:
    # The settings row is made with its defaults the first time any page reads it: nobody's
    # change, and no page should write an entry for reading.
    if sender._meta.label == "feedback_portal.PortalSettings" and action == LogEntry.Action.CREATE:
        return False
    return None


# --- Signing in -----------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="feedback_portal.audit.signed_in")
def note_signed_in(sender, request, user, **kwargs) -> None:
    record(user, SIGNED_IN, target=user)


@receiver(user_login_failed, dispatch_uid="feedback_portal.audit.sign_in_failed")
def note_sign_in_failed(sender, credentials: dict[str, Any], request=None, **kwargs) -> None:
    typed = one_line(str(credentials.get("email") or credentials.get("username") or ""))[:254]
    # Addresses are kept in lower case (User.save), so the unique index finds the account.
    account = get_user_model().objects.filter(email=typed.strip().lower()).first() if typed else None
    record(None, SIGN_IN_FAILED, target=account, email=typed)


def mfa_receiver(change: str) -> Callable[..., None]:
    """A receiver for allauth's MFA signals, e.g. `authenticator_added.connect(audit.mfa_receiver(
    "added"), weak=False)`: notes who changed whose second factor, and which kind."""

    def note(sender, request=None, user=None, authenticator=None, **kwargs) -> None:
        signed_in = getattr(request, "user", None)
        actor = signed_in if getattr(signed_in, "is_authenticated", False) else user
        record(actor, MFA_CHANGED, target=user, change=change, kind=str(getattr(authenticator, "type", "")))

    return note


def note_second_step_failed(sender, request=None, user=None, authenticator=None, **kwargs) -> None:
    """A wrong code at the second step of signing in (allauth's `authentication_failed`): the
    password was right, so someone may hold it. Noted as a failed sign-in of that account."""
    step = "confirming it is them" if kwargs.get("reauthentication") else "second step"
    record(None, SIGN_IN_FAILED, target=user, email=getattr(user, "email", ""), step=step)


# --- Reading the trail ----------------------------------------------------------------------


def what(entry: LogEntry) -> str:
    data = entry.additional_data or {}
    if data.get("event"):
        return EVENTS.get(data["event"], data["event"])
    done = CHANGES.get(entry.action, entry.get_action_display())
    return f"{done} ({data['via']})" if data.get("via") else done


@contextmanager
def acting_for(actor: Any, via: str, **details: Any) -> Iterator[None]:
    """Entries written inside (by a worker, with no request to name its user) name `actor`, on
    whose behalf the work is done, and say how it came: `via="CSV import ats.csv"`."""
    with set_extra_data({"actor": actor, "additional_data": {"via": via, **details}}):
        yield


def who(entry: LogEntry) -> str:
    if entry.actor_id or entry.actor_email:
        return entry.actor_email or str(entry.actor)
    data = entry.additional_data or {}
    if data.get("actor_erased"):
        return "an erased user"
    if data.get("event") == SIGN_IN_FAILED:
        return "not signed in"
    return "system"


def changed_fields(entry: LogEntry, *, names: bool = False) -> list[tuple[str, str, str]]:
    """Each changed field as (its name, before, after), choices in words. A related row is its id,
    or with `names` its text as it is now (a query each: for one entry's page, not a list)."""
    model = entry.content_type.model_class()
    rows = []
    for name, values in (entry.changes or {}).items():
        before, after = [*values, "", ""][:2] if isinstance(values, list) else ("", "")
        label = name
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        if field is not None and not field.concrete:
            continue  # a reverse relation auditlog notes on creation: nothing a person changed
        if field is not None:
            label = str(getattr(field, "verbose_name", name))
            choices = {str(k): str(v) for k, v in (getattr(field, "choices", None) or [])}
            before, after = choices.get(str(before), before), choices.get(str(after), after)
            if names and field.many_to_one:
                before, after = _related_text(field, before), _related_text(field, after)
        rows.append((label, _shown(before), _shown(after)))
    return rows


def _related_text(field: models.ForeignKey, value: str) -> str:
    if value in ("", "None", REDACTED):
        return value
    try:
        row = field.related_model._default_manager.filter(pk=value).first()
    except (ValueError, TypeError):
        row = None
    return f"{row} (#{value})" if row is not None else f"#{value}, since deleted"


def _shown(value: Any) -> str:
    return "(blank)" if value in (None, "", "None") else str(value)


# --- Erasure and retention ------------------------------------------------------------------


@transaction.atomic
def redact_about(instances: Iterable[models.Model]) -> int:
    """Take the personal data of these rows out of the trail, for an erasure.

    Entries about them keep who acted, when and which fields changed, but their name (the
    object's text), the values before and after, the address and any details are replaced by a
    fixed marker. Entries made *by* an erased user keep what was done, without the link to them.
    Returns how many entries were redacted.
    """
    done = 0
    for instance in instances:
        about = Q(content_type=ContentType.objects.get_for_model(instance), object_pk=str(instance.pk))
        if isinstance(instance, get_user_model()):
            # Failed sign-ins at their address before the account existed name only the address.
            about |= Q(
                content_type=ContentType.objects.get_for_model(instance),
                object_pk="",
                object_repr__iexact=instance.email,
            )
            for entry in LogEntry.objects.filter(actor=instance).select_for_update():
                # Updates, not saves: a save would name whoever is erasing as the actor.
                LogEntry.objects.filter(pk=entry.pk).update(
                    actor=None,
                    actor_email=None,
                    remote_addr=None,
                    additional_data={**(entry.additional_data or {}), "actor_erased": True},
                )
                done += 1
        for entry in LogEntry.objects.filter(about).select_for_update():
            _redact(entry)
            done += 1
    return done


def redact_naming(words: Iterable[str], pattern: re.Pattern) -> int:
    """Take out of the trail every entry that names a person being erased: `words` (their names
    and addresses) find the candidates in the database, `pattern` (the same words as whole
    words) confirms each. Entries about other rows that held the person's name (an application
    anonymised by the erasure itself, a manager's old address) are among them. Returns how many."""
    naming = Q()
    for word in {w.strip() for w in words if w and w.strip()}:
        naming |= (
            Q(object_repr__icontains=word)
            | Q(changes_text__icontains=word)
            | Q(changes__icontains=word)
            | Q(additional_data__icontains=word)
            | Q(serialized_data__icontains=word)
            | Q(actor_email__iexact=word)
        )
    if not naming:
        return 0
    done = 0
    for entry in LogEntry.objects.filter(naming).select_for_update():
        texts = [entry.object_repr, entry.changes_text, entry.actor_email or ""]
        texts += [
            json.dumps(v, default=str) for v in (entry.changes, entry.additional_data, entry.serialized_data)
        ]
        if any(pattern.search(text or "") for text in texts):
            _redact(entry, actor_too=bool(entry.actor_email and pattern.search(entry.actor_email)))
            done += 1
    return done


def _redact(entry: LogEntry, *, actor_too: bool = False) -> None:
    # Updates, not saves: a save would name whoever is erasing as the actor.
    data = entry.additional_data or {}
    kept = {key: data[key] for key in ("event", "actor_erased") if key in data}
    if actor_too:
        kept["actor_erased"] = True
    LogEntry.objects.filter(pk=entry.pk).update(
        object_repr=REDACTED,
        changes={name: [REDACTED, REDACTED] for name in (entry.changes or {})},
        changes_text="",
        serialized_data=None,
        remote_addr=None,
        additional_data=kept,
        **({"actor": None, "actor_email": None} if actor_too else {}),
    )


def forget_before(cutoff: datetime, *, keep: Q | None = None) -> int:
    """Delete the entries older than `cutoff`, except those `keep` matches; returns how many."""
    old = LogEntry.objects.filter(timestamp__lt=cutoff)
    if keep is not None:
        old = old.exclude(keep)
    deleted, _ = old.delete()
    return deleted
