"""Manager links never reach a log: Django's warnings and the web servers' access lines."""

import logging
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.utils import timezone
from gunicorn.config import Config
from gunicorn.glogging import Logger as GunicornLogger

from requests_app.models import Routing

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

TOKEN = "Zq3uV0-hX9sLb2Kf8TtNw4EeYc1RaPmGdJ5oUi7kQyA"  # shaped like a real one, matches nothing


def test_not_found_warning_for_an_unknown_link_is_redacted(client, portal_log):
    response = client.get(f"/respond/{TOKEN}/")

    assert response.status_code == 404
    assert "Not Found: /respond/[redacted]/" in portal_log.text
    assert TOKEN not in portal_log.text
    [record] = [r for r in portal_log.records if r.name == "django.request"]
    assert TOKEN not in record.getMessage()
    # A handler that formats the request (as an e-mailing handler would) sees no token either.
    assert TOKEN not in logging.Formatter("%(message)s %(request)r %(request)s").format(record)
    assert TOKEN not in record.request.path
    assert TOKEN not in record.request.get_full_path()
    assert TOKEN not in record.request.build_absolute_uri()
    assert TOKEN not in record.request.META["PATH_INFO"]


def test_gone_warning_for_a_closed_link_is_redacted(routed, client, portal_log):
    Routing.objects.filter(pk=routed.routing.pk).update(revoked_at=timezone.now())

    assert client.get(routed.path).status_code == 410

    assert "Gone: /respond/[redacted]/" in portal_log.text
    assert routed.raw not in portal_log.text


def test_a_mangled_link_is_redacted_too(client, portal_log):
    # Mail programs sometimes glue punctuation onto a link: it no longer matches the route.
    assert client.get(f"/respond/{TOKEN}/).").status_code == 404

    assert TOKEN not in portal_log.text
    assert "/respond/[redacted]" in portal_log.text


def test_the_token_less_answer_page_is_logged_as_it_is(client, portal_log):
    routing_uuid = uuid.uuid4()

    assert client.get(f"/respond/answer/{routing_uuid}/").status_code == 404

    assert f"Not Found: /respond/answer/{routing_uuid}/" in portal_log.text
    assert "[redacted]" not in portal_log.text


def _runserver_logs(requestline: str, status: int) -> None:
    """Log one request exactly as `manage.py runserver` does."""
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = object()  # the socket, which runserver passes along as `request`
    handler.requestline = requestline
    handler.client_address = ("127.0.0.1", 54321)
    handler.log_request(status, 1234)


def test_runserver_access_lines_are_redacted(portal_log):
    routing_uuid = uuid.uuid4()

    _runserver_logs(f"GET /respond/{TOKEN}/ HTTP/1.1", 302)
    _runserver_logs(f"GET /respond/{TOKEN}/?utm_source=mail HTTP/1.1", 404)
    _runserver_logs(f"GET /respond/answer/{routing_uuid}/ HTTP/1.1", 200)

    lines = portal_log.text.splitlines()
    assert lines[0] == '"GET /respond/[redacted]/ HTTP/1.1" 302 1234'
    assert lines[1] == '"GET /respond/[redacted]/?utm_source=mail HTTP/1.1" 404 1234'
    assert lines[2] == f'"GET /respond/answer/{routing_uuid}/ HTTP/1.1" 200 1234'
    assert TOKEN not in portal_log.text


def _gunicorn_access(logger_class, access_log_format: str, path: str) -> None:
    """Log one request through gunicorn's own logger, as a gunicorn worker does."""
    cfg = Config()
    cfg.set("access_log_format", access_log_format)
    cfg.set("accesslog", None)  # the portal's LOGGING owns the gunicorn.access handler
    cfg.set("logconfig_dict", {})
    logger = logger_class(cfg)
    logger._access_log_enabled = True
    resp = SimpleNamespace(status="404 Not Found", sent=512, headers=[("Content-Type", "text/html")])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "SafeLinks/1.0",
        "HTTP_REFERER": f"https://portal.example.com{path}",
    }
    req = SimpleNamespace(headers=[("USER-AGENT", "SafeLinks/1.0"), ("REFERER", environ["HTTP_REFERER"])])
    logger.access(resp, req, environ, timedelta(milliseconds=7))


@pytest.fixture
def gunicorn_loggers():
    """gunicorn's Logger reconfigures the global gunicorn.* loggers: put them back after."""
    saved = {
        name: (list(lg.handlers), list(lg.filters), lg.level, lg.propagate)
        for name in ("gunicorn.access", "gunicorn.error")
        for lg in [logging.getLogger(name)]
    }
    yield
    for name, (handlers, filters, level, propagate) in saved.items():
        lg = logging.getLogger(name)
        lg.handlers[:], lg.filters[:] = handlers, filters
        lg.setLevel(level)
        lg.propagate = propagate


def test_gunicorn_access_lines_are_redacted_by_the_portals_handler(portal_log, gunicorn_loggers):
    # Plain gunicorn, without the portal's gunicorn.conf.py: the Django handler still redacts,
    # and keeps gunicorn's atoms working (case-insensitive headers, "-" for a missing one).
    fmt = '%(h)s "%(r)s" %(s)s %(U)s "%(f)s" %({Referer}i)s %({X-Request-Id}i)s'
    _gunicorn_access(GunicornLogger, fmt, f"/respond/{TOKEN}/")

    line = portal_log.text.strip()
    assert TOKEN not in line
    assert line == (
        '203.0.113.9 "GET /respond/[redacted]/ HTTP/1.1" 404 /respond/[redacted]/ '
        '"https://portal.example.com/respond/[redacted]/" https://portal.example.com/respond/[redacted]/ -'
    )
