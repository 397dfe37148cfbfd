"""The applicant-tracking system creates and updates applications by its own id, and records outcomes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.models import Application
from candidates.views import HOURLY_INVITATIONS
from feedback_portal.models import OutboundEmail

pytestmark = pytest.mark.django_db

INVITATION = "feedback_invitation"


@pytest.fixture
def acme(client_factory):
    return client_factory(name="Acme Analytics Ltd")


def _body(acme, **changes) -> dict:
    return {
        "candidate_name": "Sam Rivers",
        "candidate_email": "Sam.Rivers@example.test",
        "client": acme.name,
        "role_title": "Data Analyst",
        "job_reference": "JR-204",
        "stage": "second",
        "interviewed_on": str(timezone.localdate() - timedelta(days=5)),
        "recruiter": acme.owner.email,
    } | changes


def _invitations() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=INVITATION))


def test_a_put_with_a_new_external_id_creates_the_application(api, acme):
    response = api.put("/api/v1/applications/ATS-1001", _body(acme))

    assert response.status_code == 201, response.content
    application = Application.objects.get(external_id="ATS-1001")
    assert application.source == Application.Source.API
    assert application.client == acme
    assert application.recruiter == acme.owner
    assert application.candidate_email == "sam.rivers@example.test"
    assert application.stage == Application.Stage.SECOND
    assert application.outcome == Application.Outcome.PENDING
    data = response.json()
    assert data["external_id"] == "ATS-1001"
    assert data["uuid"] == str(application.uuid)
    assert data["client"] == "Acme Analytics Ltd"
    assert data["recruiter"] == acme.owner.email
    assert data["source"] == "api"


def test_a_put_with_a_known_external_id_updates_it(api, acme, client_factory):
    api.put("/api/v1/applications/ATS-1001", _body(acme))
    other = client_factory(name="Beta Banking")

    response = api.put(
        "/api/v1/applications/ATS-1001", _body(other, role_title="Senior Data Analyst", stage="final")
    )

    assert response.status_code == 200
    application = Application.objects.get(external_id="ATS-1001")
    assert application.client == other
    assert application.recruiter == other.owner
    assert application.role_title == "Senior Data Analyst"
    assert application.stage == Application.Stage.FINAL
    assert Application.objects.count() == 1


def test_the_same_put_twice_changes_nothing_and_invites_once(
    api, acme, django_capture_on_commit_callbacks, mailoutbox
):
    body = _body(acme, outcome="not_selected", invite=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.put("/api/v1/applications/ATS-7", body).status_code == 201
    first = Application.objects.get(external_id="ATS-7")

    with django_capture_on_commit_callbacks(execute=True):
        again = api.put("/api/v1/applications/ATS-7", body)

    assert again.status_code == 200
    second = Application.objects.get(external_id="ATS-7")
    assert second.updated_at == first.updated_at
    assert second.outcome_on == timezone.localdate()
    [invitation] = mailoutbox
    assert invitation.to == ["sam.rivers@example.test"]
    assert len(_invitations()) == 1


def test_an_unknown_client_or_recruiter_is_a_field_error_and_nothing_is_made(api, acme, candidate):
    response = api.put(
        "/api/v1/applications/ATS-2", _body(acme, client="Nobody Plc", recruiter=candidate.email)
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert "No client has this name" in errors["client"][0]
    assert "No recruiter" in errors["recruiter"][0]
    assert not Application.objects.exists()


def test_the_recruiters_form_rules_hold_for_the_api_too(api, acme):
    tomorrow = str(timezone.localdate() + timedelta(days=1))

    response = api.put("/api/v1/applications/ATS-3", _body(acme, interviewed_on=tomorrow))

    assert response.status_code == 400
    assert response.json()["errors"]["interviewed_on"] == ["The interview date cannot be in the future."]
    assert not Application.objects.exists()


def test_missing_and_malformed_fields_are_listed(api):
    response = api.put("/api/v1/applications/ATS-4", {"candidate_email": "not an e-mail", "stage": "tenth"})

    body = response.json()
    assert response.status_code == 400
    assert body["title"] == "Bad Request"
    assert set(body["errors"]) >= {"candidate_name", "candidate_email", "client", "role_title", "stage"}


def test_an_external_id_that_is_not_one_is_refused(api, acme):
    response = api.put("/api/v1/applications/has%20space", _body(acme))

    assert response.status_code == 400
    assert "external_id" in response.json()["errors"]


def test_recording_not_selected_invites_the_candidate_through_the_outbox(
    api, application_factory, django_capture_on_commit_callbacks, mailoutbox
):
    application = application_factory(external_id="ATS-9", outcome="pending", outcome_on=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/applications/ATS-9/outcome", {"outcome": "not_selected", "invite": True})

    assert response.status_code == 200, response.content
    assert response.json()["changed"] is True
    assert response.json()["invited"] is True
    application.refresh_from_db()
    assert application.outcome == Application.Outcome.NOT_SELECTED
    assert application.outcome_on == timezone.localdate()
    [row] = _invitations()
    assert row.to_email == application.candidate_email
    assert row.state == OutboundEmail.State.SENT
    [invitation] = mailoutbox
    assert invitation.to == [application.candidate_email]
    assert "/applications/" in invitation.body


def test_recording_the_same_outcome_again_invites_nobody_twice(
    api, application_factory, django_capture_on_commit_callbacks
):
    application_factory(external_id="ATS-10", outcome="pending", outcome_on=None)
    body = {"outcome": "not_selected", "invite": True}
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/applications/ATS-10/outcome", body)
        again = api.post("/api/v1/applications/ATS-10/outcome", body)

    assert again.json()["changed"] is False
    assert again.json()["invited"] is False
    assert len(_invitations()) == 1


def test_without_invite_or_when_hired_nobody_is_e_mailed(api, application_factory):
    application_factory(external_id="A", outcome="pending", outcome_on=None)
    application_factory(external_id="B", outcome="pending", outcome_on=None)

    api.post("/api/v1/applications/A/outcome", {"outcome": "not_selected"})
    api.post("/api/v1/applications/B/outcome", {"outcome": "hired", "invite": True})

    assert _invitations() == []
    assert Application.objects.get(external_id="B").outcome == Application.Outcome.HIRED


def test_an_invitation_after_the_asking_window_is_refused_as_on_the_form(
    api, application_factory, portal_settings
):
    application_factory(external_id="OLD", outcome="pending", outcome_on=None)
    long_ago = str(timezone.localdate() - timedelta(days=31 * (portal_settings.ask_window_months + 1)))

    response = api.post(
        "/api/v1/applications/OLD/outcome",
        {"outcome": "not_selected", "outcome_on": long_ago, "invite": True},
    )

    assert response.status_code == 400
    assert "could no longer ask" in response.json()["errors"]["invite"][0]
    assert Application.objects.get(external_id="OLD").outcome == Application.Outcome.PENDING
    assert _invitations() == []


def test_api_invitations_leave_the_recruiters_hourly_limit_alone(api, acme, client, application_factory):
    """The recruiter's limit guards typing by hand; the ATS recording outcomes is not a person."""
    most = HOURLY_INVITATIONS.most
    for n in range(most + 1):
        response = api.put(f"/api/v1/applications/N{n}", _body(acme, outcome="not_selected", invite=True))
        assert response.status_code == 201
    assert len(_invitations()) == most + 1  # the API is not held to the recruiter's limit

    recruiter = acme.owner
    client.force_login(recruiter)
    by_hand = application_factory(client=acme, recruiter=recruiter, outcome="pending", outcome_on=None)
    page = client.post(
        f"/dashboard/applications/{by_hand.uuid}/outcome/", {"outcome": "not_selected", "invite": "on"}
    )

    # ...and what it sent does not count against the recruiter's own invitations by hand.
    assert page.status_code == 302
    assert len(_invitations()) == most + 2


def test_an_unknown_external_id_is_a_404_problem(api):
    for response in (
        api.get("/api/v1/applications/NOPE"),
        api.post("/api/v1/applications/NOPE/outcome", {"outcome": "hired"}),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == "No application has this external id."


def test_reading_one_application(api, application_factory):
    application = application_factory(external_id="ATS-55")

    data = api.get("/api/v1/applications/ATS-55").json()

    assert data["uuid"] == str(application.uuid)
    assert data["candidate_email"] == application.candidate_email
    assert data["outcome"] == "not_selected"
    assert data["feedback_requests"] == []


def test_a_new_candidate_e_mail_moves_the_application_to_that_person(api, acme, candidate_factory):
    first, second = candidate_factory(), candidate_factory()
    api.put("/api/v1/applications/ATS-20", _body(acme, candidate_email=first.email))
    assert Application.objects.get(external_id="ATS-20").candidate == first

    api.put("/api/v1/applications/ATS-20", _body(acme, candidate_email=second.email))
    assert Application.objects.get(external_id="ATS-20").candidate == second

    api.put("/api/v1/applications/ATS-20", _body(acme, candidate_email="nobody.yet@example.test"))
    application = Application.objects.get(external_id="ATS-20")
    assert application.candidate is None
    assert not Application.objects.filter(candidate__in=[first, second]).exists()
