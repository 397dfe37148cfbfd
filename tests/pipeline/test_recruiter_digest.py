"""The recruiter's daily digest: untriaged past the SLA, answers to release, expired links, follow-ups;
to the request's owner and whoever covers for them, at the cost of what is due."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from candidates.models import Application
from feedback_portal.models import PortalSettings
from requests_app import lifecycle, reminders, services
from requests_app.digest import digest_for
from requests_app.models import FeedbackRequest, FollowUp, RecruiterDigest

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 9, month: int = 11) -> datetime:
    """A moment in November 2026 (London is on GMT then, so this is local time too)."""
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def recruiter(recruiter_factory):
    return recruiter_factory(name="Riley Recruiter")


@pytest.fixture
def ask(recruiter, application_factory, client_factory, feedback_request_factory):
    company = client_factory(owner=recruiter)

    def _ask(name: str, created_at: datetime, state=FeedbackRequest.State.SUBMITTED):
        application = application_factory(client=company, recruiter=recruiter, candidate_name=name)
        return feedback_request_factory(application=application, created_at=created_at, state=state)

    return _ask


def run(now, django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return reminders.send_recruiter_digests(now=now)


def test_an_untriaged_request_shows_once_past_two_business_days(
    recruiter, ask, django_capture_on_commit_callbacks
):
    ask("Ada Lovelace", created_at=at(2, 10))  # Monday

    assert run(at(4), django_capture_on_commit_callbacks) == 0  # Wednesday: still within the SLA
    assert run(at(5), django_capture_on_commit_callbacks) == 1  # Thursday: past it

    [digest] = mail.outbox
    assert digest.to == [recruiter.email]
    assert "1 to triage" in digest.subject
    assert "Ada Lovelace" in digest.body
    assert "Good morning Riley Recruiter" in digest.body


def test_weekends_and_holidays_do_not_count_against_the_sla(
    recruiter, ask, django_capture_on_commit_callbacks
):
    portal = PortalSettings.load()
    portal.holidays = "2026-11-09"  # the Monday after
    portal.save()
    ask("Bo Friday", created_at=at(6, 16))  # Friday afternoon

    assert run(at(10), django_capture_on_commit_callbacks) == 0  # Tuesday: 1 business day later
    assert run(at(11), django_capture_on_commit_callbacks) == 0  # Wednesday: the 2nd
    assert run(at(12), django_capture_on_commit_callbacks) == 1  # Thursday: past it


def test_answers_to_release_and_expired_links_are_in_the_digest(
    recruiter, ask, django_capture_on_commit_callbacks
):
    ask("Cy Answered", created_at=at(4), state=FeedbackRequest.State.ANSWERED)
    ask("Di Expired", created_at=at(4), state=FeedbackRequest.State.EXPIRED)
    ask("Ed Released", created_at=at(4), state=FeedbackRequest.State.RELEASED)

    assert run(at(5), django_capture_on_commit_callbacks) == 1

    [digest] = mail.outbox
    assert "0 to triage, 1 to release, 1 expired" in digest.subject
    assert "Cy Answered" in digest.body
    assert "Di Expired" in digest.body
    assert "Ed Released" not in digest.body


def test_one_digest_per_recruiter_per_day(recruiter, ask, django_capture_on_commit_callbacks):
    ask("Cy Answered", created_at=at(4), state=FeedbackRequest.State.ANSWERED)

    assert run(at(5, 9), django_capture_on_commit_callbacks) == 1
    assert run(at(5, 15), django_capture_on_commit_callbacks) == 0
    assert run(at(6, 9), django_capture_on_commit_callbacks) == 1  # the next business day

    assert len(mail.outbox) == 2
    assert RecruiterDigest.objects.filter(recruiter=recruiter).count() == 2


def test_no_digest_before_working_hours_on_weekends_or_with_nothing_to_do(
    recruiter, recruiter_factory, ask, django_capture_on_commit_callbacks
):
    idle = recruiter_factory()
    ask("Cy Answered", created_at=at(4), state=FeedbackRequest.State.ANSWERED)

    assert run(at(5, 8), django_capture_on_commit_callbacks) == 0  # before 09:00
    assert run(at(7, 10), django_capture_on_commit_callbacks) == 0  # Saturday
    assert run(at(9, 10), django_capture_on_commit_callbacks) == 1  # Monday: only the busy one

    assert [m.to for m in mail.outbox] == [[recruiter.email]]
    assert not RecruiterDigest.objects.filter(recruiter=idle).exists()


def test_candidates_get_no_digest(candidate_factory, ask, recruiter, django_capture_on_commit_callbacks):
    candidate_factory()
    ask("Cy Answered", created_at=at(4), state=FeedbackRequest.State.ANSWERED)

    run(at(5), django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[recruiter.email]]


def test_open_follow_up_questions_are_in_the_digest(recruiter, ask, django_capture_on_commit_callbacks):
    released = FeedbackRequest.State.RELEASED
    for name, state in [
        ("Fay Asked", FollowUp.State.ASKED),
        ("Gus Forwarded", FollowUp.State.FORWARDED),
        ("Hal Replied", FollowUp.State.REPLIED),
        ("Ivy Answered", FollowUp.State.ANSWERED),
    ]:
        FollowUp.objects.create(
            feedback_request=ask(name, created_at=at(2), state=released), question="Why?", state=state
        )

    # From the day it is asked: the candidate is waiting.
    assert run(at(3), django_capture_on_commit_callbacks) == 1

    [digest] = mail.outbox
    assert "0 to triage, 0 to release, 0 expired, 3 follow-ups" in digest.subject
    assert "Open follow-up questions" in digest.body
    assert "Fay Asked" in digest.body
    assert "Gus Forwarded — Data Analyst" in digest.body
    assert "(forwarded to the hiring manager, asked" in digest.body
    assert "(reply received, awaiting review, asked" in digest.body
    assert "Ivy Answered" not in digest.body
    html = digest.alternatives[0][0]
    assert "Open follow-up questions" in html
    assert "Hal Replied" in html


def test_the_digest_finds_its_follow_ups_in_one_query(recruiter, ask, django_assert_num_queries):
    for name in ("Fay Asked", "Gus Asked"):
        FollowUp.objects.create(
            feedback_request=ask(name, created_at=at(2), state=FeedbackRequest.State.RELEASED),
            question="Why?",
        )
    portal = PortalSettings.load()

    # 1. whose work the recruiter covers today
    # 2. the requests of theirs waiting past the SLA, for release or a new link
    # 3. their open follow-up questions, with request, application and client
    with django_assert_num_queries(3):
        found = digest_for(recruiter, now=at(3), portal=portal)
    assert [f.feedback_request.application.candidate_name for f in found.follow_ups] == [
        "Fay Asked",
        "Gus Asked",
    ]


# Who gets it: the request's owner, and a colleague covering for them.


def test_a_reassigned_request_is_in_its_new_owners_digest(
    recruiter, recruiter_factory, ask, django_capture_on_commit_callbacks
):
    colleague = recruiter_factory(name="Cam Colleague")
    moved = ask("Cy Answered", created_at=at(4), state=FeedbackRequest.State.ANSWERED)
    services.reassign(feedback_request=moved, to=colleague, actor=recruiter)

    assert run(at(5), django_capture_on_commit_callbacks) == 1

    [digest] = mail.outbox
    assert digest.to == [colleague.email]
    assert "Cy Answered" in digest.body
    assert "Good morning Cam Colleague" in digest.body
    assert not RecruiterDigest.objects.filter(recruiter=recruiter).exists()


def test_a_colleague_covering_for_dates_gets_the_absent_recruiters_work_too(
    recruiter, recruiter_factory, ask, django_capture_on_commit_callbacks, time_machine
):
    cover = recruiter_factory(name="Cora Cover")
    ask("Cy Answered", created_at=at(2), state=FeedbackRequest.State.ANSWERED)
    services.hand_over(
        from_recruiter=recruiter, to_recruiter=cover, actor=recruiter, starts_on=date(2026, 11, 3),
        ends_on=date(2026, 11, 6),
    )  # fmt: skip

    time_machine.move_to(at(5), tick=False)  # the e-mail reads its digest as of sending
    assert run(at(5), django_capture_on_commit_callbacks) == 2  # Thursday: within the cover

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "Cy Answered" in by_recipient[cover.email].body
    assert "Good morning Cora Cover" in by_recipient[cover.email].body
    assert "Cy Answered" in by_recipient[recruiter.email].body  # still theirs: they own it

    mail.outbox.clear()
    time_machine.move_to(at(9), tick=False)
    assert run(at(9), django_capture_on_commit_callbacks) == 1  # Monday: the cover has ended
    assert [m.to for m in mail.outbox] == [[recruiter.email]]


def test_a_recruiter_covering_with_nothing_of_their_own_is_still_told(
    recruiter, recruiter_factory, ask, django_capture_on_commit_callbacks, time_machine
):
    cover = recruiter_factory()
    ask("Di Expired", created_at=at(2), state=FeedbackRequest.State.EXPIRED)
    recruiter.is_active = False  # away, and not signing in meanwhile
    recruiter.save()
    services.hand_over(
        from_recruiter=recruiter, to_recruiter=cover, actor=cover, starts_on=date(2026, 11, 2),
        ends_on=date(2026, 11, 20),
    )  # fmt: skip
    time_machine.move_to(at(5), tick=False)

    assert run(at(5), django_capture_on_commit_callbacks) == 1

    [digest] = mail.outbox
    assert digest.to == [cover.email]
    assert "0 to triage, 0 to release, 1 expired" in digest.subject


def test_an_unconfirmed_application_waits_as_untriaged(recruiter, ask, django_capture_on_commit_callbacks):
    fr = ask("Una Unconfirmed", created_at=at(2, 10))
    Application.objects.filter(pk=fr.application_id).update(is_confirmed=False)
    lifecycle.note_needs(FeedbackRequest.objects.get(pk=fr.pk))

    assert run(at(5), django_capture_on_commit_callbacks) == 1
    assert "1 to triage" in mail.outbox[0].subject


# What it costs: the work that is due, never the history.


def test_the_sweep_reads_the_same_whatever_the_history_and_the_number_due(recruiter, ask):
    def sweep_queries(now) -> int:
        with CaptureQueriesContext(connection) as read, transaction.atomic():
            assert reminders.send_recruiter_digests(now=now) == 1
            transaction.set_rollback(True)  # the same work again next time
        return len(read.captured_queries)

    ask("Cy Answered", created_at=at(2), state=FeedbackRequest.State.ANSWERED)
    sweep_queries(at(5))  # the settings and the kinds of e-mail, read once and kept
    one_due = sweep_queries(at(5))
    for n in range(20):
        ask(f"Old {n}", created_at=at(1, month=3), state=FeedbackRequest.State.CLOSED)
        ask(f"Due {n}", created_at=at(2), state=FeedbackRequest.State.EXPIRED)

    # 1. who owns something due (requests and follow-ups, one query); 2. them and whoever covers
    # them, active and without today's digest; then the claim and the e-mail row per recipient.
    assert sweep_queries(at(5)) == one_due
