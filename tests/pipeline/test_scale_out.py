"""Scaled out, and one beat too many: every e-mail still goes out exactly once.

The portal as production runs it, twice over: two gunicorn web processes, two Celery workers
and — by mistake — two beat schedulers, each with a schedule file of its own, all on the test's
PostgreSQL database and one Redis. Both beats send every sweep every 2 seconds, at the same
moments (BEAT_EVERY_SECONDS), so the two sweeps race. The rows are dated so that hiring managers'
reminders, routings' expiries, two recruiters' digests, a stale release and two e-mails the broker
lost or a worker dropped are due now, and more reminders and expiries fall due one by one while
everything runs, for the sweeps to contend for round after round.
A candidate asks for feedback and a recruiter routes a request through the web processes, each
request of theirs going to either one, as a load balancer would send it. Then everything runs
until the outbox is empty and each beat has sent every sweep several times more, and the SMTP
sink in this process must have received each expected e-mail once: nothing missing, nothing
doubled, and no process logged an error.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import redis
import time_machine
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import connection
from django.utils import timezone

from feedback_portal.models import OutboundEmail, PortalSettings
from requests_app.models import Event, FeedbackRequest, RecruiterDigest, Reminder, Routing
from tests import factories
from tests.pipeline.test_embedded_default import healthz, stop, tail, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = Path(__file__).with_name("shifted_clock.py")
PASSWORD = "scale-out-password-2026"
BEAT_EVERY = 2  # seconds between two runs of each sweep, in each beat
# Reminders and expiries falling due one after another while everything runs, so that the two
# beats' sweeps contend for fresh work round after round.
FALLING_DUE = 8
# The sweeps beat sends every few minutes in production, every BEAT_EVERY seconds here.
SWEEPS = (
    "sweep-outbound-email",
    "expire-routings",
    "send-due-reminders",
    "send-recruiter-digests",
    "close-stale-releases",
)
ROUNDS_AFTER = 4  # runs of every sweep, in each beat, after the last expected e-mail was sent
# What a process must never log: a task that raised, a failed e-mail, an error of any layer.
TROUBLE = re.compile(r"Traceback|raised unexpected|\bERROR\b|CRITICAL| failed: |left for the sweep")


def clock_shift(now: datetime) -> timedelta:
    """How far every process's clock moves so the run falls on a weekday, well clear of midnight.

    Reminders and digests go out on business days only. On a weekday the clock stays as it is.
    """
    if now.weekday() < 5 and clock_time(0, 10) <= now.time() <= clock_time(23, 45):
        return timedelta(0)
    day = now.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, clock_time(10), tzinfo=UTC) - now


# --- A browser in miniature ------------------------------------------------------------


class _Forms(HTMLParser):
    """Each form on a page: its action and the values a browser would send unless changed."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action") or "", {}))
            return
        if not self.forms:
            return
        values = self.forms[-1][1]
        if tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            values[self._select] = [a.get("value", "")]
        elif tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    values.setdefault(a["name"], []).append(a.get("value") or "on")
            elif kind not in ("submit", "button"):
                values[a["name"]] = [a.get("value") or ""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


class Browser:
    """One person's browser: a cookie jar shared by both web processes, so a session begun on one
    is carried on by the other, and forms sent with the values their page gave them."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirects
        )

    def open(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        """Status, Location and body of one GET (or POST, with `data`)."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=30) as response:
                return response.status, "", response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode(errors="replace")

    def submit(self, page: str, action: str, fields: dict, *, to: str) -> tuple[int, str, str]:
        """Open `page`, fill the form posting to `action` (a path) with `fields`, and send it to
        the web process at `to` (the page's own origin may be the other one)."""
        status, _, html = self.open(page)
        assert status == 200, f"{page} answered {status}"
        parser = _Forms()
        parser.feed(html)
        path = urllib.parse.urlsplit(page).path
        values = next((v for act, v in parser.forms if (act or path) == action), None)
        assert values is not None, f"no form posting to {action} on {page}"
        return self.open(to + action, {**values, **fields})


# --- The processes ---------------------------------------------------------------------


def child_env(*, database: str, queue: str, smtp_port: int, var_dir: Path, site_url: str) -> dict:
    """Production settings (DEBUG off), over plain HTTP, on the test's database and Redis."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "EMAIL_", "CELERY_", "CACHE_", "DJANGO_", "BEAT_", "LOG_"))
    }
    settings_db = connection.settings_dict
    env.update(
        DATABASE_URL=(
            f"postgres://{settings_db['USER']}:{settings_db['PASSWORD']}"
            f"@{settings_db['HOST'] or '127.0.0.1'}:{settings_db['PORT'] or 5432}/{database}"
        ),
        CONN_MAX_AGE="0",
        CELERY_QUEUE=queue,
        CACHE_KEY_PREFIX=queue,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        VAR_DIR=str(var_dir),
        SITE_URL=site_url,
        SECRET_KEY="scale-out-test-key-" + "x" * 40,
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        BEAT_EVERY_SECONDS=str(BEAT_EVERY),
        DJANGO_SETTINGS_MODULE="feedback_portal.settings",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(REPO),
    )
    env.pop("DEBUG", None)
    return env


class Fleet:
    """The processes started, each with a log file; stopped together, politely."""

    def __init__(self, env: dict, shift: timedelta, logs: Path):
        self.env, self.shift, self.logs = env, shift.total_seconds(), logs
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, module: str, *args: str) -> None:
        log = (self.logs / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(
            [sys.executable, str(LAUNCHER), str(self.shift), module, *args],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()

    def died(self) -> str:
        return "".join(
            f"\n--- {name} stopped ({p.returncode}):\n{tail(self.logs / f'{name}.log')}"
            for name, p in self.processes.items()
            if p.poll() is not None
        )

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            stop(process)


def sweeps_sent(beat_log: str) -> Counter:
    """How often a beat sent each scheduled task to the broker."""
    return Counter(re.findall(r"Sending due task (\S+)", beat_log))


# --- The test --------------------------------------------------------------------------


@pytest.fixture
def shifted_now():
    """The test's clock, moved as every process's will be (see clock_shift)."""
    shift = clock_shift(datetime.now(UTC))
    if not shift:
        yield shift
        return
    with time_machine.travel(datetime.now(UTC) + shift, tick=True):
        yield shift


@pytest.fixture
def redis_names():
    """A queue and cache key prefix only this test uses; removed from Redis afterwards."""
    name = f"scale-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    yield name
    url = os.environ["REDIS_URL"].rstrip("/")
    for number in {os.environ.get("REDIS_BROKER_DB", "0"), os.environ.get("REDIS_CACHE_DB", "1")}:
        db = redis.Redis.from_url(f"{url}/{number}")
        for key in db.scan_iter(f"*{name}*"):
            db.delete(key)


def user(factory, **kwargs):
    """A user who can sign in on the web processes (they hash passwords with production's hasher)."""
    person = factory(**kwargs)
    person.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    person.save(update_fields=["password"])
    return person


def test_two_webs_two_workers_and_two_beats_send_each_email_exactly_once(
    shifted_now, redis_names, smtp_sink, free_port, tmp_path
):
    now = timezone.now()
    days = timedelta(days=1)
    portal = PortalSettings.load()
    # Any hour of a business day is working time, so the run never waits for the morning.
    PortalSettings.objects.filter(pk=portal.pk).update(
        time_zone="UTC", working_hours_start=0, working_hours_end=24, holidays=""
    )
    F = factories

    # Asked for on the web: a candidate's application to ask about, a request to route.
    web_recruiter = user(F.RecruiterFactory, email="riley@agency.test")
    asker = user(F.CandidateFactory, email="casey@example.test", name="Casey Quinn")
    client = F.ClientFactory(owner=web_recruiter, name="Northwind Ltd")
    application = F.ApplicationFactory(client=client, candidate=asker, outcome_on=now.date() - 2 * days)
    to_route = F.FeedbackRequestFactory(application__client=client)
    manager = F.HiringManagerFactory(client=client, email="morgan@northwind.test")

    # Due now, for beat: reminders (routed 4 days ago: the day-3 step), an expiry, digests, a
    # stale release; and two e-mails whose task never ran or whose worker died.
    reminded = [F.RoutingFactory(routed_at=now - 4 * days, expires_at=now + 10 * days) for _ in range(4)]
    expiry_owner = F.RecruiterFactory(email="jordan@agency.test")

    def expiring(at: datetime) -> Routing:
        return F.RoutingFactory(
            routed_at=at - 14 * days,
            expires_at=at,
            reminders_sent=3,
            feedback_request__application__client__owner=expiry_owner,
        )

    expired = [expiring(now - timedelta(hours=1))]
    untriaged = F.FeedbackRequestFactory(
        created_at=now - 10 * days, application__client__owner=F.RecruiterFactory(email="sam@agency.test")
    )
    stale = F.FeedbackRequestFactory(
        state=FeedbackRequest.State.RELEASED, state_changed_at=now - 40 * days, owner=web_recruiter
    )
    lost = OutboundEmail.objects.create(
        kind="request_received",
        to_email="lost@example.test",
        about=untriaged,
        created_at=now - timedelta(minutes=5),
    )
    dropped = OutboundEmail.objects.create(
        kind="new_request",
        to_email="dropped@agency.test",
        about=untriaged,
        state=OutboundEmail.State.SENDING,
        attempts=1,
        created_at=now - timedelta(minutes=10),
        lease_expires_at=now - timedelta(minutes=1),
    )
    assert untriaged.owner.email == "sam@agency.test"

    # The processes: web 1 and 2, worker 1 and 2, beat 1 and 2.
    web_ports = _free_ports(2, taken=free_port)  # free_port is the SMTP sink's
    webs = [f"http://127.0.0.1:{port}" for port in web_ports]
    var_dir = tmp_path / "var"
    env = child_env(
        database=connection.settings_dict["NAME"],
        queue=redis_names,
        smtp_port=free_port,
        var_dir=var_dir,
        site_url=webs[0],
    )
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr
    fleet = Fleet(env, shifted_now, tmp_path)
    started = time.monotonic()
    try:
        for n, port in enumerate(web_ports, start=1):
            fleet.start(
                f"web{n}", "gunicorn", "feedback_portal.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", "2", "--access-logfile", "-",
            )  # fmt: skip
        for n in (1, 2):
            fleet.start(
                f"worker{n}", "celery", "-A", "feedback_portal", "worker", "--loglevel=INFO",
                "--concurrency", "2", "--hostname", f"worker{n}-{redis_names}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            )  # fmt: skip
        for n in (1, 2):
            fleet.start(
                f"beat{n}", "celery", "-A", "feedback_portal", "beat", "--loglevel=INFO",
                "--schedule", str(tmp_path / f"beat{n}-schedule"),
            )  # fmt: skip
        procs = list(fleet.processes.values())
        for port in web_ports:
            up = wait_until(lambda p=port: (healthz(p) or (0,))[0] == 200, timeout=120, processes=procs)
            assert up, f"web on {port} never answered /healthz with 200{fleet.died()}"

        # Falling due from now on, one after another: a reminder and an expiry every ~2 seconds.
        start = timezone.now()
        for k in range(FALLING_DUE):
            due = start + timedelta(seconds=3 + 2 * k)
            reminded.append(F.RoutingFactory(routed_at=due - 3 * days, expires_at=due + 10 * days))
            expired.append(expiring(due + timedelta(seconds=1)))

        # A candidate asks on one web process, through a session begun on the other.
        candidate = Browser()
        status, where, _ = candidate.submit(
            f"{webs[0]}/accounts/login/",
            "/accounts/login/",
            {"login": asker.email, "password": PASSWORD},
            to=webs[1],
        )
        assert status == 302, f"the candidate could not sign in ({status})"
        ask = f"/applications/{application.uuid}/request/"
        status, where, page = candidate.submit(
            webs[1] + ask,
            ask,
            {
                "areas": ["experience", "answers"],
                "question_1": "Was my take-home at the right level?",
                "consent_to_forward": "on",
            },
            to=webs[0],
        )
        asked = FeedbackRequest.objects.get(application=application)
        assert (status, where) == (302, f"/requests/{asked.uuid}/"), page[-2000:]

        # A recruiter routes a request the same way.
        recruiter = Browser()
        status, _, _ = recruiter.submit(
            f"{webs[1]}/accounts/login/",
            "/accounts/login/",
            {"login": web_recruiter.email, "password": PASSWORD},
            to=webs[0],
        )
        assert status == 302, f"the recruiter could not sign in ({status})"
        route = f"/dashboard/requests/{to_route.uuid}/route/"
        status, _, page = recruiter.submit(
            f"{webs[0]}/dashboard/requests/{to_route.uuid}/",
            route,
            {
                "hiring_manager": str(manager.pk),
                "message": "Thank you for your time.",
                "expires_in_days": "14",
            },
            to=webs[1],
        )
        assert status == 302, page[-2000:]
        routed = Routing.objects.get(feedback_request=to_route)

        expected = Counter(
            {
                (web_recruiter.email, "new_request"): 1,
                (asker.email, "request_received"): 1,
                (manager.email, "manager_request"): 1,
                **{(routing.hiring_manager.email, "manager_reminder"): 1 for routing in reminded},
                (expiry_owner.email, "routing_expired"): len(expired),
                (expiry_owner.email, "recruiter_digest"): 1,
                (untriaged.owner.email, "recruiter_digest"): 1,
                (lost.to_email, "request_received"): 1,
                (dropped.to_email, "new_request"): 1,
            }
        )

        def all_sent() -> bool:
            rows = OutboundEmail.objects.values_list("to_email", "kind", "state")
            return Counter((to, kind) for to, kind, _ in rows) == expected and all(
                state == OutboundEmail.State.SENT for *_, state in rows
            )

        unsent = OutboundEmail.objects.exclude(state=OutboundEmail.State.SENT)
        # Generous caps: CI runs this beside a browser test on two cores; a pass takes 40 to 70 s.
        assert wait_until(all_sent, timeout=180, every=1, processes=procs), (
            f"still not sent: {list(unsent.values('to_email', 'kind', 'state'))}{fleet.died()}"
        )
        # Then each beat sends every sweep a few more times: a second send would show now.
        sent_by = [sweeps_sent(fleet.log(f"beat{n}")) for n in (1, 2)]

        def rounds_since() -> int:
            now_sent = [sweeps_sent(fleet.log(f"beat{n}")) for n in (1, 2)]
            return min(now[sweep] - then[sweep] for then, now in zip(sent_by, now_sent) for sweep in SWEEPS)

        more = wait_until(lambda: rounds_since() >= ROUNDS_AFTER, timeout=120, every=1, processes=procs)
        assert more, f"the beats stopped sending sweeps{fleet.died()}"
        assert not fleet.died(), fleet.died()
    finally:
        fleet.stop()
    elapsed = time.monotonic() - started

    # Every e-mail arrived once: each row sent, and the sink holds exactly the rows' (recipient,
    # subject) pairs, as many of each as there are rows — one more would be a second send.
    # (A long subject comes folded over two header lines; a mail program reads it as one.)
    arrived = Counter((m["To"], " ".join(m["Subject"].split())) for m in smtp_sink.messages)
    rows = OutboundEmail.objects.all()
    assert arrived == Counter((row.to_email, row.subject) for row in rows), arrived
    assert len(smtp_sink.messages) == sum(expected.values()) == rows.count()
    assert all(row.state == OutboundEmail.State.SENT for row in rows)

    # What the sweeps did, once each, though two beats asked for each sweep many times.
    beats = [sweeps_sent(fleet.log(f"beat{n}")) for n in (1, 2)]
    for beat in beats:
        assert min(beat[sweep] for sweep in SWEEPS) >= ROUNDS_AFTER, beat
    assert Counter(Reminder.objects.values_list("routing", flat=True)) == {r.pk: 1 for r in reminded}
    events = Event.objects.values_list("feedback_request", flat=True)
    reminder_events = Counter(events.filter(kind=Event.Kind.REMINDED))
    assert reminder_events == {r.feedback_request_id: 1 for r in reminded}
    assert Counter(events.filter(kind=Event.Kind.EXPIRED)) == {r.feedback_request_id: 1 for r in expired}
    assert RecruiterDigest.objects.count() == 2
    stale.refresh_from_db()
    assert stale.state == FeedbackRequest.State.CLOSED
    assert Event.objects.filter(feedback_request=stale).count() == 1
    assert routed.hiring_manager == manager
    assert FeedbackRequest.objects.filter(application=application).count() == 1

    # No process logged an error: no task raised, no e-mail failed, no page broke.
    for name in fleet.processes:
        trouble = [line for line in fleet.log(name).splitlines() if TROUBLE.search(line)]
        assert not trouble, f"{name} logged:\n" + "\n".join(trouble[:20])
    # Each web process served part of what the candidate and the recruiter did.
    for n in (1, 2):
        assert "POST /" in fleet.log(f"web{n}")
    print(f"scale-out run: {elapsed:.1f} s with the processes up")


def _free_ports(count: int, *, taken: int) -> list[int]:
    """`count` TCP ports on 127.0.0.1 that nothing listens on, other than `taken`."""
    ports: set[int] = set()
    while len(ports) < count:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            ports.add(sock.getsockname()[1])
        ports.discard(taken)
    return sorted(ports)
