"""A newcomer's `make run PORT=8123`: the demo's e-mails link to the port the portal runs on, and the
README's demo table says where each account lands once signed in."""

import io
import os
import re
import shutil
import subprocess
import sys
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parents[1]
SITE_URL = "http://127.0.0.1:8123"
DEMO_PASSWORD = "demo-pass-2026"


def make_run_lines(*args: str) -> list[str]:
    """What `make run` would run, without running it (make -n)."""
    if not shutil.which("make"):
        pytest.skip("needs make")
    result = subprocess.run(
        ["make", "-n", "run", *args], cwd=REPO, capture_output=True, text=True, check=True, timeout=60
    )
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def test_make_run_gives_the_migration_and_the_seed_the_address_of_its_port():
    lines = make_run_lines("PORT=8123")

    seed = [line for line in lines if "seed_demo" in line]
    migrate = [line for line in lines if "migrate" in line]
    assert seed and migrate, lines
    for line in seed + migrate:
        assert f"SITE_URL={SITE_URL} " in line, line


@pytest.mark.slow
def test_the_seed_make_run_starts_writes_every_link_to_its_port(tmp_path):
    """The Makefile's own migrate and seed lines, run as processes of their own in a fresh var/."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "EMAIL_", "CELERY_", "SITE_", "DJANGO_"))
    }
    env.update(VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    env.pop("SECRET_KEY", None)
    for line in make_run_lines("PORT=8123"):
        command = line.replace(".venv/bin/python", sys.executable)
        subprocess.run(command, shell=True, cwd=REPO, env=env, check=True, timeout=300, capture_output=True)

    bodies = []
    for path in (tmp_path / "mail").glob("*.log"):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = message_from_bytes(chunk.lstrip(b"\n"), policy=default_policy)
                bodies.append(message.get_body(preferencelist=("plain",)).get_content())
    links = [link for body in bodies for link in re.findall(r"https?://[^\s\"'<>]+", body)]
    assert len(links) >= 10
    assert all(link.startswith(f"{SITE_URL}/") for link in links), sorted(set(links))[:5]


# The README's demo table: each account and the address it starts at.
DEMO_ROW = re.compile(r"^\| `(?P<email>[^`]+@demo\.test)` \| [^|]+ \| `(?P<path>/[^`]*)`", re.MULTILINE)


@pytest.mark.django_db
def test_the_readme_says_where_each_demo_account_lands_after_signing_in(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    rows = {m["email"]: m["path"] for m in DEMO_ROW.finditer((REPO / "README.md").read_text())}
    assert {"candidate@demo.test", "recruiter@demo.test", "colleague@demo.test", "admin@demo.test"} <= set(
        rows
    )

    for email, path in rows.items():
        client.logout()
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD}, follow=True)
        assert response.redirect_chain, f"{email} was not signed in"
        assert response.request["PATH_INFO"] == path, f"{email} lands on {response.request['PATH_INFO']}"
