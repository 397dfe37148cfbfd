"""Erasure on request: everything the portal holds about a person goes, the counts stay.

A candidate asks from their account page (`request_erasure`; they may `cancel_erasure` while
it waits); an agency admin sees the request with any legal hold that blocks it and erases
(`erase_account`), in one transaction. A hiring manager is erased by an admin the same way
(`erase_person` with the kind `HIRING_MANAGER`), without a request of their own.

This module knows no domain: each app registers what it holds about a person
(`register(kind, name, erase, holds=..., identify=...)`, from its AppConfig.ready), and the
erasure runs them in the order registered, then erases what the portal itself keeps — the
e-mails to the person's addresses (recipient, subject, error), the admin's log about them,
their sessions — and last deletes the account, whose allauth addresses and profile go with
it; the audit trail is redacted after the apps' erasers, since they write entries of their own
(`audit.redact_about`, `audit.redact_naming`). Data added later joins the same way: the CSV
import's rows and webhook payloads each register one eraser, e.g.

    erasure.register(erasure.ACCOUNT, "import rows", forget_import_rows)

Legal holds. A person with anything on legal hold is not erased while it is held: the hold
exists because the records must be kept as they are, and erasing the rest while keeping the
held request (which names them) would leave their name in the portal anyway. The admin sees
which records hold it; the candidate is told only that the agency must keep some records for
now and will tell them. Once every hold is released the erasure can go ahead.

What is kept, for the statistics: requests (anonymised as retention anonymises them, no
longer linked to an account), applications (client, role, dates, outcome), ratings, states
and the analytics roll-up. The erasure is recorded as its `ErasureRequest`: an opaque id,
when, who decided, and how many rows of each kind were erased — never a name or address.
"""

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from . import audit
from .models import ErasureRequest, OutboundEmail, User

ACCOUNT = ErasureRequest.Kind.ACCOUNT
HIRING_MANAGER = ErasureRequest.Kind.HIRING_MANAGER

# What stands where a name or an address was. `.invalid` (RFC 2606) can never be delivered.
ERASED_NAME = "Erased"
ERASED_ADDRESS = "erased@erased.invalid"


def erased_address() -> str:
    """A unique placeholder address, for columns that must stay unique (an application's)."""
    return f"erased-{uuid.uuid4().hex}@erased.invalid"


@dataclass(frozen=True)
class Person:
    """Who is being erased: a kind (ACCOUNT or HIRING_MANAGER), the id of their row, and every
    name and address the portal knows them by (the apps add theirs through `identify`)."""

    kind: str
    pk: int
    names: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()

    def name_pattern(self) -> re.Pattern | None:
        """The person's names and addresses as whole words, in any case; None without any."""
        words = sorted(
            {w.strip() for w in self.names | self.addresses if w and w.strip()}, key=len, reverse=True
        )
        if not words:
            return None
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Hold:
    """A record that must be kept for now (a legal hold), as the admin reads it."""

    label: str
    url: str = ""


@dataclass(frozen=True)
class Erasure:
    """What an app does for an erasure of one kind of person."""

    name: str
    erase: Callable[[Person, datetime, User | None], dict[str, int]]
    holds: Callable[[list[int]], dict[int, list[Hold]]] | None = None
    identify: Callable[[Person], tuple[Iterable[str], Iterable[str]]] | None = None


_REGISTRY: dict[str, list[Erasure]] = {}


def register(
    kind: str,
    name: str,
    erase: Callable[[Person, datetime, User | None], dict[str, int]],
    *,
    holds: Callable[[list[int]], dict[int, list[Hold]]] | None = None,
    identify: Callable[[Person], tuple[Iterable[str], Iterable[str]]] | None = None,
    first: bool = False,
) -> None:
    """Add what an app erases about a person of `kind`: `erase(person, now, actor)` returns the
    counts of what it erased; `holds(ids)` what must be kept for now of the people with those
    ids (id → holds, in one read for a whole page); `identify(person)` the further (names,
    addresses) it knows them by. Erasures run in the order registered; `first` puts this one
    before the others (it finds the person's rows by what the others erase). Registering a name
    twice replaces it."""
    erasures = _REGISTRY.setdefault(kind, [])
    erasures[:] = [e for e in erasures if e.name != name]
    entry = Erasure(name, erase, holds, identify)
    if first:
        erasures.insert(0, entry)
    else:
        erasures.append(entry)


def registered(kind: str) -> list[Erasure]:
    return list(_REGISTRY.get(kind, []))


class ErasureBlocked(Exception):
    """Something about the person is on legal hold: nothing was erased."""

    def __init__(self, holds: list[Hold]):
        super().__init__("Records about this person are on legal hold.")
        self.holds = holds


class NotErasable(Exception):
    """This erasure cannot run (cancelled, done already, or not a candidate's account)."""


# --- Who the person is, and what holds them ---------------------------------------------


def identify(person: Person) -> Person:
    """The person with every name and address the apps know them by."""
    names, addresses = set(person.names), {a.lower() for a in person.addresses}
    for erasure in registered(person.kind):
        if erasure.identify is not None:
            more_names, more_addresses = erasure.identify(person)
            names.update(n for n in more_names if n)
            addresses.update(a.lower() for a in more_addresses if a)
    return Person(person.kind, person.pk, frozenset(names), frozenset(addresses))


def person_for_account(user: User) -> Person:
    return identify(Person(ACCOUNT, user.pk, frozenset(filter(None, [user.name])), frozenset([user.email])))


def holds_of(kind: str, ids: list[int]) -> dict[int, list[Hold]]:
    """For each of the people of `kind` with these ids, every record about them on legal hold,
    as each app describes it: one read per app, however many people."""
    found: dict[int, list[Hold]] = {pk: [] for pk in ids}
    for erasure in registered(kind):
        if erasure.holds is not None and ids:
            for pk, holds in erasure.holds(list(ids)).items():
                found.setdefault(pk, []).extend(holds)
    return found


def holds_for(person: Person) -> list[Hold]:
    return holds_of(person.kind, [person.pk])[person.pk]


def account_holds(user: User) -> list[Hold]:
    return holds_for(Person(ACCOUNT, user.pk))


# --- The candidate's request --------------------------------------------------------------


def pending_for(user: User) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(user=user, state=ErasureRequest.State.PENDING).first()


@transaction.atomic
def request_erasure(*, user: User, now: datetime | None = None) -> ErasureRequest:
    """Record the candidate's request; asked again while one waits, that one is the answer."""
    if not user.is_candidate:
        raise NotErasable("Only a candidate's account is erased on request.")
    # The account's row is the lock: two asks at once (two tabs) record one request, not a clash
    # with one_pending_erasure_per_user.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if found := pending_for(user):
        return found
    return ErasureRequest.objects.create(user=user, requested_at=now or timezone.now())


@transaction.atomic
def cancel_erasure(*, user: User, now: datetime | None = None) -> bool:
    """The candidate changed their mind while it waited. False when there was nothing to cancel."""
    return bool(
        ErasureRequest.objects.filter(user=user, state=ErasureRequest.State.PENDING).update(
            state=ErasureRequest.State.CANCELLED, cancelled_at=now or timezone.now()
        )
    )


# --- Erasing --------------------------------------------------------------------------------


@transaction.atomic
def erase_account(
    *, erasure_request: ErasureRequest, actor: User, now: datetime | None = None
) -> ErasureRequest:
    """Erase everything about the candidate who asked, and delete their account, in one transaction.

    Raises ErasureBlocked (nothing erased) while anything about them is on legal hold, and
    NotErasable when the request is no longer pending.
    """
    now = now or timezone.now()
    row = ErasureRequest.objects.select_for_update().filter(pk=erasure_request.pk).first()
    if row is None or row.state != ErasureRequest.State.PENDING or row.user_id is None:
        raise NotErasable("This request is no longer waiting: it was cancelled or done already.")
    user = User.objects.select_for_update().get(pk=row.user_id)
    if not user.is_candidate:
        raise NotErasable("Only a candidate's account is erased on request.")
    person = person_for_account(user)
    counts = _erase(person, now=now, actor=actor)
    counts["sessions"] = _end_sessions(user)
    # Whatever listens to deletions (an audit trail) reads the instance it is given: it gets
    # placeholders, never the name or address just erased everywhere else.
    user.email, user.name = erased_address(), ERASED_NAME
    user.delete()
    counts["accounts"] = 1
    row.user = None
    row.state = ErasureRequest.State.ERASED
    row.erased_at = now
    row.decided_by = actor
    row.counts = counts
    row.save()
    return row


@transaction.atomic
def erase_person(*, person: Person, actor: User, now: datetime | None = None) -> ErasureRequest:
    """Erase a person who has no account (a hiring manager), recorded as an erasure done at once."""
    now = now or timezone.now()
    person = identify(person)
    counts = _erase(person, now=now, actor=actor)
    return ErasureRequest.objects.create(
        kind=person.kind,
        state=ErasureRequest.State.ERASED,
        requested_at=now,
        erased_at=now,
        decided_by=actor,
        counts=counts,
    )


def _erase(person: Person, *, now: datetime, actor: User | None) -> dict[str, int]:
    if holds := holds_for(person):
        raise ErasureBlocked(holds)
    counts: dict[str, int] = {}
    for erasure in registered(person.kind):
        for name, n in erasure.erase(person, now, actor).items():
            counts[name] = counts.get(name, 0) + n
    counts["emails"] = _erase_emails(person)
    counts["admin_log_entries"] = _erase_admin_log(person)
    counts["audit_entries"] = _erase_audit_trail(person)
    return counts


def _erase_audit_trail(person: Person) -> int:
    """The audit trail keeps who did what and when, never to whom: entries about the account, by
    it, and any naming the person (the apps' erasers above wrote some: "name: Ann → Erased")."""
    count = 0
    if person.kind == ACCOUNT and (user := User.objects.filter(pk=person.pk).first()) is not None:
        count += audit.redact_about([user])
    pattern = person.name_pattern()
    if pattern is not None:
        count += audit.redact_naming(person.names | person.addresses, pattern)
    return count


def _erase_emails(person: Person) -> int:
    """E-mails to the person lose their address, subject and error (the body is never stored);
    e-mails to others whose subject names them lose the subject. Unsent ones are not sent."""
    to_them = Q()
    for address in person.addresses:
        to_them |= Q(to_email__iexact=address)
    naming = Q()
    for word in person.names | person.addresses:
        naming |= Q(subject__icontains=word) | Q(last_error__icontains=word)
    count = 0
    if to_them:
        rows = OutboundEmail.objects.filter(to_them)
        rows.filter(state__in=[OutboundEmail.State.QUEUED, OutboundEmail.State.SENDING]).update(
            state=OutboundEmail.State.CANCELLED, lease_expires_at=None
        )
        count += rows.update(to_email=ERASED_ADDRESS, subject="", last_error="")
    if naming:
        count += _blank_where_named(OutboundEmail.objects.filter(naming), person, subject="", last_error="")
    return count


def _blank_where_named(rows, person: Person, **blank: str) -> int:
    """Blank `blank`'s fields of the rows where one of them names the person as a whole word
    (a short name found inside another word, "Al" in "Alert", leaves the row as it was)."""
    pattern = person.name_pattern()
    named = [
        pk
        for pk, *values in rows.values_list("pk", *blank)
        if pattern is not None and any(pattern.search(v or "") for v in values)
    ]
    return rows.model.objects.filter(pk__in=named).update(**blank) if named else 0


def _erase_admin_log(person: Person) -> int:
    """The admin's history keeps what was done, not whom it was done to."""
    naming = Q()
    for word in person.names | person.addresses:
        naming |= Q(object_repr__icontains=word) | Q(change_message__icontains=word)
    if not naming:
        return 0
    rows = LogEntry.objects.filter(naming)
    pattern = person.name_pattern()
    named = [
        pk
        for pk, *values in rows.values_list("pk", "object_repr", "change_message")
        if pattern is not None and any(pattern.search(v or "") for v in values)
    ]
    return LogEntry.objects.filter(pk__in=named).update(object_repr=ERASED_NAME, change_message="")


def _end_sessions(user: User) -> int:
    """Sign the account out everywhere: its sessions, in the database and the cache."""
    from django.conf import settings

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    ended = 0
    # Sessions are few and short-lived; each is decoded to find the account it signs in.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def replace_names(value, pattern: re.Pattern | None, replacement: str):
    """`value` (a string, or lists and dicts of them) with every match of `pattern` replaced."""
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [replace_names(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: replace_names(v, pattern, replacement) for k, v in value.items()}
    return value


@dataclass
class Scrub:
    """Rows of a model whose free-text fields may name the person: each match replaced."""

    rows: object
    fields: list[str] = field(default_factory=list)

    def run(self, pattern: re.Pattern | None, replacement: str) -> int:
        if pattern is None:
            return 0
        changed = 0
        for pk, *values in self.rows.values_list("pk", *self.fields):
            new = {
                f: replace_names(v, pattern, replacement) for f, v in zip(self.fields, values, strict=True)
            }
            if any(new[f] != v for f, v in zip(self.fields, values, strict=True)):
                self.rows.model.objects.filter(pk=pk).update(**new)
                changed += 1
        return changed
