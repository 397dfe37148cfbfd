"""The queue's rows: each request as a line of the table, written in one pass (queue.py's views
read them; the template takes their HTML in one piece)."""

import uuid
from dataclasses import dataclass
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from feedback_portal.models import PortalSettings

from .models import FeedbackRequest
from .queue_kept import Names


@dataclass
class Row:
    """One request as the queue shows it, its words and links worked out once (the page lists
    fifty: every lookup a row saves the template is fifty saved)."""

    uuid: uuid.UUID
    state: str
    age: int | None  # working days waiting on a recruiter
    overdue: bool
    href: str = ""
    candidate: str = ""
    unconfirmed: bool = False
    role_and_client: str = ""
    what_now: str = ""  # what the recruiter must do; else, the request's state
    state_label: str = ""
    asked_iso: str = ""
    asked_label: str = ""
    owner: str = ""

    @property
    def age_label(self) -> str:
        if self.age is None:
            return ""
        if self.age == 0:
            return "today"
        return f"{self.age} working day{'s' if self.age != 1 else ''}"

    def html(self) -> SafeString:
        """The row's `<tr>`, written in one pass with every value escaped: fifty rows through the
        template engine were the largest part of the queue's time. Each cell carries its column's
        name for the phone's cards."""
        if self.what_now:
            what_now = escape(self.what_now)
        else:
            what_now = STATE_BADGE.format(state=escape(self.state), label=escape(self.state_label))
        waiting = NO_AGE if self.age is None else self.age_label + (OVERDUE_BADGE if self.overdue else "")
        # Safe: every value in it is escaped above or here, or is the portal's own markup.
        return mark_safe(  # noqa: S308
            ROW.format(
                overdue=OVERDUE_CLASS if self.overdue else "",
                uuid=self.uuid,
                href=escape(self.href),
                candidate=escape(self.candidate),
                unconfirmed=UNCONFIRMED_BADGE if self.unconfirmed else "",
                role_and_client=escape(self.role_and_client),
                what_now=what_now,
                waiting=waiting,
                asked_iso=self.asked_iso,
                asked_label=self.asked_label,
                owner=escape(self.owner) if self.owner else UNASSIGNED_CELL,
            )
        )


ROW = (
    "<tr{overdue}>"
    '<td data-label="Choose"><input type="checkbox" name="requests" value="{uuid}" id="pick-{uuid}"'
    ' aria-label="Choose {candidate}"></td>'
    '<td data-label="Candidate"><a href="{href}">{candidate}</a>{unconfirmed}</td>'
    '<td data-label="Role and client">{role_and_client}</td>'
    '<td data-label="What now">{what_now}</td>'
    '<td data-label="Waiting">{waiting}</td>'
    '<td data-label="Asked"><time datetime="{asked_iso}">{asked_label}</time></td>'
    '<td data-label="Recruiter">{owner}</td>'
    "</tr>"
)
OVERDUE_CLASS = ' class="overdue"'
UNCONFIRMED_BADGE = ' <span class="badge">unconfirmed</span>'
STATE_BADGE = '<span class="badge state-{state}">{label}</span>'
NO_AGE = '<span class="muted">—</span>'
OVERDUE_BADGE = ' <strong class="badge overdue-badge">overdue</strong>'
UNASSIGNED_CELL = '<span class="muted">unassigned</span>'


def rows(requests: list[dict], portal: PortalSettings, names: Names) -> list[Row]:
    """Each request (a dict of FeedbackRequest.objects.for_queue()) with its age in working days
    against the triage SLA, and the names of its client and recruiter (no query, unless the
    cache has not heard of one of them yet: Names.look_up_missing)."""
    names.look_up_missing(
        {fr["application__client_id"] for fr in requests}, {fr["owner_id"] for fr in requests}
    )
    today, zone = timezone.localdate(), portal.zone
    ages = {}  # many rows began waiting on the same day
    shown = []
    for fr in requests:
        age = None
        needs, waiting_since = fr["needs"], fr["waiting_since"]
        if needs and waiting_since:
            since = timezone.localtime(waiting_since, zone).date()
            if since not in ages:
                ages[since] = portal.working_days_since(since, today)
            age = ages[since]
        confirmed, described = fr["application__is_confirmed"], fr["application__company_as_described"]
        # As the candidate named it until a recruiter confirms it (Application.company_for_candidate).
        company = described if described and not confirmed else names.client(fr["application__client_id"])
        asked = timezone.localtime(fr["created_at"])
        shown.append(
            Row(
                fr["uuid"],
                fr["state"],
                age,
                age is not None and age > portal.triage_sla_business_days,
                href=page_of(fr["uuid"]),
                candidate=fr["application__candidate_name"],
                unconfirmed=not confirmed,
                role_and_client=f"{fr['application__role_title']} · {company}",
                what_now=NEEDS_LABELS.get(needs, needs) if needs else "",
                state_label=STATE_LABELS.get(fr["state"], fr["state"]),
                asked_iso=f"{asked:%Y-%m-%d}",
                asked_label=f"{asked.day} {asked:%b %Y}",
                owner=names.person(fr["owner_id"]),
            )
        )
    return shown


def rows_html(shown: list[Row]) -> SafeString:
    """The rows' `<tr>`s, one to a line."""
    return mark_safe("\n".join(row.html() for row in shown))  # noqa: S308 (each row escapes its values)


NEEDS_LABELS = dict(FeedbackRequest.Needs.choices)
STATE_LABELS = dict(FeedbackRequest.State.choices)


def page_of(request_uuid) -> str:
    """The recruiter's page of a request: reversed once per process, then filled in per row."""
    global _PAGE_PATTERN
    if _PAGE_PATTERN is None:
        _PAGE_PATTERN = reverse("requests_app:dashboard_request", args=[_PLACEHOLDER])
    return _PAGE_PATTERN.replace(str(_PLACEHOLDER), str(request_uuid))


_PLACEHOLDER = uuid.UUID(int=0)
_PAGE_PATTERN: str | None = None
