"""Redis stops: pages slow down, they don't break (feedback_portal/cache.py).

A Redis of the test's own, on its own port, really stopped: the portal's cache on it reads as
misses, settings and sessions come from the database, rate limits that guard secrets refuse
rather than let guesses through, and the health check names what is down.
"""

import json
import shutil
import subprocess
import time

import pytest
import redis

from requests_app import tokens
from tests.factories import PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def own_redis(free_port, settings):
    """A redis-server on a free port, the portal's cache on it; `stop()` ends it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("needs redis-server (Debian's redis-server package)")
    process = subprocess.Popen(
        [binary, "--port", str(free_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{free_port}/0"
    for _ in range(50):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    settings.CACHES = {
        "default": {
            "BACKEND": "feedback_portal.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    class Own:
        @staticmethod
        def stop() -> None:
            process.terminate()
            process.wait(timeout=10)

    yield Own
    if process.poll() is None:
        Own.stop()


def test_with_redis_stopped_every_kind_of_page_still_answers(
    own_redis, client, recruiter, candidate, feedback_request_factory, routing_factory
):
    feedback_request_factory(application__candidate=candidate, application__candidate_name="Ada Open")
    routing = routing_factory()
    client.force_login(recruiter)
    assert client.get("/dashboard/").status_code == 200  # the cache in use, while it runs
    assert client.get("/healthz").status_code in (200, 503)  # the broker is not this test's

    own_redis.stop()

    queue = client.get("/dashboard/")
    assert queue.status_code == 200
    assert "Ada Open" in queue.content.decode()
    assert client.get("/dashboard/clients/").status_code == 200
    client.force_login(candidate)
    assert client.get("/applications/").status_code == 200
    client.logout()
    assert client.get("/").status_code == 200
    assert client.get("/brand.css").status_code == 200
    # The manager's real link opens; an unknown one is told to wait, since nothing can count it.
    assert client.get(f"/respond/{tokens.mint(routing)}/").status_code == 302
    assert client.get("/respond/not-a-link-at-all-aaaaaaaaaaaa/").status_code == 429


def test_with_redis_stopped_the_health_check_says_the_cache_is_down(own_redis, client):
    own_redis.stop()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["status"] == "unhealthy"
    assert body["database"] == "ok"
    assert body["cache"].startswith("unreachable")


def test_with_redis_stopped_signing_in_waits_rather_than_letting_guesses_through(
    own_redis, client, candidate
):
    own_redis.stop()

    response = client.post("/accounts/login/", {"login": candidate.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many" in response.content.decode()
    assert "_auth_user_id" not in client.session
