"""Reading an applications CSV: the uploaded bytes as rows of values by column, or the file
refused with words a recruiter can act on.

The standard library's `csv` reads the file (Excel's dialect and quoting; the delimiter, a comma
or a semicolon, found by `csv.Sniffer` on the header line). See docs/integrations.md for why.
The rows are then checked against what the portal holds (imports.py).
"""

import csv
import io
import re
from dataclasses import dataclass

from feedback_portal.text import visible


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


def squash(header: str) -> str:
    """A header as compared: letters only, lower case ("Candidate E-mail" → "candidateemail")."""
    return re.sub(r"[^a-z]", "", header.lower())


_BY_HEADER = {squash(column.header): column for column in COLUMNS}


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
        column = _BY_HEADER.get(squash(header))
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
