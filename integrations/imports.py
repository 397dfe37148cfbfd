"""Reading an applications CSV and checking each row against what the portal holds.

Two steps, both without writing anything: `read_csv` turns the uploaded bytes into rows of
values by column (or refuses the file with words a recruiter can act on), and `check_rows` says
for each row what importing it would do — create an application, update one, leave one as it
is — or why it cannot (each problem with its column and a plain reason). The preview shows that
verdict; `importing.apply_rows` asks `check_rows` again, under the batch's transaction, just before
it writes, so what changed since the preview is taken into account.

The standard library's `csv` reads the file (Excel's dialect and quoting; the delimiter, a comma
or a semicolon, found by `csv.Sniffer` on the header line). See docs/integrations.md for why.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone

from candidates.models import Application, Client
from feedback_portal.models import User
from feedback_portal.text import visible

from .models import ImportRow


@dataclass(frozen=True)
class Column:
    key: str  # the key of the row's values, as stored
    header: str  # as the template writes it
    required: bool = False
    max_length: int | None = None


COLUMNS = (
    Column("candidate_name", "candidate name", required=True, max_length=150),
    Column("candidate_email", "candidate e-mail", required=True, max_length=254),
    Column("client", "client", required=True, max_length=200),
    Column("role_title", "role title", required=True, max_length=200),
    Column("job_reference", "job reference", max_length=60),
    Column("stage", "stage"),
    Column("interviewed_on", "interviewed on"),
    Column("outcome", "outcome"),
    Column("outcome_on", "outcome on"),
    Column("recruiter_email", "recruiter e-mail", max_length=254),
    Column("external_id", "external id", max_length=100),
)
BY_KEY = {column.key: column for column in COLUMNS}
HEADER = [column.header for column in COLUMNS]
EXAMPLE = [
    "Sam Carter",
    "sam.carter@example.com",
    "Acme Analytics",
    "Data Analyst",
    "ACME-042",
    "2nd interview",
    "2026-03-02",
    "not selected",
    "2026-03-09",
    "",
    "ATS-1001",
]


def _squash(header: str) -> str:
    """A header as compared: letters only, lower case ("Candidate E-mail" → "candidateemail")."""
    return re.sub(r"[^a-z]", "", header.lower())


_BY_HEADER = {_squash(column.header): column for column in COLUMNS}


class FileRefused(ValueError):
    """The file cannot be imported at all; the message says why and what to do."""


@dataclass
class Parsed:
    rows: list[tuple[int, dict[str, str]]]  # (line in the file, values by column key)
    ignored_headers: list[str]
    delimiter: str


def _delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=",;").delimiter
    except csv.Error:
        return ";" if header_line.count(";") > header_line.count(",") else ","


def read_csv(data: bytes, *, max_rows: int) -> Parsed:
    """The file's rows, by column; FileRefused when it is not a CSV this import can read."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            "This is an Excel workbook, not a CSV file. In Excel, choose File › Save As › "
            "“CSV UTF-8 (Comma delimited)” and upload that."
        )
    if b"\x00" in data:
        raise FileRefused("This is not a CSV file: it holds binary data. Upload the file saved as CSV UTF-8.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            "This file is not UTF-8 text, so its accents and names would come out wrong. In Excel, "
            "save it as “CSV UTF-8 (Comma delimited)”; other programs call it UTF-8 encoding."
        ) from None
    if not text.strip():
        raise FileRefused("This file is empty. The first line must be the header; see the template.")
    header_line = text.lstrip("\r\n").splitlines()[0]
    delimiter = _delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), dialect="excel", delimiter=delimiter)
    try:
        headers = next(reader)
        while not any(cell.strip() for cell in headers):  # blank lines above the header
            headers = next(reader)
    except (StopIteration, csv.Error):
        raise FileRefused("This file has no header line. The first line must name the columns.") from None
    columns: list[Column | None] = []
    ignored = []
    for header in headers:
        column = _BY_HEADER.get(_squash(header))
        if column is None or column in columns:
            ignored.append(header.strip())
            column = None
        columns.append(column)
    missing = [c.header for c in COLUMNS if c.required and c not in columns]
    if missing:
        raise FileRefused(
            f"The header line lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(f'“{name}”' for name in missing)}. The first line must name the columns "
            "as the template does: " + ", ".join(HEADER) + "."
        )
    rows = []
    number = 1
    try:
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line (Excel often leaves some at the end)
            if len(rows) >= max_rows:
                raise FileRefused(
                    f"This file has more than {max_rows:,} rows, the most one import takes. "
                    "Split it into smaller files and import each."
                )
            values = {c.key: "" for c in COLUMNS}
            for column, cell in zip(columns, cells, strict=False):
                if column is not None:
                    # As every form the portal reads: no characters that reorder or hide text.
                    values[column.key] = visible(cell).strip()
            if len(cells) > len(columns):
                values["_extra"] = [cell for cell in cells[len(columns) :] if cell.strip()]
            rows.append((number, values))
    except csv.Error as exc:
        raise FileRefused(
            f"Line {number} cannot be read as CSV ({exc}). Check its quotation marks."
        ) from None
    if not rows:
        raise FileRefused("This file has a header but no rows to import.")
    return Parsed(rows=rows, ignored_headers=[h for h in ignored if h], delimiter=delimiter)


# Each stage and outcome as a file may write it: the portal's own value, its label, and the
# words applicant-tracking systems commonly use, compared as _squash compares headers.
STAGES = {
    **{_squash(value): value for value in Application.Stage.values},
    **{_squash(label): value for value, label in Application.Stage.choices},
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
    **{_squash(value): value for value in Application.Outcome.values},
    **{_squash(label): value for value, label in Application.Outcome.choices},
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
        if text and _squash(text) not in choices:
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
        wanted["stage"] = STAGES[_squash(values["stage"])]
    if values.get("outcome"):
        wanted["outcome"] = OUTCOMES[_squash(values["outcome"])]
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
