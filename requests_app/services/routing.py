"""A request's trip to a hiring manager: route it, extend or expire the link, and the manager's answer.

The hiring manager answers or declines through their link; a link that runs out without
an answer expires, and the request waits for the recruiter.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from candidates.models import HiringManager
from feedback_portal import mail
from feedback_portal.models import User

from .. import emails, lifecycle
from ..emails import SENDER_LABEL
from ..lifecycle import Action
from ..models import Area, AreaAnswer, Event, FeedbackRequest, FeedbackResponse, Routing
from .shared import HIRING_MANAGER, kept_answers, lock, new_routing, send_routing, tell_recruiter


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
    lifecycle.may_route(lock(feedback_request)).enforce()
    routing = new_routing(
        feedback_request, hiring_manager, actor, message.strip(), expires_in_days=expires_in_days
    )
    lifecycle.move(
        feedback_request,
        Action.ROUTE,
        actor=actor,
        message=f"Sent to {hiring_manager.name} at {hiring_manager.client.name}; "
        f"the link works until {timezone.localtime(routing.expires_at):%d %b %Y}.",
    )
    send_routing(
        routing,
        actor,
        kind=emails.MANAGER_REQUEST,
        candidate_note="Your request was passed to the interview team.",
    )
    return routing


def _manager_response(routing: Routing, *, message: str, **fields) -> FeedbackResponse:
    """Store a hiring manager's response, move the request to answered, tell the recruiter."""
    feedback_request = lock(routing.feedback_request)
    # Asked again under the lock: the page read `routing` before a re-route may have revoked it.
    routing.refresh_from_db(fields=["revoked_at", "expires_at"])
    lifecycle.manager_may_answer(routing).enforce()
    response = FeedbackResponse.objects.create(feedback_request=feedback_request, routing=routing, **fields)
    lifecycle.move(
        feedback_request,
        Action.MANAGER_ANSWER,
        actor_label=f"{HIRING_MANAGER} ({routing.hiring_manager.name})",
        message=message,
    )
    tell_recruiter(feedback_request, emails.ANSWER_RECEIVED)
    return response


@transaction.atomic
def submit_manager_response(
    *,
    routing: Routing,
    answers: dict[str, tuple[str, str]],
    summary: str = "",
    consider_for_other_roles: str = "",
    question_answers: list[dict] | None = None,
) -> FeedbackResponse:
    """The hiring manager answers through their link; the recruiter is told."""
    response = _manager_response(
        routing,
        message="The hiring manager answered.",
        kind=FeedbackResponse.Kind.FEEDBACK,
        summary=summary.strip(),
        consider_for_other_roles=consider_for_other_roles,
        question_answers=kept_answers(routing.feedback_request, question_answers),
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


@transaction.atomic
def expire_routing(*, routing: Routing, now: datetime | None = None) -> bool:
    """A routing's links passed their expiry without an answer: the request waits for the recruiter.

    Reads the routing's manager, request, and who looks after it from `routing`: the sweep
    selects them with it (expire_due_routings), so expiring one costs no extra reads.
    """
    feedback_request = lock(routing.feedback_request)
    # The sweep read `routing` earlier: since then it may have been extended or re-routed.
    still_due = Routing.objects.filter(
        pk=routing.pk, revoked_at__isnull=True, expires_at__lte=now or timezone.now()
    )
    if not still_due.exists() or not lifecycle.may(feedback_request, Action.EXPIRE):
        return False
    lifecycle.move(
        feedback_request,
        Action.EXPIRE,
        actor_label=SENDER_LABEL,
        message=f"{routing.hiring_manager.name} did not answer before the link expired.",
    )
    # Then the recruiter looking after it is told, to re-route, extend or decline.
    mail.queue(emails.ROUTING_EXPIRED, to=feedback_request.recruiter.email, about=routing)
    return True


def expire_due_routings(*, now: datetime) -> int:
    """Expire every awaiting request whose live routing ran out; each in its own transaction.

    One query finds them, with everything expiring each one reads (the manager's name, the
    request, who looks after it): the sweep's reads follow the routings due, nothing more.
    """
    due = Routing.objects.filter(
        revoked_at__isnull=True,
        expires_at__lte=now,
        feedback_request__state=FeedbackRequest.State.AWAITING_MANAGER,
    ).select_related(
        "hiring_manager",
        "feedback_request__owner",
        "feedback_request__application__client__owner",
    )
    return sum(expire_routing(routing=routing, now=now) for routing in due)


@transaction.atomic
def extend_routing(*, feedback_request: FeedbackRequest, actor: User, days: int) -> Routing:
    """Give the current hiring manager more time: their links work `days` longer from now."""
    lock(feedback_request)
    routing = (
        Routing.objects.select_for_update()
        .filter(feedback_request=feedback_request, revoked_at__isnull=True)
        .first()
    )
    lifecycle.may_extend(feedback_request, routing).enforce()
    routing.expires_at = max(routing.expires_at, timezone.now()) + timedelta(days=days)
    routing.save(update_fields=["expires_at"])
    lifecycle.move(
        feedback_request,
        Action.EXTEND,
        actor=actor,
        message=f"The link now works until {timezone.localtime(routing.expires_at):%d %b %Y}. "
        f"{routing.hiring_manager.name} was e-mailed a fresh link and the new date.",
    )
    _email_link(routing, actor, emails.MANAGER_LINK_EXTENDED)
    return routing


def _email_link(routing: Routing, actor: User, kind) -> None:
    """E-mail the manager a fresh link to the routing (minted when sent); replies reach the recruiter."""
    mail.queue(kind, to=routing.hiring_manager.email, reply_to=actor.email, about=routing)


def _live_routing(feedback_request: FeedbackRequest) -> Routing:
    """The request's routing the manager can still answer, or TransitionNotAllowed in the page's words."""
    routing = (
        Routing.objects.select_related("hiring_manager", "feedback_request", "follow_up")
        .filter(feedback_request=feedback_request, revoked_at__isnull=True, follow_up__isnull=True)
        .first()
    )
    lifecycle.may_send_link(feedback_request, routing).enforce()
    return routing


def _send_live_link(
    feedback_request: FeedbackRequest, actor: User, kind, event_kind: str, said: str
) -> Routing:
    """E-mail the manager a fresh link to the live routing, the date unchanged; the timeline says
    `said` (with {manager}: the manager's name)."""
    lock(feedback_request)
    routing = _live_routing(feedback_request)
    Event.objects.create(
        feedback_request=feedback_request,
        kind=event_kind,
        actor=actor,
        message=said.format(manager=routing.hiring_manager.name),
    )
    _email_link(routing, actor, kind)
    return routing


@transaction.atomic
def resend_link(*, feedback_request: FeedbackRequest, actor: User) -> Routing:
    """Send the hiring manager their link again (a fresh one, the date unchanged): e.g. it was lost."""
    return _send_live_link(
        feedback_request,
        actor,
        emails.MANAGER_LINK_RESENT,
        Event.Kind.NOTE,
        "The link was sent to {manager} again.",
    )


@transaction.atomic
def remind_now(*, feedback_request: FeedbackRequest, actor: User) -> Routing:
    """Remind the hiring manager now, outside the cadence, with a fresh link to the same routing."""
    return _send_live_link(
        feedback_request,
        actor,
        emails.MANAGER_REMINDER,
        Event.Kind.REMINDED,
        "Reminder to {manager}, sent by the recruiter.",
    )
