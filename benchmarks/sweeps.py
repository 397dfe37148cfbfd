"""Beat's sweeps, timed in-process with the same ~1,000 due rows at every size.

The data from bench_data.fill is as if every sweep had just run at `now`: nothing is due.
Before each timing, `arrange` makes the same number of requests due for that sweep (closed
requests, chosen by id, are turned into what the sweep looks for); after it, `restore` puts
every row those requests own back as it was and deletes what the sweep added, so each timing
does the same work. Used by benchmarks/http_bench.py.
"""

import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

DUE = 1000
SLOW = 15  # seconds: a sweep that took this long is not timed again

# Rows the chosen requests own, by table: snapshotted once, restored after every timing.
OWNED = {
    "requests_app_feedbackrequest": "id IN (SELECT id FROM bench_due)",
    "candidates_application": "id IN (SELECT application_id FROM requests_app_feedbackrequest"
    " WHERE id IN (SELECT id FROM bench_due))",
    "requests_app_routing": "feedback_request_id IN (SELECT id FROM bench_due)",
    "requests_app_feedbackresponse": "feedback_request_id IN (SELECT id FROM bench_due)",
    "requests_app_areaanswer": "response_id IN (SELECT id FROM requests_app_feedbackresponse"
    " WHERE feedback_request_id IN (SELECT id FROM bench_due))",
    "requests_app_releasedversion": "response_id IN (SELECT id FROM requests_app_feedbackresponse"
    " WHERE feedback_request_id IN (SELECT id FROM bench_due))",
    "requests_app_followup": "feedback_request_id IN (SELECT id FROM bench_due)",
    "requests_app_event": "feedback_request_id IN (SELECT id FROM bench_due)",
    "feedback_portal_outboundemail": "about_id IN (SELECT id FROM bench_due)"
    " OR about_id IN (SELECT id FROM requests_app_routing"
    " WHERE feedback_request_id IN (SELECT id FROM bench_due))"
    " OR about_id IN (SELECT application_id FROM requests_app_feedbackrequest"
    " WHERE id IN (SELECT id FROM bench_due))",
}
# Tables the sweeps add rows to: what is newer than before the timing is deleted.
ADDED_TO = [
    "requests_app_event",
    "feedback_portal_outboundemail",
    "requests_app_reminder",
    "requests_app_recruiterdigest",
    "requests_app_linktoken",
    "requests_app_bulkrun",
]
BULK = 500  # requests ticked in the queue for one bulk action


def sql(statement: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchall() if cur.description else []


def columns(table: str) -> list[str]:
    rows = sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id'"
        " ORDER BY ordinal_position",
        [table],
    )
    return [name for (name,) in rows]


class Stage:
    """The chosen requests and a snapshot of every row they own, for as long as the data lasts."""

    def __init__(self, now: datetime, size: int = DUE):
        self.now = now
        sql("DROP TABLE IF EXISTS bench_due")
        # Closed requests without a follow-up question: they have a routing and a response.
        sql(
            "CREATE TABLE bench_due AS SELECT fr.id FROM requests_app_feedbackrequest fr"
            " WHERE fr.state = 'closed' AND fr.anonymised_at IS NULL AND NOT fr.legal_hold"
            " AND NOT EXISTS (SELECT 1 FROM requests_app_followup f WHERE f.feedback_request_id = fr.id)"
            " ORDER BY fr.id LIMIT %s",
            [size],
        )
        for table, where in OWNED.items():
            sql(f'DROP TABLE IF EXISTS "bench_snap_{table}"')
            sql(f'CREATE TABLE "bench_snap_{table}" AS SELECT * FROM "{table}" WHERE {where}')  # noqa: S608
        self.tops = {}

    def mark(self) -> None:
        """Remember the newest row of each table the sweeps add to."""
        newest = 'SELECT COALESCE(MAX(id), 0) FROM "{}"'
        self.tops = {table: sql(newest.format(table))[0][0] for table in ADDED_TO}

    def clear_added(self) -> None:
        """Delete what the sweeps added since `mark`."""
        for table, top in self.tops.items():
            sql(f'DELETE FROM "{table}" WHERE id > %s', [top])  # noqa: S608 - the module's own table names

    def restore(self) -> None:
        from django.db import connection

        self.clear_added()
        for table in OWNED:
            names = columns(table)
            targets = ", ".join(f'"{c}"' for c in names)
            sources = ", ".join(f's."{c}"' for c in names)
            back = f'UPDATE "{table}" t SET ({targets}) = ({sources}) FROM "bench_snap_{table}" s'  # noqa: S608
            sql(back + " WHERE t.id = s.id")
        # The timings leave dead row versions behind: clear them, as autovacuum would between runs.
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE " + ", ".join(f'"{t}"' for t in [*OWNED, *ADDED_TO]))

    def drop(self) -> None:
        for table in OWNED:
            sql(f'DROP TABLE IF EXISTS "bench_snap_{table}"')
        sql("DROP TABLE IF EXISTS bench_due")


# --- Each sweep: how to make its rows due, how to count them, how to run it ------------------


def _awaiting(now: datetime, routed: datetime, expires: datetime) -> None:
    sql(
        "UPDATE requests_app_feedbackrequest SET state = 'awaiting_manager', state_changed_at = %s,"
        " needs = '', waiting_since = NULL WHERE id IN (SELECT id FROM bench_due)",
        [routed],
    )
    sql(
        "UPDATE requests_app_routing SET routed_at = %s, expires_at = %s, revoked_at = NULL,"
        " reminders_sent = 0 WHERE feedback_request_id IN (SELECT id FROM bench_due)",
        [routed, expires],
    )


def arrange_expire(now):
    """Awaiting a hiring manager whose link ran out an hour ago."""
    _awaiting(now, now - timedelta(days=15), now - timedelta(hours=1))


def due_expire(now) -> int:
    from requests_app.models import FeedbackRequest, Routing

    return Routing.objects.filter(
        revoked_at__isnull=True,
        expires_at__lte=now,
        feedback_request__state=FeedbackRequest.State.AWAITING_MANAGER,
    ).count()


def arrange_remind(now):
    """Routed three and a half days ago, no reminder yet: the first one is due."""
    _awaiting(now, now - timedelta(days=3, hours=12), now + timedelta(days=10))


def due_remind(now) -> int:
    from feedback_portal.models import PortalSettings
    from requests_app.models import FeedbackRequest, Routing
    from requests_app.reminders import due_step

    days = PortalSettings.load().reminder_day_list()
    live = Routing.objects.live(now).filter(feedback_request__state=FeedbackRequest.State.AWAITING_MANAGER)
    return sum(due_step(r, days, now) > r.reminders_sent for r in live.only("routed_at", "reminders_sent"))


def arrange_digest(now):
    """Nothing to arrange: the digests list the open work, the same at every size."""


def due_digest(now) -> int:
    """What the digests list: requests new, answered or expired, and open follow-up questions."""
    from requests_app.models import FeedbackRequest, FollowUp

    S = FeedbackRequest.State
    return (
        FeedbackRequest.objects.filter(state__in=[S.SUBMITTED, S.ANSWERED, S.EXPIRED]).count()
        + FollowUp.objects.open().count()
    )


def arrange_close(now):
    """Released 31 days ago and never acknowledged."""
    sql(
        "UPDATE requests_app_feedbackrequest SET state = 'released', state_changed_at = %s, needs = '',"
        " waiting_since = NULL WHERE id IN (SELECT id FROM bench_due)",
        [now - timedelta(days=31)],
    )


def due_close(now) -> int:
    from feedback_portal.models import PortalSettings
    from requests_app.models import FeedbackRequest

    cutoff = now - timedelta(days=PortalSettings.load().close_released_after_days)
    return FeedbackRequest.objects.filter(
        state=FeedbackRequest.State.RELEASED, state_changed_at__lte=cutoff
    ).count()


def arrange_anonymise(now):
    """Closed a day longer ago than the retention period."""
    from feedback_portal.models import PortalSettings
    from requests_app.retention import retention_cutoff

    cutoff = retention_cutoff(now, PortalSettings.load().retention_months)
    sql(
        "UPDATE requests_app_feedbackrequest SET state_changed_at = %s"
        " WHERE id IN (SELECT id FROM bench_due)",
        [cutoff - timedelta(days=1)],
    )


def due_anonymise(now) -> int:
    from feedback_portal.models import PortalSettings
    from requests_app.models import FeedbackRequest
    from requests_app.retention import retention_cutoff

    cutoff = retention_cutoff(now, PortalSettings.load().retention_months)
    return FeedbackRequest.objects.due_for_anonymising(cutoff).count()


def run_expire(now):
    from requests_app import services

    return services.expire_due_routings(now=now)


def run_remind(now):
    from requests_app import reminders

    return reminders.send_due_reminders(now=now)


def run_digest(now):
    from requests_app import reminders

    return reminders.send_recruiter_digests(now=now)


def run_close(now):
    from requests_app import services

    return services.close_stale_releases(now=now)


def run_anonymise(now):
    from requests_app import retention

    return retention.anonymise_due_requests(now=now)


def arrange_bulk(now):
    """Awaiting a hiring manager, routed two days ago, the link working for ten more."""
    _awaiting(now, now - timedelta(days=2), now + timedelta(days=10))


def due_bulk(now) -> int:
    return len(_bulk_chosen())


def _bulk_chosen() -> list:
    from requests_app.models import FeedbackRequest

    ids = [i for (i,) in sql("SELECT id FROM bench_due ORDER BY id LIMIT %s", [BULK])]
    found = FeedbackRequest.objects.filter(id__in=ids, state=FeedbackRequest.State.AWAITING_MANAGER)
    return list(found.select_related("application__client"))


def run_bulk_extend(now):
    """What the queue's "Do it" runs for 500 ticked requests: each link extended by 7 days, each
    manager e-mailed, through the same service as the request page's Extend."""
    from feedback_portal.models import User
    from requests_app import services
    from requests_app.models import BulkRun

    actor = User.objects.filter(role=User.Role.ADMIN).order_by("pk").first()
    run = services.run_bulk(
        action=BulkRun.Action.EXTEND, requests=_bulk_chosen(), actor=actor, parameters={"days": 7}
    )
    return sum(entry["done"] for entry in run.results)


@dataclass
class Sweep:
    name: str
    task: str
    arrange: object
    due: object
    run: object
    note: str = ""
    # A sweep that changes nothing but adds rows (the digests) lasts a few dozen milliseconds:
    # one timing is then the median of runs repeated, its additions deleted between them, until
    # they add up to a second, so that a busy moment on the machine does not decide the ratio.
    repeat_within: bool = False


REPEAT_FOR = 1.0  # seconds of runs in one timing of a sweep that is repeated within
REPEAT_AT_MOST = 100


SWEEPS = [
    Sweep("expire routings", "requests_app.tasks.expire_routings", arrange_expire, due_expire, run_expire),
    Sweep(
        "send due reminders", "requests_app.tasks.send_due_reminders", arrange_remind, due_remind, run_remind
    ),
    Sweep(
        "send recruiter digests",
        "requests_app.tasks.send_recruiter_digests",
        arrange_digest,
        due_digest,
        run_digest,
        note="due: the open requests and follow-up questions the 13 digests list; done: digests queued;"
        " each timing the median of runs repeated for a second",
        repeat_within=True,
    ),
    Sweep(
        "close stale releases",
        "requests_app.tasks.close_stale_releases",
        arrange_close,
        due_close,
        run_close,
        note="closes at most 500 a run by design",
    ),
    Sweep(
        "anonymise due requests",
        "requests_app.tasks.anonymise_due_requests",
        arrange_anonymise,
        due_anonymise,
        run_anonymise,
    ),
    Sweep(
        "bulk: extend 500 links",
        "requests_app.views.desk.bulk",
        arrange_bulk,
        due_bulk,
        run_bulk_extend,
        note="not beat's: the queue's bulk action, in the recruiter's request, on 500 ticked requests",
    ),
]


def time_sweeps(now: datetime, sizes: dict, repeats: int = 3, log=print) -> dict:
    """Each sweep up to `repeats` times at every size, on the same due rows: the median seconds,
    what was due and what was done.

    `sizes`: size → a function that points the database connection at that size's. The sizes
    take turns, sweep by sweep, so a busier minute on a shared machine falls on both alike.
    """
    stages = {}
    for size, use in sizes.items():
        use()
        stages[size] = Stage(now)
    results = {size: {} for size in sizes}
    try:
        for sweep in SWEEPS:
            times = {size: [] for size in sizes}
            due = {size: [] for size in sizes}
            done = {size: [] for size in sizes}
            # Up to `repeats` timings; fewer for a slow sweep, so the whole run stays near ten minutes.
            while min(map(len, times.values())) < repeats and all(sum(t) < SLOW for t in times.values()):
                turn = list(sizes.items())
                for size, use in turn if len(times[turn[0][0]]) % 2 == 0 else turn[::-1]:
                    use()
                    stages[size].mark()
                    sweep.arrange(now)
                    due[size].append(sweep.due(now))
                    seconds, result = _timed(sweep, now, stages[size])
                    done[size].append(result)
                    times[size].append(seconds)
                    stages[size].restore()
            for size in sizes:
                note = sweep.note
                if len(set(due[size])) > 1 or len(set(done[size])) > 1:
                    note += f" (due {due[size]}, done {done[size]}: not the same each time)"
                results[size][sweep.name] = {
                    "task": sweep.task,
                    "seconds": statistics.median(times[size]),
                    "seconds_each": times[size],
                    "due": due[size][0],
                    "done": done[size][0],
                    "note": note,
                }
            each = [
                f"{size:,}: {r['seconds']:.2f} s, due {r['due']}, done {r['done']}"
                for size, r in ((size, results[size][sweep.name]) for size in sizes)
            ]
            log(f"  {sweep.name:<24} " + "; ".join(each))
    finally:
        for size, use in sizes.items():
            use()
            stages[size].drop()
    return results


def _timed(sweep: Sweep, now: datetime, stage: Stage) -> tuple[float, object]:
    """Seconds one run of `sweep` takes, and what it did."""
    each = []
    while True:
        start = time.perf_counter()
        done = sweep.run(now)
        each.append(time.perf_counter() - start)
        if not sweep.repeat_within or sum(each) >= REPEAT_FOR or len(each) >= REPEAT_AT_MOST:
            return statistics.median(each), done
        stage.clear_added()


def capture_sweep_queries(now: datetime, size: int = 20) -> dict[str, list[str]]:
    """The SQL each sweep runs on `size` due rows (for --explain: the same queries as on a
    thousand, without the wait); the data is restored after."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stage = Stage(now, size)
    captured = {}
    try:
        for sweep in SWEEPS:
            stage.mark()
            sweep.arrange(now)
            with CaptureQueriesContext(connection) as ctx:
                sweep.run(now)
            captured[sweep.name] = [q["sql"] for q in ctx.captured_queries]
            stage.restore()
    finally:
        stage.drop()
    return captured
