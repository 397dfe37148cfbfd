"""Release: the recruiter's reviewed version of an answer reaches the candidate; later corrections.

Every version the candidate ever read is kept (ReleasedVersion): the release is version 1, each
correction the next. The response holds the latest, which the candidate's page shows.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from feedback_portal.models import User

from .. import emails, lifecycle, safety
from ..feedback import library_steps
from ..lifecycle import Action, TransitionNotAllowed
from ..models import Area, Event, FeedbackResponse, ReleasedVersion
from .shared import lock, note_acknowledged_flags, revoke_links, tell_candidate


def _publish(
    response: FeedbackResponse,
    actor: User,
    summary: str,
    comments: dict[str, str],
    steps: dict[str, list[dict]] | None,
    *,
    at: datetime,
    question_answers: Sequence[dict] = (),
    **version,
) -> list[str]:
    """Make `summary`, `comments`, the answers to the candidate's questions and next `steps` what
    the candidate reads, as a new version; the places changed. Steps None: each area keeps the
    steps it has."""
    summary = summary.strip()
    answers = _answers(response, question_answers)
    comments = {area: text.strip() for area, text in comments.items()}
    changed = ["Summary"] if summary != response.released_summary else []
    released_steps = {}
    response.released_summary = summary
    changed += [
        f"Answer to question {n}"
        for n, (new, old) in enumerate(
            zip(answers, _padded(response.released_question_answers, answers), strict=True), 1
        )
        if new["answer"] != old
    ]
    response.released_question_answers = answers
    response.save(
        update_fields=[
            "released_summary",
            "released_question_answers",
            "released_at",
            "released_by",
            "corrected_at",
        ]
    )
    for answer in response.answers.all():
        text = comments.get(answer.area, "")
        if text != answer.released_comment:
            changed.append(Area(answer.area).label)
            answer.released_comment = text
            answer.save(update_fields=["released_comment"])
        kept = answer.released_steps if steps is None else steps.get(answer.area, [])
        if kept != answer.released_steps:
            changed.append(f"{Area(answer.area).label} (next steps)")
            answer.released_steps = kept
            answer.save(update_fields=["released_steps"])
        released_steps[answer.area] = kept
    number = (response.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    ReleasedVersion.objects.create(
        response=response,
        number=number,
        summary=summary,
        comments={area: text for area, text in comments.items() if text},
        question_answers=answers,
        steps={area: kept for area, kept in released_steps.items() if kept},
        released_at=at,
        released_by=actor,
        **version,
    )
    return changed


def _answers(response: FeedbackResponse, typed: Sequence[dict]) -> list[dict]:
    """The response's questions, in order, each with the answer typed for it (stripped)."""
    by_question = [pair.get("answer", "").strip() for pair in typed]
    return [
        {"question": pair["question"], "answer": by_question[i] if i < len(by_question) else ""}
        for i, pair in enumerate(response.question_answers)
    ]


def _padded(released: list[dict], answers: list[dict]) -> list[str]:
    return [released[i].get("answer", "") if i < len(released) else "" for i in range(len(answers))]


@transaction.atomic
def release_response(
    *,
    response: FeedbackResponse,
    actor: User,
    released_summary: str,
    released_comments: dict[str, str],
    released_answers: Sequence[dict] = (),
    released_steps: dict[str, list[dict]] | None = None,
    acknowledged_flags: Sequence[safety.Acknowledged] = (),
) -> FeedbackResponse:
    """The recruiter releases their reviewed version of the answer; the candidate is e-mailed.

    `released_steps` are the next steps picked for each area (title, description, url); without
    them, each rated area gets the library's steps for its rating.

    Flags of the release checks let through (the release form refuses any left unresolved) are
    noted on the timeline with their reasons, for recruiters only.
    """
    feedback_request = lock(response.feedback_request)
    lifecycle.may_release(feedback_request, response).enforce()
    released = lifecycle.move(
        feedback_request,
        Action.RELEASE,
        actor=actor,
        message="Your feedback is ready to read.",
        visible_to_candidate=True,
    )
    note_acknowledged_flags(feedback_request, actor, acknowledged_flags, "Released", at=released.created_at)
    response.released_at, response.released_by = released.created_at, actor
    if released_steps is None:
        released_steps = {
            area: [step.as_dict() for step in steps]
            for area, steps in library_steps(list(response.answers.all())).items()
        }
    _publish(
        response,
        actor,
        released_summary,
        released_comments,
        released_steps,
        at=released.created_at,
        question_answers=released_answers,
    )
    revoke_links(feedback_request)
    tell_candidate(feedback_request, emails.FEEDBACK_RELEASED)
    return response


@transaction.atomic
def correct_release(
    *,
    response: FeedbackResponse,
    actor: User,
    released_summary: str,
    released_comments: dict[str, str],
    reason: str,
    released_answers: Sequence[dict] = (),
    released_steps: dict[str, list[dict]] | None = None,
    material: bool = False,
    acknowledged_flags: Sequence[safety.Acknowledged] = (),
) -> ReleasedVersion:
    """The recruiter corrects the released text (a detail found later, a typo): a new version.

    The timeline records who corrected what and why, for recruiters. The candidate's page says
    "Updated on …"; they are e-mailed only for a correction the recruiter marks as material.
    Without `released_steps`, the next steps stay as released.
    """
    reason = reason.strip()
    if not reason:
        raise ValueError("A correction needs a reason.")
    feedback_request = lock(response.feedback_request)
    response.refresh_from_db(
        fields=["released_summary", "released_question_answers", "released_at", "corrected_at"]
    )
    lifecycle.may_correct(feedback_request, response).enforce()
    now = timezone.now()
    response.corrected_at = now
    changed = _publish(
        response,
        actor,
        released_summary,
        released_comments,
        released_steps,
        at=now,
        question_answers=released_answers,
        reason=reason,
        material=material,
    )
    if not changed:
        raise TransitionNotAllowed("Nothing was changed: the candidate reads the same text already.")
    version = response.versions.order_by("-number").first()
    told = " The candidate was e-mailed." if material else ""
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.CORRECTED,
        actor=actor,
        message=f"Version {version.number} of the released feedback. Changed: {', '.join(changed)}. "
        f"Reason: {reason.rstrip('.')}.{told}",
        created_at=now,
    )
    note_acknowledged_flags(feedback_request, actor, acknowledged_flags, "Corrected", at=now)
    if material:
        Event.objects.create(
            feedback_request=feedback_request,
            kind=Event.Kind.NOTE,
            actor=actor,
            message="Your feedback was updated.",
            visible_to_candidate=True,
            created_at=now,
        )
        tell_candidate(feedback_request, emails.FEEDBACK_UPDATED)
    return version
