"""Working days between two dates, as the queue shows a request's age: weekends and the agency's
holidays do not count, however long the request has waited."""

from datetime import date, timedelta

import pytest

from feedback_portal.models import PortalSettings


def day_by_day(start: date, end: date, holidays: set[date]) -> int:
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += day.weekday() < 5 and day not in holidays
    return count


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 12, 4), date(2026, 12, 7), 1),  # asked on Friday: 1 on Monday
        (date(2026, 12, 5), date(2026, 12, 6), 0),  # a weekend
        (date(2026, 12, 7), date(2026, 12, 7), 0),  # today
        (date(2026, 12, 8), date(2026, 12, 7), 0),  # a date after today
        (date(2026, 12, 18), date(2027, 1, 4), 8),  # Christmas, the 28th and New Year closed
    ],
)
def test_working_days_skip_weekends_and_holidays(start, end, expected):
    portal = PortalSettings(holidays="2026-12-25\n2026-12-28\n2027-01-01\n2026-12-26\nnot a date")
    assert portal.working_days_since(start, end) == expected


def test_every_span_of_two_years_matches_counting_day_by_day():
    holidays = {date(2026, 4, 3), date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)}
    portal = PortalSettings(holidays="\n".join(d.isoformat() for d in holidays))
    end = date(2027, 3, 1)
    for back in range(0, 730, 3):
        for shift in range(7):
            start = end - timedelta(days=back + shift)
            assert portal.working_days_since(start, end) == day_by_day(start, end, holidays), start


def test_a_change_to_the_holidays_counts_at_once():
    portal = PortalSettings(holidays="")
    assert portal.working_days_since(date(2026, 12, 24), date(2026, 12, 25)) == 1
    portal.holidays = "2026-12-25"
    assert portal.working_days_since(date(2026, 12, 24), date(2026, 12, 25)) == 0
