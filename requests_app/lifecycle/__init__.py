"""The request's life in one place: which action may move a request or its follow-up question
from which state, how each action reads once done, the guarded move, and one predicate per
question a page asks ("may this candidate ask?", "may this manager still answer?", …).

A page asks a predicate and shows its refusal (or hides the button); the service that does
the work asks the same predicate under the request's row lock and refuses with the same
words, so a POST that skips the page is refused as the page would have said. The guarded
move then updates only from a state the table allows, so two people acting at once cannot
both win. See docs/architecture.md, "The request's life".

- `rules`: the transition tables, and the Verdict a predicate gives.
- `predicates`: one predicate per question a page asks.
- `moves`: the guarded move, and what a request waits for a recruiter to do once it moved.
"""

from .moves import SAID, move, move_follow_up, note_needs, recruiter_needs
from .predicates import (
    CORRECTION_DAYS,
    LINK_CLOSED,
    manager_can_no_longer_answer,
    manager_may_answer,
    manager_may_see_answer,
    may_answer_follow_up,
    may_ask,
    may_ask_follow_up,
    may_close,
    may_correct,
    may_decline,
    may_extend,
    may_forward_follow_up,
    may_record_answer,
    may_release,
    may_route,
    may_send_link,
    may_withdraw,
)
from .rules import (
    ALLOWED,
    FOLLOW_UP_TRANSITIONS,
    NOTHING_TO_RELEASE,
    TRANSITIONS,
    Action,
    FollowUpAction,
    Rule,
    TransitionNotAllowed,
    Verdict,
    may,
    may_follow_up,
)

__all__ = [
    "ALLOWED",
    "CORRECTION_DAYS",
    "FOLLOW_UP_TRANSITIONS",
    "LINK_CLOSED",
    "NOTHING_TO_RELEASE",
    "SAID",
    "TRANSITIONS",
    "Action",
    "FollowUpAction",
    "Rule",
    "TransitionNotAllowed",
    "Verdict",
    "manager_can_no_longer_answer",
    "manager_may_answer",
    "manager_may_see_answer",
    "may",
    "may_answer_follow_up",
    "may_ask",
    "may_ask_follow_up",
    "may_close",
    "may_correct",
    "may_decline",
    "may_extend",
    "may_follow_up",
    "may_forward_follow_up",
    "may_record_answer",
    "may_release",
    "may_route",
    "may_send_link",
    "may_withdraw",
    "move",
    "move_follow_up",
    "note_needs",
    "recruiter_needs",
]
