"""Retention: old requests lose the candidate's personal data; a legal hold keeps it.

When the clock starts: a request is due once it has been *ended* (released, declined,
withdrawn or closed) for PortalSettings.retention_months, counted from when it ended
(state_changed_at; ended states only move on to closed), not from when it was asked. A
request that took months to answer, or whose released feedback the candidate read a month
later, still keeps its full period after the business with it is over. An open request is
never anonymised, however old; nor is a released one whose follow-up question is still open
(the conversation is not over). A retention period of 0 months turns the sweep off rather
than anonymising everything that has ended on its next run.

What goes: the candidate's name and e-mail on the application, their questions (the
follow-up question too), every free-text answer (summaries, comments, answers to their
questions, decline reasons, the follow-up's reply and answer, the next steps released, every
released version and why it was corrected), the messages forwarded to the manager, the
timeline's messages, the subjects and addresses of the e-mails about the request, and what the
audit trail says about the request and the application (who acted, when and on which fields
stay). What stays, for the statistics: client, role, dates, states, areas and every rating (the
manager's and the candidate's self-assessment, which holds ratings only). The candidate's
account is not touched: they may ask for it to be erased (feedback_portal/erasure.py), which
blanks their requests with this module's `blank_request`.

Like the reminder sweeps, the sweep is given `now`, finds due requests by query and claims
each one with a conditional update of anonymised_at, so it is done once however often or
wherever the sweep runs.
"""

import uuid
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from candidates.models import Application
from feedback_portal import audit
from feedback_portal.dates import add_months
from feedback_portal.models import OutboundEmail, PortalSettings, User

from . import emails
from .models import (
    AreaAnswer,
    Event,
    FeedbackRequest,
    FeedbackResponse,
    FollowUp,
    ReleasedVersion,
    Routing,
)

ANONYMISED_NAME = "Anonymised candidate"
# Addresses in the e-mail log need not be unique; the application's is (see below).
ANONYMISED_ADDRESS = "anonymised@anonymised.invalid"
ANONYMISED_MESSAGE = "Anonymised under the retention policy."
BATCH = 500


def anonymised_email() -> str:
    """A placeholder that can never be delivered (.invalid, RFC 2606) nor match a real sign-up.

    Unique per application, so the rows stay distinguishable.
    """
    return f"anonymised-{uuid.uuid4().hex}@anonymised.invalid"


def retention_cutoff(now: datetime, months: int) -> datetime:
    """`now` minus whole calendar months (31 May less 3 months is 28 or 29 February)."""
    return add_months(now, -months)


def anonymise_due_requests(*, now: datetime) -> int:
    """Anonymise every request ended longer than the retention period ago; each in its own transaction."""
    months = PortalSettings.load().retention_months
    if not months:
        return 0
    due = FeedbackRequest.objects.due_for_anonymising(retention_cutoff(now, months)).select_related(
        "application", "candidate"
    )
    done = 0
    last_pk = 0
    # Keyset batches by pk: a request that cannot be claimed (held or anonymised meanwhile)
    # is passed over, never read again in a loop.
    while batch := list(due.filter(pk__gt=last_pk).order_by("pk")[:BATCH]):
        for feedback_request in batch:
            done += anonymise_request(feedback_request=feedback_request, now=now)
        last_pk = batch[-1].pk
    return done


@transaction.atomic
def anonymise_request(*, feedback_request: FeedbackRequest, now: datetime) -> bool:
    """Blank the personal data of one ended request (and its application, once nothing newer needs it).

    False when someone else did it first, or the request is on legal hold, open again or has
    an open follow-up question.
    """
    # The claim, with the same conditions as the sweep's query, read again under the row's lock.
    claimed = (
        FeedbackRequest.objects.filter(
            pk=feedback_request.pk,
            anonymised_at__isnull=True,
            legal_hold=False,
            state__in=FeedbackRequest.ENDED_STATES,
        )
        .without_open_follow_up()
        .update(anonymised_at=now, question_list=[], search_text="")
    )
    if not claimed:
        return False
    blank_request(feedback_request, now=now, message=ANONYMISED_MESSAGE)
    return True


def blank_request(feedback_request: FeedbackRequest, *, now: datetime, message: str) -> None:
    """What anonymising a request blanks, once it is claimed; the erasure of a candidate's data
    (requests_app/erasure.py) blanks their requests with the same function."""
    application = feedback_request.application
    addresses = {application.candidate_email, getattr(feedback_request.candidate, "email", "")}
    Routing.objects.filter(feedback_request=feedback_request).update(message="")
    FeedbackResponse.objects.filter(feedback_request=feedback_request).update(
        summary="", released_summary="", decline_reason="", question_answers=[], released_question_answers=[]
    )
    AreaAnswer.objects.filter(response__feedback_request=feedback_request).update(
        comment="", released_comment="", released_steps=[]
    )
    ReleasedVersion.objects.filter(response__feedback_request=feedback_request).update(
        summary="", comments={}, question_answers=[], steps={}, reason=""
    )
    FollowUp.objects.filter(feedback_request=feedback_request).update(question="", reply="", answer="")
    # The timeline is append-only for everything else; retention is the one writer that
    # blanks what was said, keeping what happened, when, and who acted.
    Event.objects.filter(feedback_request=feedback_request).update(message="")
    _blank_emails(emails.about_request(feedback_request), addresses)
    # An application asked about again keeps its details until its newest request is done.
    if not application.feedback_requests.filter(anonymised_at__isnull=True).exists():
        Application.objects.filter(pk=application.pk).update(
            candidate_name=ANONYMISED_NAME, candidate_email=anonymised_email()
        )
        _blank_emails(OutboundEmail.objects.filter(application=application), addresses)
        # The audit trail named them too (the application's text, its values before and after).
        audit.redact_about([application])
    audit.redact_about([feedback_request])
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.NOTE,
        actor_label=emails.SENDER_LABEL,
        message=message,
        visible_to_candidate=True,
        created_at=now,
    )
    feedback_request.anonymised_at = now
    feedback_request.question_list = []


def forget_old_audit_entries(*, now: datetime) -> int:
    """Delete audit entries older than the retention period, but never those about a request on
    legal hold: the dispute may turn on who did what. A period of 0 keeps everything."""
    months = PortalSettings.load().retention_months
    if not months:
        return 0
    held = FeedbackRequest.objects.filter(legal_hold=True).values_list("pk", flat=True)
    about_held = Q(content_type=ContentType.objects.get_for_model(FeedbackRequest), object_id__in=held)
    return audit.forget_before(retention_cutoff(now, months), keep=about_held)


def _blank_emails(rows, addresses: set[str]) -> None:
    """E-mails keep their kind, state and dates; subjects (they name the candidate) and errors go."""
    # One still unsent after the retention period is not going to be wanted.
    rows.filter(state__in=[OutboundEmail.State.QUEUED, OutboundEmail.State.SENDING]).update(
        state=OutboundEmail.State.CANCELLED, lease_expires_at=None
    )
    rows.update(subject="", last_error="")
    to_candidate = Q()
    for address in filter(None, addresses):
        to_candidate |= Q(to_email__iexact=address)
    if to_candidate:
        rows.filter(to_candidate).update(to_email=ANONYMISED_ADDRESS)


# --- Legal hold ------------------------------------------------------------------------


@transaction.atomic
def set_legal_hold(*, feedback_request: FeedbackRequest, on: bool, actor: User) -> bool:
    """Place (or release) a legal hold, noted on the recruiters' timeline. False when it already was."""
    changed = FeedbackRequest.objects.filter(pk=feedback_request.pk, legal_hold=not on).update(legal_hold=on)
    if not changed:
        return False
    feedback_request.legal_hold = on
    # On the request's timeline, and in the admin's audit trail beside every other admin write.
    audit.record(actor, audit.LEGAL_HOLD_PLACED if on else audit.LEGAL_HOLD_RELEASED, target=feedback_request)
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.NOTE,
        actor=actor,
        message="Placed on legal hold: retention will not anonymise it until the hold is released."
        if on
        else "Legal hold released: retention applies again.",
    )
    return True
