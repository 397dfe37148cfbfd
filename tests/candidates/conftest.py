"""Fixtures for the candidates pages. The shared ones live in tests/conftest.py."""

import pytest


@pytest.fixture(autouse=True)
def _test_client_settings(settings):
    """pytest-django runs with DEBUG off, so the production settings apply.

    Plain http and unhashed static files keep the pages reachable by the test client
    without a collectstatic run; nothing else about the pages changes.
    """
    settings.SECURE_SSL_REDIRECT = False
    # Factories set a password on every user they make: the real hasher costs ~0.3 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
