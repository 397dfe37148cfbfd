"""The request's life in one place: which action may move a request or its follow-up question
from which state, how each action reads once done, the guarded move, and one predicate per
question a page asks ("may this candidate ask?", "may this manager still answer?", …).

A page asks a predicate and shows its refusal (or hides the button); the service that does
the work asks the same predicate under the request's row lock and refuses with the same
words, so a POST that skips the page is refused as the page would have said. The guarded
move then updates only from a state the table allows, so two people acting at once cannot
both win. See docs/architecture.md, "The request's life".
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.utils import timezone

from candidates.models import Application
from feedback_portal.models import PortalSettings

from .models import Event, FeedbackRequest, FeedbackResponse, FollowUp, Routing

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


# --- The candidate's questions -------------------------------------------------------------


def may_ask(
    application: Application,
    *,
    requests: Iterable[FeedbackRequest] | None = None,
    today: date | None = None,
    portal: PortalSettings | None = None,
) -> Verdict:
    """May the candidate ask for feedback on this application now?

    Only on a negative outcome, within the asking window after it, and once: asking again is
    possible only after withdrawing. `requests` are the application's requests when the page
    has read them already (the applications list reads them all in one query).
    """
    portal = portal or PortalSettings.load()
    if not application.is_negative:
        return Verdict("You can ask for feedback once the outcome of this application is known.")
    if requests is None:
        asked = application.feedback_requests.exclude(state=RequestState.WITHDRAWN).exists()
    else:
        asked = any(r.state != RequestState.WITHDRAWN for r in requests)
    if asked:
        return Verdict("You have already asked for feedback on this application.")
    today = today or timezone.localdate()
    if not application.within_asking_window(today=today, months=portal.ask_window_months):
        return Verdict(
            f"Feedback can be asked for up to {portal.ask_window_months} months after the outcome."
        )
    return ALLOWED


def may_withdraw(feedback_request: FeedbackRequest) -> Verdict:
    """May the candidate withdraw the request? Any open request, and nothing after."""
    return may(feedback_request, Action.WITHDRAW)


def _open_follow_up(follow_up: FollowUp | None) -> Verdict:
    if follow_up is not None and follow_up.is_open:
        return Verdict(
            "The follow-up question is still open: this request can be closed once it is answered."
        )
    return ALLOWED


def may_close(feedback_request: FeedbackRequest, follow_up: FollowUp | None) -> Verdict:
    """May the request close (the candidate marks the feedback read, or it goes stale)?

    Only released feedback, and not while its follow-up question waits: the conversation is not over.
    """
    return may(feedback_request, Action.CLOSE) and _open_follow_up(follow_up)


def may_ask_follow_up(feedback_request: FeedbackRequest, follow_up: FollowUp | None) -> Verdict:
    """May the candidate ask their one follow-up question? Once, while the feedback is released."""
    if feedback_request.state != RequestState.RELEASED:
        return Verdict(
            "A follow-up question can be asked once your feedback is released, until the request is closed."
        )
    if follow_up is not None:
        return Verdict("You have already asked your follow-up question on this feedback.")
    return ALLOWED


# --- The recruiter's questions -------------------------------------------------------------


def may_route(feedback_request: FeedbackRequest) -> Verdict:
    """May the request be sent (or sent again) to a hiring manager?

    An application the candidate described is routed only once a recruiter has confirmed it:
    a client's manager is asked only about an interview the agency has checked.
    """
    if not feedback_request.application.is_confirmed:
        return Verdict("Confirm the application before sending it to a hiring manager.")
    return may(feedback_request, Action.ROUTE)


def may_extend(feedback_request: FeedbackRequest, routing: Routing | None) -> Verdict:
    """May the current hiring manager's link be given more time? Only a link not yet revoked."""
    verdict = may(feedback_request, Action.EXTEND)
    if verdict and (routing is None or routing.revoked_at is not None):
        return Verdict("There is no open link to extend; route the request instead.")
    return verdict


def may_record_answer(feedback_request: FeedbackRequest) -> Verdict:
    """May the recruiter record feedback the manager gave on a call?"""
    return may(feedback_request, Action.RECRUITER_ANSWER)


def may_release(feedback_request: FeedbackRequest, response: FeedbackResponse | None) -> Verdict:
    """May this answer be released to the candidate? Feedback only: a decline is confirmed."""
    if response is not None and response.kind != FeedbackResponse.Kind.FEEDBACK:
        return Verdict("A decline is confirmed, not released.")
    return may(feedback_request, Action.RELEASE)


def may_decline(feedback_request: FeedbackRequest) -> Verdict:
    """May the recruiter decline the request (or confirm a manager's decline)?"""
    return may(feedback_request, Action.DECLINE)


def may_forward_follow_up(
    follow_up: FollowUp, *, manager, link: Routing | None, now: datetime | None = None
) -> Verdict:
    """May the follow-up question go to the hiring manager (`manager`, the request's last one)?

    Forwarded already, it goes again (with a fresh link) only once the current link has closed.
    """
    verdict = may_follow_up(follow_up, FollowUpAction.FORWARD)
    if not verdict:
        return verdict
    if manager is None or not manager.is_active:
        return Verdict("There is no active hiring manager to forward this question to: answer it yourself.")
    if link is not None and link.is_live(now):
        expires = timezone.localtime(link.expires_at)
        return Verdict(
            f"The hiring manager's link works until {expires:%d %b %Y %H:%M}: "
            "forward the question again once it has closed."
        )
    return ALLOWED


def may_answer_follow_up(follow_up: FollowUp) -> Verdict:
    """May the recruiter send the candidate an answer to their follow-up question?"""
    return may_follow_up(follow_up, FollowUpAction.ANSWER)


CORRECTION_DAYS = 14  # how long after its release a released text may be corrected


def may_correct(feedback_request: FeedbackRequest, response: FeedbackResponse | None, now=None) -> Verdict:
    """May the recruiter correct the released text (a detail found later, a typo)?

    For CORRECTION_DAYS after its release, whether or not the candidate has closed the request
    since; not once retention has anonymised it.
    """
    if response is None or response.released_at is None:
        return Verdict("Nothing has been released yet: review it and release it instead.")
    if feedback_request.state not in (S.RELEASED, S.CLOSED) or feedback_request.anonymised_at:
        return Verdict("This feedback can no longer be corrected.")
    if (now or timezone.now()) > response.released_at + timedelta(days=CORRECTION_DAYS):
        released = timezone.localtime(response.released_at)
        return Verdict(
            f"Released feedback can be corrected for {CORRECTION_DAYS} days; this was released on "
            f"{released:%d %b %Y}, so that time has passed. Talk to the candidate instead."
        )
    return ALLOWED


# --- The hiring manager's questions --------------------------------------------------------

LINK_CLOSED = "This link is closed."


def _other_question(routing: Routing, follow_up: bool | None) -> bool:
    return follow_up is not None and follow_up != (routing.follow_up_id is not None)


def manager_may_answer(
    routing: Routing, now: datetime | None = None, *, follow_up: bool | None = None
) -> Verdict:
    """May the hiring manager still answer through this routing's links?

    The request's own routing: while its links work and the request awaits the manager. A
    follow-up's routing: while its links work and the question waits for the manager. A page
    for one of the two questions passes `follow_up`: a link to the other is closed there.
    """
    if not routing.is_live(now) or _other_question(routing, follow_up):
        return Verdict(LINK_CLOSED)
    if routing.follow_up_id is None:
        waiting = routing.feedback_request.state == RequestState.AWAITING_MANAGER
    else:
        waiting = routing.follow_up.state == FollowUpState.FORWARDED
    return ALLOWED if waiting else Verdict(LINK_CLOSED)


def manager_may_see_answer(
    routing: Routing, now: datetime | None = None, *, follow_up: bool | None = None
) -> bool:
    """After answering, the manager may look at what they sent until the recruiter acts on it.

    Not past the routing's expiry, nor once the recruiter releases, answers or ends the
    request: every link of the routing stops working then.
    """
    if not routing.is_live(now) or _other_question(routing, follow_up):
        return False
    if routing.follow_up_id is None:
        return routing.feedback_request.state == RequestState.ANSWERED and routing.responses.exists()
    return routing.follow_up.state == FollowUpState.REPLIED


def manager_can_no_longer_answer(routing: Routing, now: datetime | None = None) -> str:
    """Why an e-mail with a link to this routing should not go out now, or "" when it should.

    An e-mail may wait in the queue (for its task, or a retry) while the manager answers, the
    candidate withdraws or the recruiter re-routes or ends the request.
    """
    if not routing.is_live(now):
        return "the hiring manager's link closed before the e-mail went out"
    if manager_may_answer(routing, now):
        return ""
    if routing.follow_up_id is None:
        state = RequestState(routing.feedback_request.state)
        return f"the hiring manager can no longer answer (the request is {state.label.lower()})"
    state = FollowUpState(routing.follow_up.state)
    return f"the follow-up question no longer waits for the hiring manager (it is {state.label.lower()})"


# --- The guarded move ----------------------------------------------------------------------


def _guarded_move(obj: FeedbackRequest | FollowUp, rule: Rule, *, now: datetime, **fields) -> str:
    """Move `obj` (a request or a follow-up) along one rule of its transition table.

    Lock the row and read its true state (this copy may be stale: someone else may have acted
    first), then update only from that state, so the Event says what really changed. Returns
    the state it moved from; raises TransitionNotAllowed, naming the state the row is really in.
    """
    model = type(obj)
    from_state = model.objects.select_for_update().filter(pk=obj.pk).values_list("state", flat=True).first()
    updated = rule.allows(from_state) and model.objects.filter(pk=obj.pk, state=from_state).update(
        state=rule.target, state_changed_at=now, **fields
    )
    if not updated:
        _by_rule(rule, obj, from_state).enforce()
        raise TransitionNotAllowed(f"{WHAT[model]} changed meanwhile; look at it again.")
    obj.state = rule.target
    obj.state_changed_at = now
    for name, value in fields.items():
        setattr(obj, name, value)
    return from_state


# What a move's Event says: who acted (`actor`, a signed-in user, or `actor_label`: the hiring
# manager, the portal itself), its `message`, and whether the candidate sees it.
SAID = ("actor", "actor_label", "message", "visible_to_candidate")


def move(feedback_request: FeedbackRequest, action: Action, **said) -> Event:
    """Take the action on the request, guarded by TRANSITIONS, and write its Event (`said`: SAID)."""
    rule = TRANSITIONS[action]
    now = timezone.now()
    from_state = _guarded_move(feedback_request, rule, now=now)
    return Event.objects.create(
        feedback_request=feedback_request,
        kind=rule.event,
        from_state=from_state,
        to_state=rule.target,
        created_at=now,
        **said,
    )


def move_follow_up(follow_up: FollowUp, action: FollowUpAction, **said_and_fields) -> Event:
    """Take the action on the follow-up question, guarded by FOLLOW_UP_TRANSITIONS, and write its
    Event on the request's timeline; the other keyword arguments are fields written in the same
    update."""
    said = {key: said_and_fields.pop(key) for key in SAID if key in said_and_fields}
    rule = FOLLOW_UP_TRANSITIONS[action]
    now = timezone.now()
    _guarded_move(follow_up, rule, now=now, **said_and_fields)
    # The follow-up's states are not the request's: from_state/to_state stay blank, the kind says it.
    return Event.objects.create(
        feedback_request_id=follow_up.feedback_request_id, kind=rule.event, created_at=now, **said
    )
