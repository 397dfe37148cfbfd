"""Keyset pagination: a long list a page at a time, at the same cost on page 1 and page 1,000.

A page is asked for by where the previous one ended (the last row's sort values, in an opaque
cursor in the address), never by an offset, so the database seeks to it through the index of
the sort and reads `size + 1` rows from there, whatever the history's size.

    cursor, backwards = cursor_from(request.GET)          # ?after=… (next) or ?before=… (previous)
    page = keyset_page(queryset, order=("-created_at", "-pk"), cursor=cursor, backwards=backwards)
    page.rows              # at most `size` rows, in `order`
    page.next_cursor       # None on the last page
    page.previous_cursor   # None on the first page
    page.error             # "" or what was wrong with the cursor (the first page is shown instead)
    page.next_query(order="newest")   # "?order=newest&after=…", for <a rel="next">; None on the last page

`templates/_pager.html` renders the two links.

`order` names the sort keys, each a model field (`"created_at"`, `"pk"`) or an annotation of
the queryset (`.annotate(name_key=Lower("name"))`, then `"name_key"`), with `-` for descending.
The last key must make the order total (end with `"pk"`), or rows that tie would be skipped or
repeated; serve the order with an index on the same keys. A key that may be NULL works (NULLs
come last going forward) but adds an `OR … IS NULL` arm an index cannot seek through: for a
long list, filter NULLs out or sort on a non-null annotation.

A cursor is data from the address bar: anything that is not one this module made for this
order (garbage, a NUL byte, another sort's cursor, a value of the wrong type) is refused with
`error` set and the first page shown, never an exception.
"""

import base64
import binascii
import json
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import urlencode
from uuid import UUID

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

AFTER = "after"
BEFORE = "before"
DAMAGED = "That page link is damaged or out of date, so the list starts again from the beginning."
# Far longer than any cursor this module makes (a few sort values): longer is not one of ours.
MAX_CURSOR_LENGTH = 1000
_CURSOR = re.compile(r"[A-Za-z0-9_-]+")
_BIGINT = 2**63


@dataclass(frozen=True)
class KeysetPage:
    """One page of a keyset-paginated list: its rows and the cursors either side of it."""

    rows: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    error: str = ""
    size: int = 50

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def next_query(self, **keep: Any) -> str | None:
        """The query string of the next page (`keep`: the list's other parameters), or None."""
        return _query(keep, AFTER, self.next_cursor)

    def previous_query(self, **keep: Any) -> str | None:
        """The query string of the previous page (`keep`: the list's other parameters), or None."""
        return _query(keep, BEFORE, self.previous_cursor)


def _query(keep: Mapping[str, Any], name: str, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = {key: value for key, value in keep.items() if value not in (None, "")}
    return "?" + urlencode({**params, name: cursor})


def cursor_from(params: Mapping[str, str]) -> tuple[str | None, bool]:
    """The cursor a list's address carries, and whether it goes backwards (`?before=`) or not (`?after=`)."""
    before = params.get(BEFORE)
    if before:
        return before, True
    return params.get(AFTER) or None, False


def keyset_page(
    queryset: models.QuerySet,
    *,
    order: Sequence[str],
    cursor: str | None = None,
    backwards: bool = False,
    size: int = 50,
) -> KeysetPage:
    """The page of `queryset` in `order` after `cursor` (before it when `backwards`); one query.

    Without a cursor, the first page. A cursor that cannot be read gives the first page with
    `error` set. Fetches `size + 1` rows: the extra one only tells whether there is more.
    """
    if size < 1:
        raise ValueError("A page holds at least one row.")
    order = tuple(order)
    keys = [_key(queryset, name) for name in order]
    values, error = None, ""
    if cursor:
        try:
            values = decode_cursor(cursor, order=order, fields=[key.field for key in keys])
        except CursorError:
            error = DAMAGED
    backwards = backwards and values is not None  # without a cursor: the first page
    rows = queryset.order_by(*_ordering(keys, backwards))
    if values is not None:
        rows = rows.filter(_beyond(keys, values, backwards))
    rows = list(rows[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        previous_cursor = _cursor_of(rows[0], keys, order) if more else None
        next_cursor = _cursor_of(rows[-1], keys, order) if rows else None
    else:
        next_cursor = _cursor_of(rows[-1], keys, order) if more else None
        # A page reached by a cursor has one before it (an empty one, emptied meanwhile, links
        # nowhere: the page offers the first page instead).
        previous_cursor = _cursor_of(rows[0], keys, order) if values is not None and rows else None
    return KeysetPage(rows, next_cursor, previous_cursor, error, size)


# --- The sort keys ---------------------------------------------------------------------------


class _Key(NamedTuple):
    name: str  # as filters and order_by name it
    descending: bool
    field: models.Field  # what its values are (to read them back from a cursor)
    attr: str  # the row's attribute holding it


def _key(queryset: models.QuerySet, name: str) -> _Key:
    """One entry of `order`, resolved against the queryset."""
    descending = name.startswith("-")
    name = name.removeprefix("-")
    meta = queryset.model._meta
    if name == "pk":
        return _Key(name, descending, meta.pk, "pk")
    if name in queryset.query.annotations:
        return _Key(name, descending, queryset.query.annotations[name].output_field, name)
    try:
        model_field = meta.get_field(name)
    except FieldDoesNotExist:
        model_field = None
    if model_field is None or not model_field.concrete or model_field.many_to_many:
        raise ValueError(f"Sort by a field of {meta.label} or an annotation of the queryset, not {name!r}.")
    return _Key(name, descending, model_field, model_field.attname)


def _ordering(keys: Sequence[_Key], backwards: bool) -> list:
    """ORDER BY: as given going forward, every key reversed going backwards (NULLs last forward)."""
    ordering = []
    nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
    for name, descending, key_field, _ in keys:
        desc = descending != backwards
        if key_field.null:
            expression = models.F(name)
            ordering.append(expression.desc(**nulls) if desc else expression.asc(**nulls))
        else:
            ordering.append(f"-{name}" if desc else name)
    return ordering


def _beyond(keys: Sequence[_Key], values: list, backwards: bool) -> Q:
    """Rows strictly after `values` in the order (before them when `backwards`).

    (a, b) after (x, y) is a > x OR (a = x AND b > y); the leading a >= x is said again on
    its own so the database seeks to it in the index instead of reading from the start.
    """
    arms, equal = [], Q()
    for (name, descending, key_field, _), value in zip(keys, values, strict=True):
        op = "lt" if descending != backwards else "gt"
        nulls_after = key_field.null and not backwards  # NULLs come last going forward
        if value is None:
            # Going forward nothing but NULLs follows a NULL; backwards every non-NULL precedes it.
            beyond = Q(pk__in=[]) if not backwards else Q(**{f"{name}__isnull": False})
            same = Q(**{f"{name}__isnull": True})
        else:
            beyond = Q(**{f"{name}__{op}": value})
            if nulls_after:
                beyond |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        arms.append(equal & beyond)
        equal &= same
    either = Q()
    for arm in arms:
        either |= arm
    (name, descending, key_field, _), value = keys[0], values[0]
    if value is not None and not key_field.null:
        either &= Q(**{f"{name}__{'lte' if descending != backwards else 'gte'}": value})
    return either


# --- The cursor ------------------------------------------------------------------------------


class CursorError(ValueError):
    """A cursor this module did not make for this order."""


def _signature(order: Sequence[str]) -> int:
    """Which order a cursor belongs to, so another list's or sort's cursor is refused."""
    return zlib.crc32(",".join(order).encode())


def _value_of(row: Any, key: _Key) -> Any:
    """The row's value for one sort key: a model instance, or a dict from values()."""
    return row[key.name] if isinstance(row, Mapping) else getattr(row, key.attr)


def _plain(value: Any) -> Any:
    """A sort value as JSON holds it."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    raise TypeError(f"Cannot put a {type(value).__name__} in a page cursor.")


def _cursor_of(row: Any, keys: Sequence[_Key], order: Sequence[str]) -> str:
    return encode_cursor([_value_of(row, key) for key in keys], order=order)


def encode_cursor(values: Sequence[Any], *, order: Sequence[str]) -> str:
    """An opaque, address-safe cursor holding one row's sort values for `order`."""
    payload = json.dumps([_signature(order), *(_plain(v) for v in values)], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, order: Sequence[str], fields: Sequence[models.Field]) -> list:
    """The sort values in `cursor`, each as its field's Python value; CursorError if it is not ours."""
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH or not _CURSOR.fullmatch(cursor):
        raise CursorError("not a cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        decoded = json.loads(raw.decode(), parse_constant=_no_constants)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise CursorError("not a cursor") from exc
    if not isinstance(decoded, list) or len(decoded) != len(fields) + 1:
        raise CursorError("not a cursor")
    if decoded[0] != _signature(order):
        raise CursorError("a cursor of another order")
    return [_python(value, key_field) for value, key_field in zip(decoded[1:], fields, strict=True)]


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not a sort value")


def _python(value: Any, key_field: models.Field) -> Any:
    """One value from a cursor as `key_field` holds it, or CursorError."""
    if value is None:
        if not key_field.null:
            raise CursorError("a missing value")
        return None
    if isinstance(value, str):
        if "\x00" in value:  # PostgreSQL refuses NUL in text: a clear refusal here, not a 500
            raise CursorError("a NUL byte")
    elif isinstance(value, bool):
        if not isinstance(key_field, models.BooleanField):
            raise CursorError("a value of the wrong type")
    elif isinstance(value, int):
        if not -_BIGINT <= value < _BIGINT:
            raise CursorError("a number out of range")
    else:
        raise CursorError("a value of the wrong type")
    try:
        python = key_field.to_python(value)
    except (ValidationError, ValueError, TypeError, OverflowError) as exc:
        raise CursorError("a value of the wrong type") from exc
    if isinstance(python, datetime) and timezone.is_naive(python):
        raise CursorError("a time without its zone")
    return python
