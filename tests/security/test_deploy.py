"""Production settings pass Django's deployment checklist; developer-only pages stay shut."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def production_env(tmp_path, **overrides) -> dict[str, str]:
    """The environment a production web process gets: no DEBUG, a real key, its host named."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL")
        and not k.startswith("SECURE_")
        # Set for the browser tests in this process; never in a deployment.
        and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "feedback_portal.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.com",
        "SITE_URL": "https://portal.example.com",
        "VAR_DIR": str(tmp_path / "var"),
    }
    return env | overrides


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_without_debug_the_portal_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_dev_mailbox_answers_404_when_debug_is_off(client, settings, tmp_path):
    settings.MAIL_DIR = tmp_path
    mail_file = tmp_path / "20260101-000000-1.log"
    mail_file.write_text("Subject: hello\nTo: someone@example.test\n\nA link: /respond/abc/\n")

    assert client.get("/dev/mailbox/").status_code == 404
    assert client.get("/dev/mailbox/20260101-000000-1.0/html/").status_code == 404

    # The same address opens for anyone once DEBUG is on: the 404 is DEBUG's doing.
    settings.DEBUG = True
    assert client.get("/dev/mailbox/").status_code == 200


@pytest.mark.django_db
def test_healthz_answers_json_200(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}
    assert not mail.outbox


@pytest.mark.django_db
def test_healthz_answers_a_plain_http_probe_too(db, settings):
    # Load balancers probe each instance directly over plain HTTP, without X-Forwarded-Proto.
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True  # production's default; the suite turns it off
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("proxies", "believed"), [("0", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")]
)
def test_a_forwarded_https_header_is_believed_only_behind_a_proxy(tmp_path, proxies, believed):
    # With no proxy in front, anyone could send X-Forwarded-Proto: https over plain HTTP.
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)",
        env=production_env(tmp_path, TRUSTED_PROXY_COUNT=proxies),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == believed
