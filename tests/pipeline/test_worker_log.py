"""A real worker process logs through Django's LOGGING, so a hiring manager's link never reaches its log.

Links are minted in the worker, while the e-mail is rendered. The worst case is played out
here: the worker's e-mail backend prints every message, link and all, to the worker's
output. Celery hands that output to logging (its stdout redirect), and the portal's
redacting filter, on the handler Django's LOGGING sets up, must rewrite each link before
the line is written. If Celery took over the root logger instead, the link would be in the
log.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pipeline.test_embedded_default import SCRIPT, email_states, stop, tail, wait_until

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
TOKEN_IN_PATH = re.compile(r"/respond/(?!answer/|\[redacted\])[A-Za-z0-9_-]{16,}")


def worker_env(var_dir: Path) -> dict[str, str]:
    """The embedded default in a folder of its own, with e-mails printed instead of stored."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "EMAIL_", "CELERY_", "CACHE_", "LOG_", "SECRET_KEY"))
    }
    env.update(
        DATABASE_URL="",
        REDIS_URL="",
        EMAIL_URL="consolemail://",
        VAR_DIR=str(var_dir),
        DEBUG="1",
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="feedback_portal.settings",
    )
    return env


def test_a_manager_link_the_worker_prints_reaches_its_log_redacted(tmp_path):
    var_dir = tmp_path / "var"
    env = worker_env(var_dir)
    manage = [sys.executable, "manage.py"]
    run = {"cwd": REPO, "env": env, "capture_output": True, "text": True}
    migrate = subprocess.run([*manage, "migrate", "--noinput"], timeout=180, **run)
    assert migrate.returncode == 0, migrate.stderr

    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "feedback_portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
            ],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            queued = subprocess.run([*manage, "shell", "--no-imports", "-c", SCRIPT], timeout=120, **run)
            assert queued.returncode == 0, queued.stderr
            database = var_dir / "portal.sqlite3"
            sent = wait_until(
                lambda: set(email_states(database).values()) == {"sent"}, timeout=60, processes=[worker]
            )
            assert sent, tail(log)
        finally:
            stop(worker)

    written = log.read_text()
    # The manager's e-mail went through the worker's log: printed, then redacted on the way.
    assert "To: dana@smoke.test" in written, tail(log)
    assert "/respond/[redacted]/" in written, tail(log)
    assert TOKEN_IN_PATH.search(written) is None, TOKEN_IN_PATH.search(written).group(0)
    assert worker.returncode == 0, tail(log)
