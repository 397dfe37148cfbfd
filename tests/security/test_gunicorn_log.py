"""gunicorn.conf.py: gunicorn's own access and error logs print manager links redacted."""

import io
import logging
import os
import runpy
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config, get_default_config_file
from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "gunicorn.conf.py"
TOKEN = "k2Jx0wqPZr8T-nV5cLmE3sYb7HfDgAu1oRi9tWe4QyM"
FORMAT = (
    '%(h)s "%(r)s" %(s)s %(U)s %({raw_uri}e)s %({path_info}e)s "%(f)s" %({Referer}i)s %({X-Request-Id}i)s'
)


@pytest.fixture
def gunicorn_logger(monkeypatch):
    """Build the logger gunicorn would, from the conf file it reads in the working directory."""
    saved = {
        name: (list(lg.handlers), list(lg.filters), lg.level, lg.propagate)
        for name in ("gunicorn.access", "gunicorn.error")
        for lg in [logging.getLogger(name)]
    }
    # Only gunicorn's own handlers: the portal's LOGGING (which redacts too) stays out of it.
    for name in saved:
        logging.getLogger(name).handlers.clear()
    monkeypatch.chdir(ROOT)
    assert get_default_config_file() == str(CONF)
    settings = runpy.run_path(str(CONF))

    def build(logger_class=None):
        cfg = Config()
        cfg.set("logger_class", logger_class or settings["logger_class"])
        cfg.set("accesslog", "-")  # as the Procfile starts it
        cfg.set("errorlog", "-")
        cfg.set("access_log_format", FORMAT)
        logger = cfg.logger_class(cfg)
        streams = {}
        for name, log in (("access", logger.access_log), ("error", logger.error_log)):
            streams[name] = io.StringIO()
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setStream(streams[name])
        return logger, streams

    yield build
    for name, (handlers, filters, level, propagate) in saved.items():
        lg = logging.getLogger(name)
        lg.handlers[:], lg.filters[:] = handlers, filters
        lg.setLevel(level)
        lg.propagate = propagate


def request_for(path: str):
    """What a gunicorn worker hands its logger for one request."""
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
    resp = SimpleNamespace(status="302 Found", sent=0, headers=[("Location", "/respond/answer/x/")])
    req = SimpleNamespace(headers=[("USER-AGENT", "SafeLinks/1.0"), ("REFERER", environ["HTTP_REFERER"])])
    return resp, req, environ, timedelta(milliseconds=4)


def test_gunicorn_reads_the_conf_and_uses_the_redacting_logger(gunicorn_logger):
    logger, _ = gunicorn_logger()
    assert isinstance(logger, Logger)
    assert type(logger).__name__ == "RedactingLogger"


def test_access_log_redacts_the_token_in_every_atom(gunicorn_logger):
    logger, streams = gunicorn_logger()

    logger.access(*request_for(f"/respond/{TOKEN}/"))

    line = streams["access"].getvalue().strip()
    assert TOKEN not in line
    assert line == (
        '203.0.113.9 "GET /respond/[redacted]/ HTTP/1.1" 302 /respond/[redacted]/ /respond/[redacted]/ '
        '/respond/[redacted]/ "https://portal.example.com/respond/[redacted]/" '
        "https://portal.example.com/respond/[redacted]/ -"
    )


def test_access_log_keeps_the_answer_page_path(gunicorn_logger):
    logger, streams = gunicorn_logger()
    path = f"/respond/answer/{uuid.uuid4()}/"

    logger.access(*request_for(path))

    line = streams["access"].getvalue()
    assert f'"GET {path} HTTP/1.1"' in line
    assert "[redacted]" not in line


def test_plain_gunicorn_would_print_the_token(gunicorn_logger):
    # The control: without the conf's logger class, gunicorn's own handler prints it.
    logger, streams = gunicorn_logger(Logger)

    logger.access(*request_for(f"/respond/{TOKEN}/"))

    assert TOKEN in streams["access"].getvalue()


def test_error_handling_request_line_is_redacted(gunicorn_logger):
    logger, streams = gunicorn_logger()

    try:
        raise OSError("connection reset")
    except OSError:
        # What a gunicorn worker logs when a request fails mid-way.
        logger.exception("Error handling request %s", f"/respond/{TOKEN}/")

    text = streams["error"].getvalue()
    assert "Error handling request /respond/[redacted]/" in text
    assert TOKEN not in text


@pytest.mark.slow
def test_the_conf_file_loads_in_a_fresh_interpreter():
    # gunicorn imports the conf before any Django setup: it must not need settings.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", "import runpy; print(runpy.run_path('gunicorn.conf.py')['logger_class'])"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "RedactingLogger" in result.stdout
