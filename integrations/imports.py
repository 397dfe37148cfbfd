"""Checking each row of an applications CSV against what the portal holds.

`reading.read_csv` turns the uploaded bytes into rows of values by column; `check_rows` says,
without writing anything, for each row what importing it would do — create an application,
update one, leave one as it is — or why it cannot (each problem with its column and a plain
reason). The preview shows that verdict; `importing.apply_rows` asks `check_rows` again, under
the batch's transaction, just before it writes, so what changed since the preview is taken into
account.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone

from candidates.models import Application, Client
from feedback_portal.models import User

from .models import ImportRow
from .reading import BY_KEY, COLUMNS, squash

# Each stage and outcome as a file may write it: the portal's own value, its label, and the
# words applicant-tracking systems commonly use, compared as squash compares headers.
STAGES = {
    **{squash(value): value for value in Application.Stage.values},
    **{squash(label): value for value, label in Application.Stage.choices},
    "screening": "screen",
    "phonescreen": "screen",
    "first": "first",
    "firstinterview": "first",
    "stinterview": "first",  # "1st interview" without its digit
    "second": "second",
    "secondinterview": "second",
    "ndinterview": "second",
    "finalinterview": "final",
}
OUTCOMES = {
    **{squash(value): value for value in Application.Outcome.values},
    **{squash(label): value for value, label in Application.Outcome.choices},
    "rejected": "not_selected",
    "unsuccessful": "not_selected",
    "withdrawn": "role_withdrawn",
    "rolereposted": "reposted",
    "placed": "hired",
    "offeraccepted": "hired",
}
STAGE_WORDS = ", ".join(label for _, label in Application.Stage.choices)
OUTCOME_WORDS = ", ".join(label for _, label in Application.Outcome.choices)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


def _date(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


@dataclass
class Checked:
    """What importing one row would do, and the values it would write."""

    number: int
    values: dict
    action: str = "create"
    errors: list[dict] = field(default_factory=list)
    application: Application | None = None  # the one it updates (or leaves unchanged)
    client: Client | None = None
    client_name: str = ""  # a client to add, when the options allow it
    recruiter: User | None = None
    fields: dict = field(default_factory=dict)  # what the row sets, for a new application
    changes: dict = field(default_factory=dict)  # what it changes on an existing one

    def described_changes(self) -> list[dict]:
        """What an update changes, in the recruiter's words: column, from, to."""
        return [
            {
                "column": CHANGED_LABELS.get(name, name),
                "from": _shown(name, getattr(self.application, name)),
                "to": _shown(name, value),
            }
            for name, value in self.changes.items()
        ]

    def refuse(self, column: str, reason: str) -> None:
        self.errors.append(
            {"column": BY_KEY[column].header if column in BY_KEY else column, "reason": reason}
        )


# An application's fields as the preview names them when a row changes them.
CHANGED_LABELS = {
    **{column.key: column.header for column in COLUMNS},
    "client": "client",
    "recruiter": "recruiter",
}


LABELS = {"stage": dict(Application.Stage.choices), "outcome": dict(Application.Outcome.choices)}


def _shown(name: str, value) -> str:
    """A field's value as the preview shows it."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, date):
        return value.isoformat()
    return LABELS.get(name, {}).get(value, str(value))


@dataclass
class Known:
    """What the portal holds that the rows are checked against, read in a few queries."""

    clients: dict[str, Client]  # by lower-cased name
    recruiters: dict[str, User]  # by lower-cased e-mail
    by_external_id: dict[str, Application]
    by_key: dict[tuple, list[Application]]  # (client id, lower e-mail, lower job reference)


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def read_known(rows: list[tuple[int, dict]]) -> Known:
    """Clients, recruiters and the applications these rows could be, in one query per 500 rows each.

    Every client's name is read once (an agency has hundreds, not millions); recruiters and
    applications only for the addresses and ids the rows name.
    """
    clients = {c.name.lower(): c for c in Client.objects.all()}
    recruiter_emails = sorted({v["recruiter_email"].lower() for _, v in rows if v.get("recruiter_email")})
    recruiters = {}
    for chunk in _chunks(recruiter_emails):
        for user in User.objects.alias(lower_email=Lower("email")).filter(
            lower_email__in=chunk, role__in=[User.Role.RECRUITER, User.Role.ADMIN], is_active=True
        ):
            recruiters[user.email.lower()] = user
    external_ids = sorted({v["external_id"] for _, v in rows if v.get("external_id")})
    by_external_id = {}
    for chunk in _chunks(external_ids):
        for application in Application.objects.filter(external_id__in=chunk):
            by_external_id[application.external_id] = application
    emails = sorted({v["candidate_email"].lower() for _, v in rows if v.get("candidate_email")})
    by_key: dict[tuple, list[Application]] = {}
    for chunk in _chunks(emails):
        # Served by application_email_idx (lower(candidate_email)).
        for application in Application.objects.alias(lower_email=Lower("candidate_email")).filter(
            lower_email__in=chunk
        ):
            key = (
                application.client_id,
                application.candidate_email.lower(),
                application.job_reference.lower(),
            )
            by_key.setdefault(key, []).append(application)
    return Known(clients=clients, recruiters=recruiters, by_external_id=by_external_id, by_key=by_key)


def _check_values(row: Checked, *, known: Known, create_clients: bool, today: date) -> None:
    """Each cell checked on its own: required, length, e-mail, dates, stage, outcome, who."""
    values = row.values
    for column in COLUMNS:
        text = values.get(column.key, "")
        if column.required and not text:
            row.refuse(column.key, f"{column.header} is empty")
        elif column.max_length and len(text) > column.max_length:
            row.refuse(column.key, f"too long: at most {column.max_length} characters")
    if values.get("_extra"):
        row.refuse("row", "this row has more values than the header has columns")
    email = values["candidate_email"]
    if email and len(email) <= 254:
        try:
            validate_email(email)
        except ValidationError:
            row.refuse("candidate_email", f"e-mail not valid: “{email}”")
    name = values["client"]
    if name:
        row.client = known.clients.get(" ".join(name.split()).lower())
        if row.client is None:
            if create_clients:
                row.client_name = name
            else:
                row.refuse(
                    "client",
                    f"unknown client “{name}”: add it on the Clients page, or import with "
                    "“Add clients the portal does not know”",
                )
    for key, choices, words in (("stage", STAGES, STAGE_WORDS), ("outcome", OUTCOMES, OUTCOME_WORDS)):
        text = values.get(key, "")
        if text and squash(text) not in choices:
            row.refuse(key, f"unknown {key} “{text}”: use one of {words}")
    for key in ("interviewed_on", "outcome_on"):
        text = values.get(key, "")
        if not text:
            continue
        try:
            day = _date(text)
        except ValueError:
            row.refuse(key, f"bad date “{text}”: write it as 2026-03-14 (or 14/03/2026)")
            continue
        if day > today:
            row.refuse(key, f"the date {text} is in the future")
    recruiter_email = values.get("recruiter_email", "")
    if recruiter_email:
        row.recruiter = known.recruiters.get(recruiter_email.lower())
        if row.recruiter is None:
            row.refuse(
                "recruiter_email",
                f"unknown recruiter “{recruiter_email}”: nobody signs in as a recruiter with it",
            )


def _wanted(values: dict) -> dict:
    """What the row's cells set, as the application's fields (blank optional cells left out)."""
    wanted = {
        "candidate_name": values["candidate_name"].strip(),  # as create_application keeps it
        "candidate_email": values["candidate_email"].strip().lower(),
        "role_title": values["role_title"].strip(),
    }
    if values.get("job_reference"):
        wanted["job_reference"] = values["job_reference"]
    if values.get("stage"):
        wanted["stage"] = STAGES[squash(values["stage"])]
    if values.get("outcome"):
        wanted["outcome"] = OUTCOMES[squash(values["outcome"])]
    for key in ("interviewed_on", "outcome_on"):
        if values.get(key):
            wanted[key] = _date(values[key])
    if values.get("external_id"):
        wanted["external_id"] = values["external_id"]
    return wanted


def _identity(values: dict) -> tuple:
    """What makes two rows of one file the same application."""
    if values.get("external_id"):
        return ("external id", values["external_id"])
    return (
        "client, e-mail and job reference",
        " ".join(values["client"].split()).lower(),
        values["candidate_email"].lower(),
        values.get("job_reference", "").lower(),
    )


def check_rows(
    rows: list[tuple[int, dict]], *, create_clients: bool, known: Known | None = None
) -> list[Checked]:
    """What importing each row would do: create, update, unchanged, or error with the reasons.

    A row finds its application by external id, else by client, candidate e-mail (any case) and
    job reference. Blank optional cells leave an existing application's value as it is, so a
    file imported twice changes nothing the second time.
    """
    known = known or read_known(rows)
    today = timezone.localdate()
    seen: dict[tuple, int] = {}
    checked = []
    for number, values in rows:
        row = Checked(number=number, values=values)
        checked.append(row)
        _check_values(row, known=known, create_clients=create_clients, today=today)
        if row.errors:
            row.action = ImportRow.Action.ERROR
            continue
        identity = _identity(values)
        if identity in seen:
            row.refuse(
                "external_id" if identity[0] == "external id" else "candidate_email",
                f"the same application as row {seen[identity]} (same {identity[0]})",
            )
            row.action = ImportRow.Action.ERROR
            continue
        seen[identity] = number
        _match(row, known=known)
        if row.errors:
            row.action = ImportRow.Action.ERROR
            continue
        wanted = _wanted(values)
        if row.application is None:
            row.action = ImportRow.Action.CREATE
            row.fields = wanted
            if wanted.get("outcome") in Application.NEGATIVE_OUTCOMES and "outcome_on" not in wanted:
                wanted["outcome_on"] = today  # as the recruiter's form dates a turn-down
            continue
        application = row.application
        if row.client is not None and row.client.pk != application.client_id:
            row.changes["client"] = row.client
        if row.recruiter is not None and row.recruiter.pk != application.recruiter_id:
            row.changes["recruiter"] = row.recruiter
        for name, value in wanted.items():
            if getattr(application, name) != value:
                row.changes[name] = value
        row.action = ImportRow.Action.UPDATE if row.changes else ImportRow.Action.UNCHANGED
    return checked


def _match(row: Checked, *, known: Known) -> None:
    values = row.values
    external_id = values.get("external_id", "")
    if external_id and external_id in known.by_external_id:
        row.application = known.by_external_id[external_id]
        return
    if row.client is None:
        return  # a client still to add has no applications yet
    key = (row.client.pk, values["candidate_email"].lower(), values.get("job_reference", "").lower())
    # An application with another external id is another application of the tracking system.
    candidates = [a for a in known.by_key.get(key, []) if a.external_id in ("", external_id)]
    if len(candidates) > 1:
        row.refuse(
            "external_id",
            f"matches {len(candidates)} applications of this candidate for this client and job reference: "
            "give each its external id",
        )
    elif candidates:
        row.application = candidates[0]
