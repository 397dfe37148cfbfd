"""The recruiters' desk: who owns a request, hand-overs, and acting on many requests at once.

Ownership: every request has an owning recruiter (the application's when asked). A recruiter
may reassign a request; a hand-over moves all of a recruiter's open work to a colleague for
good (a leaver), or lets the colleague cover it for dates (a holiday). Each reassignment is
on the request's timeline.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from candidates.models import Client
from feedback_portal.models import User

from ..lifecycle import TransitionNotAllowed
from ..models import BulkRun, Event, FeedbackRequest, Handover
from .requests import decline_request
from .routing import extend_routing, remind_now


class NotARecruiter(ValueError):
    """Only a recruiter (or an admin) can own requests."""


def _check_recruiter(user: User) -> None:
    if not user.is_recruiter or not user.is_active:
        raise NotARecruiter(f"{user} is not an active recruiter.")


@transaction.atomic
def reassign(*, feedback_request: FeedbackRequest, to: User, actor: User, why: str = "") -> bool:
    """Give the request to another recruiter; on its timeline. False when they own it already."""
    _check_recruiter(to)
    before = (
        FeedbackRequest.objects.select_for_update()
        .filter(pk=feedback_request.pk)
        .values_list("owner_id", flat=True)
        .first()
    )
    if before == to.pk:
        return False
    FeedbackRequest.objects.filter(pk=feedback_request.pk).update(owner=to)
    feedback_request.owner = to
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.NOTE,
        actor=actor,
        message=f"Now looked after by {to}." + (f" {why}" if why else ""),
    )
    return True


def open_work(recruiter: User) -> "Iterable[FeedbackRequest]":
    """A recruiter's requests not yet over: open, or released with a follow-up question still open."""
    return FeedbackRequest.objects.filter(owner=recruiter).filter(
        Q(state__in=FeedbackRequest.OPEN_STATES) | Q(state=FeedbackRequest.State.RELEASED)
    )


@transaction.atomic
def hand_over(
    *, from_recruiter: User, to_recruiter: User, actor: User, starts_on: date, ends_on: date | None = None
) -> Handover:
    """Hand over a recruiter's open work: for good (`ends_on` None) or for dates (holiday cover).

    For good, every open request is reassigned now, each noted on its timeline, and the clients
    they owned go to the colleague too (new requests follow). For dates, the requests keep
    their owner; the colleague covers them while the dates last, noted on each timeline.
    """
    _check_recruiter(to_recruiter)
    if from_recruiter == to_recruiter:
        raise ValueError("Hand work over to someone else.")
    if ends_on is not None and ends_on < starts_on:
        raise ValueError("The cover must end on or after the day it starts.")
    handover = Handover.objects.create(
        from_recruiter=from_recruiter,
        to_recruiter=to_recruiter,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    work = list(open_work(from_recruiter))
    if ends_on is None:
        for feedback_request in work:
            reassign(
                feedback_request=feedback_request,
                to=to_recruiter,
                actor=actor,
                why=f"Handed over for good by {from_recruiter}.",
            )
        Client.objects.filter(owner=from_recruiter).update(owner=to_recruiter)
    else:
        when = f"from {starts_on:%-d %b} to {ends_on:%-d %b %Y}"
        Event.objects.bulk_create(
            Event(
                feedback_request=feedback_request,
                kind=Event.Kind.NOTE,
                actor=actor,
                message=f"{to_recruiter} covers for {from_recruiter} {when}.",
            )
            for feedback_request in work
        )
    return handover


def covered_by(recruiter: User, *, today: date | None = None) -> list[int]:
    """The recruiters whose work `recruiter` covers today (their own id first)."""
    return Handover.objects.desk_of(recruiter.pk, today or timezone.localdate())


def _bulk_one(action: str, feedback_request: FeedbackRequest, actor: User, parameters: dict) -> str:
    """Do the bulk action to one request through its own service; what was done, in a few words."""
    if action == BulkRun.Action.REASSIGN:
        to = User.objects.get(uuid=parameters["to"])
        if not reassign(feedback_request=feedback_request, to=to, actor=actor):
            raise TransitionNotAllowed(f"{to} looks after it already.")
        return f"Now looked after by {to}."
    if action == BulkRun.Action.REMIND:
        routing = remind_now(feedback_request=feedback_request, actor=actor)
        return f"{routing.hiring_manager.name} was sent a reminder with a fresh link."
    if action == BulkRun.Action.EXTEND:
        routing = extend_routing(feedback_request=feedback_request, actor=actor, days=parameters["days"])
        until = timezone.localtime(routing.expires_at)
        return f"The link works until {until:%-d %b %Y}; {routing.hiring_manager.name} was e-mailed."
    if action == BulkRun.Action.DECLINE:
        decline_request(feedback_request=feedback_request, actor=actor, message=parameters["message"])
        return "Declined; the candidate was told kindly."
    raise ValueError(f"Unknown bulk action {action!r}")


def run_bulk(*, action: str, requests: list[FeedbackRequest], actor: User, parameters: dict) -> BulkRun:
    """Do one action to each chosen request, each through the same guarded service as the single
    action, in its own transaction; record what was done and what was refused, and why."""
    results = []
    for feedback_request in requests:
        application = feedback_request.application
        entry = {
            "request": str(feedback_request.uuid),
            "candidate": application.candidate_name,
            "role": f"{application.role_title} at {application.client.name}",
        }
        try:
            entry |= {"done": True, "message": _bulk_one(action, feedback_request, actor, parameters)}
        except (TransitionNotAllowed, NotARecruiter) as refused:
            entry |= {"done": False, "message": str(refused)}
        results.append(entry)
    return BulkRun.objects.create(
        action=action, parameters=parameters, results=results, created_by=actor, finished_at=timezone.now()
    )
