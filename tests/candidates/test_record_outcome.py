"""Recruiters record how an application ended, and may invite the candidate to ask why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.models import Application

pytestmark = pytest.mark.django_db


def test_the_list_shows_applications_waiting_for_an_outcome_first(recruiter_client, application_factory):
    application_factory(candidate_name="Pam Pending", outcome=Application.Outcome.PENDING)
    application_factory(candidate_name="Dee Decided", outcome=Application.Outcome.NOT_SELECTED)

    pending = recruiter_client.get("/dashboard/applications/").content.decode()
    everything = recruiter_client.get("/dashboard/applications/", {"show": "all"}).content.decode()

    assert "Pam Pending" in pending
    assert "Dee Decided" not in pending
    assert "Pam Pending" in everything
    assert "Dee Decided" in everything


def test_the_list_keeps_its_query_budget(
    portal_settings, recruiter_client, application_factory, django_assert_num_queries
):
    for _ in range(6):
        application_factory(outcome=Application.Outcome.PENDING)
    # the user; the applications with client and recruiter (the session is read from the cache)
    with django_assert_num_queries(2):
        assert recruiter_client.get("/dashboard/applications/").status_code == 200


def test_recording_a_rejection_invites_the_candidate(
    recruiter_client, application_factory, django_capture_on_commit_callbacks, mailoutbox
):
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = recruiter_client.post(
            f"/dashboard/applications/{application.uuid}/outcome/",
            {"outcome": Application.Outcome.NOT_SELECTED, "outcome_on": "", "invite": "on"},
            follow=True,
        )

    application.refresh_from_db()
    assert application.outcome == Application.Outcome.NOT_SELECTED
    assert application.outcome_on == timezone.localdate()
    assert "Recorded: Not selected" in response.content.decode()
    [invitation] = mailoutbox
    assert invitation.to == [application.candidate_email]
    assert "/applications/" in invitation.body


def test_hiring_invites_nobody(
    recruiter_client, application_factory, django_capture_on_commit_callbacks, mailoutbox
):
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)

    with django_capture_on_commit_callbacks(execute=True):
        recruiter_client.post(
            f"/dashboard/applications/{application.uuid}/outcome/",
            {"outcome": Application.Outcome.HIRED, "invite": "on"},
        )

    application.refresh_from_db()
    assert application.outcome == Application.Outcome.HIRED
    assert mailoutbox == []


def test_no_invitation_once_the_candidate_could_no_longer_ask(
    recruiter_client, application_factory, portal_settings, django_capture_on_commit_callbacks, mailoutbox
):
    """An invitation for an outcome older than the asking window would lead to a refusal: the
    form says so and keeps what was typed; unticked, the outcome is recorded without one."""
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)
    long_ago = timezone.localdate() - timedelta(days=400)
    data = {"outcome": Application.Outcome.NOT_SELECTED, "outcome_on": long_ago.isoformat(), "invite": "on"}
    url = f"/dashboard/applications/{application.uuid}/outcome/"

    with django_capture_on_commit_callbacks(execute=True):
        refused = recruiter_client.post(url, data)
    html = refused.content.decode()
    assert "Feedback can be asked for up to 6 months after the outcome, so this candidate could no" in html
    assert f'value="{long_ago.isoformat()}"' in html
    application.refresh_from_db()
    assert application.outcome == Application.Outcome.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        recruiter_client.post(url, {**data, "invite": ""})
    application.refresh_from_db()
    assert (application.outcome, application.outcome_on) == (Application.Outcome.NOT_SELECTED, long_ago)
    assert mailoutbox == []


def test_a_bad_outcome_is_refused_and_nothing_changes(recruiter_client, application_factory):
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)

    response = recruiter_client.post(
        f"/dashboard/applications/{application.uuid}/outcome/", {"outcome": "ghosted", "outcome_on": "soon"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in html
    assert "Enter a date, like 2026-11-20." in html
    application.refresh_from_db()
    assert application.outcome == Application.Outcome.PENDING


def test_candidates_cannot_record_outcomes(candidate_client, candidate, application_factory):
    application = application_factory(candidate=candidate, outcome=Application.Outcome.PENDING)

    assert candidate_client.get("/dashboard/applications/").status_code == 404
    assert (
        candidate_client.post(
            f"/dashboard/applications/{application.uuid}/outcome/", {"outcome": Application.Outcome.HIRED}
        ).status_code
        == 404
    )
    application.refresh_from_db()
    assert application.outcome == Application.Outcome.PENDING
