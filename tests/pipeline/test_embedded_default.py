"""Smoke test of the embedded default: SQLite, the filesystem broker and the file e-mail backend.

The web server and a Celery worker run as processes of their own, configured by
nothing but VAR_DIR and DEBUG, as `make run` starts them.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BASE_DIR = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(BASE_DIR / "manage.py")]
WORKER_ARGS = ["-A", "feedback_portal", "worker", "--pool=solo", "--loglevel=INFO"]  # as Procfile.dev

# Through the same services the pages use: a candidate asks, the recruiter routes it.
# Three e-mails are queued, and their tasks go to the broker once this commits.
SCRIPT = """
from django.db import transaction
from candidates.models import Application, Client, HiringManager
from feedback_portal.models import User
from requests_app import services

with transaction.atomic():
    recruiter = User.objects.create_user("recruiter@smoke.test", role="recruiter", name="Riley Smoke")
    candidate = User.objects.create_user("candidate@smoke.test", name="Casey Smoke")
    client = Client.objects.create(name="Smoke Ltd", owner=recruiter)
    manager = HiringManager.objects.create(client=client, name="Dana Smoke", email="dana@smoke.test")
    application = Application.objects.create(
        client=client, candidate=candidate, candidate_name="Casey Smoke",
        candidate_email=candidate.email, role_title="Data Analyst",
        outcome="not_selected", recruiter=recruiter,
    )
    request = services.submit_request(
        candidate=candidate, application=application, areas=["skills"],
        questions="What should I practise?", consent_to_forward=True,
    )
    services.route_request(
        feedback_request=request, hiring_manager=manager, message="What should I practise?",
        actor=recruiter,
    )
print(sorted(request.emails.values_list("to_email", flat=True)))
"""
RECIPIENTS = ["candidate@smoke.test", "dana@smoke.test", "recruiter@smoke.test"]


def embedded_env(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "EMAIL_", "CELERY_", "CACHE_", "SECRET_KEY"))
    }
    # Empty, not just absent: a developer's .env must not bring the services back.
    env.update(DATABASE_URL="", REDIS_URL="", EMAIL_URL="")
    env.update(VAR_DIR=str(var_dir), DEBUG="1", PYTHONUNBUFFERED="1")
    env["DJANGO_SETTINGS_MODULE"] = "feedback_portal.settings"
    return env


def wait_until(condition, *, timeout: float, every: float = 0.25, processes=()):
    """Poll until the condition gives something truthy; give up if a process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                return None
        result = condition()
        if result:
            return result
        time.sleep(every)
    return None


def healthz(port: int) -> tuple[int, dict] | None:
    """/healthz's status and JSON, or None while nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except OSError:
        return None  # not listening yet
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {"not json": body[:300].decode(errors="replace")}


def email_states(database: Path) -> dict[str, str]:
    with closing(sqlite3.connect(database, timeout=20)) as db:
        return dict(db.execute("SELECT to_email, state FROM feedback_portal_outboundemail"))


def tail(log: Path) -> str:
    """The end of a process's log, for a failure message."""
    return log.read_text()[-3000:] if log.exists() else ""


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # Celery: a warm shutdown
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_embedded_default_starts_answers_healthz_and_sends_email_through_the_file_broker(tmp_path, free_port):
    var_dir = tmp_path / "var"
    env = embedded_env(var_dir)
    run = {"cwd": BASE_DIR, "env": env, "capture_output": True, "text": True}

    migrate = subprocess.run([*MANAGE, "migrate", "--noinput"], timeout=180, **run)
    assert migrate.returncode == 0, migrate.stderr
    assert (var_dir / "portal.sqlite3").exists()

    logs = {name: (tmp_path / f"{name}.log").open("w") for name in ("web", "worker")}
    processes = {}
    try:
        processes["web"] = subprocess.Popen(
            [*MANAGE, "runserver", f"127.0.0.1:{free_port}", "--noreload"],
            cwd=BASE_DIR,
            env=env,
            stdout=logs["web"],
            stderr=subprocess.STDOUT,
        )
        processes["worker"] = subprocess.Popen(
            [sys.executable, "-m", "celery", *WORKER_ARGS],
            cwd=BASE_DIR,
            env=env,
            stdout=logs["worker"],
            stderr=subprocess.STDOUT,
        )
        running = processes.values()

        wait_until(lambda: (healthz(free_port) or (0,))[0] == 200, timeout=60, processes=running)
        health = healthz(free_port)
        ok = {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}
        assert health == (200, ok), (health, tail(tmp_path / "web.log"), tail(tmp_path / "worker.log"))

        queued = subprocess.run([*MANAGE, "shell", "--no-imports", "-c", SCRIPT], timeout=120, **run)
        assert queued.returncode == 0, queued.stderr
        assert queued.stdout.strip() == str(RECIPIENTS)

        # The worker takes each task from the broker's folder and sends the e-mail to a file.
        database = var_dir / "portal.sqlite3"
        all_sent = {to: "sent" for to in RECIPIENTS}
        wait_until(lambda: email_states(database) == all_sent, timeout=60, processes=running)
        assert email_states(database) == all_sent, tail(tmp_path / "worker.log")
        delivered = "".join(path.read_text() for path in (var_dir / "mail").glob("*.log"))
        for to in RECIPIENTS:
            assert f"To: {to}" in delivered
        assert "/respond/" in delivered
        assert list((var_dir / "broker" / "queue").iterdir()) == []

        # The development mailbox reads the same files.
        with urllib.request.urlopen(f"http://127.0.0.1:{free_port}/dev/mailbox/", timeout=10) as page:
            assert page.status == 200
            assert "dana@smoke.test" in page.read().decode()
    finally:
        for process in processes.values():
            stop(process)
        for log in logs.values():
            log.close()

    assert processes["worker"].returncode == 0  # a warm shutdown, not a kill
    worker_log = (tmp_path / "worker.log").read_text()
    assert "succeeded" in worker_log, tail(tmp_path / "worker.log")
    assert "Traceback" not in worker_log, tail(tmp_path / "worker.log")
