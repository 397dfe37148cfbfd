"""How the recruiter dashboard scales: 1,000 versus 100,000 feedback requests.

Run from the repository root, against PostgreSQL, in a database of the benchmark's own
(it is emptied and refilled; created if missing, then migrated):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python benchmarks/dashboard.py

Options: ``--runs N`` timed runs per page (median reported, default 15),
``--sizes 1000,100000``. About two minutes on two cores, most of it creating the rows.

For each size it bulk-creates recruiters, clients, hiring managers, candidates,
applications and requests in every state (created over two years, open ones recent) with
their routings, responses and timelines, then times the dashboard through Django's test
client as a signed-in recruiter: the default view, each state filter and a bad filter value.
It prints per page the median time at each size and their ratio, the list query's own time
(also at equal row counts, since a small portal lists fewer rows), and the query count.
At the largest size it prints EXPLAIN ANALYZE of the default view's list query and of the
counts, each state filter's scans, and the scans of the candidate's /applications/ and
request pages and the recruiter's request page. Compare ratios within one run; absolute
times depend on the machine.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench_data import bench_database_url, create_database_if_missing, fill, setup_django  # noqa: E402


def dashboard_urls() -> list[str]:
    from requests_app.models import FeedbackRequest

    states = [*FeedbackRequest.State.values, "bogus"]  # a bad value must not cost more
    return ["/dashboard/"] + [f"/dashboard/?state={s}" for s in states]


def median_ms(run, runs: int) -> float:
    """Median milliseconds of run(), after two warm-up calls."""
    for _ in range(2):
        run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def queries_of(client, url: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


def run_sql(sql: str) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def list_query(sqls: list[str]) -> str:
    return next(sql for sql in sqls if "requests_app_feedbackrequest" in sql and "LIMIT" in sql)


def counts_query(sqls: list[str]) -> str:
    return next(sql for sql in sqls if "COUNT(" in sql)


def explain(sql: str) -> list[str]:
    return [row[0] for row in run_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")]


def plan_summary(plan: list[str]) -> str:
    """The execution time and every scan, on one line."""
    scans = []
    for line in plan:
        text = line.strip().removeprefix("->").strip()
        if any(kind in text for kind in ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan")):
            scan = text.split("  (")[0]
            if "Seq Scan" in scan:  # fine on a small table: say how small
                scan += f" ({text.rsplit('rows=', 1)[-1].split()[0]} rows)"
            if scan not in scans:
                scans.append(scan)
    total = next((line for line in plan if line.startswith("Execution Time")), "")
    return f"{total.removeprefix('Execution Time: ')}; " + "; ".join(scans)


def short(sql: str, width: int = 100) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def measure(client, runs: int, smaller: dict | None = None) -> dict[str, dict]:
    """Per dashboard page: its median time, its queries, and its list query's own time.

    With the smaller size's results, the list query is also timed at the smaller size's row
    count (its LIMIT lowered), so the two sizes compare the same work on more data.
    """
    results = {}
    for page in dashboard_urls():
        sqls = queries_of(client, page)
        listing = list_query(sqls)
        r = results[page] = {
            "page": median_ms(lambda page=page: client.get(page), runs),
            "queries": len(sqls),
            "rows": len(run_sql(listing)),
            "list": median_ms(lambda listing=listing: run_sql(listing), runs),
        }
        if smaller:
            same = listing.replace(" LIMIT 200", f" LIMIT {smaller[page]['rows']}")
            r["list_same_rows"] = median_ms(lambda same=same: run_sql(same), runs)
        print(f"  {page:<36} {r['page']:6.1f} ms  {r['queries']} queries, list SQL {r['list']:5.2f} ms")
    sqls = queries_of(client, "/dashboard/")
    results["counts"] = median_ms(lambda: run_sql(counts_query(sqls)), runs)
    print(f"  {'counts per state':<36} SQL {results['counts']:5.2f} ms")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="1000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    url = bench_database_url()
    create_database_if_missing(url)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from feedback_portal.models import User
    from requests_app.models import FeedbackRequest

    call_command("migrate", verbosity=0)
    print(f"PostgreSQL {connection.pg_version // 10000}, database {connection.settings_dict['NAME']}")
    results = {}
    for size in sizes:
        start = time.perf_counter()
        recruiter = fill(size)
        took = time.perf_counter() - start
        print(f"\n{size:,} requests created in {took:.1f} s; median of {args.runs} runs:")
        client = Client()
        client.force_login(recruiter)
        results[size] = measure(client, args.runs, results[sizes[0]] if size != sizes[0] else None)

    small, big = sizes[0], sizes[-1]
    a, b = f"{small:,}", f"{big:,}"
    print(f"\nDashboard, median ms at {a} and {b} requests. Rows: what the page lists;")
    print(f"the list query is also timed at {b} with the rows of {a} (same rows).")
    print(
        f"  {'page':<36} {a:>7} {b:>7} ratio | list SQL {a:>7} {b:>7} ratio | same rows ratio"
        " | rows      queries"
    )
    for page in dashboard_urls():
        s, g = results[small][page], results[big][page]
        queries = str(g["queries"]) if s["queries"] == g["queries"] else f"{s['queries']}→{g['queries']}"
        same = g.get("list_same_rows", g["list"])
        print(
            f"  {page:<36} {s['page']:7.1f} {g['page']:7.1f} {g['page'] / s['page']:5.2f} |"
            f" {'':8} {s['list']:7.2f} {g['list']:7.2f} {g['list'] / s['list']:5.2f} |"
            f" {same:9.2f} {same / s['list']:5.2f} | {s['rows']:>3}→{g['rows']:<5} {queries}"
        )
    s, g = results[small]["counts"], results[big]["counts"]
    print(f"  {'counts per state':<36} {'':21} | {'SQL':>8} {s:7.2f} {g:7.2f} {g / s:5.2f} |")

    # The data of the largest size is still in place: read the plans of what the pages ran.
    recruiter = User.objects.get(email="recruiter0@agency.test")
    client = Client()
    client.force_login(recruiter)
    sqls = queries_of(client, "/dashboard/")
    print(f"\nEXPLAIN ANALYZE at {b}: the default view's list query")
    print("\n".join(f"    {line}" for line in explain(list_query(sqls))))
    print("\nThe counts per state")
    print("\n".join(f"    {line}" for line in explain(counts_query(sqls))))
    print("\nEach state filter's list query:")
    for page in dashboard_urls()[1:]:
        print(f"  {page:<36} {plan_summary(explain(list_query(queries_of(client, page))))}")

    # The candidate's pages, for the candidate with the most requests, and one request's pages.
    busiest = FeedbackRequest.objects.values("candidate").annotate(n=Count("pk")).order_by("-n")[0]
    fr = FeedbackRequest.objects.select_related("candidate").filter(candidate=busiest["candidate"]).first()
    visits = [
        ("candidate", fr.candidate, "/applications/"),
        ("candidate", fr.candidate, f"/requests/{fr.uuid}/"),
        ("recruiter", recruiter, f"/dashboard/requests/{fr.uuid}/"),
    ]
    print(f"\nOther pages at {b}, each query's time and scans:")
    for who, user, page in visits:
        client = Client()
        client.force_login(user)
        print(f"  {who} {page}")
        for sql in queries_of(client, page):
            print(f"    {short(sql, 90)}\n      {plan_summary(explain(sql))}")


if __name__ == "__main__":
    main()
