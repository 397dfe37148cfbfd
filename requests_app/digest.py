"""What one recruiter should act on today: the read behind the daily digest.

A request's owner and what it waits for a recruiter to do (`needs`, kept by the lifecycle on
every move) say whether it belongs in a digest, so the digest reads only what is due, through
the partial indexes on waiting requests, never a recruiter's history. A recruiter's digest
holds their own work and the work of colleagues they cover today (a hand-over for dates).

The digest sweep (reminders.py) asks `owners_with_work` who has anything due; the digest
e-mail (emails.py) renders `digest_for` as of sending.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from feedback_portal.models import PortalSettings, User

from .models import FeedbackRequest, FollowUp, Handover

N = FeedbackRequest.Needs
# The digest's lists, by what the request waits for.
UNTRIAGED = (N.TRIAGE, N.CONFIRM)  # once past the triage SLA
TO_RELEASE = (N.REVIEW, N.MANAGER_DECLINED)
EXPIRED = (N.EXPIRED,)


@dataclass
class Digest:
    """What one recruiter should act on today."""

    untriaged: list[FeedbackRequest] = field(default_factory=list)
    to_release: list[FeedbackRequest] = field(default_factory=list)
    expired: list[FeedbackRequest] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.untriaged or self.to_release or self.expired or self.follow_ups)


def untriaged_before(today: date, portal: PortalSettings) -> datetime:
    """Requests asked before this moment are past the triage SLA on `today`.

    A request is past it once `today` is later than the SLA's last business day after the
    day it was asked (in the agency's time zone). That last day moves forward with the day
    asked, so the requests past it are those asked up to some day: found by stepping back
    from yesterday, a few days at most (weekends and holidays).
    """
    day = today - timedelta(days=1)
    while portal.add_business_days(day, portal.triage_sla_business_days) >= today:
        day -= timedelta(days=1)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=portal.zone)


def due_requests(portal: PortalSettings, today: date):
    """Every request a digest lists on `today`: untriaged past the SLA, answers to review, expired links.

    Only requests waiting for a recruiter (needs set) are read: the partial indexes on them.
    """
    due = Q(needs__in=UNTRIAGED, waiting_since__lt=untriaged_before(today, portal)) | Q(
        needs__in=TO_RELEASE + EXPIRED
    )
    return FeedbackRequest.objects.exclude(needs="").filter(due)


def open_follow_ups():
    """Every open follow-up question, from the day it is asked: one question, and the candidate waits."""
    return FollowUp.objects.open()


def owners_with_work(portal: PortalSettings, today: date) -> set[int]:
    """The recruiters who own something a digest lists today, in one query (owners of due
    requests and of open follow-up questions, through the indexes on each)."""
    due = due_requests(portal, today).order_by().values_list("owner")
    asked = open_follow_ups().order_by().values_list("feedback_request__owner")
    return {owner for (owner,) in due.union(asked) if owner is not None}


def digest_for(recruiter: User, *, now: datetime, portal: PortalSettings | None = None) -> Digest:
    """The requests `recruiter` looks after today that wait past the triage SLA, answers to
    release, expired links and open follow-ups: their own, and those of colleagues they cover.

    Three queries: whom they cover today, the due requests of those owners (request_owner_needs_idx),
    their open follow-up questions (follow_up_open_idx). Longest waiting first.
    """
    portal = portal or PortalSettings.load()
    today = now.astimezone(portal.zone).date()
    desk = Handover.objects.desk_of(recruiter.pk, today)
    rows = (
        due_requests(portal, today)
        .filter(owner__in=desk)
        .select_related("application__client")
        .order_by("waiting_since", "pk")
    )
    digest = Digest()
    for fr in rows:
        if fr.needs in UNTRIAGED:
            digest.untriaged.append(fr)
        elif fr.needs in TO_RELEASE:
            digest.to_release.append(fr)
        else:
            digest.expired.append(fr)
    digest.follow_ups = list(
        open_follow_ups()
        .filter(feedback_request__owner__in=desk)
        .select_related("feedback_request__application__client")
        .order_by("asked_at", "pk")
    )
    return digest
