"""Where a page's time goes: the plans of its queries by index, and a profile of the page.

Used by benchmarks/http_bench.py (`--explain`, `--profile`) on the data it seeded. Each page
is loaded in-process through Django's test client, signed in as the bench's recruiter (the
admin for the admin's page), with the same settings as the served portal.
"""

import cProfile
import io
import pstats
import re
import time
from collections import defaultdict
from pathlib import Path

ADMIN_PAGES = {"admin"}
SCAN = re.compile(r"(Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)")


def client_for(key: str):
    from django.test import Client

    from feedback_portal.models import User

    email = "bench-admin@agency.test" if key in ADMIN_PAGES else "recruiter0@agency.test"
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=email))
    return client


# Views of the queue the benchmark does not time, each reading an index of its own; and the
# default view with its counts read afresh (a request moved a moment ago).
MORE_VIEWS = {
    "queue (search of everything)": "/dashboard/?view=all&q={term}",
    "queue (mine)": "/dashboard/?owner=mine",
    "queue (open)": "/dashboard/?view=open",
    "queue (by client)": "/dashboard/?view=all&sort=client",
    "queue (follow-ups)": "/dashboard/?view=follow_ups",
    "queue (counts read afresh)": "/dashboard/",
}


def page_queries(key: str, url: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from requests_app import queue_kept

    client = client_for(key)
    client.get(url)  # once to fill caches, as a page in steady use has them
    if "afresh" in key:
        queue_kept.forget_counts()
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    assert status == 200, (url, status)
    return [q["sql"] for q in ctx.captured_queries]


def digest_queries(now) -> list[str]:
    """What a recruiter's digest e-mail reads as it is sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from feedback_portal.models import User
    from requests_app.digest import digest_for

    recruiter = User.objects.get(email="recruiter0@agency.test")
    with CaptureQueriesContext(connection) as ctx:
        digest_for(recruiter, now=now)
    return [q["sql"] for q in ctx.captured_queries]


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cur.fetchall()]


def shape(sql: str) -> str:
    """The query with its values taken out: a sweep runs the same one for each row."""
    sql = re.sub(r"'[^']*'", "?", sql)
    return re.sub(r"\b\d+\b", "?", sql)


def short(sql: str, width: int = 240) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def indexes() -> list[tuple[str, str, str]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            " AND (tablename LIKE 'requests\\_app\\_%%' OR tablename LIKE 'candidates\\_%%'"
            " OR tablename LIKE 'feedback\\_portal\\_%%')"
            " ORDER BY tablename, indexname"
        )
        return cur.fetchall()


def execution_ms(plan: list[str]) -> float:
    line = next((x for x in plan if x.startswith("Execution Time")), "Execution Time: 0 ms")
    return float(line.split(":")[1].split()[0])


def write(path: Path, urls: dict[str, str], now) -> Path:
    """EXPLAIN ANALYZE of every read the pages and sweeps make, grouped by the index each uses."""
    import bench_data
    import sweeps

    term = bench_data.searched_surname()[:5].lower()
    urls = {**urls, **{key: url.format(term=term) for key, url in MORE_VIEWS.items()}}
    sources: dict[str, list[str]] = {
        key: page_queries(key, url) for key, url in urls.items() if key not in ("ceiling", "static")
    }
    sources.update({f"sweep: {name}": sqls for name, sqls in sweeps.capture_sweep_queries(now).items()})
    sources["a recruiter's digest"] = digest_queries(now)

    plans = {}  # shape → (first sql, plan, who runs it)
    for who, sqls in sources.items():
        for sql in sqls:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue  # EXPLAIN ANALYZE would carry out a write
            if "bench_due" in sql:
                continue  # the benchmark's own choice of due rows (sweeps.Stage), gone by now
            key = shape(sql)
            if key not in plans:
                plans[key] = (sql, explain(sql), [])
            if who not in plans[key][2]:
                plans[key][2].append(who)

    by_index = defaultdict(list)
    seq_scans = []
    for sql, plan, who in plans.values():
        for line in plan:
            for _, name in SCAN.findall(line):
                if (sql, plan, who) not in by_index[name]:
                    by_index[name].append((sql, plan, who))
            found = re.search(r"Seq Scan on (\w+).*actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)", line)
            if found and int(found.group(2)) * int(found.group(3)) > 5000:
                seq_scans.append((found.group(1), int(found.group(2)), sql, plan, who))

    out = io.StringIO()
    out.write("# The portal's indexes, and the queries they serve\n\n")
    for table, name, definition in indexes():
        users = by_index.get(name, [])
        out.write(f"## `{name}` ({table})\n\n`{definition}`\n\n")
        if not users:
            out.write("Not used by the measured pages or sweeps.\n\n")
            continue
        for sql, _, who in users:
            out.write(f"- {', '.join(who)}: `{short(sql, 160)}`\n")
        sql, plan, who = max(users, key=lambda u: execution_ms(u[1]))
        out.write(f"\nThe slowest of them ({', '.join(who)}):\n\n```\n{short(sql, 2000)}\n\n")
        out.write("\n".join(plan) + "\n```\n\n")
    out.write("# Reads of more than 5,000 rows without an index\n\n")
    for table, rows, sql, plan, who in seq_scans:
        out.write(f"## {table}: {rows:,} rows ({', '.join(who)})\n\n```\n{short(sql, 2000)}\n\n")
        out.write("\n".join(plan) + "\n```\n\n")
    out.write("# Every read, slowest first\n\n")
    for sql, plan, who in sorted(plans.values(), key=lambda p: -execution_ms(p[1])):
        out.write(f"- {execution_ms(plan):8.2f} ms  {', '.join(who)}: `{short(sql, 200)}`\n")
    path.write_text(out.getvalue())
    return path


def profile(path: Path, urls: dict[str, str], requests: int = 20) -> Path:
    """cProfile of each page over `requests` loads: the functions that take the time, and the SQL's share."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = io.StringIO()
    for key, url in urls.items():
        client = client_for(key)
        client.get(url)
        profiler = cProfile.Profile()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            profiler.enable()
            for _ in range(requests):
                client.get(url)
            profiler.disable()
        total = time.perf_counter() - start
        in_sql = sum(float(q["time"]) for q in ctx.captured_queries)
        queries = len(ctx.captured_queries) // requests
        out.write(
            f"=== {key} {url}: {total / requests * 1000:.1f} ms a load, {queries} queries,"
            f" {in_sql / requests * 1000:.1f} ms of them waiting for PostgreSQL ===\n"
        )
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
        stats.print_stats(30)
    path.write_text(out.getvalue())
    return path
