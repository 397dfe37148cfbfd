"""The requests app's models, one module per concept; import them from here.

- `areas`: the feedback areas, the rating scale, the next-step library.
- `requests`: the feedback request and the reads pages make of it.
- `routing`: routings to hiring managers, their links, reminders and digests.
- `responses`: the answers, area by area.
- `follow_ups`: the one follow-up question after release.
- `timeline`: the append-only Event log.
- `analytics`: the monthly roll-up the analytics page reads (`AnalyticsMonth`), and the grouped
  reads of a month's requests that fill it (FeedbackRequestQuerySet inherits them).
- `desk`: the recruiters' desk: hand-overs (holiday cover, leavers) and bulk actions.

The request's life (which action may move which state) is not here: see requests_app.lifecycle.
"""

from .analytics import AnalyticsMonth, Median
from .areas import AREA_PROMPTS, Area, NextStep, Rating
from .desk import BulkRun, Handover
from .follow_ups import FollowUp
from .requests import FeedbackRequest
from .responses import AreaAnswer, FeedbackResponse, ReleasedVersion
from .routing import LinkToken, RecruiterDigest, Reminder, Routing
from .timeline import Event

__all__ = [
    "AREA_PROMPTS",
    "AnalyticsMonth",
    "Area",
    "AreaAnswer",
    "BulkRun",
    "Event",
    "FeedbackRequest",
    "FeedbackResponse",
    "FollowUp",
    "Handover",
    "LinkToken",
    "Median",
    "NextStep",
    "Rating",
    "RecruiterDigest",
    "ReleasedVersion",
    "Reminder",
    "Routing",
]
