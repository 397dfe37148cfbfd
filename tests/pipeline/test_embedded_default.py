"""Smoke test of the embedded default: SQLite, the filesystem broker and the file e-mail backend.

It runs in a fresh clone of the committed code, as a developer's first `make run` would:
web, a Celery worker and beat are processes of their own, configured by nothing but
DEBUG, so everything they write goes to the clone's own var/. Afterwards the clone
must still be clean: running the portal never leaves files for git to pick up.
"""

import json
import os
import re
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

REPO = Path(__file__).resolve().parents[2]
# As Procfile.dev starts them.
WORKER_ARGS = ["-A", "feedback_portal", "worker", "--pool=solo", "--loglevel=INFO"]
BEAT_ARGS = ["-A", "feedback_portal", "beat", "--loglevel=INFO"]

# Through the same services the pages use: a candidate asks, the recruiter routes it.
# Three e-mails are queued, and their tasks go to the broker once this commits.
SCRIPT = """
from django.db import transaction
from candidates.models import Application, Client, HiringManager
from feedback_portal.models import OutboundEmail, User
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
        questions=["What should I practise?"], consent_to_forward=True,
    )
    services.route_request(
        feedback_request=request, hiring_manager=manager, message="What should I practise?",
        actor=recruiter,
    )
print(sorted(OutboundEmail.objects.values_list("to_email", flat=True)))
"""
RECIPIENTS = ["candidate@smoke.test", "dana@smoke.test", "recruiter@smoke.test"]


def embedded_env(clone: Path) -> dict[str, str]:
    """The environment of a developer who configured nothing but DEBUG.

    Every variable the settings read is dropped (VAR_DIR too: the clone's own var/ is
    the point), and PYTHONPATH puts the clone first, so its code is the code that runs
    rather than the editable install in the virtualenv.
    """
    read_by_settings = set(
        re.findall(r'env\.\w+\(\s*"(\w+)"', (clone / "feedback_portal" / "settings.py").read_text())
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in read_by_settings
        and not key.startswith(
            ("DATABASE_", "REDIS_", "EMAIL_", "CELERY_", "CACHE_", "DJANGO_", "PYTHON", "GIT_")
        )
    }
    env.update(DEBUG="1", PYTHONUNBUFFERED="1", PYTHONPATH=str(clone))
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


def test_embedded_default_runs_from_a_fresh_clone_sends_email_and_leaves_the_clone_clean(tmp_path, free_port):
    clone = tmp_path / "clone"
    no_git_env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    cloned = subprocess.run(
        ["git", "clone", "--quiet", str(REPO), str(clone)],
        env=no_git_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cloned.returncode == 0, cloned.stderr
    var_dir = clone / "var"
    assert not var_dir.exists()
    env = embedded_env(clone)
    python = [sys.executable]
    manage = [*python, "manage.py"]
    run = {"cwd": clone, "env": env, "capture_output": True, "text": True}

    imported = subprocess.run(
        [*python, "-c", "import feedback_portal; print(feedback_portal.__file__)"], timeout=60, **run
    )
    assert imported.returncode == 0, imported.stderr
    assert Path(imported.stdout.strip()).resolve() == (clone / "feedback_portal" / "__init__.py").resolve()

    migrate = subprocess.run([*manage, "migrate", "--noinput"], timeout=180, **run)
    assert migrate.returncode == 0, migrate.stderr
    database = var_dir / "portal.sqlite3"
    assert database.exists()

    names = ("web", "worker", "beat")
    logs = {name: tmp_path / f"{name}.log" for name in names}
    log_files = {name: logs[name].open("w") for name in names}
    commands = {
        "web": [*manage, "runserver", f"127.0.0.1:{free_port}", "--noreload"],
        "worker": [*python, "-m", "celery", *WORKER_ARGS],
        "beat": [*python, "-m", "celery", *BEAT_ARGS],
    }
    processes = {}
    try:
        for name in names:
            processes[name] = subprocess.Popen(
                commands[name], cwd=clone, env=env, stdout=log_files[name], stderr=subprocess.STDOUT
            )
        running = processes.values()

        def all_logs() -> str:
            return "\n".join(f"--- {name}\n{tail(logs[name])}" for name in names)

        wait_until(lambda: (healthz(free_port) or (0,))[0] == 200, timeout=60, processes=running)
        health = healthz(free_port)
        ok = {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}
        assert health == (200, ok), (health, all_logs())

        queued = subprocess.run([*manage, "shell", "--no-imports", "-c", SCRIPT], timeout=120, **run)
        assert queued.returncode == 0, queued.stderr
        assert queued.stdout.strip() == str(RECIPIENTS)

        # The worker takes each task from the broker's folder and sends the e-mail to a file.
        all_sent = {to: "sent" for to in RECIPIENTS}
        wait_until(lambda: email_states(database) == all_sent, timeout=60, processes=running)
        assert email_states(database) == all_sent, all_logs()
        delivered = "".join(path.read_text() for path in (var_dir / "mail").glob("*.log"))
        for to in RECIPIENTS:
            assert f"To: {to}" in delivered
        assert "/respond/" in delivered
        # Beat may publish a sweep at any moment; the worker empties the queue all the same.
        queue = var_dir / "broker" / "queue"
        assert wait_until(lambda: not any(queue.iterdir()), timeout=30, processes=running), all_logs()

        # The development mailbox reads the same files.
        with urllib.request.urlopen(f"http://127.0.0.1:{free_port}/dev/mailbox/", timeout=10) as page:
            assert page.status == 200
            assert "dana@smoke.test" in page.read().decode()

        # Beat started, and is still up alongside web and the worker.
        assert wait_until(lambda: "beat: Starting" in logs["beat"].read_text(), timeout=30), all_logs()
        for name, process in processes.items():
            assert process.poll() is None, f"{name} stopped early\n{all_logs()}"
    finally:
        for process in processes.values():
            stop(process)
        for log in log_files.values():
            log.close()

    assert processes["worker"].returncode == 0, tail(logs["worker"])  # a warm shutdown, not a kill
    worker_log = logs["worker"].read_text()
    assert "succeeded" in worker_log, tail(logs["worker"])
    for name in ("worker", "beat"):
        assert "Traceback" not in logs[name].read_text(), tail(logs[name])

    # Everything the portal wrote (database, broker, mail, beat's schedule) is under the
    # ignored var/: nothing in the working folder for git to show.
    assert (var_dir / "broker" / "control").is_dir()
    assert not (clone / "control").exists()
    status = subprocess.run(["git", "status", "--porcelain", "--ignored=no"], **run)
    assert status.returncode == 0, status.stderr
    assert status.stdout == "", status.stdout
