"""The follow-up question: one question after release.

The candidate asks; the recruiter answers it, or forwards it to the same hiring manager
by e-mailed link, reviews the reply and sends it on.
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from candidates.models import HiringManager
from feedback_portal.models import User

from .. import emails, lifecycle, safety
from ..lifecycle import FollowUpAction, TransitionNotAllowed
from ..models import Event, FeedbackRequest, FollowUp, Routing
from .shared import (
    HIRING_MANAGER,
    fresh_follow_up,
    lock,
    new_routing,
    note_acknowledged_flags,
    revoke_links,
    send_routing,
    tell_candidate,
    tell_recruiter,
)


@transaction.atomic
def ask_follow_up(*, feedback_request: FeedbackRequest, candidate: User, question: str) -> FollowUp:
    """The candidate asks their one follow-up question on released feedback; the recruiter is e-mailed."""
    question = question.strip()
    if not question:
        raise ValueError("A follow-up question needs some text.")
    # Asked under the lock: the request may have closed, or the question been asked, meanwhile.
    lock(feedback_request)
    lifecycle.may_ask_follow_up(feedback_request, fresh_follow_up(feedback_request)).enforce()
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
    tell_recruiter(feedback_request, emails.FOLLOW_UP_ASKED)
    return follow_up


def follow_up_manager(routings: Sequence[Routing]) -> HiringManager | None:
    """Who a follow-up question goes to: the hiring manager of the request's last routing.

    `routings` are the request's routings, newest first. The last one of the request itself is
    the manager whose answer was released (release takes the latest answer, and a new answer
    only ever comes after a new routing), or the one asked before the recruiter recorded their
    feedback from a call. None when the request was never routed.
    """
    routing = next((r for r in routings if r.follow_up_id is None), None)
    return routing.hiring_manager if routing else None


def follow_up_link(routings: Sequence[Routing], follow_up: FollowUp) -> Routing | None:
    """The latest routing that forwarded this follow-up question, if it was forwarded."""
    return next((r for r in routings if r.follow_up_id == follow_up.pk), None)


@transaction.atomic
def forward_follow_up(
    *, follow_up: FollowUp, actor: User, message: str = "", expires_in_days: int | None = None
) -> Routing:
    """Forward the question, perhaps reworded, to the same hiring manager with a fresh link.

    Forwarding again (once the earlier follow-up link has closed, e.g. expired) revokes it and
    sends a new one.
    """
    feedback_request = lock(follow_up.feedback_request)
    follow_up.refresh_from_db(fields=["state"])
    routings = list(feedback_request.routings.select_related("hiring_manager__client"))
    manager = follow_up_manager(routings)
    lifecycle.may_forward_follow_up(
        follow_up, manager=manager, link=follow_up_link(routings, follow_up)
    ).enforce()
    routing = new_routing(
        feedback_request,
        manager,
        actor,
        message.strip() or follow_up.question,
        expires_in_days=expires_in_days,
        follow_up=follow_up,
    )
    lifecycle.move_follow_up(
        follow_up,
        FollowUpAction.FORWARD,
        actor=actor,
        message=f"Follow-up question sent to {manager.name} at {manager.client.name}; "
        f"the link works until {timezone.localtime(routing.expires_at):%d %b %Y}.",
    )
    send_routing(
        routing,
        actor,
        kind=emails.MANAGER_FOLLOW_UP,
        candidate_note="Your follow-up question was passed to the interview team.",
    )
    return routing


def _manager_follow_up_reply(routing: Routing, *, reply: str, declined: bool, message: str) -> FollowUp:
    """Store the manager's reply (or decline) as the original; the recruiter reviews it."""
    if routing.follow_up_id is None:
        raise TransitionNotAllowed(lifecycle.LINK_CLOSED)
    feedback_request = lock(routing.feedback_request)
    # Asked again under the lock: the page read `routing` before a re-forward or an answer closed it.
    routing.refresh_from_db(fields=["revoked_at", "expires_at"])
    routing.follow_up = fresh_follow_up(feedback_request)
    lifecycle.manager_may_answer(routing).enforce()
    lifecycle.move_follow_up(
        routing.follow_up,
        FollowUpAction.REPLY,
        actor_label=f"{HIRING_MANAGER} ({routing.hiring_manager.name})",
        message=message,
        reply=reply,
        reply_declined=declined,
        replied_at=timezone.now(),
        replied_via=routing,
    )
    tell_recruiter(feedback_request, emails.FOLLOW_UP_REPLIED)
    return routing.follow_up


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
    feedback_request = lock(follow_up.feedback_request)
    current = fresh_follow_up(feedback_request)
    if seen_state and current.state != seen_state and current.state == FollowUp.State.REPLIED:
        raise TransitionNotAllowed(
            "The hiring manager replied while you were writing: read their reply, then send the answer."
        )
    lifecycle.may_answer_follow_up(current).enforce()
    from_team = current.has_team_reply
    answered = lifecycle.move_follow_up(
        follow_up,
        FollowUpAction.ANSWER,
        actor=actor,
        message="Your follow-up question has been answered.",
        visible_to_candidate=True,
        answer=answer,
        answer_source=FollowUp.Source.INTERVIEW_TEAM if from_team else FollowUp.Source.RECRUITER,
        answered_at=timezone.now(),
        answered_by=actor,
    )
    note_acknowledged_flags(
        feedback_request, actor, acknowledged_flags, "Follow-up answer sent", at=answered.created_at
    )
    revoke_links(feedback_request)
    tell_candidate(feedback_request, emails.FOLLOW_UP_ANSWERED)
    return follow_up
