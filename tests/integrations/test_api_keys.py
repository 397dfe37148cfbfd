"""API keys: an agency admin makes one in the admin and sees it once; the API knows only its hash."""

import hashlib
import os
import re
import secrets
import socket
import threading
import urllib.error
import urllib.request

import pytest
from django.test import override_settings

from integrations import services
from integrations.models import ApiKey

from .conftest import Api

pytestmark = pytest.mark.django_db

ADD = "/admin/integrations/apikey/add/"
LIST = "/api/v1/applications"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body


def test_an_admin_makes_a_key_and_sees_it_once_and_only_its_hash_is_kept(client, agency_admin):
    client.force_login(agency_admin)

    response = client.post(ADD, {"name": "Bullhorn sync", "scopes": ["read:applications"]})

    assert response.status_code == 200
    page = response.content.decode()
    [raw] = re.findall(r'<code id="api-key">(fpk_[A-Za-z0-9_-]+)</code>', page)
    assert "shown only this once" in page
    key = ApiKey.objects.get()
    assert key.name == "Bullhorn sync"
    assert key.created_by == agency_admin
    assert key.scopes == ["read:applications"]
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(key.prefix)
    assert len(raw) >= 4 + 43  # the mark, then 256 random bits in base64
    # No column holds the key itself, and its page shows only the prefix.
    stored = [str(getattr(key, f.attname)) for f in ApiKey._meta.fields]
    assert not any(raw in value for value in stored)
    again = client.get(f"/admin/integrations/apikey/{key.pk}/change/").content.decode()
    assert raw not in again
    assert key.prefix in again
    assert raw not in client.get("/admin/integrations/apikey/").content.decode()
    # And the key works.
    assert Api(client, raw).get(LIST).status_code == 200


def test_a_key_needs_at_least_one_scope(client, agency_admin):
    client.force_login(agency_admin)

    response = client.post(ADD, {"name": "Nothing"})

    assert "Choose at least one thing the key may do." in response.content.decode()
    assert response.context["adminform"].form["name"].value() == "Nothing"
    assert not ApiKey.objects.exists()


def test_recruiters_and_candidates_cannot_make_or_see_keys(client, recruiter_factory, candidate, make_key):
    make_key()
    for person in (recruiter_factory(is_staff=True), candidate):
        client.force_login(person)
        assert client.post(ADD, {"name": "Mine", "scopes": ["read:applications"]}).status_code in (302, 403)
        assert client.get("/admin/integrations/apikey/").status_code in (302, 403)
    assert ApiKey.objects.count() == 1


def test_a_revoked_key_is_refused_at_once(client, agency_admin, make_key):
    raw = make_key()
    api = Api(client, raw)
    assert api.get(LIST).status_code == 200
    client.force_login(agency_admin)
    key = ApiKey.objects.get()

    client.post(
        "/admin/integrations/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    client.logout()

    key.refresh_from_db()
    assert key.revoked_at is not None
    body = _problem(api.get(LIST), 401)
    assert "revoked" in body["detail"]


def test_no_key_or_an_unknown_key_is_a_401_with_a_challenge(client, make_key):
    make_key()
    for raw in (None, "fpk_" + "x" * 43, "not-a-key"):
        response = Api(client, raw).get(LIST)
        _problem(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_is_not_an_api_client(client, agency_admin):
    client.force_login(agency_admin)

    _problem(client.get(LIST), 401)


def test_the_api_key_scheme_is_accepted_too(client, make_key):
    raw = make_key()

    assert client.get(LIST, headers={"Authorization": f"Api-Key {raw}"}).status_code == 200


def test_a_key_without_the_scope_is_a_403(api_with, application_factory):
    application_factory(external_id="ATS-1")
    reader = api_with(["read:applications"])

    body = _problem(reader.post("/api/v1/applications/ATS-1/outcome", {"outcome": "hired"}), 403)
    assert "write:applications" in body["detail"]
    _problem(api_with(["read:requests"]).get(LIST), 403)
    _problem(
        api_with(["read:applications"]).get("/api/v1/requests/00000000-0000-0000-0000-000000000000"), 403
    )


def test_using_a_key_notes_when(api):
    assert ApiKey.objects.get().last_used_at is None

    api.get(LIST)

    assert ApiKey.objects.get().last_used_at is not None


@override_settings(API_RATE_LIMIT="3/min")
def test_each_key_is_rate_limited_with_retry_after(client, make_key):
    busy, other = Api(client, make_key()), Api(client, make_key(name="Other"))

    assert [busy.get(LIST).status_code for _ in range(3)] == [200, 200, 200]
    response = busy.get(LIST)

    _problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another integration's key is counted on its own.
    assert other.get(LIST).status_code == 200


def test_revoking_twice_changes_nothing(make_key):
    make_key()
    key = ApiKey.objects.get()

    assert services.revoke_api_key(key=key) is True
    first = ApiKey.objects.get().revoked_at
    assert services.revoke_api_key(key=key) is False
    assert ApiKey.objects.get().revoked_at == first


@pytest.mark.redis
@pytest.mark.postgres  # thirty calls at once: SQLite would lock its tables
@pytest.mark.django_db(transaction=True)
def test_calls_made_at_the_same_moment_are_each_counted_on_redis(live_server, settings, make_key):
    """Thirty calls at once with one key: the count is Redis's INCR, so exactly the first ten
    are answered and the rest told when to come back (DRF's own throttle lost calls that raced)."""
    settings.API_RATE_LIMIT = "10/day"  # a window no test run straddles
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"api-rate-{secrets.token_hex(8)}",  # this test's keys only
        }
    }
    raw = make_key()
    ready = threading.Barrier(30)
    statuses: list[int] = []

    def call() -> None:
        ready.wait(timeout=10)
        request = urllib.request.Request(live_server.url + LIST, headers={"Authorization": f"Bearer {raw}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    threads = [threading.Thread(target=call) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 10 + [429] * 20


def test_while_the_cache_is_unreachable_calls_go_through(api, settings):
    """The key is the secret; the limit only spreads load: an outage of the count lets work on.
    The cache points at a port nothing listens on: every call to it is really refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.API_RATE_LIMIT = "1/min"
    settings.CACHES = {
        "default": {
            "BACKEND": "feedback_portal.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    assert [api.get(LIST).status_code for _ in range(3)] == [200, 200, 200]
