"""Writes for people and applications."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.dispatch import Signal
from django.utils import timezone

from feedback_portal import audit, mail
from feedback_portal.models import PortalSettings, User

from .emails import FEEDBACK_INVITATION
from .models import HOLDING_CLIENT_NAME, Application, CandidateProfile, Client, HiringManager

# The agency recorded how applications ended (or changed it), sent inside the transaction that
# writes it, with `applications` (a list: an import announces a batch at once) and `at`. Apps
# above this one listen (the webhooks to the agency's applicant-tracking system); this app knows
# none of them.
outcome_recorded = Signal()


def _announce_new(applications: list[Application]) -> None:
    """New applications that came with an outcome: announced, unless a candidate's own account of
    how it ended (theirs, not the agency's record of it)."""
    recorded = [
        a
        for a in applications
        if a.outcome != Application.Outcome.PENDING and a.source != Application.Source.CANDIDATE
    ]
    if recorded:
        outcome_recorded.send(Application, applications=recorded, at=timezone.now())


def ensure_candidate_profile(*, user: User) -> CandidateProfile:
    """Every candidate has a profile for the details beyond their account."""
    profile, _ = CandidateProfile.objects.get_or_create(user=user)
    return profile


def link_applications(*, user: User, email: str) -> int:
    """Give a candidate the applications that name their verified e-mail address."""
    if not user.is_candidate:
        return 0
    return Application.objects.filter(candidate__isnull=True, candidate_email__iexact=email.strip()).update(
        candidate=user
    )


def _verified_candidate(email: str) -> User | None:
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(email__iexact=email.strip(), verified=True).select_related("user").first()
    )
    if address and address.user.is_candidate:
        return address.user
    return None


def _verified_candidates(emails: list[str]) -> dict[str, User]:
    """The candidates who verified each of these (lower-case) addresses, by address, in one query."""
    from allauth.account.models import EmailAddress

    addresses = (
        EmailAddress.objects.alias(lower_email=Lower("email"))
        .filter(lower_email__in=emails, verified=True, user__role=User.Role.CANDIDATE)
        .select_related("user")
    )
    return {address.email.lower(): address.user for address in addresses}


class ClientNameTaken(ValueError):
    """Another client already has this name (names are unique whatever their case)."""


class HiringManagerEmailTaken(ValueError):
    """Another hiring manager at this client already has this e-mail address."""


class NobodyToTriage(ValueError):
    """No recruiter or admin can sign in yet to look after an application a candidate described."""


def tidy(text: str) -> str:
    """Names as people mean them: no stray spaces at either end or doubled inside."""
    return " ".join(text.split())


def _require_recruiter(owner: User) -> None:
    if not owner.is_recruiter:
        raise ValueError(f"{owner} is not a recruiter: only recruiters and admins own clients.")


@transaction.atomic
def create_client(*, name: str, owner: User, feedback_policy: str = Client.FeedbackPolicy.FULL) -> Client:
    """A company the agency recruits for, owned by one recruiter; ClientNameTaken if the name is in use."""
    _require_recruiter(owner)
    client = Client(name=tidy(name), owner=owner, feedback_policy=feedback_policy)
    _save_client(client)
    return client


@transaction.atomic
def update_client(*, client: Client, name: str, owner: User, feedback_policy: str) -> Client:
    """Rename a client, hand it to another recruiter or change its policy (triage shows it at once)."""
    _require_recruiter(owner)
    client.name, client.owner, client.feedback_policy = tidy(name), owner, feedback_policy
    _save_client(client, update_fields=["name", "owner", "feedback_policy"])
    return client


def _save_client(client: Client, update_fields: list[str] | None = None) -> None:
    # The unique constraint decides, so two recruiters adding the same client at once cannot
    # both succeed; the savepoint keeps the caller's transaction usable after the refusal.
    name = client.name
    try:
        with transaction.atomic():
            client.save(update_fields=update_fields)
    except IntegrityError as exc:
        if update_fields:
            client.refresh_from_db()  # the caller's object shows what is stored, not the refused edit
        raise ClientNameTaken(f"A client called {name!r} already exists.") from exc


@transaction.atomic
def add_hiring_manager(*, client: Client, name: str, email: str, title: str = "") -> HiringManager:
    """A contact at the client who answers feedback requests; HiringManagerEmailTaken on a repeat address."""
    manager = HiringManager(client=client, name=tidy(name), email=email.strip().lower(), title=tidy(title))
    _save_manager(manager)
    return manager


@transaction.atomic
def update_hiring_manager(*, manager: HiringManager, name: str, email: str, title: str = "") -> HiringManager:
    """Correct a manager's name, address or title; links already e-mailed keep working."""
    manager.name, manager.email, manager.title = tidy(name), email.strip().lower(), tidy(title)
    _save_manager(manager, update_fields=["name", "email", "title"])
    return manager


def _save_manager(manager: HiringManager, update_fields: list[str] | None = None) -> None:
    email = manager.email
    try:
        with transaction.atomic():
            manager.save(update_fields=update_fields)
    except IntegrityError as exc:
        if update_fields:
            manager.refresh_from_db()
        raise HiringManagerEmailTaken(f"{email} is already a hiring manager at {manager.client}.") from exc


@transaction.atomic
def set_hiring_manager_active(*, manager: HiringManager, active: bool) -> bool:
    """Offer a manager for routing again, or stop offering them; their past requests stay theirs.

    Returns whether anything changed (False when someone else already did it).
    """
    changed = HiringManager.objects.filter(pk=manager.pk, is_active=not active).update(is_active=active)
    manager.is_active = active
    if changed:
        audit.record_change(manager, is_active=(not active, active))
    return bool(changed)


@transaction.atomic
def create_application(
    *,
    client: Client,
    recruiter: User,
    candidate_name: str,
    candidate_email: str,
    role_title: str,
    job_reference: str = "",
    stage: str = Application.Stage.FIRST,
    interviewed_on: date | None = None,
    outcome: str = Application.Outcome.PENDING,
    outcome_on: date | None = None,
    source: str = Application.Source.RECRUITER,
    external_id: str = "",
    invite: bool = False,
) -> Application:
    """Record a candidate put forward for a role; linked at once if their address is verified.

    `external_id`: its id in the agency's applicant-tracking system, when it came from there.
    With `invite`, a candidate turned down is e-mailed that they can ask for feedback.
    """
    application = _new_application(
        candidate=_verified_candidate(candidate_email),
        client=client,
        recruiter=recruiter,
        candidate_name=candidate_name,
        candidate_email=candidate_email,
        role_title=role_title,
        job_reference=job_reference,
        stage=stage,
        interviewed_on=interviewed_on,
        outcome=outcome,
        outcome_on=outcome_on,
        source=source,
        external_id=external_id,
    )
    application.save()
    _announce_new([application])
    if invite:
        _invite(application)
    return application


@transaction.atomic
def create_applications(*, items: list[dict], invite: bool = False) -> list[Application]:
    """Many applications at once (an import), each as create_application makes it: the keyword
    arguments of create_application per item, without `invite`, which applies to all.

    A fixed number of queries for the rows, whatever their number: the verified candidates among
    the addresses, one query per 500, and one insert per 1,000 applications (then the invitations).
    """
    emails = sorted({item["candidate_email"].strip().lower() for item in items})
    verified = {}
    for start in range(0, len(emails), 500):
        verified.update(_verified_candidates(emails[start : start + 500]))
    applications = [
        _new_application(candidate=verified.get(item["candidate_email"].strip().lower()), **item)
        for item in items
    ]
    Application.objects.bulk_create(applications, batch_size=1000)
    _announce_new(applications)
    if invite:
        for application in applications:
            _invite(application)
    return applications


def _new_application(
    *,
    client: Client,
    recruiter: User,
    candidate: User | None,
    candidate_name: str,
    candidate_email: str,
    role_title: str,
    job_reference: str = "",
    stage: str = Application.Stage.FIRST,
    interviewed_on: date | None = None,
    outcome: str = Application.Outcome.PENDING,
    outcome_on: date | None = None,
    source: str = Application.Source.RECRUITER,
    external_id: str = "",
) -> Application:
    """The new application's row, not yet saved, tidied as every application is."""
    return Application(
        client=client,
        recruiter=recruiter,
        candidate=candidate,
        candidate_name=candidate_name.strip(),
        candidate_email=candidate_email.strip().lower(),
        role_title=role_title.strip(),
        job_reference=job_reference.strip(),
        stage=stage,
        interviewed_on=interviewed_on,
        outcome=outcome,
        outcome_on=outcome_on,
        source=source,
        external_id=external_id.strip(),
        is_confirmed=source != Application.Source.CANDIDATE,
    )


@transaction.atomic
def describe_application(
    *,
    candidate: User,
    company: str,
    role_title: str,
    stage: str,
    outcome: str,
    interviewed_on: date | None = None,
) -> Application:
    """A candidate's own account of an application we do not list: unconfirmed until triage.

    The company is kept as they wrote it, and matched to a client by a forgiving comparison
    (Client.objects.matching); a company that matches none waits under the holding client. The
    candidate is told the same either way: the agency's client list is never revealed.
    """
    company = tidy(company)
    client = Client.objects.matching(company) or holding_client()
    application = create_application(
        client=client,
        recruiter=client.owner,
        candidate_name=candidate.name or candidate.email,
        candidate_email=candidate.email,
        role_title=role_title,
        stage=stage,
        interviewed_on=interviewed_on,
        outcome=outcome,
        outcome_on=timezone.localdate(),
        source=Application.Source.CANDIDATE,
    )
    application.company_as_described = company
    application.candidate = candidate
    application.save(update_fields=["company_as_described", "candidate", "updated_at"])
    return application


def holding_client() -> Client:
    """The client row for described applications whose company matched no client (made once).

    Owned by the agency's first admin (else first recruiter) who can sign in: the request's
    e-mails and the triage go to them, who confirm the right client or decline.
    """
    client = Client.objects.named(HOLDING_CLIENT_NAME).first()
    if client is not None:
        return client
    owner = (
        User.objects.filter(role__in=[User.Role.ADMIN, User.Role.RECRUITER], is_active=True)
        .order_by("role", "pk")  # "admin" sorts before "recruiter": admins first
        .first()
    )
    if owner is None:
        raise NobodyToTriage("No recruiter can look after a described application: add one first.")
    try:
        return create_client(name=HOLDING_CLIENT_NAME, owner=owner)
    except ClientNameTaken:  # made by another candidate's request meanwhile
        return Client.objects.named(HOLDING_CLIENT_NAME).get()


def set_interviewers(*, application: Application, names: str) -> Application:
    """List who interviewed the candidate, one name per line (tidied; blank lines dropped)."""
    application.interviewers = "\n".join(tidy(line) for line in names.splitlines() if line.strip())
    application.save(update_fields=["interviewers", "updated_at"])
    return application


@transaction.atomic
def confirm_application(*, application: Application, client: Client | None = None) -> bool:
    """The recruiter confirms a candidate-described application at triage, with the client the
    candidate meant when it differs from the one matched (or none was). False if already done."""
    changes = {
        "is_confirmed": True,
        "updated_at": timezone.now(),
        **({"client": client} if client is not None else {}),
    }
    confirmed = bool(Application.objects.filter(pk=application.pk, is_confirmed=False).update(**changes))
    if confirmed:
        audit.record_change(
            application,
            is_confirmed=(False, True),
            **({"client": (application.client_id, client.pk)} if client is not None else {}),
        )
        application.is_confirmed = True
        if client is not None:
            application.client = client
    return confirmed


@transaction.atomic
def record_outcome(
    *, application: Application, outcome: str, outcome_on: date | None = None, invite: bool = False
) -> Application:
    """Record how an application ended; a turned-down candidate may be invited to ask why.

    Announced by `outcome_recorded` when the outcome or its date changed.
    """
    before = (application.outcome, application.outcome_on)
    application.outcome = outcome
    application.outcome_on = outcome_on or (
        timezone.localdate() if outcome != Application.Outcome.PENDING else None
    )
    application.save(update_fields=["outcome", "outcome_on", "updated_at"])
    if (application.outcome, application.outcome_on) != before:
        outcome_recorded.send(Application, applications=[application], at=timezone.now())
    if invite:
        _invite(application)
    return application


def _invite(application: Application) -> None:
    """E-mail a turned-down candidate that they can ask why, while they still can."""
    months = PortalSettings.load().ask_window_months
    if application.is_negative and application.within_asking_window(
        today=timezone.localdate(), months=months
    ):
        mail.queue(
            FEEDBACK_INVITATION,
            to=application.candidate_email,
            reply_to=application.recruiter.email,
            about=application,
        )
