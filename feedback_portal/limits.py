"""How much one person may do in a while, counted from what the database holds.

Limits that guard people, not secrets: a candidate asking again and again, a recruiter typing
invitations by the hundred. Counted from the rows each action leaves (their `created_at`), so
they hold on every web machine and through a cache outage; imports and integrations, which are
not a person typing, are not counted. The page says what the limit is and when to try again.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet


@dataclass(frozen=True)
class Limit:
    most: int
    per: timedelta
    message: str  # what the person reads, in full

    def reached(self, done: QuerySet, *, now: datetime, field: str = "created_at") -> bool:
        """Whether `done` (the rows of this person's past actions) already holds `most` within `per`."""
        return done.filter(**{f"{field}__gte": now - self.per}).count() >= self.most
