"""CSV files as recruiters' spreadsheets write them: Python's csv module in Excel's dialect."""

import csv
import io
from datetime import timedelta

from django.utils import timezone

from integrations.reading import HEADER


def row(**values) -> list[str]:
    """A row in the template's column order; unnamed columns are empty."""
    keys = [
        "candidate_name", "candidate_email", "client", "role_title", "job_reference", "stage",
        "interviewed_on", "outcome", "outcome_on", "recruiter_email", "external_id",
    ]  # fmt: skip
    return [str(values.get(key, "")) for key in keys]


def csv_bytes(rows: list[list[str]], *, header=HEADER, delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel", delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def applicant(n: int, *, client: str = "Acme Analytics", **values) -> list[str]:
    """The n-th of many applications: a rejected candidate with an id in the tracking system."""
    fields = {
        "candidate_name": f"Candidate {n:05d}",
        "candidate_email": f"candidate{n}@example.test",
        "client": client,
        "role_title": "Data Analyst",
        "job_reference": f"JOB-{n % 40}",
        "stage": "2nd interview",
        "interviewed_on": days_ago(30),
        "outcome": "not selected",
        "outcome_on": days_ago(20),
        "external_id": f"ATS-{n}",
    }
    fields.update(values)
    return row(**fields)


def days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()
