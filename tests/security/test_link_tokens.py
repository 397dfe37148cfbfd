"""The hiring manager's link: unguessable, stored only as a hash, opened without side effects."""

import base64
import hashlib
import os
import secrets
import threading
import urllib.error
import urllib.request

import pytest
from celery.app.task import Task
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from requests_app import services, tokens
from requests_app.models import Area, FeedbackRequest, LinkToken, Rating, Routing
from requests_app.views.manager import FAILED_LINK_LIMIT

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def every_row() -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table, each value as text, for searching and comparing."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # table names from introspection
            rows[table] = sorted(tuple(_text(v) for v in row) for row in cursor.fetchall())
    return rows


def _text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def test_tokens_carry_at_least_128_bits_from_the_secrets_module(routing_factory, monkeypatch):
    asked: list[int] = []
    real = secrets.token_urlsafe

    def spy(nbytes=None):
        asked.append(nbytes)
        return real(nbytes)

    monkeypatch.setattr(tokens.secrets, "token_urlsafe", spy)
    routing = routing_factory()
    minted = [tokens.mint(routing) for _ in range(50)]

    assert len(asked) == 50
    assert all(n is not None and n * 8 >= 128 for n in asked)
    assert len(set(minted)) == 50
    for raw in minted:
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        assert len(decoded) * 8 >= 128


def test_only_the_hash_is_stored(routing_factory):
    routing = routing_factory()
    raw = tokens.mint(routing)

    stored = LinkToken.objects.get(routing=routing)
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in stored.token_hash
    assert tokens.find_routing(raw) == routing
    assert tokens.find_routing(stored.token_hash) is None  # the hash does not open the link


def unchanged_apart_from_sessions(before, after) -> list[str]:
    """Tables whose rows changed; the session (where the grant lives, by design) excepted."""
    return [table for table in before if table != "django_session" and before[table] != after[table]]


def test_no_raw_token_anywhere_in_the_database_after_the_email_is_sent(routed, client):
    # The manager opens the link and answers: every step that could write the token down.
    answer_page = client.get(routed.path, follow=True)
    assert answer_page.status_code == 200
    answer = {f"rating_{area.value}": Rating.NOT_ASSESSED for area in Area}
    answer |= {"rating_answers": Rating.IMPROVE, "comment_answers": "Explain the query plan aloud next time."}
    assert client.post(answer_page.request["PATH_INFO"], answer).status_code == 302

    dump = every_row()
    leaks = [
        (table, value)
        for table, rows in dump.items()
        for row in rows
        for value in row
        if routed.raw in value or routed.raw[:16] in value
    ]
    assert leaks == []
    # Session data is encoded: look inside it too.
    sessions = [str(s.get_decoded()) for s in Session.objects.all()]
    assert sessions
    assert [s for s in sessions if routed.raw in s] == []
    digest = hashlib.sha256(routed.raw.encode()).hexdigest()
    assert any(digest in row for row in dump["requests_app_linktoken"])


def test_the_sending_task_takes_ids_not_the_link(
    candidate, application_factory, hiring_manager_factory, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    real = Task.apply_async

    def spy(self, args=None, kwargs=None, **options):
        calls.append((self.name, args, kwargs))
        return real(self, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", spy)
    application = application_factory(candidate=candidate)
    manager = hiring_manager_factory(client=application.client)
    feedback_request = services.submit_request(
        candidate=candidate,
        application=application,
        areas=[Area.SKILLS],
        questions=[],
        consent_to_forward=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.route_request(
            feedback_request=feedback_request, hiring_manager=manager, message="", actor=application.recruiter
        )

    sends = [c for c in calls if c[0].endswith("send_outbound_email")]
    assert sends, calls
    for _name, args, kwargs in sends:
        assert all(isinstance(a, int) for a in (args or ())), args
        assert not kwargs


def test_opening_the_link_changes_no_row(routed, client):
    before = every_row()

    first = client.get(routed.path)
    again = client.get(routed.path)
    scanner = type(client)().get(routed.path)  # a mail scanner opening it from elsewhere

    assert first.status_code == again.status_code == scanner.status_code == 302
    assert unchanged_apart_from_sessions(before, every_row()) == []
    routed.routing.feedback_request.refresh_from_db()
    assert routed.routing.feedback_request.state == FeedbackRequest.State.AWAITING_MANAGER


def test_opening_unknown_or_closed_links_changes_no_row(routed, client):
    before = every_row()
    assert client.get(f"/respond/{routed.raw[:-2]}xx/").status_code == 404
    assert unchanged_apart_from_sessions(before, every_row()) == []

    Routing.objects.filter(pk=routed.routing.pk).update(revoked_at=timezone.now())
    before = every_row()
    response = client.get(routed.path)
    assert response.status_code == 410
    assert "This link is closed" in response.content.decode()
    assert unchanged_apart_from_sessions(before, every_row()) == []


def test_guessing_links_is_rate_limited_per_address(routed, client):
    guesser = {"REMOTE_ADDR": "203.0.113.66"}
    assert 1 <= FAILED_LINK_LIMIT <= 100

    statuses = [
        client.get(f"/respond/{secrets.token_urlsafe(32)}/", **guesser).status_code
        for _ in range(FAILED_LINK_LIMIT)
    ]
    assert statuses == [404] * FAILED_LINK_LIMIT

    refused = client.get(f"/respond/{secrets.token_urlsafe(32)}/", **guesser)
    assert refused.status_code == 429
    assert "Too many unrecognised links" in refused.content.decode()
    # Only failed guesses count: a real link from that address (another manager in the same
    # office, behind the same proxy) still opens.
    assert client.get(routed.path, **guesser).status_code == 302

    # Another address is not affected: its manager's link still opens.
    other = type(client)()
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    assert other.get(f"/respond/{secrets.token_urlsafe(32)}/", **elsewhere).status_code == 404
    opened = other.get(routed.path, **elsewhere)
    assert opened.status_code == 302
    assert opened["Location"] == reverse("requests_app:respond_answer", args=[routed.routing.uuid])


@pytest.mark.redis
@pytest.mark.postgres  # sixty requests at once: SQLite would lock its tables
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_are_counted_exactly_on_redis(live_server, settings):
    """Sixty guesses at once from one address: the counter is Redis's INCR, so exactly the
    first FAILED_LINK_LIMIT are looked at as mistakes and the rest are told to slow down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"guesses-{secrets.token_hex(8)}",  # this test's keys only
        }
    }
    ready = threading.Barrier(60)
    statuses: list[int] = []

    def guess() -> None:
        ready.wait(timeout=10)
        try:
            guessed = f"{live_server.url}/respond/{secrets.token_urlsafe(32)}/"
            with urllib.request.urlopen(guessed, timeout=30):
                statuses.append(200)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    threads = [threading.Thread(target=guess) for _ in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [404] * FAILED_LINK_LIMIT + [429] * (60 - FAILED_LINK_LIMIT)
