"""Writes the API makes: its keys, and applications by the applicant-tracking system's id.

Every change to an application goes through the candidates app's own services, as the
recruiter's pages do; this module decides only what changed, so a repeated call changes nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Application, Client
from feedback_portal.models import User

from .models import PREFIX_LENGTH, ApiKey, hash_key, new_raw_key

# last_used_at is written at most this often per key: a busy integration must not turn every
# read into a write.
LAST_USED_EVERY = timedelta(minutes=1)


@transaction.atomic
def create_api_key(*, name: str, scopes: list[str], created_by: User | None) -> tuple[ApiKey, str]:
    """A new key for an integration; returns the row and the key itself, which is never stored."""
    raw = new_raw_key()
    key = ApiKey.objects.create(
        name=candidate_services.tidy(name),
        prefix=raw[:PREFIX_LENGTH],
        key_hash=hash_key(raw),
        scopes=sorted(set(scopes)),
        created_by=created_by,
    )
    return key, raw


def revoke_api_key(*, key: ApiKey, now=None) -> bool:
    """Stop a key working at once; False if it was already revoked."""
    now = now or timezone.now()
    revoked = bool(ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now))
    if revoked:
        key.revoked_at = now
    return revoked


def note_key_used(*, key: ApiKey, now=None) -> None:
    """Remember when a key was last used, to the minute (one conditional update, rarely a write)."""
    now = now or timezone.now()
    if key.last_used_at is None or key.last_used_at <= now - LAST_USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


@dataclass(frozen=True)
class ApplicationData:
    """An application as the applicant-tracking system describes it, checked by the API."""

    client: Client
    recruiter: User
    candidate_name: str
    candidate_email: str
    role_title: str
    job_reference: str = ""
    stage: str = Application.Stage.FIRST
    interviewed_on: date | None = None
    outcome: str = Application.Outcome.PENDING
    outcome_on: date | None = None  # None: today for a turn-down, as the recruiter's form does
    invite: bool = False


@dataclass(frozen=True)
class Upserted:
    application: Application
    created: bool
    changed: bool
    invited: bool


@dataclass(frozen=True)
class OutcomeRecorded:
    changed: bool  # False when the application already had this outcome (and date)
    invited: bool  # an invitation to ask was queued


def upsert_application(*, external_id: str, data: ApplicationData) -> Upserted:
    """Create the application with this applicant-tracking id, or bring it up to date.

    What is already so is left alone: the same call twice changes nothing, and invites nobody
    twice. A candidate turned down (a new negative outcome) with `invite` is invited, through
    the same service as the recruiter's form.
    """
    try:
        return _upsert(external_id=external_id, data=data)
    except IntegrityError:
        # Another call created the same external id meanwhile (its unique constraint): update it.
        return _upsert(external_id=external_id, data=data)


@transaction.atomic
def _upsert(*, external_id: str, data: ApplicationData) -> Upserted:
    application = Application.objects.select_for_update().filter(external_id=external_id).first()
    if application is None:
        with transaction.atomic():  # a savepoint: a duplicate id rolls back only this attempt
            application = candidate_services.create_application(
                client=data.client,
                recruiter=data.recruiter,
                candidate_name=data.candidate_name,
                candidate_email=data.candidate_email,
                role_title=data.role_title,
                job_reference=data.job_reference,
                stage=data.stage,
                interviewed_on=data.interviewed_on,
                outcome=data.outcome,
                outcome_on=data.outcome_on or _default_outcome_on(data.outcome),
                source=Application.Source.API,
                invite=data.invite,
            )
            application.external_id = external_id
            application.save(update_fields=["external_id", "updated_at"])
        invited = data.invite and application.is_negative
        return Upserted(application, created=True, changed=True, invited=invited)

    wanted = {
        "client": data.client,
        "recruiter": data.recruiter,
        "candidate_name": data.candidate_name.strip(),
        "candidate_email": data.candidate_email.strip().lower(),
        "role_title": data.role_title.strip(),
        "job_reference": data.job_reference.strip(),
        "stage": data.stage,
        "interviewed_on": data.interviewed_on,
    }
    changed = [field for field, value in wanted.items() if getattr(application, field) != value]
    for field in changed:
        setattr(application, field, wanted[field])
    if "candidate_email" in changed:
        # Another address is another person: the application leaves the account it was linked to
        # and goes to the candidate whose verified address this is, as a new one would (none yet:
        # linked when they verify it). Requests already made stay with whoever made them.
        application.candidate = candidate_services._verified_candidate(application.candidate_email)
        changed.append("candidate")
    if changed:
        application.save(update_fields=[*changed, "updated_at"])
    recorded = _record_outcome_if_new(
        application=application, outcome=data.outcome, outcome_on=data.outcome_on, invite=data.invite
    )
    return Upserted(
        application, created=False, changed=bool(changed) or recorded.changed, invited=recorded.invited
    )


def _default_outcome_on(outcome: str) -> date | None:
    return timezone.localdate() if outcome in Application.NEGATIVE_OUTCOMES else None


@transaction.atomic
def record_outcome(
    *, application: Application, outcome: str, outcome_on: date | None = None, invite: bool = False
) -> OutcomeRecorded:
    """Record an outcome the applicant-tracking system reports (unchanged when it was already so).

    A repeated report changes nothing and sends no second invitation.
    """
    application = Application.objects.select_for_update().select_related("recruiter").get(pk=application.pk)
    return _record_outcome_if_new(
        application=application, outcome=outcome, outcome_on=outcome_on, invite=invite
    )


def _record_outcome_if_new(
    *, application: Application, outcome: str, outcome_on: date | None, invite: bool
) -> OutcomeRecorded:
    new_outcome = application.outcome != outcome
    new_date = outcome_on is not None and outcome_on != application.outcome_on
    if not (new_outcome or new_date):
        return OutcomeRecorded(changed=False, invited=False)
    candidate_services.record_outcome(
        application=application,
        outcome=outcome,
        outcome_on=outcome_on or (application.outcome_on if not new_outcome else None),
        # Only a new outcome invites: a corrected date of the same one is not news to the candidate.
        invite=invite and new_outcome,
    )
    return OutcomeRecorded(changed=True, invited=invite and new_outcome and application.is_negative)
