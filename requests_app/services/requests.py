"""The candidate's and the recruiter's writes on a feedback request.

Submit, confirm the application, record a call's answer, decline, withdraw,
acknowledge, and close (one request, or every stale release). Each asks the lifecycle's
predicate for its action under the request's lock, then takes the guarded move.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from candidates import services as candidate_services
from candidates.models import Application, Client
from feedback_portal import mail
from feedback_portal.models import PortalSettings, User

from .. import emails, lifecycle
from ..emails import SENDER_LABEL
from ..lifecycle import Action, TransitionNotAllowed
from ..models import Area, AreaAnswer, Event, FeedbackRequest, FeedbackResponse, Rating
from .search import describe
from .shared import fresh_follow_up, kept_answers, lock, revoke_links, tell_candidate


@transaction.atomic
def submit_request(
    *,
    candidate: User,
    application: Application,
    areas: list[str],
    questions: list[str],
    consent_to_forward: bool,
    self_assessment: dict[str, str] | None = None,
) -> FeedbackRequest:
    """A candidate asks for feedback; the owning recruiter and the candidate are e-mailed.

    Refused (TransitionNotAllowed) when the application cannot take a request now: see
    lifecycle.may_ask. Two asks at once: the one-open-request constraint lets one through.
    """
    if application.candidate_id != candidate.pk:
        raise ValueError("A candidate asks only about their own applications.")
    lifecycle.may_ask(application).enforce()
    asked = [q.strip() for q in questions if q.strip()][: FeedbackRequest.MAX_QUESTIONS]
    try:
        with transaction.atomic():
            feedback_request = FeedbackRequest.objects.create(
                application=application,
                candidate=candidate,
                areas=[a for a in Area.values if a in areas],
                self_assessment={
                    a: r
                    for a, r in (self_assessment or {}).items()
                    if a in Area.values and r in Rating.values
                },
                question_list=asked,
                # Consent is to pass on questions: with none, there is nothing it could allow.
                consent_to_forward=consent_to_forward and bool(asked),
                owner=application.recruiter,
            )
    except IntegrityError:
        raise TransitionNotAllowed("You have already asked for feedback on this application.") from None
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.SUBMITTED,
        actor=candidate,
        to_state=feedback_request.state,
        message="You asked for feedback.",
        visible_to_candidate=True,
        created_at=feedback_request.created_at,
    )
    describe(feedback_request)
    lifecycle.note_needs(feedback_request)
    mail.queue(emails.NEW_REQUEST, to=application.recruiter.email, about=feedback_request)
    tell_candidate(feedback_request, emails.REQUEST_RECEIVED)
    return feedback_request


@transaction.atomic
def decline_request(*, feedback_request: FeedbackRequest, actor: User, message: str) -> None:
    """The recruiter declines (or confirms a manager's decline); the candidate gets a kind message."""
    lifecycle.may_decline(lock(feedback_request)).enforce()
    lifecycle.move(
        feedback_request,
        Action.DECLINE,
        actor=actor,
        message=message.strip(),
        visible_to_candidate=True,
    )
    revoke_links(feedback_request)
    tell_candidate(feedback_request, emails.REQUEST_DECLINED)


@transaction.atomic
def withdraw_request(*, feedback_request: FeedbackRequest, candidate: User) -> None:
    """The candidate withdraws; every link stops working."""
    lifecycle.may_withdraw(lock(feedback_request)).enforce()
    lifecycle.move(
        feedback_request,
        Action.WITHDRAW,
        actor=candidate,
        message="You withdrew this request.",
        visible_to_candidate=True,
    )
    revoke_links(feedback_request)


@transaction.atomic
def close_request(*, feedback_request: FeedbackRequest, actor: User | None = None) -> None:
    """Released feedback is closed after a while, or once the candidate acknowledges it."""
    lock(feedback_request)
    lifecycle.may_close(feedback_request, fresh_follow_up(feedback_request)).enforce()
    lifecycle.move(
        feedback_request,
        Action.CLOSE,
        actor=actor,
        actor_label="" if actor else SENDER_LABEL,
        message="This request is closed.",
        visible_to_candidate=True,
    )


@transaction.atomic
def confirm_application(
    *, feedback_request: FeedbackRequest, actor: User, client: Client | None = None
) -> bool:
    """The recruiter confirms the application a candidate described, and the client they meant;
    noted on the timeline. A company that matched no client needs one chosen (ValueError)."""
    application = feedback_request.application
    if client is None and application.client.is_holding and not application.is_confirmed:
        raise ValueError("Choose the client the candidate means before confirming.")
    confirmed = candidate_services.confirm_application(application=application, client=client)
    if confirmed:
        describe(feedback_request)  # the client's name, for search and sort
        lifecycle.note_needs(feedback_request)  # from "confirm the application" to "route it"
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
    lock(feedback_request)
    lifecycle.may_close(feedback_request, fresh_follow_up(feedback_request)).enforce()
    lifecycle.move(
        feedback_request,
        Action.CLOSE,
        actor=candidate,
        message="You marked the feedback as read. Thank you.",
        visible_to_candidate=True,
    )
    if usefulness:
        FeedbackRequest.objects.filter(pk=feedback_request.pk).update(usefulness=usefulness)
        feedback_request.usefulness = usefulness


def close_stale_releases(*, now: datetime) -> int:
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
    question_answers: list[dict] | None = None,
) -> FeedbackResponse:
    """The recruiter writes down the feedback a manager gave on a call; any open link closes."""
    lifecycle.may_record_answer(lock(feedback_request)).enforce()
    answered = lifecycle.move(
        feedback_request,
        Action.RECRUITER_ANSWER,
        actor=actor,
        message="The recruiter recorded the interview team's feedback after a call.",
    )
    revoke_links(feedback_request)
    response = FeedbackResponse.objects.create(
        feedback_request=feedback_request,
        kind=FeedbackResponse.Kind.FEEDBACK,
        summary=summary.strip(),
        consider_for_other_roles=consider_for_other_roles,
        question_answers=kept_answers(feedback_request, question_answers),
        answered_by_recruiter=actor,
        submitted_at=answered.created_at,
    )
    AreaAnswer.objects.bulk_create(
        AreaAnswer(response=response, area=area, rating=rating, comment=comment.strip())
        for area, (rating, comment) in answers.items()
        if area in Area.values
    )
    return response
