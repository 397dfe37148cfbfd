"""What the request services share: the row lock, closing links, opening a routing, telling the candidate.

The guarded move itself, and the rules of which action is possible when, live in
requests_app.lifecycle.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils import timezone

from feedback_portal import mail
from feedback_portal.mail import EmailKind
from feedback_portal.models import PortalSettings, User

from .. import safety
from ..emails import SENDER_LABEL
from ..models import Event, FeedbackRequest, FollowUp, Routing

HIRING_MANAGER = "Hiring manager"


def lock(feedback_request: FeedbackRequest) -> FeedbackRequest:
    """Lock the request's row and read its true state into `feedback_request`.

    Every write that touches a request and its routings takes this lock first, so two of
    them (a re-route and an extension, an answer and a re-route, the expiry sweep and
    either) wait for each other and the second reads what the first committed, instead of
    acting on a stale routing, deadlocking or tripping one_unrevoked_routing_per_request.
    The services ask the lifecycle's predicates after it, so they judge the state as it is.
    NO KEY UPDATE still lets others insert rows that point at the request (an Event, a
    reminder's e-mail) while holding a routing's lock, so that order cannot deadlock either.
    (SQLite's IMMEDIATE transactions already run one writer at a time.)
    """
    row = FeedbackRequest.objects.select_for_update(no_key=True).filter(pk=feedback_request.pk)
    state = row.values_list("state", flat=True).first()
    if state is not None:
        feedback_request.state = state
    return feedback_request


def fresh_follow_up(feedback_request: FeedbackRequest) -> FollowUp | None:
    """The request's follow-up question as stored now (read under `lock`), or None."""
    return FollowUp.objects.filter(feedback_request=feedback_request).first()


def revoke_links(feedback_request: FeedbackRequest) -> None:
    Routing.objects.filter(feedback_request=feedback_request, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def tell_candidate(feedback_request: FeedbackRequest, kind: EmailKind) -> None:
    """Candidate e-mails reply to their recruiter, who is their adviser. None once the candidate's
    data is erased (their account is gone)."""
    if feedback_request.candidate is None:
        return
    mail.queue(
        kind,
        to=feedback_request.candidate.email,
        reply_to=feedback_request.recruiter.email,
        about=feedback_request,
    )


def tell_recruiter(feedback_request: FeedbackRequest, kind: EmailKind) -> None:
    """The recruiter looking after the request hears of what waits for them."""
    mail.queue(kind, to=feedback_request.recruiter.email, about=feedback_request)


def note_acknowledged_flags(
    feedback_request: FeedbackRequest,
    actor: User,
    acknowledged: Sequence[safety.Acknowledged],
    what: str,
    *,
    at: datetime,
) -> None:
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


def new_routing(
    feedback_request: FeedbackRequest,
    manager,
    actor: User,
    message: str,
    *,
    expires_in_days: int | None,
    follow_up: FollowUp | None = None,
) -> Routing:
    """A fresh routing to a hiring manager, replacing any earlier links of the request."""
    revoke_links(feedback_request)
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


def send_routing(routing: Routing, actor: User, *, kind: EmailKind, candidate_note: str) -> None:
    """E-mail the manager their link (minted at sending) and tell the candidate, never to whom."""
    Event.objects.create(
        feedback_request=routing.feedback_request,
        kind=Event.Kind.NOTE,
        actor_label=SENDER_LABEL,
        message=candidate_note,
        visible_to_candidate=True,
        created_at=routing.routed_at,
    )
    # Replies go to the recruiter: the manager's questions are theirs to answer.
    mail.queue(kind, to=routing.hiring_manager.email, reply_to=actor.email, about=routing)


def kept_answers(feedback_request: FeedbackRequest, typed: list[dict] | None) -> list[dict]:
    """The answers to the candidate's questions as stored: each question the manager was asked,
    in order, with the answer given for it (blank when none). Nothing when none were asked (a
    ratings-only client is not shown the questions)."""
    if not typed:
        return []
    answers = [str(pair.get("answer", "")).strip() for pair in typed]
    return [
        {"question": question, "answer": answers[i] if i < len(answers) else ""}
        for i, question in enumerate(feedback_request.questions_for_manager)
    ]
