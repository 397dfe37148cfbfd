"""Fixtures for the integrations: for webhooks, a real HTTP receiver on 127.0.0.1, endpoints
pointed at it, and a receiver's own check of the signature (written here, not borrowed from the
portal); for the API, keys made as an admin makes them and a client that sends one."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integrations import services as integration_services
from integrations.models import ApiKey, WebhookEndpoint, WebhookEvent
from requests_app import services
from requests_app.models import Area


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float  # when it arrived (unix seconds)

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the ATS's server got. `answers` are the statuses it gives, in turn (then 200);
    `delay` seconds it waits before answering (a slow server)."""

    url: str = ""
    answers: list[int] = field(default_factory=list)
    delay: float = 0.0
    location: str = ""  # sent with a 3xx answer
    received: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """Block until `count` requests arrived (or fail after `timeout` seconds)."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.received) >= count, timeout):
                pytest.fail(f"the receiver got {len(self.received)} request(s), expected {count}")
        return list(self.received)


def _start(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = receiver.answers.pop(0) if receiver.answers else 200
            if receiver.delay:
                time.sleep(receiver.delay)
            try:
                self.send_response(status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver says no")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the portal gave up waiting (a timeout)
            with receiver.arrived:
                receiver.received.append(Received(dict(self.headers), body, time.time()))
                receiver.arrived.notify_all()

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/portal?source=feedback"
    return server


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    """A real HTTP server on 127.0.0.1; private addresses allowed, as for a local receiver."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    receiver = Receiver()
    server = _start(receiver)
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def another_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    server = _start(receiver)
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def endpoint_for(db):
    """An active endpoint at the receiver's address, wanting every event unless told."""

    def make(receiver: Receiver, events=None, **fields) -> WebhookEndpoint:
        return WebhookEndpoint.objects.create(
            name=fields.pop("name", "ATS"),
            url=receiver.url,
            events=list(events if events is not None else WebhookEvent.values),
            **fields,
        )

    return make


def verify_signature(secret: str, header: str, body: bytes, *, now: float, window: int = 300) -> bool:
    """What the ATS does: split `t=…,v1=…`, refuse a stale timestamp, compare the HMAC in constant
    time. Written from the documentation, independently of the portal's own code."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs(now - timestamp) > window:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


# --- Requests moved through the services, as the pages move them ------------------------------


@pytest.fixture
def submit(candidate_factory, application_factory, portal_settings):
    """A candidate asks for feedback on an application with an id in the ATS."""

    def _submit(external_id: str = "ATS-1001"):
        candidate = candidate_factory(name="Robin Castellano")
        application = application_factory(candidate=candidate, external_id=external_id)
        return services.submit_request(
            candidate=candidate,
            application=application,
            areas=[Area.EXPERIENCE],
            questions=["How could I have prepared better?"],
            consent_to_forward=True,
        )

    return _submit


@pytest.fixture
def route(hiring_manager_factory):
    """A recruiter routes the request to a hiring manager at its client."""

    def _route(feedback_request):
        application = feedback_request.application
        return services.route_request(
            feedback_request=feedback_request,
            hiring_manager=hiring_manager_factory(client=application.client, name="Dana Whitfield"),
            message="Please tell them what to improve.",
            actor=application.recruiter,
        )

    return _route


# --- The API --------------------------------------------------------------------------------

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
        _, raw = integration_services.create_api_key(
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
