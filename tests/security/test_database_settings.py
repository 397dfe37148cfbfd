"""The portal's PostgreSQL connections run with JIT compilation off (see the DATABASES settings)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_the_connection_has_jit_off(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def _database_settings(url: str) -> dict:
    """The DATABASES["default"] the settings make of `url`, read in a fresh process."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "x",
        "DJANGO_SETTINGS_MODULE": "feedback_portal.settings",
    }
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_options_in_the_database_address_are_kept_beside_jit_off():
    options = _database_settings(
        "postgres://portal@db.example.com:5432/portal?sslmode=require&options=-c%20statement_timeout%3D5000"
    )

    assert options["sslmode"] == "require"
    assert options["options"] == "-c statement_timeout=5000 -c jit=off"


def test_a_plain_database_address_gets_jit_off():
    assert _database_settings("postgres://portal@db.example.com:5432/portal") == {"options": "-c jit=off"}
