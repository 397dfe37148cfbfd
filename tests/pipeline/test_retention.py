"""Retention: requests ended longer ago than the retention period are anonymised, once."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.test import Client

from candidates.models import Application
from feedback_portal.models import OutboundEmail, PortalSettings, User
from requests_app import retention, services, tasks
from requests_app.models import (
    Area,
    AreaAnswer,
    Event,
    FeedbackRequest,
    FeedbackResponse,
    FollowUp,
    Rating,
    Routing,
)

pytestmark = pytest.mark.django_db

NAME = "Marguerite Okonkwo-Lindqvist"
EMAIL = "marguerite.okonkwo@example.test"
QUESTION = "Was my tessellated-kiwi demo too long for the panel?"
COMMENT = "The quasar-lattice pipeline answer lacked a concrete example."
SUMMARY = "Build one end-to-end modelling project before the next round."
MANAGER = "Dana Whitfield"

ASKED_AT = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)
ENDED_AT = datetime(2024, 3, 20, 10, 0, tzinfo=UTC)  # the candidate marks it read: closed
DUE_AT = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)  # 24 months after it ended


def sweep(now: datetime) -> int:
    return retention.anonymise_due_requests(now=now)


@pytest.fixture
def ask(time_machine, application_factory, django_capture_on_commit_callbacks):
    """Submit a request through the service at `when`, its e-mails sent."""

    def _ask(application: Application, when: datetime = ASKED_AT) -> FeedbackRequest:
        time_machine.move_to(when, tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            return services.submit_request(
                candidate=application.candidate,
                application=application,
                areas=[Area.EXPERIENCE, Area.ANSWERS],
                questions=[QUESTION],
                consent_to_forward=True,
                self_assessment={Area.EXPERIENCE: Rating.MET, Area.ANSWERS: Rating.STRENGTH},
            )

    return _ask


@pytest.fixture
def application(candidate_factory, application_factory):
    candidate = candidate_factory(name=NAME, email=EMAIL)
    return application_factory(candidate=candidate, role_title="Data Analyst")


@pytest.fixture
def answered(ask, application, hiring_manager_factory, time_machine, django_capture_on_commit_callbacks):
    """Asked, routed with the candidate's questions and answered by the manager: open still."""
    feedback_request = ask(application)
    manager = hiring_manager_factory(client=application.client, name=MANAGER)
    time_machine.move_to(ASKED_AT + timedelta(days=1), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        routing = services.route_request(
            feedback_request=feedback_request,
            hiring_manager=manager,
            message=f"{NAME} asks: {QUESTION}",
            actor=application.recruiter,
        )
    time_machine.move_to(ASKED_AT + timedelta(days=3), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_manager_response(
            routing=routing,
            answers={
                Area.EXPERIENCE: (Rating.IMPROVE, f"Original: {COMMENT}"),
                Area.ANSWERS: (Rating.STRENGTH, "Clear STAR stories about the pricing dashboard."),
            },
            summary=f"Original: {SUMMARY}",
            consider_for_other_roles="yes",
        )
    return feedback_request


@pytest.fixture
def ended(answered, time_machine, django_capture_on_commit_callbacks):
    """Released by the recruiter, then read by the candidate on ENDED_AT: closed."""
    application = answered.application
    time_machine.move_to(ASKED_AT + timedelta(days=5), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_response(
            response=answered.responses.get(),
            actor=application.recruiter,
            released_summary=f"Released: {SUMMARY}",
            released_comments={Area.EXPERIENCE: f"Released: {COMMENT}", Area.ANSWERS: "Strong answers."},
        )
    time_machine.move_to(ENDED_AT, tick=False)
    services.acknowledge_feedback(
        feedback_request=answered, candidate=application.candidate, usefulness="very"
    )
    return FeedbackRequest.objects.get(pk=answered.pk)


def whole_database_except_accounts() -> str:
    """Every row of every table as JSON, but the user accounts, which retention keeps, and the
    audit trail's entries about them (sign-ins, changes to the account), which go with them."""
    out = io.StringIO()
    call_command("dumpdata", exclude=["feedback_portal.User", "account", "auditlog"], stdout=out)
    about_accounts = ContentType.objects.get_for_model(User)
    entries = LogEntry.objects.exclude(content_type=about_accounts)
    return out.getvalue() + serializers.serialize("json", entries)


def test_a_request_is_anonymised_24_months_after_it_ended_not_before(ended):
    assert ended.state == FeedbackRequest.State.CLOSED
    assert ended.state_changed_at == ENDED_AT

    assert sweep(DUE_AT - timedelta(seconds=1)) == 0
    assert FeedbackRequest.objects.get(pk=ended.pk).anonymised_at is None
    assert sweep(DUE_AT) == 1
    assert FeedbackRequest.objects.get(pk=ended.pk).anonymised_at == DUE_AT


def test_the_period_is_counted_from_when_the_request_ended_not_when_it_was_asked(
    answered, time_machine, django_capture_on_commit_callbacks
):
    # Declined ten months after it was asked: 24 months from the asking are not enough.
    time_machine.move_to(ASKED_AT + timedelta(days=300), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_request(feedback_request=answered, actor=answered.application.recruiter, message="")
    declined_at = FeedbackRequest.objects.get(pk=answered.pk).state_changed_at

    assert sweep(datetime(2026, 3, 5, tzinfo=UTC)) == 0
    assert sweep(declined_at + timedelta(days=731)) == 1


def test_every_free_text_is_blanked_and_the_statistics_stay(ended):
    before = whole_database_except_accounts()
    for needle in (NAME, EMAIL, QUESTION, COMMENT, SUMMARY):
        assert needle in before  # the test would prove nothing otherwise

    assert sweep(DUE_AT) == 1

    after = whole_database_except_accounts()
    for needle in (NAME, EMAIL, QUESTION, COMMENT, SUMMARY, "quasar", "tessellated", "Okonkwo"):
        assert needle not in after
    feedback_request = FeedbackRequest.objects.get(pk=ended.pk)
    application = feedback_request.application
    # Who, what, where and when stay for the statistics.
    assert feedback_request.state == FeedbackRequest.State.CLOSED
    assert feedback_request.created_at == ASKED_AT
    assert feedback_request.state_changed_at == ENDED_AT
    assert feedback_request.areas == [Area.EXPERIENCE, Area.ANSWERS]
    assert feedback_request.self_assessment == {Area.EXPERIENCE: Rating.MET, Area.ANSWERS: Rating.STRENGTH}
    assert feedback_request.usefulness == "very"
    assert feedback_request.question_list == []
    assert application.role_title == "Data Analyst"
    assert application.client.name in after
    assert application.outcome == Application.Outcome.NOT_SELECTED
    assert application.candidate_name == "Anonymised candidate"
    assert application.candidate_email.startswith("anonymised-")
    assert application.candidate_email.endswith(".invalid")
    response = FeedbackResponse.objects.get(feedback_request=feedback_request)
    assert (response.summary, response.released_summary, response.decline_reason) == ("", "", "")
    assert response.released_at is not None
    assert response.consider_for_other_roles == "yes"
    ratings = dict(AreaAnswer.objects.filter(response=response).values_list("area", "rating"))
    assert ratings == {Area.EXPERIENCE: Rating.IMPROVE, Area.ANSWERS: Rating.STRENGTH}
    assert not AreaAnswer.objects.exclude(comment="", released_comment="").exists()
    assert Routing.objects.get(feedback_request=feedback_request).message == ""
    # The timeline keeps what happened and when; only what was said goes.
    kinds = list(feedback_request.events.values_list("kind", flat=True))
    assert kinds[:3] == [Event.Kind.SUBMITTED, Event.Kind.EMAIL_SENT, Event.Kind.EMAIL_SENT]
    assert Event.Kind.RELEASED in kinds
    assert Event.Kind.CLOSED in kinds
    note = feedback_request.events.exclude(message="").get()
    assert note.message == "Anonymised under the retention policy."
    assert note.visible_to_candidate
    emails = OutboundEmail.objects.filter(feedback_request=feedback_request)
    assert emails.filter(state=OutboundEmail.State.SENT).count() == emails.count() >= 4
    assert set(emails.values_list("subject", flat=True)) == {""}
    # The candidate's account is theirs: retention does not touch it.
    assert User.objects.get(pk=feedback_request.candidate_id).name == NAME


def test_the_candidate_still_sees_the_request_and_why_its_text_is_gone(ended):
    sweep(DUE_AT)
    browser = Client()
    browser.force_login(ended.candidate)

    page = browser.get(f"/requests/{ended.uuid}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Anonymised under the retention policy." in html
    assert COMMENT not in html
    assert QUESTION not in html


def test_a_sweep_run_twice_anonymises_once(ended):
    assert sweep(DUE_AT) == 1
    assert sweep(DUE_AT + timedelta(days=1)) == 0
    assert retention.anonymise_request(feedback_request=ended, now=DUE_AT) is False

    assert Event.objects.filter(feedback_request=ended, message=retention.ANONYMISED_MESSAGE).count() == 1
    assert FeedbackRequest.objects.get(pk=ended.pk).anonymised_at == DUE_AT


def test_a_request_on_legal_hold_is_skipped_until_the_hold_is_released(ended, recruiter_factory):
    admin = recruiter_factory(role=User.Role.ADMIN)
    retention.set_legal_hold(feedback_request=ended, on=True, actor=admin)

    assert sweep(DUE_AT + timedelta(days=400)) == 0
    assert retention.anonymise_request(feedback_request=ended, now=DUE_AT) is False
    held = FeedbackRequest.objects.get(pk=ended.pk)
    assert held.anonymised_at is None
    assert held.question_list == [QUESTION]
    assert held.application.candidate_name == NAME

    retention.set_legal_hold(feedback_request=ended, on=False, actor=admin)
    assert sweep(DUE_AT + timedelta(days=400)) == 1


@pytest.mark.parametrize("state", ["submitted", "awaiting_manager", "answered", "expired"])
def test_an_open_request_is_never_anonymised_however_old(answered, state):
    FeedbackRequest.objects.filter(pk=answered.pk).update(state=state)

    assert sweep(ASKED_AT + timedelta(days=3650)) == 0
    assert retention.anonymise_request(feedback_request=answered, now=DUE_AT) is False
    feedback_request = FeedbackRequest.objects.get(pk=answered.pk)
    assert feedback_request.question_list == [QUESTION]
    assert feedback_request.application.candidate_name == NAME


def test_an_application_asked_about_again_keeps_its_details(
    ask, application, time_machine, django_capture_on_commit_callbacks
):
    first = ask(application)
    services.withdraw_request(feedback_request=first, candidate=application.candidate)
    second = ask(application, when=DUE_AT - timedelta(days=30))

    assert sweep(DUE_AT) == 1

    application.refresh_from_db()
    assert application.candidate_name == NAME
    assert application.candidate_email == EMAIL
    assert FeedbackRequest.objects.get(pk=first.pk).question_list == []
    assert FeedbackRequest.objects.get(pk=second.pk).question_list == [QUESTION]
    # Once the newer request has ended and its own period passed, the application goes too.
    time_machine.move_to(DUE_AT, tick=False)
    services.withdraw_request(feedback_request=second, candidate=application.candidate)
    assert sweep(DUE_AT + timedelta(days=800)) == 1
    application.refresh_from_db()
    assert application.candidate_name == "Anonymised candidate"


def test_each_anonymised_application_gets_its_own_undeliverable_address(
    ask, application, application_factory
):
    other = application_factory(candidate=application.candidate, role_title="BI Developer")
    for app in (application, other):
        services.withdraw_request(feedback_request=ask(app), candidate=app.candidate)

    assert sweep(DUE_AT) == 2

    addresses = set(Application.objects.values_list("candidate_email", flat=True))
    assert len(addresses) == 2
    assert all(a.endswith("@anonymised.invalid") for a in addresses)


def test_the_period_comes_from_the_portal_settings(ended):
    portal = PortalSettings.load()
    portal.retention_months = 6
    portal.save()

    assert sweep(datetime(2024, 9, 20, 9, 59, tzinfo=UTC)) == 0
    assert sweep(datetime(2024, 9, 20, 10, 0, tzinfo=UTC)) == 1


def test_a_period_of_zero_months_turns_retention_off(ended):
    portal = PortalSettings.load()
    portal.retention_months = 0
    portal.save()

    assert sweep(DUE_AT + timedelta(days=3650)) == 0


@pytest.mark.parametrize(
    ("now", "months", "cutoff"),
    [
        (datetime(2026, 3, 20, 10, 0, tzinfo=UTC), 24, datetime(2024, 3, 20, 10, 0, tzinfo=UTC)),
        (datetime(2026, 5, 31, 8, 0, tzinfo=UTC), 3, datetime(2026, 2, 28, 8, 0, tzinfo=UTC)),
        (datetime(2026, 3, 31, 8, 0, tzinfo=UTC), 25, datetime(2024, 2, 29, 8, 0, tzinfo=UTC)),
        (datetime(2026, 1, 15, 8, 0, tzinfo=UTC), 1, datetime(2025, 12, 15, 8, 0, tzinfo=UTC)),
    ],
)
def test_the_cutoff_is_whole_calendar_months_back(now, months, cutoff):
    assert retention.retention_cutoff(now, months) == cutoff


def test_the_beat_task_anonymises_with_its_own_clock(ended):
    with time_machine.travel(DUE_AT + timedelta(hours=1), tick=False):
        assert tasks.anonymise_due_requests() == 1
    assert FeedbackRequest.objects.get(pk=ended.pk).anonymised_at is not None
    entry = settings.CELERY_BEAT_SCHEDULE["anonymise-due-requests"]
    assert entry["task"] == "requests_app.tasks.anonymise_due_requests"


# --- The follow-up question ------------------------------------------------------------------

FOLLOW_UP_QUESTION = "Would a zeppelin-marmalade side project count as modelling?"
FOLLOW_UP_REPLY = "Yes: the obsidian-walrus dataset would show it best."
FOLLOW_UP_ANSWER = "Yes, and the lanthanum-heron data would be a good start."


@pytest.fixture
def released(answered, time_machine, django_capture_on_commit_callbacks):
    """Released by the recruiter five days after it was asked; not closed."""
    time_machine.move_to(ASKED_AT + timedelta(days=5), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_response(
            response=answered.responses.get(),
            actor=answered.application.recruiter,
            released_summary=f"Released: {SUMMARY}",
            released_comments={Area.EXPERIENCE: f"Released: {COMMENT}"},
        )
    return FeedbackRequest.objects.get(pk=answered.pk)


@pytest.fixture
def followed_up(released, time_machine, django_capture_on_commit_callbacks):
    """The candidate follows up; the manager replies; the recruiter sends an answer; it is read."""
    recruiter = released.application.recruiter
    time_machine.move_to(ASKED_AT + timedelta(days=6), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        follow_up = services.ask_follow_up(
            feedback_request=released, candidate=released.candidate, question=FOLLOW_UP_QUESTION
        )
        routing = services.forward_follow_up(
            follow_up=follow_up, actor=recruiter, message=f"{NAME} asks: {FOLLOW_UP_QUESTION}"
        )
        services.reply_to_follow_up(routing=routing, reply=FOLLOW_UP_REPLY)
        services.answer_follow_up(follow_up=follow_up, actor=recruiter, answer=FOLLOW_UP_ANSWER)
    time_machine.move_to(ENDED_AT, tick=False)
    services.acknowledge_feedback(feedback_request=released, candidate=released.candidate)
    return FeedbackRequest.objects.get(pk=released.pk)


def test_the_follow_up_questions_reply_and_answer_are_blanked(followed_up):
    before = whole_database_except_accounts()
    for needle in ("zeppelin", "obsidian", "lanthanum"):
        assert needle in before

    assert sweep(DUE_AT) == 1

    after = whole_database_except_accounts()
    for needle in ("zeppelin", "obsidian", "lanthanum", NAME):
        assert needle not in after
    follow_up = FollowUp.objects.get(feedback_request=followed_up)
    assert (follow_up.question, follow_up.reply, follow_up.answer) == ("", "", "")
    # What happened and when stays.
    assert follow_up.state == FollowUp.State.ANSWERED
    assert follow_up.answer_source == FollowUp.Source.INTERVIEW_TEAM
    assert follow_up.answered_at is not None
    assert set(Routing.objects.filter(feedback_request=followed_up).values_list("message", flat=True)) == {""}


def test_a_request_with_an_open_follow_up_is_not_anonymised(released, time_machine):
    time_machine.move_to(ASKED_AT + timedelta(days=6), tick=False)
    follow_up = services.ask_follow_up(
        feedback_request=released, candidate=released.candidate, question=FOLLOW_UP_QUESTION
    )

    assert sweep(ASKED_AT + timedelta(days=3650)) == 0
    assert retention.anonymise_request(feedback_request=released, now=DUE_AT) is False
    assert FollowUp.objects.get().question == FOLLOW_UP_QUESTION

    # Once it is answered, the request is over again and its period applies.
    services.answer_follow_up(follow_up=follow_up, actor=released.application.recruiter, answer="Yes.")
    assert sweep(ASKED_AT + timedelta(days=3650)) == 1
    assert FollowUp.objects.get().question == ""
