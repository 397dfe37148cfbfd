"""An integration calling the API: keys made as an admin makes them, and a client that sends one."""

import json

import pytest

from integrations import services
from integrations.models import ApiKey

ALL_SCOPES = [scope.value for scope in ApiKey.Scope]


class Api:
    """The test client, speaking JSON with an API key, as an applicant-tracking system would."""

    def __init__(self, client, raw_key: str | None):
        self.client = client
        self.raw_key = raw_key

    def _headers(self, headers: dict | None) -> dict:
        base = {"Authorization": f"Bearer {self.raw_key}"} if self.raw_key else {}
        return base | (headers or {})

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def put(self, path: str, body: dict, headers: dict | None = None):
        return self.client.put(
            path, json.dumps(body), content_type="application/json", headers=self._headers(headers)
        )

    def post(self, path: str, body: dict, headers: dict | None = None):
        return self.client.post(
            path, json.dumps(body), content_type="application/json", headers=self._headers(headers)
        )


@pytest.fixture
def agency_admin(recruiter_factory):
    from feedback_portal.models import User

    return recruiter_factory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def make_key(agency_admin):
    """make_key(scopes=[...]) → the key itself, as the admin's page shows it once."""

    def make(scopes=None, name="ATS sync") -> str:
        _, raw = services.create_api_key(
            name=name, scopes=ALL_SCOPES if scopes is None else scopes, created_by=agency_admin
        )
        return raw

    return make


@pytest.fixture
def api(client, make_key):
    """A client with a key that may do everything."""
    return Api(client, make_key())


@pytest.fixture
def api_with(client, make_key):
    """api_with(scopes) → a client whose key carries only those scopes (None: no key at all)."""

    def make(scopes):
        return Api(client, None if scopes is None else make_key(scopes))

    return make
