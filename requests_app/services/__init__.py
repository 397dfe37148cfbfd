"""Every write and state transition of a feedback request.

Each transition is a guarded update (only from the states the table in models.py
allows, so two recruiters clicking at once cannot both win) and writes an Event
in the same transaction. E-mails are queued rows, sent after commit.

- `transitions`: the guarded steps, the row lock, and what the services share.
- `requests`: the candidate's and the recruiter's writes on a request.
- `routing`: the request's trip to a hiring manager and their answer.
- `follow_ups`: the one follow-up question after release.

Callers use the names below: `from requests_app import services; services.route_request(...)`.
"""

from .follow_ups import (
    answer_follow_up,
    ask_follow_up,
    decline_follow_up,
    forward_follow_up,
    reply_to_follow_up,
)
from .requests import (
    acknowledge_feedback,
    close_request,
    close_stale_releases,
    confirm_application,
    decline_request,
    record_recruiter_answer,
    release_response,
    submit_request,
    withdraw_request,
)
from .routing import (
    expire_due_routings,
    expire_routing,
    extend_routing,
    route_request,
    submit_manager_decline,
    submit_manager_response,
)
from .transitions import TransitionNotAllowed

__all__ = [
    "TransitionNotAllowed",
    "acknowledge_feedback",
    "answer_follow_up",
    "ask_follow_up",
    "close_request",
    "close_stale_releases",
    "confirm_application",
    "decline_follow_up",
    "decline_request",
    "expire_due_routings",
    "expire_routing",
    "extend_routing",
    "forward_follow_up",
    "record_recruiter_answer",
    "release_response",
    "reply_to_follow_up",
    "route_request",
    "submit_manager_decline",
    "submit_manager_response",
    "submit_request",
    "withdraw_request",
]
