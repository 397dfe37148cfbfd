"""The candidate's and the recruiter's writes on a feedback request.

Submit, confirm the application, record a call's answer, release, decline, withdraw,
acknowledge, and close (one request, or every stale release).
"""

from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from candidates.models import Application
from feedback_portal import mail
from feedback_portal.models import PortalSettings, User

from .. import safety
from ..models import Area, AreaAnswer, Event, FeedbackRequest, FeedbackResponse, FollowUp, Rating
from .transitions import (
    TransitionNotAllowed,
    _lock,
    _note_acknowledged_flags,
    _revoke_links,
    _tell_candidate,
    _transition,
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
    _note_acknowledged_flags(feedback_request, actor, acknowledged_flags, "Released", at=released.created_at)
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
