"""Shared fixtures: factories, signed-in clients, and the services the suite runs against.

Services: the suite runs on the database DATABASE_URL names (SQLite without it).
Tests marked `postgres` or `redis` skip with a reason when the service is absent,
and fail instead when REQUIRE_SERVICES=1 (as CI sets it).
"""

import importlib
import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from feedback_portal.celery import app as celery_app
from feedback_portal.models import PortalSettings

from . import factories

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


# Factories as fixtures: call them to make rows, e.g. `application_factory(candidate=me)`.
@pytest.fixture
def candidate_factory(db):
    return factories.CandidateFactory


@pytest.fixture
def recruiter_factory(db):
    return factories.RecruiterFactory


@pytest.fixture
def client_factory(db):
    """Client companies (named so as not to shadow pytest-django's test `client`)."""
    return factories.ClientFactory


@pytest.fixture
def hiring_manager_factory(db):
    return factories.HiringManagerFactory


@pytest.fixture
def application_factory(db):
    return factories.ApplicationFactory


@pytest.fixture
def feedback_request_factory(db):
    return factories.FeedbackRequestFactory


@pytest.fixture
def routing_factory(db):
    return factories.RoutingFactory


@pytest.fixture
def candidate(candidate_factory):
    return candidate_factory()


@pytest.fixture
def recruiter(recruiter_factory):
    return recruiter_factory()


def pytest_configure(config):
    # Each test process keeps its own cache, so parallel tests never share rate limits,
    # and tasks run in the calling process unless a test starts a real worker.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # The test client speaks plain http; the HTTPS redirect is tested on its own.
    settings.SECURE_SSL_REDIRECT = False
    # Factories set a password on every user they make: the real hasher costs ~0.3 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages render without a collectstatic run (production serves the hashed manifest).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    celery_app.conf.task_always_eager = True


def service_missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1: every service-backed test must run)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _services_for_markers(request):
    if request.node.get_closest_marker("postgres"):
        request.getfixturevalue("db")
        if connection.vendor != "postgresql":
            service_missing("needs PostgreSQL: set DATABASE_URL")
    if request.node.get_closest_marker("redis"):
        redis_url = os.environ.get("REDIS_URL", "")
        if not redis_url:
            service_missing("needs Redis: set REDIS_URL")
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            service_missing(f"needs Redis at REDIS_URL: {exc}")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _second_factor_as_the_test_says(request, monkeypatch):
    """The suite runs with DEBUG off, where a fresh settings row would require recruiters and admins
    to sign in with two-factor authentication. Tests sign staff in with a password or `force_login`,
    so here the row is made with the requirement off, explicitly; a test that asks for `mfa_required`
    gets it on, and one that asks for `real_mfa_default` gets the default a fresh install has."""
    if "real_mfa_default" in request.fixturenames:
        return
    required = "mfa_required" in request.fixturenames
    field = PortalSettings._meta.get_field("require_mfa")
    # The row is made when a page first reads it (PortalSettings.load), with the field's default,
    # which Django reads through `_get_default` (patched first: read, it caches the real one).
    monkeypatch.setattr(field, "_get_default", lambda: required)
    monkeypatch.setattr(field, "default", required)


@pytest.fixture
def mfa_required(db):
    """The agency requires recruiters and admins to sign in with a second factor."""
    PortalSettings.objects.update_or_create(pk=1, defaults={"require_mfa": True})
    return PortalSettings.load()


@pytest.fixture
def real_mfa_default():
    """The settings row is made with the default of a fresh install (no fixture's choice)."""


@pytest.fixture
def next_step_library(db):
    """The library of next steps as migration 0012 seeds it. Tests that use a transaction of their
    own (the browser's) need it laid again: the database is emptied after each of them."""
    from django.apps import apps

    importlib.import_module("requests_app.migrations.0012_seed_next_step_library").seed(apps, None)


@pytest.fixture
def portal_settings(db):
    """The settings row, loaded into the cache as on a running portal (pages read it there)."""
    return PortalSettings.load()


@pytest.fixture
def candidate_client(client, candidate):
    client.force_login(candidate)
    return client


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client
