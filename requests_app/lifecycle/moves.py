"""The guarded move, and what a request waits for a recruiter to do once it has moved."""

from datetime import datetime

from django.utils import timezone

from .. import queue_kept
from ..models import Event, FeedbackRequest, FeedbackResponse, FollowUp
from .rules import (
    FOLLOW_UP_TRANSITIONS,
    TRANSITIONS,
    WHAT,
    Action,
    F,
    FollowUpAction,
    Rule,
    S,
    TransitionNotAllowed,
    _by_rule,
)

# --- What waits for a recruiter --------------------------------------------------------------


def recruiter_needs(feedback_request: FeedbackRequest) -> tuple[str, datetime | None]:
    """What the request waits for a recruiter to do ("" when nothing), and since when.

    New and untriaged (or its application to confirm) since it was asked; an answer, or a
    manager's decline, to review since it came; an expired link since it expired; a follow-up
    question to answer or review since it was asked or replied. Reads the latest response and
    the follow-up question (two small queries at most).
    """
    N = FeedbackRequest.Needs
    state = feedback_request.state
    if state == S.SUBMITTED:
        return (
            N.TRIAGE if feedback_request.application.is_confirmed else N.CONFIRM
        ), feedback_request.created_at
    if state == S.ANSWERED:
        latest = (
            feedback_request.responses.order_by("-submitted_at", "-pk").values_list("kind", flat=True).first()
        )
        declined = latest == FeedbackResponse.Kind.DECLINE
        return (N.MANAGER_DECLINED if declined else N.REVIEW), feedback_request.state_changed_at
    if state == S.EXPIRED:
        return N.EXPIRED, feedback_request.state_changed_at
    if state == S.RELEASED:
        follow_up = (
            FollowUp.objects.filter(feedback_request=feedback_request)
            .values("state", "state_changed_at")
            .first()
        )
        if follow_up and follow_up["state"] in (F.ASKED, F.REPLIED):
            return N.FOLLOW_UP, follow_up["state_changed_at"]
    return "", None


def note_needs(feedback_request: FeedbackRequest) -> None:
    """Record on the request what it waits for a recruiter to do: the queue reads it in index order."""
    needs, since = recruiter_needs(feedback_request)
    FeedbackRequest.objects.filter(pk=feedback_request.pk).update(needs=needs, waiting_since=since)
    feedback_request.needs, feedback_request.waiting_since = needs, since
    queue_kept.forget_counts()  # every move ends here: the queue's counts of open work change


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
    note_needs(feedback_request)
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
    note_needs(follow_up.feedback_request)
    # The follow-up's states are not the request's: from_state/to_state stay blank, the kind says it.
    return Event.objects.create(
        feedback_request_id=follow_up.feedback_request_id, kind=rule.event, created_at=now, **said
    )
