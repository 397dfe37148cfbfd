"""The benchmarks' data: a PostgreSQL database of their own, and a portal's worth of rows.

`fill(n)` bulk-creates recruiters, clients, hiring managers, candidates, applications and
requests in every state (created over two years, open ones recent) with their routings,
responses and timelines. Used by benchmarks/http_bench.py (`make bench`) and
benchmarks/dashboard.py.
"""

import os
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def bench_database_url(url: str | None = None) -> str:
    """`url` (default DATABASE_URL), if it names a PostgreSQL database meant for benchmarks; else exit."""
    url = url or os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(
            f"The benchmarks need a PostgreSQL database, not {url!r}: e.g.\n"
            "  postgres://postgres@127.0.0.1:5432/portal_bench"
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

# Share of requests in each state: most have ended; the open ones are the live workload.
OPEN_WEIGHTS = {"submitted": 2, "awaiting_manager": 4, "answered": 2, "expired": 2}
ENDED_WEIGHTS = {"released": 30, "declined": 14, "withdrawn": 6, "closed": 40}
STATE_WEIGHTS = {**OPEN_WEIGHTS, **ENDED_WEIGHTS}
ROLES = ["Data Analyst", "Backend Engineer", "Product Designer", "Account Manager", "Site Reliability Lead"]
FIRST = [
    "Ada", "Bo", "Chen", "Dara", "Eli", "Femi", "Grace", "Hugo", "Ines", "Jun", "Kai", "Lena", "Maya",
    "Nils", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tess", "Uma", "Viktor", "Wen", "Yusuf", "Zoe",
    "Amara", "Bruno", "Chloe", "Dev", "Esme", "Farid", "Greta", "Hana", "Ivo", "Jade", "Kofi", "Lucia",
]  # fmt: skip
# About a thousand surnames, a few common and most rare (drawn with falling weights), so that a
# search for part of one finds a handful of requests, as it would in a real agency's history.
_HEADS = [
    "Ok", "Sm", "Now", "Gar", "Kh", "Mur", "Ros", "Sat", "Web", "Ad", "Bel", "Car", "Dun", "Eng",
    "Fer", "Hal", "Ib", "Jen", "Kow", "Lar", "Mor", "Nak", "Ol", "Pet", "Quin", "Rah", "Sch", "Tan",
    "Us", "Vas", "Wal", "Yam", "Zie", "Bra", "Cho", "Del", "Fitz", "Gold", "Hern", "Kr",
]  # fmt: skip
_TAILS = [
    "afor", "ith", "ak", "cía", "an", "phy", "si", "to", "er", "ams", "lamy", "ter", "can", "lund",
    "reira", "ley", "rahim", "sen", "alski", "sson", "ales", "amura", "rov", "ton", "ova",
]  # fmt: skip
LAST = sorted({head + tail for head in _HEADS for tail in _TAILS})
# The surname whose first letters the HTTP benchmark searches for: a middling one of the list.
SEARCHED_SURNAME_RANK = 60
# How many released requests have a follow-up question still open (per thousand open requests).
OPEN_FOLLOW_UPS_PER_THOUSAND = 40
BATCH = 5000


def surnames(seed: int = 2026) -> list[str]:
    """The surnames, most common first (the order their weights fall in)."""
    order = list(LAST)
    random.Random(seed).shuffle(order)  # noqa: S311 - made-up data, repeatable
    return order


def searched_surname(seed: int = 2026) -> str:
    return surnames(seed)[SEARCHED_SURNAME_RANK]


def reset(models) -> None:
    from django.db import connection

    tables = ", ".join(m._meta.db_table for m in models)
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _states(rnd: random.Random, n_requests: int, open_requests: int | None) -> list[str]:
    """Every request's state: `open_requests` of them open (default a tenth), the rest ended."""
    n_open = n_requests // 10 if open_requests is None else min(open_requests, n_requests)
    states = _shares(OPEN_WEIGHTS, n_open) + _shares(ENDED_WEIGHTS, n_requests - n_open)
    rnd.shuffle(states)
    return states


def _shares(weights: dict[str, int], k: int) -> list[str]:
    """`k` states in exactly the weights' proportions (largest remainder): the same open work,
    kind by kind, at every size, so the sweeps have the same rows to list at each."""
    total = sum(weights.values())
    counts = {state: k * w // total for state, w in weights.items()}
    by_remainder = sorted(weights, key=lambda state: -(k * weights[state] % total))
    for state in by_remainder[: k - sum(counts.values())]:
        counts[state] += 1
    return [state for state, n in counts.items() for _ in range(n)]


def _dates(rnd: random.Random, state: str, now: datetime) -> tuple[str, datetime, datetime, datetime | None]:
    """(state, asked, last moved, released at) as if beat's sweeps had just run at `now`.

    A hiring manager's link lasts 14 days: awaiting requests were routed within them, expired
    ones after them. Released feedback nobody acknowledged closes after 30 days, so older
    releases are closed. Everything else was asked over the last two years.
    """
    day = timedelta(days=1)
    if state == "submitted":
        asked = now - rnd.uniform(0, 15) * day
        return state, asked, asked, None
    if state == "awaiting_manager":
        asked = now - rnd.uniform(0.3, 13.5) * day
        return state, asked, asked + timedelta(hours=6), None
    if state == "answered":
        asked = now - rnd.uniform(2, 40) * day
        return state, asked, min(now, asked + rnd.uniform(1, 12) * day), None
    if state == "expired":
        asked = now - rnd.uniform(15, 60) * day
        return state, asked, asked + timedelta(days=14, hours=6), None
    asked = now - rnd.uniform(0, 730) * day - timedelta(seconds=rnd.randrange(86400))
    moved = min(now, asked + rnd.uniform(0.5, 20) * day)
    if state == "released":
        if moved < now - 30 * day:
            return "closed", asked, moved + 30 * day, moved
        return state, asked, moved, moved
    if state == "closed":
        return state, asked, moved, moved
    return state, asked, moved, None


def fill(
    n_requests: int,
    seed: int = 2026,
    *,
    now: datetime | None = None,
    open_requests: int | None = None,
    clients: int | None = None,
):
    """Bulk-create a portal with n_requests feedback requests; return the first recruiter.

    `open_requests`: how many are open (submitted, with a hiring manager, answered or expired);
    by default a tenth. `clients`: how many clients (three hiring managers each); by default one
    per 500 requests, at least 20. Both fixed, with the twelve recruiters, they model the same
    agency's live workload over a longer history: what a page lists is the same at every size,
    only what is stored behind it grows.
    `now`: the moment the data is as of (default: now).

    The rows skip the services, so what the services keep on each request is set here the same
    way: the owner (the application's recruiter), what waits for a recruiter and since when
    (lifecycle.recruiter_needs), and what search and sort read (services.desk).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from candidates.models import Application, Client, HiringManager
    from feedback_portal.models import OutboundEmail, User
    from requests_app.lifecycle import recruiter_needs
    from requests_app.models import Event, FeedbackRequest, FeedbackResponse, FollowUp, Routing
    from requests_app.reminders import due_step
    from requests_app.services.search import search_text

    rnd = random.Random(seed)  # noqa: S311 - made-up data, repeatable
    now = now or timezone.now()
    reset([User, Client, HiringManager, Application, FeedbackRequest, Routing, FeedbackResponse, Event])

    recruiters = User.objects.bulk_create(
        User(email=f"recruiter{i}@agency.test", name=f"Recruiter {i}", role=User.Role.RECRUITER, password="!")
        for i in range(12)
    )
    n_clients = max(20, n_requests // 500) if clients is None else clients
    clients = Client.objects.bulk_create(
        Client(
            name=f"Client {i} Ltd",
            owner=rnd.choice(recruiters),
            feedback_policy=rnd.choice(["full", "full", "full", "ratings_only", "none"]),
            created_at=now - timedelta(days=rnd.uniform(365, 1500)),
        )
        for i in range(n_clients)
    )
    managers = HiringManager.objects.bulk_create(
        (
            HiringManager(client=c, name=f"Manager {c.pk}-{j}", email=f"m{j}@client{c.pk}.test")
            for c in clients
            for j in range(3)
        ),
        batch_size=BATCH,
    )
    last_names = surnames(seed)
    last_weights = [1 / (rank + 5) for rank in range(len(last_names))]
    candidates = User.objects.bulk_create(
        (
            User(
                email=f"candidate{i}@example.test",
                name=f"{rnd.choice(FIRST)} {rnd.choices(last_names, weights=last_weights)[0]}",
                password="!",
            )
            for i in range(max(10, n_requests // 2))
        ),
        batch_size=BATCH,
    )

    life = [_dates(rnd, state, now) for state in _states(rnd, n_requests, open_requests)]
    # One application per request, plus a fifth more that never led to a request.
    n_apps = n_requests + n_requests // 5
    applications = []
    for i in range(n_apps):
        person = rnd.choice(candidates)
        client = rnd.choice(clients)
        asked = life[i][1] if i < n_requests else now - timedelta(days=rnd.uniform(0, 730))
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
                state=state,
                areas=rnd.sample(["cv", "experience", "skills", "answers", "fit"], 2),
                question_list=["How could I have prepared better?"],
                consent_to_forward=rnd.random() < 0.7,
                created_at=asked,
                state_changed_at=moved,
                owner=applications[i].recruiter,
                search_text=search_text(applications[i]),
                client_sort=applications[i].client.name.lower(),
            )
            for i, (state, asked, moved, _) in enumerate(life)
        ),
        batch_size=BATCH,
    )
    released_at = {fr.pk: life[i][3] for i, fr in enumerate(requests)}

    # Requests that reached a hiring manager have a routing; its links close once answered.
    managers_of: dict[int, list] = {}
    for m in managers:
        managers_of.setdefault(m.client_id, []).append(m)
    answered_states = ("answered", "released", "closed", "declined")
    reminder_days = [3, 7, 12]  # PortalSettings' default cadence
    routings = []
    for fr in requests:
        if fr.state in ("submitted", "withdrawn"):
            continue
        routed = fr.created_at + timedelta(hours=6)
        routings.append(
            Routing(
                feedback_request=fr,
                hiring_manager=rnd.choice(managers_of[fr.application.client_id]),
                routed_by=fr.application.recruiter,
                routed_at=routed,
                expires_at=routed + timedelta(days=14),
                revoked_at=fr.state_changed_at if fr.state in answered_states else None,
            )
        )
        if fr.state == "awaiting_manager":  # the reminder sweep is up to date
            routings[-1].reminders_sent = due_step(routings[-1], reminder_days, now)
    Routing.objects.bulk_create(routings, batch_size=BATCH)
    FeedbackResponse.objects.bulk_create(
        (
            FeedbackResponse(
                feedback_request=r.feedback_request,
                routing=r,
                kind="decline"
                if r.feedback_request.state == "declined"
                or (r.feedback_request.state == "answered" and rnd.random() < 0.1)
                else "feedback",
                summary="Strong on the fundamentals; the system design answer needed more depth.",
                submitted_at=r.feedback_request.state_changed_at,
                released_summary="Strong on the fundamentals; system design needed more depth.",
                released_at=released_at[r.feedback_request.pk],
            )
            for r in routings
            if r.feedback_request.state in answered_states
        ),
        batch_size=BATCH,
    )

    # Follow-up questions: a few still open on released feedback (the recruiter owes an
    # answer), and one answered on about a tenth of the rest of what was released.
    released = [fr for fr in requests if released_at[fr.pk] is not None]
    n_open = sum(state in OPEN_WEIGHTS for state, *_ in life)
    n_open_follow_ups = min(len(released), OPEN_FOLLOW_UPS_PER_THOUSAND * n_open // 1000)
    follow_ups = []
    chosen = rnd.sample(released, min(len(released), n_open_follow_ups + len(released) // 10))
    for k, fr in enumerate(chosen):
        asked = released_at[fr.pk] + timedelta(days=rnd.uniform(0.5, 5))
        question = FollowUp(feedback_request=fr, question="Which part first?", asked_at=asked)
        if k < n_open_follow_ups:
            fr.state = "released"  # an open question keeps it from closing
            question.state = rnd.choice(["asked", "asked", "replied"])
            question.state_changed_at = asked
        else:
            question.state = "answered"
            question.state_changed_at = question.answered_at = asked + timedelta(days=rnd.uniform(0.5, 4))
            question.answer, question.answer_source = "Start with the system design.", "recruiter"
        follow_ups.append(question)
    FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    reopened = [f.feedback_request for f in follow_ups if f.state != "answered"]
    FeedbackRequest.objects.bulk_update(reopened, ["state"], batch_size=BATCH)

    # What waits for a recruiter, and since when: the lifecycle's own reading of each request.
    waiting = []
    for fr in requests:
        if fr.state in ("submitted", "answered", "expired", "released"):
            fr.needs, fr.waiting_since = recruiter_needs(fr)
            if fr.needs:
                waiting.append(fr)
    FeedbackRequest.objects.bulk_update(waiting, ["needs", "waiting_since"], batch_size=BATCH)

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

    # The e-mails each request led to, all sent: received (to the candidate), new (to the
    # recruiter), the hiring manager's, and the release or decline (to the candidate).
    about_request = ContentType.objects.get_for_model(FeedbackRequest)
    about_routing = ContentType.objects.get_for_model(Routing)

    def sent(kind, to, about_type, about_id, at):
        return OutboundEmail(
            kind=kind, to_email=to, about_type=about_type, about_id=about_id, state="sent", attempts=1,
            created_at=at, sent_at=at,
        )  # fmt: skip

    def emails():
        for fr in requests:
            a = fr.application
            yield sent("request_received", a.candidate_email, about_request, fr.pk, fr.created_at)
            yield sent("new_request", a.recruiter.email, about_request, fr.pk, fr.created_at)
            if fr.state == "declined":
                yield sent("request_declined", a.candidate_email, about_request, fr.pk, fr.state_changed_at)
            elif released_at[fr.pk]:
                yield sent("feedback_released", a.candidate_email, about_request, fr.pk, released_at[fr.pk])
        for r in routings:
            yield sent("manager_request", r.hiring_manager.email, about_routing, r.pk, r.routed_at)

    OutboundEmail.objects.bulk_create(emails(), batch_size=BATCH)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum leaves a table in steady use
    return recruiters[0]
