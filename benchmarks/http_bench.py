"""`make bench`: the recruiters' pages measured through HTTP, as a user meets them, against budgets.

Two sizes side by side, 10,000 and 100,000 feedback requests: the same agency (12 recruiters,
60 clients, 1,600 open requests), one with ten times the history. For each size it

1. seeds a PostgreSQL database of its own (benchmarks/bench_data.py; created if missing,
   migrated, emptied and filled; BENCH_DATABASE_URL's name with `_10k` or `_100k` added),
   then runs `manage.py rollup_analytics --all`;
2. serves the portal with gunicorn (2 sync workers, DEBUG off, production settings but plain
   HTTP) on a free port, with Redis database numbers and a cache prefix of its own;
3. signs in through the sign-in form as a recruiter and as an agency admin.

Then it loads each page with wrk from a second process in interleaved rounds (each page at
both sizes back to back, the sizes taking turns to go first; every page once, then every page
again…), keeps the median requests per second of each page, and times each of beat's sweeps
in-process on the same ~1,000 due rows, the sizes again taking turns (benchmarks/sweeps.py).
A busier minute on a shared machine so falls on both sizes alike.

It prints a table, checks the budgets (each a ratio within one run, so they hold on any
machine) and writes benchmarks/results.json. `--explain` adds, at the largest size, the
EXPLAIN ANALYZE of every query the pages and sweeps run, by index (var/bench/explain.md);
`--profile` a cProfile summary of each page short of a budget (var/bench/profile.txt).

Needs PostgreSQL and Redis as `make test` uses them, and wrk (Debian package `wrk`).
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_http_bench,
its name must contain "bench"), REDIS_URL (default redis://127.0.0.1:6379),
BENCH_REDIS_BROKER_DB / BENCH_REDIS_CACHE_DB (default 14 / 15: they must hold nothing but
this benchmark's keys). Options: `--help`.
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

import bench_data  # noqa: E402  (beside this file)
import sweeps  # noqa: E402
from environment import (  # noqa: E402
    VAR_DIR,
    bench_env,
    check_redis,
    forget_redis,
    machine,
    size_env,
    use,
    working_moment,
)
from report import LABELS, PAGES, PAGES_DEEP, budgets, table  # noqa: E402
from serving import PASSWORD, Server, Visitor, has_field, next_link  # noqa: E402

RECRUITER_EMAIL = "recruiter0@agency.test"  # made by bench_data.fill, owns requests
ADMIN_EMAIL = "bench-admin@agency.test"
# The live workload, the same at every size: about a thousand requests wait for a recruiter
# (new, answered or expired) and the rest of the open ones for a hiring manager.
OPEN_REQUESTS = 1600
# The agency's clients, the same at every size: the clients page and analytics list them all.
CLIENTS = 60
RESULTS = BASE_DIR / "benchmarks" / "results.json"


def log(*args) -> None:
    print(*args, flush=True)


# --- Seeding --------------------------------------------------------------------------------


def seed(size: int, now: datetime) -> dict:
    """Fill the database; the recruiter and the admin sign in with PASSWORD. Returns what was made."""
    from allauth.account.models import EmailAddress
    from django.core.management import call_command, get_commands
    from django.db import connection

    from feedback_portal.models import PortalSettings, User

    start = time.perf_counter()
    # The recruiter and the admin sign in with a password alone: the bench measures pages, not a
    # second factor, which a fresh install without DEBUG would require of them.
    PortalSettings.objects.update_or_create(pk=1, defaults={"require_mfa": False})
    recruiter = bench_data.fill(size, now=now, open_requests=OPEN_REQUESTS, clients=CLIENTS)
    admin = User.objects.create(
        email=ADMIN_EMAIL, name="Bench Admin", role=User.Role.ADMIN, is_staff=True, is_superuser=True
    )
    for user in (recruiter, admin):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    with connection.cursor() as cur:
        cur.execute("TRUNCATE django_session")
    took = time.perf_counter() - start
    notes = []
    if "rollup_analytics" in get_commands():
        started = time.perf_counter()
        call_command("rollup_analytics", "--all")
        notes.append(f"rollup_analytics --all took {time.perf_counter() - started:.1f} s")
    else:
        notes.append("manage.py rollup_analytics does not exist yet: analytics measured without a roll-up")
    return {"seconds": round(took, 1), "notes": notes, **counts()}


def connection_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


def counts() -> dict:
    from django.db.models import Count

    from candidates.models import Application, Client
    from feedback_portal.models import OutboundEmail, User
    from requests_app.models import Event, FeedbackRequest

    by_state = dict(FeedbackRequest.objects.order_by().values_list("state").annotate(n=Count("*")))
    return {
        "requests": FeedbackRequest.objects.count(),
        "by_state": by_state,
        "waiting_for_a_recruiter": FeedbackRequest.objects.exclude(needs="").count(),
        "applications": Application.objects.count(),
        "clients": Client.objects.count(),
        "recruiters": User.objects.filter(role=User.Role.RECRUITER).count(),
        "candidates": User.objects.filter(role=User.Role.CANDIDATE).count(),
        "events": Event.objects.count(),
        "emails": OutboundEmail.objects.count(),
    }


# --- What to load -------------------------------------------------------------------------


def discover(recruiter: Visitor, admin: Visitor) -> tuple[dict[str, str], dict[str, str]]:
    """Each page's address, checked as the user sees it; and why a page could not be measured."""
    from requests_app.models import FeedbackRequest

    urls, missing = {}, {}
    status, headers, _ = recruiter.get("/")
    if status == 302 and headers.get("Location", "").endswith("/dashboard/"):
        urls["ceiling"] = "/"
    else:
        missing["ceiling"] = f"/ answered {status} {headers.get('Location', '')}, not a redirect to the queue"
    urls["static"] = "/static/css/portal.css"
    status, _, queue = recruiter.get("/dashboard/")
    if status != 200:
        sys.exit(f"The queue answered {status}: nothing to measure.")
    urls["queue"] = "/dashboard/"

    term = bench_data.searched_surname()[:5].lower()
    if has_field(queue, "q"):
        urls["search"] = "/dashboard/?" + urllib.parse.urlencode({"q": term})
    else:
        missing["search"] = "the queue has no search field (q) yet"
    if has_field(queue, "state") and 'value="answered"' in queue:
        urls["filtered"] = "/dashboard/?state=answered"
    elif has_field(queue, "view") and 'value="answered"' in queue:
        # The queue names its state filter `view` (views by state beside "Needs you").
        urls["filtered"] = "/dashboard/?view=answered"
    else:
        missing["filtered"] = "the queue has no state filter offering 'answered' yet"

    # Deep in the longest list the queue offers: its default view holds only what waits for a
    # recruiter (about twenty pages), everything ever asked runs to thousands of pages.
    start = "/dashboard/?view=all" if has_field(queue, "view") and 'value="all"' in queue else "/dashboard/"
    status, _, page = recruiter.get(start)
    url = start
    for depth in range(1, PAGES_DEEP + 1):
        href = next_link(page) if status == 200 else None
        if not href:
            missing["deep"] = f'page {depth} of {start} has no <a rel="next"> link ({status})'
            break
        url = urllib.parse.urljoin(url, href)
        status, _, page = recruiter.get(url)
    else:
        urls["deep"] = url

    answered = FeedbackRequest.objects.filter(state="answered").order_by("pk").first()
    urls["request"] = f"/dashboard/requests/{answered.uuid}/"
    urls["analytics"] = "/dashboard/analytics/"
    urls["clients"] = "/dashboard/clients/"
    urls["applications"] = "/dashboard/applications/"
    urls["admin"] = "/admin/requests_app/feedbackrequest/"

    for key in list(urls):
        if key in ("ceiling",):
            continue
        who = admin if key == "admin" else recruiter
        status, headers, html = who.get(urls[key])
        if status != 200:
            missing[key] = f"{urls[key]} answered {status} {headers.get('Location', '')}"
            del urls[key]
        elif key == "search" and html == queue:
            missing[key] = "the search answered the default view unchanged"
            del urls[key]
    return urls, missing


def search_matches() -> int:
    from requests_app.models import FeedbackRequest

    return FeedbackRequest.objects.filter(
        search_text__contains=bench_data.searched_surname()[:5].lower()
    ).count()


# --- Loading pages with wrk -------------------------------------------------------------------


def wrk(url: str, cookie: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(  # noqa: S603 - our own command line
        [  # noqa: S607 - wrk from the PATH, as apt installs it
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "60s",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "requests": int(done.group(1)) if done else 0,
        "bad": (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0),
    }


def load_pages(servers: dict, rounds: int, seconds: int, connections: int) -> dict[int, dict]:
    """Interleaved rounds: each page at every size back to back, every page once, then again.

    `servers`: size → (server, {page: visitor}, {page: url}). The sizes take turns going first,
    so a slower minute on a shared machine falls on both alike. The median of each page.
    """
    sizes = list(servers)
    for _, visitors, urls in servers.values():
        for key in urls:  # warm each worker's caches and connections before the first round
            for _ in range(4):
                visitors[key].get(urls[key])
    runs = {size: {key: [] for key in servers[size][2]} for size in sizes}
    for r in range(rounds):
        order = sizes if r % 2 == 0 else sizes[::-1]
        for key, *_ in PAGES:
            for size in order:
                server, visitors, urls = servers[size]
                if key in urls:
                    runs[size][key].append(
                        wrk(server.base + urls[key], visitors[key].cookie, seconds, connections)
                    )
        for size in sizes:
            done = ", ".join(f"{key} {runs[size][key][-1]['rps']:.0f}" for key in runs[size])
            log(f"    round {r + 1}/{rounds} at {size:,}: {done}")
    return {
        size: {
            key: {
                "url": servers[size][2][key],
                "rps": round(statistics.median(run["rps"] for run in each), 1),
                "rps_each_round": [run["rps"] for run in each],
                "requests": sum(run["requests"] for run in each),
                "bad_responses": sum(run["bad"] for run in each),
            }
            for key, each in runs[size].items()
        }
        for size in sizes
    }


def diagnose(args, pages: dict, results_budgets: list[dict], now: datetime, big: int) -> None:
    """--explain and --profile, in-process on the largest size's data."""
    import explain

    urls = {key: page["url"] for key, page in pages.items()}
    if args.explain:
        path = explain.write(VAR_DIR / "explain.md", urls, now)
        log(f"\nEXPLAIN ANALYZE by index at {big:,}: {path}")
    if args.profile:
        failed = " ".join(item["name"] for item in results_budgets if item["pass"] is False)
        short = [key for key, *_ in PAGES if key in urls and LABELS[key] in failed]
        path = explain.profile(VAR_DIR / "profile.txt", {key: urls[key] for key in short or ["queue"]})
        log(f"Profiles at {big:,}: {path}")


# --- Main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of every page (default 5)")
    parser.add_argument(
        "--seconds", type=int, default=3, help="seconds of wrk per page and round (default 3)"
    )
    parser.add_argument("--connections", type=int, default=2, help="wrk connections, one thread (default 2)")
    parser.add_argument("--sweep-repeats", type=int, default=3, help="timings of each sweep (default 3)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE by index at the largest size")
    parser.add_argument("--profile", action="store_true", help="cProfile each page short of a budget")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    started = time.perf_counter()

    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (make bench installs it).")
    env = bench_env()
    check_redis(env)
    envs = {size: size_env(env, size) for size in sizes}
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)  # whitenoise serves the manifest's files
    now, info = None, None
    runs, notes, servers, started_servers = {}, [], {}, []
    try:
        forget_redis(env)
        for size in sizes:
            bench_data.bench_database_url(envs[size]["DATABASE_URL"])
            bench_data.create_database_if_missing(envs[size]["DATABASE_URL"])
            use(envs[size])
            call_command("migrate", verbosity=0)
            if now is None:
                now = working_moment()
                info = machine(env)
                log(
                    f"{info['cpu']} ({info['cores']} cores, {info['memory_gib']} GiB); PostgreSQL "
                    f"{info['postgresql']}, Redis {info['redis']}; sweeps as of {now:%a %d %b %Y %H:%M %Z}"
                )
                log(f"wrk: {args.rounds} rounds × {args.seconds} s per page and size, {args.connections} "
                    "connections, 1 thread; gunicorn: 2 sync workers per size")  # fmt: skip
            log(f"\n{size:,} requests: seeding {connection_name()}…")
            seeded = seed(size, now)
            notes += [n for n in seeded["notes"] if n not in notes]
            waiting = seeded["waiting_for_a_recruiter"]
            log(
                f"  seeded in {seeded['seconds']} s, {waiting} waiting for a recruiter; "
                + "; ".join(seeded["notes"])
            )
            runs[str(size)] = {
                "database": connection_name(),
                "seeded": seeded,
                "search_term": bench_data.searched_surname()[:5].lower(),
                "search_matches": search_matches(),
            }

        log("\nServing each size with gunicorn; signing in through the form…")
        for size in sizes:
            use(envs[size])
            server = Server(envs[size], f"{size // 1000}k")
            started_servers.append(server)
            recruiter, admin = Visitor(server.base, RECRUITER_EMAIL), Visitor(server.base, ADMIN_EMAIL)
            urls, missing = discover(recruiter, admin)
            for key, why in missing.items():
                log(f"  cannot measure {LABELS[key]} at {size:,}: {why}")
            visitors = {key: admin if kind == "reference" else recruiter for key, _, _, kind in PAGES}
            servers[size] = (server, visitors, urls)
            runs[str(size)]["missing"] = missing
        pages = load_pages(servers, args.rounds, args.seconds, args.connections)
        for server in started_servers:
            server.stop()
        for size in sizes:
            runs[str(size)]["pages"] = pages[size]

        log("\nSweeps, the sizes taking turns:")
        timed = sweeps.time_sweeps(now, {size: lambda size=size: use(envs[size]) for size in sizes},
                                   repeats=args.sweep_repeats, log=log)  # fmt: skip
        for size in sizes:
            runs[str(size)]["sweeps"] = timed[size]
        small, big = sizes[0], sizes[-1]
        results_budgets = budgets(runs, small, big)
    finally:
        for server in started_servers:
            server.stop()
        forget_redis(env)

    took = time.perf_counter() - started
    log("\n" + table(runs, sizes, results_budgets))
    log(f"\nmake bench took {took / 60:.1f} minutes")
    result = {
        "budgets": results_budgets,
        "runs": runs,
        "machine": info,
        "method": {
            "sizes": sizes,
            "open_requests": OPEN_REQUESTS,
            "clients": CLIENTS,
            "wrk": {
                "rounds": args.rounds,
                "seconds": args.seconds,
                "connections": args.connections,
                "threads": 1,
            },
            "gunicorn": {"workers": 2, "worker_class": "sync", "servers": "one per size, loaded in turn"},
            "sweep_repeats": args.sweep_repeats,
            "sweeps_now": now.isoformat(),
            "ceiling": "GET / signed in as a recruiter: every middleware, the session and the user, then a "
            "redirect to the queue; no template. /healthz checks services, the static file skips Django.",
        },
        "notes": notes,
        "took_seconds": round(took),
        "finished_at": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    log(f"Wrote {args.out}")
    # Diagnostics come after the figures are written: a failure here loses no measurement.
    if args.explain or args.profile:
        use(envs[big])
        try:
            diagnose(args, runs[str(big)]["pages"], results_budgets, now, big)
        except Exception as error:  # reported; the figures stand
            log(f"--explain/--profile failed: {error!r}")
    if any(item["pass"] is False for item in results_budgets):
        sys.exit("Some budgets are short: see SHORT above.")


if __name__ == "__main__":
    main()
