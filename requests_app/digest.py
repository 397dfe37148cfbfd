"""What one recruiter should act on today: the read behind the daily digest.

The digest sweep (reminders.py) asks it whether a recruiter has anything waiting; the digest
e-mail (emails.py) renders it as of sending.
"""

from dataclasses import dataclass, field
from datetime import datetime

from feedback_portal.models import PortalSettings, User

from .models import FeedbackRequest, FollowUp


@dataclass
class Digest:
    """What one recruiter should act on today."""

    untriaged: list[FeedbackRequest] = field(default_factory=list)
    to_release: list[FeedbackRequest] = field(default_factory=list)
    expired: list[FeedbackRequest] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.untriaged or self.to_release or self.expired or self.follow_ups)


def digest_for(recruiter: User, *, now: datetime, portal: PortalSettings | None = None) -> Digest:
    """The recruiter's requests past the triage SLA, answers to release, expired links and open follow-ups."""
    portal = portal or PortalSettings.load()
    today = now.astimezone(portal.zone).date()
    mine = (
        FeedbackRequest.objects.filter(application__recruiter=recruiter)
        .select_related("application__client")
        .order_by("created_at")
    )
    digest = Digest()
    for fr in mine.filter(
        state__in=[
            FeedbackRequest.State.SUBMITTED,
            FeedbackRequest.State.ANSWERED,
            FeedbackRequest.State.EXPIRED,
        ]
    ):
        if fr.state == FeedbackRequest.State.SUBMITTED:
            asked = fr.created_at.astimezone(portal.zone).date()
            if today > portal.add_business_days(asked, portal.triage_sla_business_days):
                digest.untriaged.append(fr)
        elif fr.state == FeedbackRequest.State.ANSWERED:
            digest.to_release.append(fr)
        else:
            digest.expired.append(fr)
    # Every open follow-up, from the day it is asked: one question, and the candidate is waiting.
    digest.follow_ups = list(FollowUp.objects.for_digest(recruiter))
    return digest
