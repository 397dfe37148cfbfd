"""A candidate's data as JSON: what they can see, and the admin's full subject-access export.

The candidate's own export holds exactly what their pages show them: never the hiring
manager's name, the original answers (nor the manager's reply to a follow-up question),
internal notes or unreleased text. The full export holds everything stored about them,
originals included, for an agency admin to review before sending; making one is recorded on
each of their requests.
"""

import json
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from candidates.models import Application
from feedback_portal import audit
from feedback_portal.models import OutboundEmail, User, user_display

from .models import Event, FeedbackRequest, FeedbackResponse, FollowUp, Rating, ReleasedVersion, Routing

SHOWN_TO_CANDIDATE = (FeedbackRequest.State.RELEASED, FeedbackRequest.State.CLOSED)


def json_attachment(data: dict[str, Any], *, filename: str) -> HttpResponse:
    """A JSON download that no browser or proxy keeps a copy of."""
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


def export_filename(prefix: str, now: datetime) -> str:
    return f"{prefix}-{timezone.localtime(now):%Y-%m-%d}.json"


# --- What the candidate sees -------------------------------------------------------------


def candidate_export(user: User, *, now: datetime | None = None) -> dict[str, Any]:
    """The candidate's account, applications and requests as their pages show them.

    Two queries (applications, requests, with their follow-up questions) and three prefetches,
    whatever the number of rows.
    """
    applications = list(Application.objects.for_candidate(user))
    requests = (
        FeedbackRequest.objects.for_candidate(user)
        .select_related("application__client", "follow_up")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=Event.objects.filter(visible_to_candidate=True),
                to_attr="candidate_events",
            ),
            Prefetch(
                "responses",
                queryset=FeedbackResponse.objects.filter(released_at__isnull=False).prefetch_related(
                    "answers"
                ),
                to_attr="released_responses",
            ),
        )
    )
    by_application: dict[int, list[dict[str, Any]]] = {}
    for fr in requests.order_by("created_at"):
        by_application.setdefault(fr.application_id, []).append(_candidate_request(fr))
    return {
        "exported_at": now or timezone.now(),
        "account": {"name": user.name, "email": user.email},
        "applications": [
            {**_application(a), "feedback_requests": by_application.get(a.pk, [])} for a in applications
        ],
    }


def _application(application: Application) -> dict[str, Any]:
    return {
        "id": application.uuid,
        "role": application.role_title,
        "client": application.company_for_candidate,
        "stage": application.get_stage_display(),
        "interviewed_on": application.interviewed_on,
        "outcome": application.get_outcome_display(),
        "outcome_on": application.outcome_on,
        "confirmed": application.is_confirmed,
        "added_on": application.created_at,
    }


def _candidate_request(fr: FeedbackRequest) -> dict[str, Any]:
    released = fr.released_responses[0] if fr.state in SHOWN_TO_CANDIDATE and fr.released_responses else None
    return {
        "id": fr.uuid,
        "asked_at": fr.created_at,
        "state": fr.candidate_state_label,  # the words of their pages, not the recruiters' state names
        "areas": fr.area_labels(),
        "self_assessment": dict(fr.self_assessment_rows()),
        "questions": list(fr.question_list),
        "consent_to_forward": fr.consent_to_forward,
        "usefulness": fr.get_usefulness_display(),
        "timeline": [
            {"at": e.created_at, "what": e.candidate_label, "message": e.candidate_message}
            for e in fr.candidate_events
        ],
        "feedback": _released_feedback(fr, released) if released else None,
        "follow_up": _candidate_follow_up(fr),
    }


def _candidate_follow_up(fr: FeedbackRequest) -> dict[str, Any] | None:
    """Their question and, once sent to them, the answer, as the request page shows it."""
    follow_up = fr.get_follow_up()
    if follow_up is None:
        return None
    answered = follow_up.state == FollowUp.State.ANSWERED
    if follow_up.answer_source == FollowUp.Source.INTERVIEW_TEAM:
        source = f"The interview team at {fr.application.company_for_candidate}"
    else:
        source = "Your recruiter"
    return {
        "question": follow_up.question,
        "asked_at": follow_up.asked_at,
        "state": "Answered" if answered else "Waiting for an answer",
        "answer": {"from": source, "answered_at": follow_up.answered_at, "text": follow_up.answer}
        if answered
        else None,
    }


def _released_feedback(fr: FeedbackRequest, response: FeedbackResponse) -> dict[str, Any]:
    """The recruiter's released version, as the request page shows it."""
    return {
        "from": f"The interview team at {fr.application.company_for_candidate}",
        "released_at": response.released_at,
        "summary": response.released_summary,
        "areas": [
            {
                "area": a.get_area_display(),
                "rating": a.get_rating_display(),
                "comment": a.released_comment,
                "next_steps": a.released_steps,
            }
            for a in sorted(response.answers.all(), key=lambda a: a.area_order)
            if a.rating != Rating.NOT_ASSESSED or a.released_comment
        ],
        "your_questions": [
            {"question": pair["question"], "answer": pair["answer"]}
            for pair in response.released_question_answers
        ],
    }


# --- The full subject-access export (admin) ----------------------------------------------

SUBJECT_ACCESS_NOTE = (
    "Everything the portal stores about this candidate, including the hiring managers' original "
    "answers and the agency's internal notes. It names third parties (hiring managers, recruiters): "
    "review it before sending it to the candidate."
)


@transaction.atomic
def subject_access_export(*, candidate: User, actor: User, now: datetime | None = None) -> dict[str, Any]:
    """Everything stored about a candidate, originals included; noted on each of their requests."""
    now = now or timezone.now()
    applications = list(
        Application.objects.filter(Q(candidate=candidate) | Q(feedback_requests__candidate=candidate))
        .distinct()
        .select_related("client", "recruiter")
        .order_by("created_at")
    )
    versions = ReleasedVersion.objects.select_related("released_by")
    requests = list(
        FeedbackRequest.objects.filter(Q(candidate=candidate) | Q(application__candidate=candidate))
        .distinct()
        .order_by("created_at")
        .select_related("follow_up__answered_by", "follow_up__replied_via__hiring_manager")
        .prefetch_related(
            Prefetch("routings", queryset=Routing.objects.select_related("hiring_manager", "routed_by")),
            Prefetch(
                "responses",
                queryset=FeedbackResponse.objects.select_related(
                    "routing__hiring_manager", "answered_by_recruiter", "released_by"
                ).prefetch_related("answers", Prefetch("versions", queryset=versions)),
            ),
            Prefetch("events", queryset=Event.objects.select_related("actor")),
        )
    )
    by_application: dict[int, list[dict[str, Any]]] = {}
    for fr in requests:
        by_application.setdefault(fr.application_id, []).append(_full_request(fr))
    addresses = Q(to_email__iexact=candidate.email) | Q(recipient=candidate)
    for application in applications:
        addresses |= Q(to_email__iexact=application.candidate_email)
    data = {
        "note": SUBJECT_ACCESS_NOTE,
        "exported_at": now,
        "exported_by": user_display(actor),
        "account": {
            "name": candidate.name,
            "email": candidate.email,
            "role": candidate.get_role_display(),
            "active": candidate.is_active,
            "joined_at": candidate.date_joined,
            "last_login": candidate.last_login,
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=candidate).order_by("email")
            ],
            "phone": getattr(getattr(candidate, "candidate_profile", None), "phone", ""),
        },
        "applications": [
            {
                **_application(a),
                "candidate_name": a.candidate_name,
                "candidate_email": a.candidate_email,
                "job_reference": a.job_reference,
                "source": a.get_source_display(),
                "recruiter": user_display(a.recruiter),
                "feedback_requests": by_application.get(a.pk, []),
            }
            for a in applications
        ],
        "emails": [
            {
                "kind": e.kind,
                "to": e.to_email,
                "subject": e.subject,
                "state": e.get_state_display(),
                "queued_at": e.created_at,
                "sent_at": e.sent_at,
            }
            for e in OutboundEmail.objects.filter(addresses).order_by("created_at")
        ],
    }
    Event.objects.bulk_create(
        Event(
            feedback_request=fr,
            kind=Event.Kind.NOTE,
            actor=actor,
            message=f"Subject-access export by {user_display(actor)}.",
            visible_to_candidate=False,
            created_at=now,
        )
        for fr in requests
    )
    # In the admin's audit trail too: a candidate with no request has no timeline to note it on.
    audit.record(actor, audit.EXPORTED, target=candidate, export="subject access", requests=len(requests))
    return data


def _full_request(fr: FeedbackRequest) -> dict[str, Any]:
    return {
        "id": fr.uuid,
        "asked_at": fr.created_at,
        "state": fr.get_state_display(),
        "state_changed_at": fr.state_changed_at,
        "areas": fr.area_labels(),
        "self_assessment": dict(fr.self_assessment_rows()),
        "questions": list(fr.question_list),
        "consent_to_forward": fr.consent_to_forward,
        "usefulness": fr.get_usefulness_display(),
        "legal_hold": fr.legal_hold,
        "anonymised_at": fr.anonymised_at,
        "routings": [
            {
                "hiring_manager": r.hiring_manager.name,
                "routed_by": user_display(r.routed_by),
                "message": r.message,
                "routed_at": r.routed_at,
                "expires_at": r.expires_at,
                "revoked_at": r.revoked_at,
                "reminders_sent": r.reminders_sent,
                "about": "the follow-up question" if r.follow_up_id else "the feedback request",
            }
            for r in fr.routings.all()
        ],
        "responses": [
            {
                "kind": resp.get_kind_display(),
                "answered_by": user_display(resp.answered_by_recruiter)
                if resp.answered_by_recruiter
                else (resp.routing.hiring_manager.name if resp.routing else ""),
                "submitted_at": resp.submitted_at,
                "summary": resp.summary,
                "decline_reason": resp.decline_reason,
                "consider_for_other_roles": resp.get_consider_for_other_roles_display(),
                "areas": [
                    {
                        "area": a.get_area_display(),
                        "rating": a.get_rating_display(),
                        "comment": a.comment,
                        "released_comment": a.released_comment,
                        "released_next_steps": a.released_steps,
                    }
                    for a in sorted(resp.answers.all(), key=lambda a: a.area_order)
                ],
                "question_answers": resp.question_answers,
                "released_summary": resp.released_summary,
                "released_question_answers": resp.released_question_answers,
                "released_at": resp.released_at,
                "released_by": user_display(resp.released_by) if resp.released_by else "",
                "corrected_at": resp.corrected_at,
                # Every version the candidate read: the release, then each correction and why.
                "released_versions": [
                    {
                        "version": v.number,
                        "released_at": v.released_at,
                        "released_by": user_display(v.released_by) if v.released_by else "",
                        "summary": v.summary,
                        "comments": dict(v.comment_rows()),
                        "question_answers": v.question_answers,
                        "next_steps": dict(v.step_rows()),
                        "reason_for_correction": v.reason,
                        "candidate_told": v.material,
                    }
                    for v in resp.versions.all()
                ],
            }
            for resp in fr.responses.all()
        ],
        "follow_up": _full_follow_up(fr.get_follow_up()),
        "timeline": [
            {
                "at": e.created_at,
                "what": e.get_kind_display(),
                "who": user_display(e.actor) if e.actor else e.actor_label,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "message": e.message,
                "shown_to_candidate": e.visible_to_candidate,
            }
            for e in fr.events.all()
        ],
    }


def _full_follow_up(follow_up: FollowUp | None) -> dict[str, Any] | None:
    """The follow-up question with the manager's original reply beside the answer released."""
    if follow_up is None:
        return None
    return {
        "question": follow_up.question,
        "asked_at": follow_up.asked_at,
        "state": follow_up.get_state_display(),
        "state_changed_at": follow_up.state_changed_at,
        "reply": follow_up.reply,
        "reply_declined": follow_up.reply_declined,
        "replied_at": follow_up.replied_at,
        "replied_by": follow_up.replied_via.hiring_manager.name if follow_up.replied_via else "",
        "answer": follow_up.answer,
        "answer_from": follow_up.get_answer_source_display(),
        "answered_at": follow_up.answered_at,
        "answered_by": user_display(follow_up.answered_by) if follow_up.answered_by else "",
    }
