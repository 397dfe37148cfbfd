"""Calendar arithmetic the portal's rules share."""

import calendar
from datetime import date, datetime
from typing import TypeVar

D = TypeVar("D", date, datetime)


def add_months(value: D, months: int) -> D:
    """The same day `months` later (earlier when negative); the month's last day when it is
    shorter: 31 August plus 6 months is 28 (or 29) February."""
    index = value.year * 12 + value.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return value.replace(year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1]))
