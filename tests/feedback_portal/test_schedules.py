"""BEAT_EVERY_SECONDS: beat's sweeps every few seconds, on the clock, for tests and demos only."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feedback_portal.celery import app
from feedback_portal.schedules import OnTheClock

REPO = Path(__file__).resolve().parents[2]
START = datetime(2026, 11, 4, 10, 0, 0, tzinfo=UTC)


def on_the_clock_at(moment: datetime) -> OnTheClock:
    return OnTheClock(2, nowfun=lambda: moment, app=app)


def test_two_beats_started_apart_send_a_sweep_at_the_same_instant():
    first_started, second_started = START + timedelta(seconds=0.3), START + timedelta(seconds=1.7)

    just_before = START + timedelta(seconds=1.9)
    assert not on_the_clock_at(just_before).is_due(first_started).is_due
    assert not on_the_clock_at(just_before).is_due(second_started).is_due
    # Both are told to look again at the same instant: the next whole multiple of 2 seconds.
    assert on_the_clock_at(just_before).is_due(first_started).next == pytest.approx(0.1)
    assert on_the_clock_at(just_before).is_due(second_started).next == pytest.approx(0.1)

    on_the_tick = START + timedelta(seconds=2)
    assert on_the_clock_at(on_the_tick).is_due(first_started).is_due
    assert on_the_clock_at(on_the_tick).is_due(second_started).is_due
    # Once sent, not again within the same two seconds.
    assert not on_the_clock_at(on_the_tick + timedelta(seconds=1)).is_due(on_the_tick).is_due


def schedules_with(**env: str) -> dict[str, str]:
    """Each beat entry's kind of schedule, as settings.py builds it in a fresh process."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({name: type(entry['schedule']).__name__ "
        "for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}))"
    )
    environment = {key: value for key, value in os.environ.items() if key != "BEAT_EVERY_SECONDS"}
    environment.update(DJANGO_SETTINGS_MODULE="feedback_portal.settings", SECRET_KEY="x", **env)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_production_keeps_its_schedule_and_the_setting_speeds_up_only_the_sweeps():
    production = schedules_with()
    assert production["send-due-reminders"] == "float"
    assert production["anonymise-due-requests"] == "crontab"
    assert "OnTheClock" not in production.values()

    quick = schedules_with(BEAT_EVERY_SECONDS="2")
    for sweep in ("sweep-outbound-email", "expire-routings", "send-due-reminders", "send-recruiter-digests"):
        assert quick[sweep] == "OnTheClock", sweep
    # The nightly tasks keep their hour.
    assert quick["anonymise-due-requests"] == "crontab"
    assert quick["rollup-analytics-nightly"] == "crontab"
