"""Schemathesis against the API's own OpenAPI schema: whatever an integration sends, no 5xx, and every
answer matches the schema (status codes, content types, headers, bodies).

Each operation gets calls generated from the schema (valid ones, and ones made invalid on purpose),
sent through the portal's WSGI application with a real API key, on the test database.
"""

import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from feedback_portal.wsgi import application as wsgi_app

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 30  # per run and mode: 8 runs, 2 modes, 30 calls each: well under a minute


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI application closes the database connection after each call, as a server's worker
    does; here it is the test's own, inside its transaction. Django's test client does the same."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def key_header(make_key, application_factory, client_factory, settings):
    """A client and an application the generated calls can hit, and a key that may do everything."""
    settings.API_RATE_LIMIT = "100000/min"  # the generated calls come faster than any integration
    acme = client_factory(name="Acme")
    application_factory(client=acme, external_id="ATS-1", outcome="pending", outcome_on=None)
    return {"Authorization": f"Bearer {make_key()}"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_answers_every_generated_call_as_its_schema_says(key_header, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
    started = time.monotonic()

    # Every operation with generated ids, and those that take one also with the id of a real
    # application, so the writes reach the services and not only the 404.
    runs = [(operation, {}) for operation in operations] + [
        (operation, {"external_id": "ATS-1"}) for operation in operations if "{external_id}" in operation.path
    ]
    for operation, path_parameters in runs:

        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            case.call_and_validate(headers=key_header, checks=CHECKS)

        call()

    assert time.monotonic() - started < 60
