"""The benchmarks' data: a PostgreSQL database of their own, and a portal's worth of rows.

`fill(n)` bulk-creates recruiters, clients, hiring managers, candidates, applications and
requests in every state (created over two years, open ones recent) with their routings,
responses and timelines. Used by benchmarks/dashboard.py; see its docstring for how to run it.
"""

import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def bench_database_url() -> str:
    """DATABASE_URL, if it names a PostgreSQL database meant for benchmarks; else exit."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(
            "benchmarks/dashboard.py needs PostgreSQL: set DATABASE_URL, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench"
        )
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to empty database {name!r}: name a database of its own, e.g. portal_bench.")
    return url


def create_database_if_missing(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    conn = psycopg2.connect(server)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")
    conn.close()


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedback_portal.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["SECURE_SSL_REDIRECT"] = "0"  # the test client speaks plain http
    import django

    django.setup()
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # lets the test client in (ALLOWED_HOSTS), outbox in memory
    override_settings(
        # Sessions read through the cache, as in production; one process, so local memory.
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        # Pages render without a collectstatic run.
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()


# --- Data ----------------------------------------------------------------------------

# Share of requests in each state: most have ended, a tenth are in the open queue.
STATE_WEIGHTS = {
    "submitted": 2,
    "awaiting_manager": 4,
    "answered": 2,
    "expired": 2,
    "released": 30,
    "declined": 14,
    "withdrawn": 6,
    "closed": 40,
}
ROLES = ["Data Analyst", "Backend Engineer", "Product Designer", "Account Manager", "Site Reliability Lead"]
FIRST = ["Ada", "Bo", "Chen", "Dara", "Eli", "Femi", "Grace", "Hugo", "Ines", "Jun", "Kai", "Lena"]
LAST = ["Okafor", "Smith", "Nowak", "García", "Khan", "Li", "Murphy", "Rossi", "Sato", "Weber"]
BATCH = 5000


def reset(models) -> None:
    from django.db import connection

    tables = ", ".join(m._meta.db_table for m in models)
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def fill(n_requests: int, seed: int = 2026):
    """Bulk-create a portal with n_requests feedback requests; return the signed-in recruiter."""
    from django.db import connection
    from django.utils import timezone

    from candidates.models import Application, Client, HiringManager
    from feedback_portal.models import User
    from requests_app.models import Event, FeedbackRequest, FeedbackResponse, Routing

    rnd = random.Random(seed)  # noqa: S311 - made-up data, repeatable
    now = timezone.now()
    reset([User, Client, HiringManager, Application, FeedbackRequest, Routing, FeedbackResponse, Event])

    recruiters = User.objects.bulk_create(
        User(email=f"recruiter{i}@agency.test", name=f"Recruiter {i}", role=User.Role.RECRUITER, password="!")
        for i in range(12)
    )
    clients = Client.objects.bulk_create(
        Client(
            name=f"Client {i} Ltd",
            owner=rnd.choice(recruiters),
            feedback_policy=rnd.choice(["full", "full", "full", "ratings_only", "none"]),
            created_at=now - timedelta(days=rnd.uniform(365, 1500)),
        )
        for i in range(max(20, n_requests // 500))
    )
    managers = HiringManager.objects.bulk_create(
        (
            HiringManager(client=c, name=f"Manager {c.pk}-{j}", email=f"m{j}@client{c.pk}.test")
            for c in clients
            for j in range(3)
        ),
        batch_size=BATCH,
    )
    candidates = User.objects.bulk_create(
        (
            User(
                email=f"candidate{i}@example.test",
                name=f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
                password="!",
            )
            for i in range(max(10, n_requests // 2))
        ),
        batch_size=BATCH,
    )

    states = rnd.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()), k=n_requests)
    open_states = set(FeedbackRequest.OPEN_STATES)
    created = [
        now - timedelta(days=rnd.uniform(0, 120 if s in open_states else 730), seconds=rnd.randrange(86400))
        for s in states
    ]
    # One application per request, plus a fifth more that never led to a request.
    n_apps = n_requests + n_requests // 5
    applications = []
    for i in range(n_apps):
        person = rnd.choice(candidates)
        client = rnd.choice(clients)
        asked = created[i] if i < n_requests else now - timedelta(days=rnd.uniform(0, 730))
        applications.append(
            Application(
                client=client,
                candidate=person,
                candidate_name=person.name,
                candidate_email=person.email,
                role_title=rnd.choice(ROLES),
                job_reference=f"JOB-{i:06d}",
                stage=rnd.choice(["screen", "first", "second", "final"]),
                interviewed_on=(asked - timedelta(days=10)).date(),
                outcome="not_selected" if i < n_requests else rnd.choice(["pending", "hired"]),
                outcome_on=(asked - timedelta(days=3)).date() if i < n_requests else date.today(),
                recruiter=client.owner,
                source="candidate" if rnd.random() < 0.05 else "recruiter",
                is_confirmed=rnd.random() > 0.03,
                created_at=asked - timedelta(days=30),
            )
        )
    Application.objects.bulk_create(applications, batch_size=BATCH)

    requests = FeedbackRequest.objects.bulk_create(
        (
            FeedbackRequest(
                application=applications[i],
                candidate=applications[i].candidate,
                state=states[i],
                areas=rnd.sample(["cv", "experience", "skills", "answers", "fit"], 2),
                questions="How could I have prepared better?",
                consent_to_forward=rnd.random() < 0.7,
                created_at=created[i],
                state_changed_at=min(now, created[i] + timedelta(days=rnd.uniform(0, 20))),
            )
            for i in range(n_requests)
        ),
        batch_size=BATCH,
    )

    # Requests that reached a hiring manager have a routing; answered ones a response.
    managers_of: dict[int, list] = {}
    for m in managers:
        managers_of.setdefault(m.client_id, []).append(m)
    sent = [fr for fr in requests if fr.state not in ("submitted", "withdrawn")]
    routings = Routing.objects.bulk_create(
        (
            Routing(
                feedback_request=fr,
                hiring_manager=rnd.choice(managers_of[fr.application.client_id]),
                routed_by=fr.application.recruiter,
                routed_at=fr.created_at + timedelta(hours=6),
                expires_at=fr.created_at + timedelta(days=14, hours=6),
            )
            for fr in sent
        ),
        batch_size=BATCH,
    )
    FeedbackResponse.objects.bulk_create(
        (
            FeedbackResponse(
                feedback_request=r.feedback_request,
                routing=r,
                kind="decline" if r.feedback_request.state == "declined" else "feedback",
                summary="Strong on the fundamentals; the system design answer needed more depth.",
                submitted_at=r.feedback_request.state_changed_at,
                released_summary="Strong on the fundamentals; system design needed more depth.",
                released_at=r.feedback_request.state_changed_at
                if r.feedback_request.state in ("released", "closed")
                else None,
            )
            for r in routings
            if r.feedback_request.state in ("answered", "released", "closed", "declined")
        ),
        batch_size=BATCH,
    )

    def timeline():
        for fr in requests:
            yield Event(
                feedback_request=fr, kind="submitted", to_state="submitted", visible_to_candidate=True,
                created_at=fr.created_at,
            )  # fmt: skip
            if fr.state != "submitted":
                yield Event(
                    feedback_request=fr, kind=fr.state if fr.state != "awaiting_manager" else "routed",
                    from_state="submitted", to_state=fr.state, visible_to_candidate=True,
                    created_at=fr.state_changed_at,
                )  # fmt: skip

    Event.objects.bulk_create(timeline(), batch_size=BATCH)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum leaves a table in steady use
    return recruiters[0]


# --- Measuring -----------------------------------------------------------------------
