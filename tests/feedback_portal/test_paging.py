"""feedback_portal.paging: keyset pages in either direction, ties split, and any cursor read safely."""

import base64
import json
import uuid
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models.functions import Lower
from django.http import QueryDict

from feedback_portal.models import FormSubmission, User
from feedback_portal.paging import DAMAGED, cursor_from, encode_cursor, keyset_page

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 2, 9, 0, 0, 123456, tzinfo=UTC)
NEWEST = ("-created_at", "-pk")


@pytest.fixture
def submissions() -> list[FormSubmission]:
    """23 rows, three to a moment (ties in the sort key), newest first as NEWEST reads them."""
    rows = FormSubmission.objects.bulk_create(
        FormSubmission(key=uuid.uuid4(), created_at=START + timedelta(seconds=n // 3)) for n in range(23)
    )
    return sorted(rows, key=lambda r: (r.created_at, r.pk), reverse=True)


def walk(queryset, order, *, size: int, backwards_from: str | None = None) -> list[list]:
    """Every page, following next_cursor from the first page (previous_cursor from `backwards_from`)."""
    pages, cursor, backwards = [], backwards_from, backwards_from is not None
    while True:
        page = keyset_page(queryset, order=order, cursor=cursor, backwards=backwards, size=size)
        assert page.error == ""
        pages.append(page.rows)
        cursor = page.previous_cursor if backwards else page.next_cursor
        if cursor is None:
            return pages


def test_forward_every_row_once_in_order_with_ties_split_by_the_last_key(submissions):
    pages = walk(FormSubmission.objects.all(), NEWEST, size=5)

    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert [r.pk for p in pages for r in p] == [r.pk for r in submissions]


def test_backwards_from_the_last_page_gives_the_same_pages(submissions):
    forward = walk(FormSubmission.objects.all(), NEWEST, size=5)
    last = keyset_page(FormSubmission.objects.all(), order=NEWEST, size=5)
    while last.next_cursor:
        last = keyset_page(FormSubmission.objects.all(), order=NEWEST, cursor=last.next_cursor, size=5)

    backward = walk(FormSubmission.objects.all(), NEWEST, size=5, backwards_from=last.previous_cursor)

    assert [[r.pk for r in p] for p in reversed(backward)] == [[r.pk for r in p] for p in forward[:-1]]
    # Going back, the page knows there is a next one: the page it came from.
    page = keyset_page(
        FormSubmission.objects.all(), order=NEWEST, cursor=last.previous_cursor, backwards=True
    )
    assert page.next_cursor is not None


def test_a_cursor_in_the_middle_of_a_tie_neither_skips_nor_repeats(submissions):
    third = submissions[2]  # shares its moment with the two before it... and the page cuts here
    page = keyset_page(FormSubmission.objects.all(), order=NEWEST, size=2)
    after = keyset_page(FormSubmission.objects.all(), order=NEWEST, cursor=page.next_cursor, size=2)

    assert [r.pk for r in page.rows] == [r.pk for r in submissions[:2]]
    assert after.rows[0].pk == third.pk
    before = keyset_page(
        FormSubmission.objects.all(), order=NEWEST, cursor=after.previous_cursor, backwards=True
    )
    assert [r.pk for r in before.rows] == [r.pk for r in submissions[:2]]
    assert before.previous_cursor is None  # back at the start


def test_the_first_and_the_last_page_say_so_without_an_empty_page(submissions):
    first = keyset_page(FormSubmission.objects.all(), order=NEWEST, size=23)
    assert len(first.rows) == 23
    assert (first.next_cursor, first.previous_cursor, first.has_next, first.has_previous) == (
        None,
        None,
        False,
        False,
    )
    empty = keyset_page(FormSubmission.objects.none(), order=NEWEST)
    assert (empty.rows, empty.next_cursor, empty.previous_cursor, empty.error) == ([], None, None, "")


def test_ascending_by_an_annotation_with_mixed_directions(db):
    names = ["bea", "Alan", "alma", "Bob", "Cleo", "ADA", "carl", "Bea"]
    User.objects.bulk_create(User(email=f"{i}@x.test", name=n, password="!") for i, n in enumerate(names))
    people = User.objects.annotate(name_key=Lower("name"))
    order = ("name_key", "-pk")  # A to Z ignoring capitals; among equal names, the newest account first

    pages = walk(people, order, size=3)

    shown = [u.name for p in pages for u in p]
    assert shown == ["ADA", "Alan", "alma", "Bea", "bea", "Bob", "carl", "Cleo"]
    assert [len(p) for p in pages] == [3, 3, 2]


@pytest.mark.parametrize("descending", [False, True])
def test_a_nullable_key_sorts_nulls_last_forward_and_walks_back(db, descending):
    never = [User(email=f"never{i}@x.test", password="!") for i in range(4)]
    signed_in = [
        User(email=f"in{i}@x.test", password="!", last_login=START + timedelta(hours=i % 3)) for i in range(5)
    ]
    User.objects.bulk_create(signed_in + never)
    order = ("-last_login", "pk") if descending else ("last_login", "pk")
    times = sorted(
        User.objects.exclude(last_login=None),
        key=lambda u: (-u.last_login.timestamp() if descending else u.last_login.timestamp(), u.pk),
    )
    expected = [u.pk for u in times] + [u.pk for u in User.objects.filter(last_login=None).order_by("pk")]

    forward = walk(User.objects.all(), order, size=2)
    assert [u.pk for p in forward for u in p] == expected

    last = keyset_page(User.objects.all(), order=order, size=2)
    while last.next_cursor:
        last = keyset_page(User.objects.all(), order=order, cursor=last.next_cursor, size=2)
    backward = walk(User.objects.all(), order, size=2, backwards_from=last.previous_cursor)
    assert [u.pk for p in reversed(backward) for u in p] + [u.pk for u in last.rows] == expected


def test_one_query_a_page(submissions, django_assert_num_queries):
    page = keyset_page(FormSubmission.objects.all(), order=NEWEST, size=5)
    with django_assert_num_queries(1):
        keyset_page(FormSubmission.objects.all(), order=NEWEST, cursor=page.next_cursor, size=5)
    with django_assert_num_queries(1):
        keyset_page(FormSubmission.objects.all(), order=NEWEST, cursor=page.next_cursor, backwards=True)


def _raw(payload) -> str:
    """A cursor made by hand, as someone editing the address might."""
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _signature(order) -> int:
    return zlib.crc32(",".join(order).encode())


BAD_CURSORS = {
    "garbage": "not-a-cursor",
    "a NUL byte": "abc\x00def",
    "only a NUL": "\x00",
    "spaces and symbols": "a b/c+d=",
    "too long": "A" * 5000,
    "not base64 of anything": "A",
    "base64 of bytes that are not text": base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
    "not JSON": base64.urlsafe_b64encode(b"{nope").decode().rstrip("="),
    "an object": _raw({"v": 1}),
    "too few values": _raw([_signature(NEWEST), "2026-11-02T09:00:00+00:00"]),
    "too many values": _raw([_signature(NEWEST), "2026-11-02T09:00:00+00:00", 1, 2]),
    "another order's cursor": _raw([_signature(("created_at", "pk")), "2026-11-02T09:00:00+00:00", 1]),
    "a word for a time": _raw([_signature(NEWEST), "yesterday", 1]),
    "a time without its zone": _raw([_signature(NEWEST), "2026-11-02T09:00:00", 1]),
    "an impossible date": _raw([_signature(NEWEST), "2026-13-45T09:00:00+00:00", 1]),
    "a word for an id": _raw([_signature(NEWEST), "2026-11-02T09:00:00+00:00", "one"]),
    "a NUL in a value": _raw([_signature(NEWEST), "2026-11-02T09:00:00+00:00\x00", 1]),
    "a huge number": _raw([_signature(NEWEST), "2026-11-02T09:00:00+00:00", 10**30]),
    "a fraction": _raw([_signature(NEWEST), "2026-11-02T09:00:00+00:00", 1.5]),
    "a list for a value": _raw([_signature(NEWEST), ["x"], 1]),
    "a missing value": _raw([_signature(NEWEST), None, 1]),
    "true for an id": _raw([_signature(NEWEST), "2026-11-02T09:00:00+00:00", True]),
    "NaN": base64.urlsafe_b64encode(f'[{_signature(NEWEST)}, "2026-11-02T09:00:00+00:00", NaN]'.encode())
    .decode()
    .rstrip("="),
}


@pytest.mark.parametrize("backwards", [False, True])
@pytest.mark.parametrize("cursor", BAD_CURSORS.values(), ids=BAD_CURSORS.keys())
def test_a_cursor_that_is_not_ours_gives_the_first_page_and_says_so(submissions, cursor, backwards):
    page = keyset_page(FormSubmission.objects.all(), order=NEWEST, cursor=cursor, backwards=backwards, size=5)

    assert page.error == DAMAGED
    assert [r.pk for r in page.rows] == [r.pk for r in submissions[:5]]
    assert page.previous_cursor is None
    assert page.next_cursor is not None


def test_a_cursor_round_trips_times_to_the_microsecond(submissions):
    row = submissions[4]
    cursor = encode_cursor([row.created_at, row.pk], order=NEWEST)

    page = keyset_page(FormSubmission.objects.all(), order=NEWEST, cursor=cursor, size=100)

    assert [r.pk for r in page.rows] == [r.pk for r in submissions[5:]]


def test_links_keep_the_lists_other_parameters(submissions):
    page = keyset_page(FormSubmission.objects.all(), order=NEWEST, size=5)
    later = keyset_page(FormSubmission.objects.all(), order=NEWEST, cursor=page.next_cursor, size=5)

    assert page.next_query(order="newest", q="") == f"?order=newest&after={page.next_cursor}"
    assert page.previous_query(order="newest") is None
    assert later.previous_query(show="all") == f"?show=all&before={later.previous_cursor}"


def test_the_address_says_which_way():
    assert cursor_from(QueryDict("after=abc")) == ("abc", False)
    assert cursor_from(QueryDict("before=abc")) == ("abc", True)
    assert cursor_from(QueryDict("after=")) == (None, False)
    assert cursor_from(QueryDict("")) == (None, False)


def test_sorting_by_something_that_is_not_a_field_is_a_programming_error(db):
    with pytest.raises(ValueError, match="not 'nonsense'"):
        keyset_page(User.objects.all(), order=("nonsense", "pk"))
    with pytest.raises(ValueError, match="at least one row"):
        keyset_page(User.objects.all(), order=("pk",), size=0)
