"""The benchmark's surroundings: production settings but plain HTTP, one database and cache
prefix per size, Redis databases of its own, and the machine it ran on (benchmarks/http_bench.py)."""

import os
import platform
import secrets
import subprocess
import sys
import urllib.parse
from datetime import datetime, timedelta
from pathlib import Path

import bench_data

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_http_bench"
KEY_PREFIX = "bench-http"
VAR_DIR = BASE_DIR / "var" / "bench"


def bench_env() -> dict[str, str]:
    """Production settings except HTTPS, for this process and gunicorn alike."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DATABASE_URL"] = url
    bench_data.bench_database_url()  # refuses a database whose name lacks "bench"
    env = {
        "DJANGO_SETTINGS_MODULE": "feedback_portal.settings",
        "SECRET_KEY": secrets.token_urlsafe(40),  # throwaway: sessions die with the run
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"),
        "REDIS_BROKER_DB": os.environ.get("BENCH_REDIS_BROKER_DB", "14"),
        "REDIS_CACHE_DB": os.environ.get("BENCH_REDIS_CACHE_DB", "15"),
        "CACHE_KEY_PREFIX": KEY_PREFIX,
        "CELERY_QUEUE": KEY_PREFIX,
        "VAR_DIR": str(VAR_DIR),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.pop("DEBUG", None)
    os.environ.update(env)
    return {**os.environ, **env}


def size_env(env: dict, size: int) -> dict[str, str]:
    """One database and one cache prefix per size: both are served side by side."""
    parts = urllib.parse.urlsplit(env["DATABASE_URL"])
    name = f"{parts.path.lstrip('/')}_{size // 1000}k"
    url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    return {**env, "DATABASE_URL": url, "CACHE_KEY_PREFIX": f"{KEY_PREFIX}-{size // 1000}k"}


def use(env: dict) -> None:
    """Point this process's database connection and cache at one size's."""
    from django.core.cache import caches
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = urllib.parse.urlsplit(env["DATABASE_URL"]).path.lstrip("/")
    caches["default"].key_prefix = env["CACHE_KEY_PREFIX"]


def redis_db(env: dict, which: str):
    import redis

    parts = urllib.parse.urlsplit(env["REDIS_URL"])
    url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{env[which]}", "", ""))
    return redis.Redis.from_url(url, socket_connect_timeout=3)


def ours(key: bytes) -> bool:
    return KEY_PREFIX.encode() in key


def check_redis(env: dict) -> None:
    """Our two Redis databases must hold nothing but this benchmark's keys: we never touch others'."""
    for which in ("REDIS_BROKER_DB", "REDIS_CACHE_DB"):
        db = redis_db(env, which)
        db.ping()
        others = [k for k in db.scan_iter(count=500) if not ours(k)]
        if others:
            sys.exit(
                f"Redis database {env[which]} holds keys that are not the benchmark's ({others[0]!r}…): "
                f"choose free ones with BENCH_{which}."
            )


def forget_redis(env: dict) -> None:
    """Delete this benchmark's keys (cached sessions and settings, queued e-mail tasks)."""
    for which in ("REDIS_BROKER_DB", "REDIS_CACHE_DB"):
        db = redis_db(env, which)
        keys = [k for k in db.scan_iter(count=1000) if ours(k)]
        for start in range(0, len(keys), 1000):
            db.delete(*keys[start : start + 1000])


def working_moment() -> datetime:
    """10:30 in the agency's time zone on the latest weekday before now.

    The sweeps run with this `now`: reminders and digests go out only in working hours.
    """
    from feedback_portal.models import PortalSettings

    portal = PortalSettings.load()
    local = datetime.now(portal.zone)
    day = local.date() - timedelta(days=1)
    while not portal.is_business_day(day):
        day -= timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, 30, tzinfo=portal.zone)


def machine(env: dict) -> dict:
    import django
    from django.db import connection

    def first(path: str, prefix: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return ""

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
        cur.execute("SHOW shared_buffers")
        shared_buffers = cur.fetchone()[0]
    mem_kb = first("/proc/meminfo", "MemTotal").split()[0] if first("/proc/meminfo", "MemTotal") else "0"
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.splitlines()  # noqa: S607
    return {
        "cpu": first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem_kb) / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg,
        "postgresql_shared_buffers": shared_buffers,
        "redis": redis_db(env, "REDIS_CACHE_DB").info("server")["redis_version"],
        "wrk": (wrk or [""])[0].split(" Copyright")[0],
    }
