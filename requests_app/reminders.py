"""The reminder pipeline's writes: nudging hiring managers and the recruiters' daily digest.

The database is the source of truth. Each sweep is given `now`, finds due work by query
and claims it with a conditional update or a unique row, so a sweep that runs twice, on
two workers at once, or after a lost broker message never sends a reminder or a digest
twice; the e-mails themselves are rows the mail pipeline sends at least once.
"""

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction

from feedback_portal import mail
from feedback_portal.models import PortalSettings, User

from .digest import owners_with_work
from .emails import MANAGER_REMINDER, RECRUITER_DIGEST, SENDER_LABEL
from .models import Event, FeedbackRequest, Handover, RecruiterDigest, Reminder, Routing


def due_step(routing: Routing, days: list[int], now: datetime) -> int:
    """How many reminders of the cadence are due for this routing by `now`."""
    return sum(1 for day in days if routing.routed_at + timedelta(days=day) <= now)


def send_due_reminders(*, now: datetime) -> int:
    """Remind every hiring manager whose next reminder is due; only in working hours.

    A manager who missed several steps (a weekend, a paused beat) gets one reminder, for
    the latest step. Each reminder e-mails a fresh link to the same routing.
    """
    portal = PortalSettings.load()
    days = portal.reminder_day_list()
    if not days or not portal.is_working_time(now):
        return 0
    routings = (
        Routing.objects.live(now)
        .filter(
            feedback_request__state=FeedbackRequest.State.AWAITING_MANAGER,
            # Younger than the first step: nothing can be due yet, so not read at all.
            routed_at__lte=now - timedelta(days=days[0]),
        )
        # What _remind reads, in this one query: the manager, and who looks after the request.
        .select_related(
            "hiring_manager",
            "feedback_request__owner",
            "feedback_request__application__client__owner",
        )
    )
    sent = 0
    for routing in routings:
        step = due_step(routing, days, now)
        if step > routing.reminders_sent and _remind(routing, step, now=now):
            sent += 1
    return sent


@transaction.atomic
def _remind(routing: Routing, step: int, *, now: datetime) -> bool:
    # The claim: only one sweep moves reminders_sent up to this step.
    claimed = Routing.objects.filter(pk=routing.pk, reminders_sent__lt=step, revoked_at__isnull=True).update(
        reminders_sent=step
    )
    if not claimed:
        return False
    Reminder.objects.create(routing=routing, step=step, created_at=now)
    feedback_request = routing.feedback_request
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.REMINDED,
        actor_label=SENDER_LABEL,
        message=f"Reminder {step} to {routing.hiring_manager.name}.",
        created_at=now,
    )
    mail.queue(
        MANAGER_REMINDER,
        to=routing.hiring_manager.email,
        reply_to=feedback_request.recruiter.email,
        about=routing,
    )
    return True


def send_recruiter_digests(*, now: datetime) -> int:
    """Once per business day, from the start of working hours: one e-mail per recruiter with work.

    Costs what is due, not the history: one query finds who owns something due (digest.py),
    one who covers them today, one those of them who are active and without today's digest
    yet; then one claim and one e-mail each. The e-mail reads its digest as of sending.
    """
    portal = PortalSettings.load()
    local = now.astimezone(portal.zone)
    today = local.date()
    if not portal.is_business_day(today) or local.hour < portal.working_hours_start:
        return 0
    owners = owners_with_work(portal, today)
    if not owners:
        return 0
    covering = Handover.objects.covering_on(today).filter(from_recruiter__in=owners, ends_on__isnull=False)
    # By primary key (no scan of every user by role); beat runs this all day: recruiters who
    # already had today's digest are not looked at again.
    recipients = (
        User.objects.filter(
            pk__in=owners | set(covering.values_list("to_recruiter", flat=True)),
            role__in=[User.Role.RECRUITER, User.Role.ADMIN],
            is_active=True,
        )
        .exclude(digests__day=today)
        .order_by("pk")
    )
    return sum(_queue_digest(recruiter, today, now=now) for recruiter in recipients)


def _queue_digest(recruiter: User, day: date, *, now: datetime) -> bool:
    try:
        with transaction.atomic():
            # The claim: the unique (recruiter, day) row; a second sweep fails to insert it.
            RecruiterDigest.objects.create(recruiter=recruiter, day=day, created_at=now)
            mail.queue(RECRUITER_DIGEST, to=recruiter.email, recipient=recruiter)
    except IntegrityError:
        return False
    return True
