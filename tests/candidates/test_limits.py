"""How much one person may do in a while (feedback_portal/limits.py): a candidate's asks and
described applications per day, a recruiter's invitations typed by hand per hour. Past the limit
the page says why and keeps what was typed; nothing is stored or sent."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from candidates.models import Application
from candidates.views import DAILY_DESCRIPTIONS, HOURLY_INVITATIONS
from feedback_portal.models import OutboundEmail
from requests_app.models import FeedbackRequest
from requests_app.views.candidate import DAILY_ASKS

pytestmark = pytest.mark.django_db


def described(**overrides):
    return {
        "company": "Initrode",
        "role_title": "Junior Data Engineer",
        "stage": Application.Stage.FIRST,
        "outcome": Application.Outcome.NOT_SELECTED,
        **overrides,
    }


def invited(application) -> None:
    OutboundEmail.objects.create(kind="feedback_invitation", to_email="c@example.test", about=application)


def test_a_candidate_describes_five_applications_a_day_then_is_told_to_wait(
    candidate_client, candidate, recruiter
):
    for n in range(DAILY_DESCRIPTIONS.most):
        assert (
            candidate_client.post("/applications/describe/", described(role_title=f"Role {n}")).status_code
            == 302
        )

    page = candidate_client.post("/applications/describe/", described(role_title="One too many"))

    html = page.content.decode()
    assert page.status_code == 200
    assert "You have told us about 5 applications today" in html
    assert 'value="One too many"' in html
    assert Application.objects.filter(candidate=candidate).count() == DAILY_DESCRIPTIONS.most
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert (
            candidate_client.post("/applications/describe/", described(role_title="Next day")).status_code
            == 302
        )


def test_a_candidate_asks_ten_times_a_day_then_is_told_to_wait(
    candidate_client, candidate, application_factory, feedback_request_factory
):
    for _ in range(DAILY_ASKS.most):
        feedback_request_factory(application__candidate=candidate, candidate=candidate)
    application = application_factory(candidate=candidate)

    page = candidate_client.post(
        f"/applications/{application.uuid}/request/", {"areas": ["experience"], "question_1": ""}
    )

    assert page.status_code == 200
    assert "You have asked for feedback 10 times today" in page.content.decode()
    assert not FeedbackRequest.objects.filter(application=application).exists()


def test_a_recruiter_typing_invitations_by_the_hundred_is_stopped_at_sixty_an_hour(
    recruiter_client, recruiter, application_factory
):
    for _ in range(HOURLY_INVITATIONS.most):
        OutboundEmail.objects.create(
            kind="feedback_invitation",
            to_email="c@example.test",
            about=application_factory(recruiter=recruiter),
        )
    application = application_factory(recruiter=recruiter, outcome=Application.Outcome.PENDING)
    url = f"/dashboard/applications/{application.uuid}/outcome/"

    page = recruiter_client.post(url, {"outcome": Application.Outcome.NOT_SELECTED, "invite": "on"})

    assert page.status_code == 200
    assert "You have invited 60 candidates by hand in the last hour" in page.content.decode()
    application.refresh_from_db()
    assert application.outcome == Application.Outcome.PENDING
    # Without the invitation, the outcome is recorded.
    assert recruiter_client.post(url, {"outcome": Application.Outcome.NOT_SELECTED}).status_code == 302
    assert OutboundEmail.objects.filter(kind="feedback_invitation").count() == HOURLY_INVITATIONS.most


def test_another_recruiters_invitations_are_not_counted_against_you(
    recruiter_client, recruiter, recruiter_factory, application_factory
):
    colleague = recruiter_factory()
    for _ in range(HOURLY_INVITATIONS.most):
        OutboundEmail.objects.create(
            kind="feedback_invitation",
            to_email="c@example.test",
            about=application_factory(recruiter=colleague),
        )
    application = application_factory(recruiter=recruiter, outcome=Application.Outcome.PENDING)

    page = recruiter_client.post(
        f"/dashboard/applications/{application.uuid}/outcome/",
        {"outcome": Application.Outcome.NOT_SELECTED, "invite": "on"},
    )

    assert page.status_code == 302
