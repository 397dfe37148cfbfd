"""Every write and state transition of a feedback request.

Each transition is a guarded update (only from the states the table in models.py
allows, so two recruiters clicking at once cannot both win) and writes an Event
in the same transaction. E-mails are queued rows, sent after commit.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from candidates.models import Application, HiringManager
from feedback_portal import mail
from feedback_portal.models import PortalSettings, User

from . import safety
from .models import (
    FOLLOW_UP_TRANSITIONS,
    TRANSITIONS,
    Area,
    AreaAnswer,
    Event,
    FeedbackRequest,
    FeedbackResponse,
    FollowUp,
    Rating,
    Routing,
)


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
    allowed, target = TRANSITIONS[action]
    now = timezone.now()
    # Lock the row and read its true state (this copy may be stale: someone else may have
    # acted first), then update only from that state, so the Event says what really changed.
    from_state = (
        FeedbackRequest.objects.select_for_update()
        .filter(pk=feedback_request.pk)
        .values_list("state", flat=True)
        .first()
    )
    updated = from_state in allowed and FeedbackRequest.objects.filter(
        pk=feedback_request.pk, state=from_state
    ).update(state=target, state_changed_at=now)
    if not updated:
        state = FeedbackRequest.State(from_state or feedback_request.state)
        raise TransitionNotAllowed(f"This request is {state.label.lower()}; it cannot be {DONE[action]} now.")
    feedback_request.state = target
    feedback_request.state_changed_at = now
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


@transaction.atomic
def submit_request(
    *,
    candidate: User,
    application: Application,
    areas: list[str],
    questions: str,
    consent_to_forward: bool,
    self_assessment: dict[str, str] | None = None,
) -> FeedbackRequest:
    """A candidate asks for feedback; the owning recruiter and the candidate are e-mailed."""
    feedback_request = FeedbackRequest.objects.create(
        application=application,
        candidate=candidate,
        areas=[a for a in Area.values if a in areas],
        self_assessment={
            a: r for a, r in (self_assessment or {}).items() if a in Area.values and r in Rating.values
        },
        questions=questions.strip(),
        consent_to_forward=consent_to_forward,
    )
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.SUBMITTED,
        actor=candidate,
        to_state=feedback_request.state,
        message="You asked for feedback.",
        visible_to_candidate=True,
        created_at=feedback_request.created_at,
    )
    mail.queue(
        kind="new_request",
        to=application.recruiter.email,
        feedback_request=feedback_request,
    )
    mail.queue(
        kind="request_received",
        to=candidate.email,
        reply_to=application.recruiter.email,
        feedback_request=feedback_request,
    )
    return feedback_request


@transaction.atomic
def route_request(
    *,
    feedback_request: FeedbackRequest,
    hiring_manager: HiringManager,
    message: str,
    actor: User,
    expires_in_days: int | None = None,
) -> Routing:
    """Send the request to a hiring manager with a fresh link; any earlier link is revoked."""
    if hiring_manager.client_id != feedback_request.application.client_id:
        raise ValueError("The hiring manager must work at the application's client.")
    if not feedback_request.application.is_confirmed:
        # The candidate described it themselves: a client's manager is asked only about an
        # interview the recruiter has checked (DESIGN §3: confirmed or merged at triage).
        raise TransitionNotAllowed("Confirm the application before sending it to a hiring manager.")
    _lock(feedback_request)
    _revoke_links(feedback_request)
    days = expires_in_days or PortalSettings.load().link_expiry_days
    now = timezone.now()
    routing = Routing.objects.create(
        feedback_request=feedback_request,
        hiring_manager=hiring_manager,
        routed_by=actor,
        message=message.strip(),
        routed_at=now,
        expires_at=now + timedelta(days=days),
    )
    _transition(
        feedback_request,
        "route",
        kind=Event.Kind.ROUTED,
        actor=actor,
        message=f"Sent to {hiring_manager.name} at {hiring_manager.client.name}; "
        f"the link works until {timezone.localtime(routing.expires_at):%d %b %Y}.",
    )
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.NOTE,
        actor_label="Feedback Portal",
        message="Your request was passed to the interview team.",
        visible_to_candidate=True,
        created_at=now,
    )
    mail.queue(
        kind="manager_request",
        to=hiring_manager.email,
        reply_to=actor.email,
        feedback_request=feedback_request,
        routing=routing,
    )
    return routing


def _manager_response(routing: Routing, *, message: str, **fields) -> FeedbackResponse:
    """Store a hiring manager's response, move the request to answered, tell the recruiter."""
    feedback_request = routing.feedback_request
    _lock(feedback_request)
    # Checked again under the lock: the page read `routing` before a re-route may have revoked it.
    if not Routing.objects.live().filter(pk=routing.pk).exists():
        raise TransitionNotAllowed("This link is closed.")
    response = FeedbackResponse.objects.create(feedback_request=feedback_request, routing=routing, **fields)
    _transition(
        feedback_request,
        "manager_answer",
        kind=Event.Kind.ANSWERED,
        actor_label=f"{HIRING_MANAGER} ({routing.hiring_manager.name})",
        message=message,
    )
    mail.queue(
        kind="answer_received",
        to=feedback_request.application.recruiter.email,
        feedback_request=feedback_request,
    )
    return response


@transaction.atomic
def submit_manager_response(
    *,
    routing: Routing,
    answers: dict[str, tuple[str, str]],
    summary: str = "",
    consider_for_other_roles: str = "",
) -> FeedbackResponse:
    """The hiring manager answers through their link; the recruiter is told."""
    response = _manager_response(
        routing,
        message="The hiring manager answered.",
        kind=FeedbackResponse.Kind.FEEDBACK,
        summary=summary.strip(),
        consider_for_other_roles=consider_for_other_roles,
    )
    AreaAnswer.objects.bulk_create(
        AreaAnswer(response=response, area=area, rating=rating, comment=comment.strip())
        for area, (rating, comment) in answers.items()
        if area in Area.values
    )
    return response


@transaction.atomic
def submit_manager_decline(*, routing: Routing, reason: str) -> FeedbackResponse:
    """The hiring manager declines to give feedback; the recruiter confirms or re-routes."""
    return _manager_response(
        routing,
        message=f"The hiring manager declined: {reason.strip()}",
        kind=FeedbackResponse.Kind.DECLINE,
        decline_reason=reason.strip(),
    )


def _tell_candidate(feedback_request: FeedbackRequest, kind: str) -> None:
    """Candidate e-mails reply to their recruiter, who is their adviser."""
    mail.queue(
        kind=kind,
        to=feedback_request.candidate.email,
        reply_to=feedback_request.application.recruiter.email,
        feedback_request=feedback_request,
    )


@transaction.atomic
def release_response(
    *,
    response: FeedbackResponse,
    actor: User,
    released_summary: str,
    released_comments: dict[str, str],
    acknowledged_flags: Sequence[safety.Acknowledged] = (),
) -> FeedbackResponse:
    """The recruiter releases their reviewed version of the answer; the candidate is e-mailed.

    Flags of the legal-safety check released anyway (the release form refuses any left
    unresolved) are noted on the timeline with their reasons, for recruiters only.
    """
    feedback_request = response.feedback_request
    if response.kind != FeedbackResponse.Kind.FEEDBACK:
        raise TransitionNotAllowed("A decline is confirmed, not released.")
    released = _transition(
        feedback_request,
        "release",
        kind=Event.Kind.RELEASED,
        actor=actor,
        message="Your feedback is ready to read.",
        visible_to_candidate=True,
    )
    if acknowledged_flags:
        lines = [f"• {a.flag.describe()}. Reason: {a.reason.strip()}" for a in acknowledged_flags]
        Event.objects.create(
            feedback_request=feedback_request,
            kind=Event.Kind.NOTE,
            actor=actor,
            message="Released with flags of the legal-safety check acknowledged:\n" + "\n".join(lines),
            visible_to_candidate=False,
            created_at=released.created_at,
        )
    now = timezone.now()
    response.released_summary = released_summary.strip()
    response.released_at = now
    response.released_by = actor
    response.save(update_fields=["released_summary", "released_at", "released_by"])
    for answer in response.answers.all():
        answer.released_comment = released_comments.get(answer.area, "").strip()
        answer.save(update_fields=["released_comment"])
    _revoke_links(feedback_request)
    _tell_candidate(feedback_request, "feedback_released")
    return response


@transaction.atomic
def decline_request(*, feedback_request: FeedbackRequest, actor: User, message: str) -> None:
    """The recruiter declines (or confirms a manager's decline); the candidate gets a kind message."""
    _transition(
        feedback_request,
        "decline",
        kind=Event.Kind.DECLINED,
        actor=actor,
        message=message.strip(),
        visible_to_candidate=True,
    )
    _revoke_links(feedback_request)
    _tell_candidate(feedback_request, "request_declined")


@transaction.atomic
def withdraw_request(*, feedback_request: FeedbackRequest, candidate: User) -> None:
    """The candidate withdraws; every link stops working."""
    _transition(
        feedback_request,
        "withdraw",
        kind=Event.Kind.WITHDRAWN,
        actor=candidate,
        message="You withdrew this request.",
        visible_to_candidate=True,
    )
    _revoke_links(feedback_request)


@transaction.atomic
def expire_routing(*, routing: Routing, now: datetime | None = None) -> bool:
    """A routing's links passed their expiry without an answer: the request waits for the recruiter."""
    feedback_request = routing.feedback_request
    _lock(feedback_request)
    # The sweep read `routing` earlier: since then it may have been extended or re-routed.
    still_due = Routing.objects.filter(
        pk=routing.pk, revoked_at__isnull=True, expires_at__lte=now or timezone.now()
    )
    if not still_due.exists():
        return False
    try:
        _transition(
            feedback_request,
            "expire",
            kind=Event.Kind.EXPIRED,
            actor_label="Feedback Portal",
            message=f"{routing.hiring_manager.name} did not answer before the link expired.",
        )
    except TransitionNotAllowed:
        return False
    # Then the recruiter is told, to re-route, extend or decline.
    mail.queue(
        kind="routing_expired",
        to=feedback_request.application.recruiter.email,
        feedback_request=feedback_request,
        routing=routing,
    )
    return True


def expire_due_routings(*, now: datetime) -> int:
    """Expire every awaiting request whose live routing ran out; each in its own transaction."""
    due = Routing.objects.filter(
        revoked_at__isnull=True,
        expires_at__lte=now,
        feedback_request__state=FeedbackRequest.State.AWAITING_MANAGER,
    ).select_related("feedback_request", "hiring_manager")
    return sum(expire_routing(routing=routing, now=now) for routing in due)


def _refuse_while_follow_up_open(feedback_request: FeedbackRequest) -> None:
    """A request closes only once its follow-up question is answered: the conversation is not over.

    Called under _lock, which ask_follow_up takes too, so a question asked at the same moment is seen.
    """
    if FollowUp.objects.open().filter(feedback_request=feedback_request).exists():
        raise TransitionNotAllowed(
            "The follow-up question is still open: this request can be closed once it is answered."
        )


@transaction.atomic
def close_request(*, feedback_request: FeedbackRequest, actor: User | None = None) -> None:
    """Released feedback is closed after a while, or once the candidate acknowledges it."""
    _lock(feedback_request)
    _refuse_while_follow_up_open(feedback_request)
    _transition(
        feedback_request,
        "close",
        kind=Event.Kind.CLOSED,
        actor=actor,
        actor_label="" if actor else "Feedback Portal",
        message="This request is closed.",
        visible_to_candidate=True,
    )


@transaction.atomic
def extend_routing(*, feedback_request: FeedbackRequest, actor: User, days: int) -> Routing:
    """Give the current hiring manager more time: their links work `days` longer from now."""
    _lock(feedback_request)
    routing = (
        Routing.objects.select_for_update()
        .filter(feedback_request=feedback_request, revoked_at__isnull=True)
        .first()
    )
    if routing is None:
        raise TransitionNotAllowed("There is no open link to extend; route the request instead.")
    routing.expires_at = max(routing.expires_at, timezone.now()) + timedelta(days=days)
    routing.save(update_fields=["expires_at"])
    _transition(
        feedback_request,
        "extend",
        kind=Event.Kind.EXTENDED,
        actor=actor,
        message=f"The link now works until {timezone.localtime(routing.expires_at):%d %b %Y}.",
    )
    return routing


@transaction.atomic
def confirm_application(*, feedback_request: FeedbackRequest, actor: User) -> bool:
    """The recruiter confirms the application a candidate described; noted on the timeline."""
    from candidates import services as candidate_services

    confirmed = candidate_services.confirm_application(application=feedback_request.application)
    if confirmed:
        Event.objects.create(
            feedback_request=feedback_request,
            kind=Event.Kind.NOTE,
            actor=actor,
            message="The recruiter confirmed the application's details.",
            visible_to_candidate=True,
        )
    return confirmed


@transaction.atomic
def acknowledge_feedback(*, feedback_request: FeedbackRequest, candidate: User, usefulness: str = "") -> None:
    """The candidate has read their feedback (and may rate it): the request closes."""
    _lock(feedback_request)
    _refuse_while_follow_up_open(feedback_request)
    _transition(
        feedback_request,
        "close",
        kind=Event.Kind.CLOSED,
        actor=candidate,
        message="You marked the feedback as read. Thank you.",
        visible_to_candidate=True,
    )
    if usefulness:
        FeedbackRequest.objects.filter(pk=feedback_request.pk).update(usefulness=usefulness)
        feedback_request.usefulness = usefulness


def close_stale_releases(*, now) -> int:
    """Close requests released longer ago than the portal's setting; each in its own transaction.

    An open follow-up question keeps its request open; once it is answered, the candidate has
    the same period again to read the answer.
    """
    cutoff = now - timedelta(days=PortalSettings.load().close_released_after_days)
    closed = 0
    stale = (
        FeedbackRequest.objects.filter(state=FeedbackRequest.State.RELEASED, state_changed_at__lte=cutoff)
        .without_open_follow_up()
        .exclude(follow_up__answered_at__gt=cutoff)
    )
    for feedback_request in stale.order_by("state_changed_at")[:500]:
        try:
            close_request(feedback_request=feedback_request)
        except TransitionNotAllowed:
            continue  # acknowledged, or a follow-up asked, meanwhile
        closed += 1
    return closed


@transaction.atomic
def record_recruiter_answer(
    *,
    feedback_request: FeedbackRequest,
    actor: User,
    answers: dict[str, tuple[str, str]],
    summary: str = "",
    consider_for_other_roles: str = "",
) -> FeedbackResponse:
    """The recruiter writes down the feedback a manager gave on a call; any open link closes."""
    _lock(feedback_request)
    _transition(
        feedback_request,
        "recruiter_answer",
        kind=Event.Kind.ANSWERED,
        actor=actor,
        message="The recruiter recorded the interview team's feedback after a call.",
    )
    _revoke_links(feedback_request)
    response = FeedbackResponse.objects.create(
        feedback_request=feedback_request,
        kind=FeedbackResponse.Kind.FEEDBACK,
        summary=summary.strip(),
        consider_for_other_roles=consider_for_other_roles,
        answered_by_recruiter=actor,
    )
    AreaAnswer.objects.bulk_create(
        AreaAnswer(response=response, area=area, rating=rating, comment=comment.strip())
        for area, (rating, comment) in answers.items()
        if area in Area.values
    )
    return response


# --- The follow-up question (DESIGN §4) -----------------------------------------------------

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
    allowed, target = FOLLOW_UP_TRANSITIONS[action]
    now = timezone.now()
    from_state = (
        FollowUp.objects.select_for_update().filter(pk=follow_up.pk).values_list("state", flat=True).first()
    )
    updated = from_state in allowed and FollowUp.objects.filter(pk=follow_up.pk, state=from_state).update(
        state=target, state_changed_at=now, **fields
    )
    if not updated:
        state = FollowUp.State(from_state or follow_up.state)
        raise TransitionNotAllowed(
            f"This follow-up question is {state.label.lower()}; it cannot be {FOLLOW_UP_DONE[action]} now."
        )
    follow_up.state = target
    follow_up.state_changed_at = now
    for name, value in fields.items():
        setattr(follow_up, name, value)
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


@transaction.atomic
def ask_follow_up(*, feedback_request: FeedbackRequest, candidate: User, question: str) -> FollowUp:
    """The candidate asks their one follow-up question on released feedback; the recruiter is e-mailed."""
    question = question.strip()
    if not question:
        raise ValueError("A follow-up question needs some text.")
    _lock(feedback_request)
    # Read under the lock: the request may have closed since the page was read.
    state = FeedbackRequest.objects.filter(pk=feedback_request.pk).values_list("state", flat=True).first()
    if state != FeedbackRequest.State.RELEASED:
        raise TransitionNotAllowed(
            "A follow-up question can be asked once your feedback is released, until the request is closed."
        )
    if FollowUp.objects.filter(feedback_request=feedback_request).exists():
        raise TransitionNotAllowed("You have already asked your follow-up question on this feedback.")
    now = timezone.now()
    follow_up = FollowUp.objects.create(
        feedback_request=feedback_request, question=question, asked_at=now, state_changed_at=now
    )
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.FOLLOW_UP_ASKED,
        actor=candidate,
        message="You asked a follow-up question.",
        visible_to_candidate=True,
        created_at=now,
    )
    mail.queue(
        kind="follow_up_asked",
        to=feedback_request.application.recruiter.email,
        feedback_request=feedback_request,
    )
    return follow_up


def _follow_up_manager(feedback_request: FeedbackRequest) -> HiringManager | None:
    """Who a follow-up question goes to: the hiring manager of the request's last routing.

    That is the manager whose answer was released (release takes the latest answer, and a new
    answer only ever comes after a new routing), or the one asked before the recruiter recorded
    their feedback from a call. None when the request was never routed.
    """
    routing = (
        feedback_request.routings.filter(follow_up__isnull=True).select_related("hiring_manager").first()
    )
    return routing.hiring_manager if routing else None


@transaction.atomic
def forward_follow_up(
    *, follow_up: FollowUp, actor: User, message: str = "", expires_in_days: int | None = None
) -> Routing:
    """Forward the question, perhaps reworded, to the same hiring manager with a fresh link.

    Forwarding again revokes the earlier follow-up link (e.g. once it expired) and sends a new one.
    """
    feedback_request = follow_up.feedback_request
    _lock(feedback_request)
    manager = _follow_up_manager(feedback_request)
    if manager is None or not manager.is_active:
        raise TransitionNotAllowed(
            "There is no active hiring manager to forward this question to: answer it yourself."
        )
    _revoke_links(feedback_request)
    days = expires_in_days or PortalSettings.load().link_expiry_days
    now = timezone.now()
    routing = Routing.objects.create(
        feedback_request=feedback_request,
        hiring_manager=manager,
        routed_by=actor,
        message=message.strip() or follow_up.question,
        routed_at=now,
        expires_at=now + timedelta(days=days),
        follow_up=follow_up,
    )
    _follow_up_transition(
        follow_up,
        "forward",
        kind=Event.Kind.FOLLOW_UP_FORWARDED,
        actor=actor,
        message=f"Follow-up question sent to {manager.name} at {manager.client.name}; "
        f"the link works until {timezone.localtime(routing.expires_at):%d %b %Y}.",
    )
    # The candidate hears that it went on, never to whom (DESIGN §2).
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.NOTE,
        actor_label="Feedback Portal",
        message="Your follow-up question was passed to the interview team.",
        visible_to_candidate=True,
        created_at=now,
    )
    mail.queue(
        kind="manager_follow_up",
        to=manager.email,
        reply_to=actor.email,
        feedback_request=feedback_request,
        routing=routing,
    )
    return routing


def _manager_follow_up_reply(routing: Routing, *, reply: str, declined: bool, message: str) -> FollowUp:
    """Store the manager's reply (or decline) as the original; the recruiter reviews it."""
    feedback_request = routing.feedback_request
    _lock(feedback_request)
    # Checked again under the lock: the page read `routing` before a re-forward or an answer closed it.
    if routing.follow_up_id is None or not Routing.objects.live().filter(pk=routing.pk).exists():
        raise TransitionNotAllowed("This link is closed.")
    follow_up = routing.follow_up
    _follow_up_transition(
        follow_up,
        "reply",
        kind=Event.Kind.FOLLOW_UP_REPLIED,
        actor_label=f"{HIRING_MANAGER} ({routing.hiring_manager.name})",
        message=message,
        reply=reply,
        reply_declined=declined,
        replied_at=timezone.now(),
        replied_via=routing,
    )
    mail.queue(
        kind="follow_up_replied",
        to=feedback_request.application.recruiter.email,
        feedback_request=feedback_request,
    )
    return follow_up


@transaction.atomic
def reply_to_follow_up(*, routing: Routing, reply: str) -> FollowUp:
    """The hiring manager answers the follow-up question through their link; the recruiter is told."""
    return _manager_follow_up_reply(
        routing,
        reply=reply.strip(),
        declined=False,
        message="The hiring manager replied to the follow-up question.",
    )


@transaction.atomic
def decline_follow_up(*, routing: Routing, reason: str) -> FollowUp:
    """The hiring manager cannot add more; the recruiter answers the candidate themselves."""
    return _manager_follow_up_reply(
        routing,
        reply=reason.strip(),
        declined=True,
        message=f"The hiring manager declined the follow-up question: {reason.strip()}",
    )


@transaction.atomic
def answer_follow_up(
    *,
    follow_up: FollowUp,
    actor: User,
    answer: str,
    seen_state: str = "",
    acknowledged_flags: Sequence[safety.Acknowledged] = (),
) -> FollowUp:
    """The recruiter releases the answer: their own, or their review of the manager's reply.

    The candidate reads it as from the interview team when the manager replied (rather than
    declined), otherwise as from their recruiter. `seen_state` is the follow-up's state on the
    recruiter's page: if the manager has replied since, the answer is refused so the recruiter
    reads the reply first. Any open link closes; the candidate is e-mailed.
    """
    answer = answer.strip()
    if not answer:
        raise ValueError("An answer needs some text.")
    feedback_request = follow_up.feedback_request
    _lock(feedback_request)
    current = FollowUp.objects.filter(pk=follow_up.pk).values("state", "reply_declined").first()
    if seen_state and current["state"] != seen_state and current["state"] == FollowUp.State.REPLIED:
        raise TransitionNotAllowed(
            "The hiring manager replied while you were writing: read their reply, then send the answer."
        )
    from_team = current["state"] == FollowUp.State.REPLIED and not current["reply_declined"]
    answered = _follow_up_transition(
        follow_up,
        "answer",
        kind=Event.Kind.FOLLOW_UP_ANSWERED,
        actor=actor,
        message="Your follow-up question has been answered.",
        visible_to_candidate=True,
        answer=answer,
        answer_source=FollowUp.Source.INTERVIEW_TEAM if from_team else FollowUp.Source.RECRUITER,
        answered_at=timezone.now(),
        answered_by=actor,
    )
    if acknowledged_flags:
        lines = [f"• {a.flag.describe()}. Reason: {a.reason.strip()}" for a in acknowledged_flags]
        Event.objects.create(
            feedback_request=feedback_request,
            kind=Event.Kind.NOTE,
            actor=actor,
            message="Follow-up answer sent with flags of the legal-safety check acknowledged:\n"
            + "\n".join(lines),
            visible_to_candidate=False,
            created_at=answered.created_at,
        )
    _revoke_links(feedback_request)
    _tell_candidate(feedback_request, "follow_up_answered")
    return follow_up
