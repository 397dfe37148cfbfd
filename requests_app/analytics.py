"""The analytics roll-up: recount a month of requests into AnalyticsMonth, a row per client.

A request counts in the month it was asked (in the agency's time zone, PortalSettings.zone),
with what has happened to it since: routed, answered, released, rated useful… A month is
recounted whole from the requests, with a few grouped queries over that month's requests
only, and written as an upsert per client, so recounting it twice, or on two workers at once,
leaves the same rows.

When a month is final. What happens to a request keeps changing after the month it was asked
in (released weeks later, rated useful later still), so beat recounts:

- every 15 minutes, the current month and the one before (`rollup_analytics`, months=2):
  the page is at most a quarter of an hour behind for recent requests;
- every night, the last 13 months (months=13): a change to an older request (a late release,
  a usefulness rating) shows the next morning, and "Last 12 months" is whole.

Months older than 13 are final: a request asked over a year ago that changes now is not
recounted. `manage.py rollup_analytics --all` recounts every month: run it on a new
installation (or after loading data), after changing the agency's time zone, and after
changing the duration bands (models.analytics.DURATION_BANDS).

JIT. PostgreSQL compiles a query with JIT when its estimated cost passes jit_above_cost
(100,000 by default). Measured on 100,000 requests over two years (PostgreSQL 15): a whole
past month's outcomes query (about 4,000 requests) estimates just over that, and JIT made it
slower, 115 ms against 77 ms with `SET jit = off`; the month's other queries, the current
month's, and the page's sums over the roll-up (estimated at 2,000-4,000) never reach it. The
portal's database connections turn JIT off (settings.DATABASES), which suits these queries;
this module does not set it.
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Min

from feedback_portal.dates import add_months
from feedback_portal.models import PortalSettings

from .models import AnalyticsMonth, Area, FeedbackRequest, Rating
from .models.analytics import ANSWER_FIELDS, COUNT_FIELDS, FIGURE_FIELDS, RELEASE_FIELDS, area_field, band_of

# The candidate saw themselves "higher" than the manager did when they said strength or met
# the bar and the manager said room to improve; "lower" the other way round.
GOOD = {Rating.STRENGTH, Rating.MET}
RECENT_MONTHS = 2  # every 15 minutes
NIGHTLY_MONTHS = 13  # every night: the 12 months the page shows by default, and the current one


def month_of(moment: datetime) -> date:
    """The first day of the month `moment` falls in, in the agency's time zone."""
    return moment.astimezone(PortalSettings.load().zone).date().replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """When `month` starts and the next one starts, at midnight in the agency's time zone."""
    zone = PortalSettings.load().zone
    following = add_months(month, 1)
    return (
        datetime(month.year, month.month, 1, tzinfo=zone),
        datetime(following.year, following.month, 1, tzinfo=zone),
    )


def count_month(month: date) -> dict[int, dict[str, int]]:
    """The figures of the requests asked in `month`, per client id (only clients with requests)."""
    requests = FeedbackRequest.objects.asked_between(*month_bounds(month))
    rows: dict[int, dict[str, int]] = {}

    def row(client_id: int) -> dict[str, int]:
        return rows.setdefault(client_id, dict.fromkeys(FIGURE_FIELDS, 0))

    for found in requests.outcomes_by_client():
        figures = row(found["client_id"])
        figures.update({name: found[name] for name in COUNT_FIELDS})
        figures.update({area_field(area, "asked"): found[f"asked_{area}"] for area in Area.values})
    for found in requests.area_ratings_by_client():
        area, rating, own, n = found["area"], found["rating"], found["own"], found["n"]
        if area not in Area.values or rating not in Rating.values:
            continue  # a value no longer in code: nothing to show it under
        figures = row(found["client_id"])
        figures[area_field(area, rating)] += n
        if own in GOOD and rating == Rating.IMPROVE:
            figures[area_field(area, "higher")] += n
        elif own == Rating.IMPROVE and rating in GOOD:
            figures[area_field(area, "lower")] += n
    for client_id, took in requests.times_to_release():
        row(client_id)[RELEASE_FIELDS[band_of(took)]] += 1
    for client_id, took in requests.times_to_answer():
        row(client_id)[ANSWER_FIELDS[band_of(took)]] += 1
    return rows


def rollup_month(*, month: date, now: datetime) -> int:
    """Recount `month` (its first day) from the requests asked in it; return how many clients it has.

    Each client's row is upserted and a client with no request left in the month loses its
    row, in one transaction.
    """
    rows = count_month(month)
    with transaction.atomic():
        AnalyticsMonth.objects.bulk_create(
            [
                AnalyticsMonth(month=month, client_id=client_id, computed_at=now, **figures)
                for client_id, figures in sorted(rows.items())  # one lock order for concurrent runs
            ],
            update_conflicts=True,
            unique_fields=["month", "client"],
            update_fields=["computed_at", *FIGURE_FIELDS],
        )
        AnalyticsMonth.objects.filter(month=month).exclude(client_id__in=rows).delete()
    return len(rows)


def rollup_recent(*, now: datetime, months: int = RECENT_MONTHS) -> int:
    """Recount the latest `months` months, the current one included, oldest first; return how many."""
    current = month_of(now)
    for back in reversed(range(months)):
        rollup_month(month=add_months(current, -back), now=now)
    return months


def rollup_all(*, now: datetime) -> int:
    """Recount every month from the first request asked to the current one; return how many.

    Rows of months before the first request (their requests deleted since) are removed.
    """
    first_asked = FeedbackRequest.objects.aggregate(first=Min("created_at"))["first"]
    current = month_of(now)
    first = month_of(first_asked) if first_asked is not None else current
    AnalyticsMonth.objects.filter(month__lt=first).delete()
    months = (current.year - first.year) * 12 + current.month - first.month + 1
    return rollup_recent(now=now, months=months)
