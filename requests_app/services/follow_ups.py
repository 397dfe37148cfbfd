"""The follow-up question (DESIGN §4): one question after release.

The candidate asks; the recruiter answers it, or forwards it to the same hiring manager
by e-mailed link, reviews the reply and sends it on.
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from candidates.models import HiringManager
from feedback_portal import mail
from feedback_portal.models import User

from .. import safety
from ..models import Event, FeedbackRequest, FollowUp, Routing
from .transitions import (
    HIRING_MANAGER,
    TransitionNotAllowed,
    _follow_up_transition,
    _lock,
    _new_routing,
    _note_acknowledged_flags,
    _revoke_links,
    _send_routing,
    _tell_candidate,
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
    routing = _new_routing(
        feedback_request,
        manager,
        actor,
        message.strip() or follow_up.question,
        expires_in_days=expires_in_days,
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
    _send_routing(
        routing,
        actor,
        email_kind="manager_follow_up",
        candidate_note="Your follow-up question was passed to the interview team.",
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
    _note_acknowledged_flags(
        feedback_request, actor, acknowledged_flags, "Follow-up answer sent", at=answered.created_at
    )
    _revoke_links(feedback_request)
    _tell_candidate(feedback_request, "follow_up_answered")
    return follow_up
