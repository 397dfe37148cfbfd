"""The analytics roll-up: a month recounted from its requests, by beat's task or the command."""

import io
import random
import statistics
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from requests_app import analytics, tasks
from requests_app.models import AnalyticsMonth, Area, FeedbackRequest, FeedbackResponse, Median, Rating
from requests_app.models.analytics import (
    ANSWER_FIELDS,
    DURATION_BANDS,
    RELEASE_FIELDS,
    USEFULNESS,
    area_field,
    band_of,
    band_reach,
)

S = FeedbackRequest.State
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
JANUARY = date(2026, 1, 1)


@pytest.fixture
def now(time_machine, portal_settings):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def acme(client_factory):
    return client_factory(name="Acme Analytics Ltd")


@pytest.fixture
def ask(now, feedback_request_factory, acme):
    def _ask(asked_at, *, client=None, state=S.SUBMITTED, **fields):
        return feedback_request_factory(
            application__client=client or acme, created_at=asked_at, state=state, **fields
        )

    return _ask


@pytest.fixture
def answer(routing_factory):
    """The manager's feedback `days` after routing (routed when asked), released when given."""

    def _answer(feedback_request, *, days, released_at=None, ratings=None):
        routing = routing_factory(feedback_request=feedback_request, routed_at=feedback_request.created_at)
        response = FeedbackResponse.objects.create(
            feedback_request=feedback_request,
            routing=routing,
            submitted_at=routing.routed_at + timedelta(days=days),
            released_at=released_at,
        )
        for area, rating in (ratings or {}).items():
            response.answers.create(area=area, rating=rating)
        return response

    return _answer


def rows(month: date) -> list[dict]:
    return [model_to_dict(row) | {"id": row.pk} for row in AnalyticsMonth.objects.filter(month=month)]


def test_a_month_counts_its_requests_per_client(now, ask, answer, acme, client_factory):
    globex = client_factory(name="Globex Corp")
    released = ask(
        datetime(2026, 1, 10, tzinfo=UTC),
        state=S.RELEASED,
        usefulness="very",
        areas=[Area.CV, Area.SKILLS],
        self_assessment={Area.CV: Rating.STRENGTH},
    )
    answer(
        released,
        days=2,
        released_at=released.created_at + timedelta(days=4),
        ratings={Area.CV: Rating.IMPROVE},
    )
    ask(datetime(2026, 1, 20, tzinfo=UTC), client=globex, state=S.WITHDRAWN, areas=[Area.FIT])
    ask(datetime(2026, 2, 1, tzinfo=UTC))  # February: not January's

    assert analytics.rollup_month(month=JANUARY, now=now) == 2

    row = AnalyticsMonth.objects.get(month=JANUARY, client=acme)
    assert (row.asked, row.routed, row.answered, row.released, row.withdrawn) == (1, 1, 1, 1, 0)
    assert row.useful_very == 1
    assert getattr(row, area_field(Area.CV, "asked")) == 1
    assert getattr(row, area_field(Area.CV, Rating.IMPROVE)) == 1
    assert getattr(row, area_field(Area.CV, "higher")) == 1  # a strength in their eyes, not the manager's
    assert getattr(row, RELEASE_FIELDS[band_of(timedelta(days=4))]) == 1
    assert getattr(row, ANSWER_FIELDS[band_of(timedelta(days=2))]) == 1
    other = AnalyticsMonth.objects.get(month=JANUARY, client=globex)
    assert (other.asked, other.withdrawn, getattr(other, area_field(Area.FIT, "asked"))) == (1, 1, 1)


def test_a_month_recounted_twice_leaves_the_same_rows(now, ask, answer):
    for day in range(1, 29, 3):
        request = ask(datetime(2026, 1, day, tzinfo=UTC), state=S.RELEASED)
        answer(request, days=day % 6, released_at=request.created_at + timedelta(days=day % 9))

    analytics.rollup_month(month=JANUARY, now=now)
    first = rows(JANUARY)
    analytics.rollup_month(month=JANUARY, now=now)

    assert rows(JANUARY) == first  # the same rows, updated in place
    assert first[0]["asked"] == 10


def test_a_month_follows_the_agencys_time_zone(now, ask):
    # 23:30 UTC on 31 January is 23:30 in London in winter; 23:30 UTC on 31 March is already
    # 00:30 on 1 April in London (summer time).
    ask(datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    ask(datetime(2025, 3, 31, 23, 30, tzinfo=UTC))

    analytics.rollup_all(now=now)

    assert {(row.month, row.asked) for row in AnalyticsMonth.objects.all()} == {
        (date(2025, 4, 1), 1),
        (JANUARY, 1),
    }


def test_a_request_released_after_its_month_is_counted_once_the_month_is_recounted(
    now, time_machine, ask, answer
):
    request = ask(datetime(2026, 1, 15, tzinfo=UTC), state=S.ANSWERED)
    response = answer(request, days=3)
    tasks.rollup_analytics.delay(months=analytics.NIGHTLY_MONTHS)
    assert AnalyticsMonth.objects.get(month=JANUARY).released == 0

    # Released in March, after January closed: the every-15-minutes run (March and February)
    # leaves January alone; the nightly run recounts it.
    time_machine.move_to(datetime(2026, 3, 20, 9, 0, tzinfo=UTC), tick=False)
    FeedbackRequest.objects.filter(pk=request.pk).update(state=S.RELEASED)
    FeedbackResponse.objects.filter(pk=response.pk).update(released_at=datetime(2026, 3, 20, tzinfo=UTC))
    tasks.rollup_analytics.delay(months=analytics.RECENT_MONTHS)
    assert AnalyticsMonth.objects.get(month=JANUARY).released == 0
    tasks.rollup_analytics.delay(months=analytics.NIGHTLY_MONTHS)

    row = AnalyticsMonth.objects.get(month=JANUARY)
    assert row.released == 1
    assert getattr(row, RELEASE_FIELDS[band_of(timedelta(days=64))]) == 1


def test_a_client_whose_requests_are_gone_loses_its_row(now, ask):
    request = ask(datetime(2026, 1, 15, tzinfo=UTC))
    analytics.rollup_month(month=JANUARY, now=now)
    request.delete()

    analytics.rollup_month(month=JANUARY, now=now)

    assert not AnalyticsMonth.objects.exists()


@pytest.mark.parametrize("requests", [1, 60])
def test_recounting_a_month_takes_the_same_queries_whatever_its_size(now, ask, answer, requests):
    for n in range(requests):
        request = ask(datetime(2026, 1, 1 + n % 28, tzinfo=UTC), state=S.RELEASED)
        answer(request, days=n % 7, released_at=request.created_at + timedelta(days=n % 11))
    # The outcomes per client, the area ratings, the times to release and to answer; then the
    # upsert and the removal of clients no longer there, in a transaction (savepoint queries
    # on a test's database).
    with CaptureQueriesContext(connection) as captured:
        analytics.rollup_month(month=JANUARY, now=now)
    assert len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]) == 6


def test_the_command_recounts_every_month_from_the_first_request(now, ask):
    ask(datetime(2024, 11, 5, tzinfo=UTC))
    ask(datetime(2026, 3, 1, 12, tzinfo=UTC))
    out = io.StringIO()

    call_command("rollup_analytics", "--all", stdout=out)

    assert out.getvalue().strip() == "Recounted 17 months of analytics."
    assert sorted(AnalyticsMonth.objects.values_list("month", flat=True)) == [
        date(2024, 11, 1),
        date(2026, 3, 1),
    ]
    with pytest.raises(CommandError):
        call_command("rollup_analytics", "--months", "0")


def test_beat_recounts_recent_months_often_and_the_last_13_nightly():
    runs = {
        entry["kwargs"]["months"]: entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "requests_app.tasks.rollup_analytics"
    }
    assert set(runs) == {analytics.RECENT_MONTHS, analytics.NIGHTLY_MONTHS} == {2, 13}
    assert runs[2]["schedule"] == 900.0
    assert tasks.rollup_analytics.soft_time_limit < tasks.rollup_analytics.time_limit


def test_the_usefulness_columns_are_the_requests_usefulness_values():
    assert list(USEFULNESS) == [value for value, _ in FeedbackRequest.usefulness.field.choices]


def test_whole_and_half_days_are_band_centres_so_their_median_is_exact():
    counts = [0] * len(DURATION_BANDS)
    for days in (1, 3, 5):
        counts[band_of(timedelta(days=days))] += 1
    assert Median.of_histogram(counts) == Median(timedelta(days=3), 3)
    assert Median.of_histogram([0] * len(DURATION_BANDS)) == Median(None, 0)


@pytest.mark.parametrize("seed", range(20))
def test_the_median_read_from_the_bands_is_within_half_a_band_of_the_true_median(seed):
    """Half a band: a quarter of a day up to a week, half a day to two weeks, a day to a month."""
    rnd = random.Random(seed)
    scale = rnd.choice([1, 4, 15, 60, 200])  # days: from a quick answer to a very slow one
    durations = [timedelta(days=rnd.expovariate(1 / scale)) for _ in range(rnd.randint(1, 400))]
    counts = [0] * len(DURATION_BANDS)
    for took in durations:
        counts[band_of(took)] += 1

    estimate = Median.of_histogram(counts)

    true = statistics.median(durations).total_seconds() / 86400
    middle = sorted(durations)[(len(durations) - 1) // 2 : len(durations) // 2 + 1]
    assert estimate.count == len(durations)
    if max(middle) <= timedelta(days=DURATION_BANDS[-1]):  # beyond a year, the median reads as a year
        assert abs(estimate.days - true) <= max(band_reach(band_of(took)) for took in middle) + 1e-9
