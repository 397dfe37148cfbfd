"""The request's and the follow-up's transition tables, and the verdict a predicate gives."""

from dataclasses import dataclass
from enum import StrEnum

from ..models import Event, FeedbackRequest, FollowUp

RequestState = FeedbackRequest.State
FollowUpState = FollowUp.State


class TransitionNotAllowed(Exception):
    """The action is not possible now; the message says why, in the words the page shows."""


class Action(StrEnum):
    """What can happen to a feedback request."""

    ROUTE = "route"
    EXTEND = "extend"
    EXPIRE = "expire"
    MANAGER_ANSWER = "manager_answer"
    RECRUITER_ANSWER = "recruiter_answer"
    RELEASE = "release"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    CLOSE = "close"


class FollowUpAction(StrEnum):
    """What can happen to a follow-up question."""

    FORWARD = "forward"
    REPLY = "reply"
    ANSWER = "answer"


@dataclass(frozen=True)
class Rule:
    """One row of a transition table: the states an action may start from and where it leads."""

    sources: frozenset[str]
    target: str
    done: str  # how the action reads once done: "it cannot be <done> now"
    event: str  # the kind of timeline Event the move writes
    refusal: str = ""  # the words when refused, where the general ones would read badly

    def allows(self, state: str) -> bool:
        return state in self.sources


S, F, K = RequestState, FollowUpState, Event.Kind
OPEN = frozenset(FeedbackRequest.OPEN_STATES)

# The request's life: every action, the states it may start from, the state it leads to.
TRANSITIONS: dict[Action, Rule] = {
    # Routing again revokes the earlier links (a re-route), from any open state.
    Action.ROUTE: Rule(OPEN, S.AWAITING_MANAGER, "routed", K.ROUTED),
    Action.EXTEND: Rule(
        frozenset({S.AWAITING_MANAGER, S.EXPIRED}), S.AWAITING_MANAGER, "extended", K.EXTENDED
    ),
    Action.EXPIRE: Rule(frozenset({S.AWAITING_MANAGER}), S.EXPIRED, "expired", K.EXPIRED),
    # A manager's decline is an answer too: the recruiter then confirms it or re-routes.
    Action.MANAGER_ANSWER: Rule(frozenset({S.AWAITING_MANAGER}), S.ANSWERED, "answered", K.ANSWERED),
    Action.RECRUITER_ANSWER: Rule(
        frozenset({S.SUBMITTED, S.AWAITING_MANAGER, S.EXPIRED}), S.ANSWERED, "answered", K.ANSWERED
    ),
    Action.RELEASE: Rule(frozenset({S.ANSWERED}), S.RELEASED, "released", K.RELEASED),
    Action.DECLINE: Rule(OPEN, S.DECLINED, "declined", K.DECLINED),
    Action.WITHDRAW: Rule(
        OPEN,
        S.WITHDRAWN,
        "withdrawn",
        K.WITHDRAWN,
        "This request has already ended, so it cannot be withdrawn.",
    ),
    Action.CLOSE: Rule(frozenset({S.RELEASED}), S.CLOSED, "closed", K.CLOSED),
}

# The follow-up question's own small life: asked → forwarded → replied → answered.
FOLLOW_UP_TRANSITIONS: dict[FollowUpAction, Rule] = {
    # Forwarding again sends a fresh link (the old one is revoked), e.g. after it expired.
    FollowUpAction.FORWARD: Rule(
        frozenset({F.ASKED, F.FORWARDED}), F.FORWARDED, "forwarded", K.FOLLOW_UP_FORWARDED
    ),
    FollowUpAction.REPLY: Rule(frozenset({F.FORWARDED}), F.REPLIED, "answered", K.FOLLOW_UP_REPLIED),
    # The recruiter may answer it straight away, or once the manager replied or declined.
    FollowUpAction.ANSWER: Rule(
        frozenset(FollowUp.OPEN_STATES), F.ANSWERED, "answered", K.FOLLOW_UP_ANSWERED
    ),
}


# --- Verdicts: the answer to "may …?" with the words of a refusal ------------------------


@dataclass(frozen=True)
class Verdict:
    """Whether an action is possible now; when not, `refusal` says why, as the page shows it."""

    refusal: str = ""

    def __bool__(self) -> bool:
        return not self.refusal

    def enforce(self) -> None:
        """Raise TransitionNotAllowed with the refusal's words, unless allowed."""
        if self.refusal:
            raise TransitionNotAllowed(self.refusal)


ALLOWED = Verdict()
NOTHING_TO_RELEASE = Verdict("There is no answer to release yet.")


# How a refusal names what was refused, by model.
WHAT = {FeedbackRequest: "This request", FollowUp: "This follow-up question"}


def _by_rule(rule: Rule, obj: FeedbackRequest | FollowUp, state: str | None = None) -> Verdict:
    """The verdict of one table row on `obj` in `state` (its own state unless given)."""
    state = state or obj.state
    if rule.allows(state):
        return ALLOWED
    if rule.refusal:
        return Verdict(rule.refusal)
    model = type(obj)
    return Verdict(f"{WHAT[model]} is {model.State(state).label.lower()}; it cannot be {rule.done} now.")


def may(feedback_request: FeedbackRequest, action: Action) -> Verdict:
    """May the request take this action in its current state?"""
    return _by_rule(TRANSITIONS[action], feedback_request)


def may_follow_up(follow_up: FollowUp, action: FollowUpAction) -> Verdict:
    """May the follow-up question take this action in its current state?"""
    return _by_rule(FOLLOW_UP_TRANSITIONS[action], follow_up)
