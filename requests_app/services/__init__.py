"""Every write and state transition of a feedback request.

Each service takes the request's row lock, asks the lifecycle's predicate for its action
(requests_app.lifecycle: the same one the page asked, so a refusal reads the same), then
takes the guarded move, which writes an Event in the same transaction. E-mails are queued
rows, sent after commit.

- `shared`: the row lock, closing links, opening a routing, telling the candidate.
- `requests`: the candidate's and the recruiter's writes on a request.
- `routing`: the request's trip to a hiring manager and their answer.
- `release`: the reviewed answer reaches the candidate, and corrections after.
- `follow_ups`: the one follow-up question after release.
- `desk`: owners, hand-overs and bulk actions; what search and sort read.

Callers use the names below: `from requests_app import services; services.route_request(...)`.
"""

from ..lifecycle import TransitionNotAllowed
from .desk import hand_over, reassign, run_bulk
from .follow_ups import (
    answer_follow_up,
    ask_follow_up,
    decline_follow_up,
    forward_follow_up,
    reply_to_follow_up,
)
from .release import correct_release, release_response
from .requests import (
    acknowledge_feedback,
    close_request,
    close_stale_releases,
    confirm_application,
    decline_request,
    record_recruiter_answer,
    submit_request,
    withdraw_request,
)
from .routing import (
    expire_due_routings,
    expire_routing,
    extend_routing,
    remind_now,
    resend_link,
    route_request,
    submit_manager_decline,
    submit_manager_response,
)

__all__ = [
    "TransitionNotAllowed",
    "acknowledge_feedback",
    "answer_follow_up",
    "ask_follow_up",
    "close_request",
    "close_stale_releases",
    "confirm_application",
    "correct_release",
    "decline_follow_up",
    "decline_request",
    "expire_due_routings",
    "expire_routing",
    "extend_routing",
    "forward_follow_up",
    "hand_over",
    "reassign",
    "record_recruiter_answer",
    "release_response",
    "remind_now",
    "reply_to_follow_up",
    "resend_link",
    "route_request",
    "run_bulk",
    "submit_manager_decline",
    "submit_manager_response",
    "submit_request",
    "withdraw_request",
]
