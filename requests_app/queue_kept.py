"""What the recruiters' queue keeps ready in the cache, so that a page costs two queries.

The filter's lists of clients and recruiters, the names the rows show by id, the counts of
open work (kept with the version they were counted at, moved on by every change), and the
filters and bulk form rendered (`fragments`). Each is forgotten when what it shows changes
(signals.py, lifecycle.note_needs).
"""

import hashlib
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe

from candidates.models import Client
from feedback_portal.models import User


def _choices_key(kind: str) -> str:
    return f"queue-choices:{kind}"


def forget_choices() -> None:
    """After a client or a recruiter changed: the filter's lists and the rows' names are read again."""
    cache.delete_many([_choices_key("clients"), _choices_key("recruiters"), _choices_key("names")])


def client_choices() -> list[tuple[str, str]]:
    """Every client, for the filter: read through the cache, so the queue keeps its query budget."""
    found = cache.get(_choices_key("clients"))
    if found is None:
        found = [(str(u), n) for u, n in Client.objects.order_by("name").values_list("uuid", "name")]
        cache.set(_choices_key("clients"), found, 3600)
    return found


def recruiter_choices() -> list[tuple[str, str]]:
    """Every recruiter who can sign in, for the owner filter and reassigning (cached the same way)."""
    found = cache.get(_choices_key("recruiters"))
    if found is None:
        people = User.objects.filter(role__in=[User.Role.RECRUITER, User.Role.ADMIN], is_active=True)
        found = [
            (str(u), n or e)
            for u, n, e in people.order_by("name", "email").values_list("uuid", "name", "email")
        ]
        cache.set(_choices_key("recruiters"), found, 3600)
    return found


class Names:
    """What the rows name by id: each client's name, and each recruiter's, those who left too.
    The rows' query reads ids only: two joins fewer on the page's one query."""

    def __init__(self, kept: tuple[dict[int, str], dict[int, str]]):
        self.clients, self.people = kept

    def look_up_missing(self, client_ids: set[int], person_ids: set[int]) -> None:
        """Read the names the cache has not heard of (a client added a moment ago, someone no
        longer a recruiter), at most one query for each kind, however many rows name them."""
        clients = client_ids - self.clients.keys()
        if clients:
            self.clients |= dict(Client.objects.filter(pk__in=clients).values_list("pk", "name"))
        people = person_ids - self.people.keys() - {None}
        if people:
            found = User.objects.filter(pk__in=people).values_list("pk", "name", "email")
            self.people |= {pk: n or e for pk, n, e in found}

    def client(self, pk: int) -> str:
        return self.clients.get(pk, "")

    def person(self, pk: int | None) -> str:
        return self.people.get(pk, "") if pk is not None else ""


def names(kept: tuple | None = None) -> Names:
    """Every client's and recruiter's name by id, read through the cache like the lists
    (`kept`: what lists_and_counts read of it already)."""
    if kept is None:
        kept = cache.get(_choices_key("names"))
    if kept is None:
        people = User.objects.filter(role__in=[User.Role.RECRUITER, User.Role.ADMIN])
        kept = (
            dict(Client.objects.values_list("id", "name")),
            {pk: n or e for pk, n, e in people.values_list("id", "name", "email")},
        )
        cache.set(_choices_key("names"), kept, 3600)
    return Names(kept)


COUNTS_VERSION_KEY = "queue-counts:version"
COUNTS_KEY = "queue-counts"


@dataclass
class Kept:
    """What a view of the queue reads from the cache, in one trip (lists_and_counts)."""

    clients: list[tuple[str, str]]  # the filter's lists
    recruiters: list[tuple[str, str]]
    names: Names  # for the rows
    counts: dict[str, dict[str, int]]  # of open work (work_counts)


def lists_and_counts(visible, *, every_request: bool) -> Kept:
    """The filter's two lists, the rows' names and the counts of open work, in one trip to the cache."""
    keys = [_choices_key("clients"), _choices_key("recruiters"), _choices_key("names")]
    found = cache.get_many([*keys, COUNTS_VERSION_KEY, COUNTS_KEY] if every_request else keys)
    clients, recruiters, kept_names = (found.get(key) for key in keys)
    return Kept(
        clients=clients if clients is not None else client_choices(),
        recruiters=recruiters if recruiters is not None else recruiter_choices(),
        names=names(kept_names),
        counts=work_counts(visible, every_request=every_request, found=found),
    )


def work_counts(visible, *, every_request: bool, found: dict | None = None) -> dict[str, dict[str, int]]:
    """How much open work there is (FeedbackRequestQuerySet.work_counts) among `visible`.

    When the recruiter sees every request (`every_request`), the counts are the agency's and
    are kept in the cache with the version they were counted at, which every change of a
    request's state or of what it waits for moves on (forget_counts): the version is read
    before counting, so counts read while a change commits carry the old version and are never
    shown after it.
    """
    if not every_request:
        return visible.work_counts()
    if found is None:  # else, read already (lists_and_counts)
        found = cache.get_many([COUNTS_VERSION_KEY, COUNTS_KEY])
    version = found.get(COUNTS_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(COUNTS_VERSION_KEY, version, None):
            version = cache.get(COUNTS_VERSION_KEY, version)
    kept = found.get(COUNTS_KEY)
    if kept is not None and kept[0] == version:
        return kept[1]
    counts = visible.work_counts()
    cache.set(COUNTS_KEY, (version, counts), 600)
    _moves.counted = True
    return counts


_moves = threading.local()  # counted: counts were kept since the version last moved on


def _move_counts_on() -> None:
    cache.set(COUNTS_VERSION_KEY, uuid.uuid4().hex, None)
    _moves.counted = False


def forget_counts() -> None:
    """A request moved, or what it waits for changed: the queue's counts are read again.

    The version moves on now (this transaction reads its own change) and again once the change is
    committed (others counted the old state meanwhile). Once per transaction, however many
    requests it moves: again only if counts were kept since.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # committed already
        _move_counts_on()
        return
    waiting = any(func is _move_counts_on for _savepoints, func, _robust in connection.run_on_commit)
    if not waiting or getattr(_moves, "counted", True):
        _move_counts_on()
    if not waiting:
        transaction.on_commit(_move_counts_on)


def fragments(wanted: dict[str, Callable[[], str]]) -> dict[str, SafeString]:
    """Pieces of the page kept rendered in the cache (`wanted`: key → how to render it), read in
    one trip; a piece not there is rendered and kept for a day (its key names what it shows)."""
    found = cache.get_many(list(wanted))
    missing = {key: render() for key, render in wanted.items() if key not in found}
    if missing:
        cache.set_many(missing, 86400)
    # Safe: each was rendered by the portal's own templates, which escape what they show.
    return {key: mark_safe(html) for key, html in {**found, **missing}.items()}  # noqa: S308


def fragment_key(data, *choices: list[tuple[str, str]]) -> str:
    """What a cached piece of the queue page (the filters, the bulk form) is rendered from: the
    address's choices and the lists offered. The cursor is left out: every page shares them."""
    chosen = sorted((k, v) for k, vs in data.lists() for v in vs if k not in ("after", "before"))
    return hashlib.blake2b(repr((chosen, choices)).encode(), digest_size=16).hexdigest()
