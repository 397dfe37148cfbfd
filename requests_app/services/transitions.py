"""The guarded steps every service takes, and what the services share.

Each transition is a guarded update (only from the states the tables in models.py
allow, so two recruiters clicking at once cannot both win) and writes an Event in the
same transaction: `_transition` for a request, `_follow_up_transition` for its follow-up
question. `_lock` orders the writes that touch a request and its routings.
"""

from datetime import timedelta

from django.utils import timezone

from feedback_portal import mail
from feedback_portal.models import PortalSettings, User

from ..models import FOLLOW_UP_TRANSITIONS, TRANSITIONS, Event, FeedbackRequest, FollowUp, Routing


class TransitionNotAllowed(Exception):
    """The request is no longer in a state that allows this; someone else acted first."""


HIRING_MANAGER = "Hiring manager"

# How each action reads once done, for the message when it is refused.
DONE = {
    "route": "routed",
    "extend": "extended",
    "expire": "expired",
    "manager_answer": "answered",
    "recruiter_answer": "answered",
    "release": "released",
    "decline": "declined",
    "withdraw": "withdrawn",
    "close": "closed",
}


def _guarded_move(obj, rule: tuple[frozenset[str], str], refusal: str, what: str, *, now, **fields):
    """Move `obj` (a request or a follow-up) along one rule of its transition table.

    Lock the row and read its true state (this copy may be stale: someone else may have acted
    first), then update only from that state, so the Event says what really changed. Returns
    (from_state, to_state); raises TransitionNotAllowed, naming the state the row is really in.
    """
    allowed, target = rule
    model = type(obj)
    from_state = model.objects.select_for_update().filter(pk=obj.pk).values_list("state", flat=True).first()
    updated = from_state in allowed and model.objects.filter(pk=obj.pk, state=from_state).update(
        state=target, state_changed_at=now, **fields
    )
    if not updated:
        state = model.State(from_state or obj.state)
        raise TransitionNotAllowed(f"{what} is {state.label.lower()}; {refusal}.")
    obj.state = target
    obj.state_changed_at = now
    for name, value in fields.items():
        setattr(obj, name, value)
    return from_state, target


def _transition(
    feedback_request: FeedbackRequest,
    action: str,
    *,
    kind: str,
    actor: User | None = None,
    actor_label: str = "",
    message: str = "",
    visible_to_candidate: bool = False,
) -> Event:
    now = timezone.now()
    from_state, target = _guarded_move(
        feedback_request, TRANSITIONS[action], f"it cannot be {DONE[action]} now", "This request", now=now
    )
    return Event.objects.create(
        feedback_request=feedback_request,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        from_state=from_state,
        to_state=target,
        message=message,
        visible_to_candidate=visible_to_candidate,
        created_at=now,
    )


def _lock(feedback_request: FeedbackRequest) -> None:
    """Lock the request's row before reading or writing its routings.

    Every write that touches a request and its routings takes this lock first, so two of
    them (a re-route and an extension, an answer and a re-route, the expiry sweep and
    either) wait for each other and the second reads what the first committed, instead of
    acting on a stale routing, deadlocking or tripping one_unrevoked_routing_per_request.
    NO KEY UPDATE still lets others insert rows that point at the request (an Event, a
    reminder's e-mail) while holding a routing's lock, so that order cannot deadlock either.
    (SQLite's IMMEDIATE transactions already run one writer at a time.)
    """
    row = FeedbackRequest.objects.select_for_update(no_key=True).filter(pk=feedback_request.pk)
    list(row.values_list("pk", flat=True))


def _revoke_links(feedback_request: FeedbackRequest) -> None:
    Routing.objects.filter(feedback_request=feedback_request, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def _tell_candidate(feedback_request: FeedbackRequest, kind: str) -> None:
    """Candidate e-mails reply to their recruiter, who is their adviser."""
    mail.queue(
        kind=kind,
        to=feedback_request.candidate.email,
        reply_to=feedback_request.application.recruiter.email,
        feedback_request=feedback_request,
    )


# How each follow-up action reads once done, for the message when it is refused.
FOLLOW_UP_DONE = {"forward": "forwarded", "reply": "answered", "answer": "answered"}


def _follow_up_transition(
    follow_up: FollowUp,
    action: str,
    *,
    kind: str,
    actor: User | None = None,
    actor_label: str = "",
    message: str = "",
    visible_to_candidate: bool = False,
    **fields,
) -> Event:
    """Move the follow-up on, guarded like _transition; `fields` are written in the same update."""
    now = timezone.now()
    _guarded_move(
        follow_up,
        FOLLOW_UP_TRANSITIONS[action],
        f"it cannot be {FOLLOW_UP_DONE[action]} now",
        "This follow-up question",
        now=now,
        **fields,
    )
    # The follow-up's states are not the request's: from_state/to_state stay blank, the kind says it.
    return Event.objects.create(
        feedback_request_id=follow_up.feedback_request_id,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        message=message,
        visible_to_candidate=visible_to_candidate,
        created_at=now,
    )


def _note_acknowledged_flags(feedback_request, actor, acknowledged, what: str, *, at) -> None:
    """Record, for recruiters only, the legal-safety flags released anyway and why."""
    if not acknowledged:
        return
    lines = [f"• {a.flag.describe()}. Reason: {a.reason.strip()}" for a in acknowledged]
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.NOTE,
        actor=actor,
        message=f"{what} with flags of the legal-safety check acknowledged:\n" + "\n".join(lines),
        visible_to_candidate=False,
        created_at=at,
    )


def _new_routing(
    feedback_request: FeedbackRequest,
    manager,
    actor: User,
    message: str,
    *,
    expires_in_days: int | None,
    follow_up: FollowUp | None = None,
) -> Routing:
    """A fresh routing to a hiring manager, replacing any earlier links of the request."""
    _revoke_links(feedback_request)
    days = expires_in_days or PortalSettings.load().link_expiry_days
    now = timezone.now()
    return Routing.objects.create(
        feedback_request=feedback_request,
        hiring_manager=manager,
        routed_by=actor,
        message=message,
        routed_at=now,
        expires_at=now + timedelta(days=days),
        follow_up=follow_up,
    )


def _send_routing(routing: Routing, actor: User, *, email_kind: str, candidate_note: str) -> None:
    """E-mail the manager their link (minted at sending) and tell the candidate, never to whom."""
    Event.objects.create(
        feedback_request=routing.feedback_request,
        kind=Event.Kind.NOTE,
        actor_label="Feedback Portal",
        message=candidate_note,
        visible_to_candidate=True,
        created_at=routing.routed_at,
    )
    mail.queue(
        kind=email_kind,
        to=routing.hiring_manager.email,
        reply_to=actor.email,
        feedback_request=routing.feedback_request,
        routing=routing,
    )
