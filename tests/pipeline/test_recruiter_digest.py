"""The recruiter's daily digest: untriaged past the SLA, answers to release, expired links."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from feedback_portal.models import PortalSettings
from requests_app import reminders
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

    # 1. the recruiter's requests waiting for triage, release or a new link
    # 2. their open follow-up questions, with request, application and client
    with django_assert_num_queries(2):
        digest = reminders.digest_for(recruiter, now=at(3), portal=portal)
    assert [f.feedback_request.application.candidate_name for f in digest.follow_ups] == [
        "Fay Asked",
        "Gus Asked",
    ]
