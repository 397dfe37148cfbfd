"""/applications/: the candidate's own applications, each with its feedback request."""

import pytest

from candidates.models import Application
from requests_app.models import FeedbackRequest

pytestmark = pytest.mark.django_db


def test_candidate_sees_only_their_own_applications(candidate_client, candidate, application_factory):
    mine = application_factory(candidate=candidate, role_title="Data Analyst")
    application_factory(role_title="Secret Role Elsewhere")
    application_factory(candidate=None, candidate_email="someone@example.test", role_title="Unlinked Role")

    page = candidate_client.get("/applications/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Data Analyst" in html
    assert mine.client.name in html
    assert "Secret Role Elsewhere" not in html
    assert "Unlinked Role" not in html


def test_a_turned_down_candidate_is_invited_to_ask(candidate_client, candidate, application_factory):
    turned_down = application_factory(candidate=candidate)
    pending = application_factory(candidate=candidate, outcome=Application.Outcome.PENDING)

    html = candidate_client.get("/applications/").content.decode()

    assert f"/applications/{turned_down.uuid}/request/" in html
    assert f"/applications/{pending.uuid}/request/" not in html


def test_an_asked_application_shows_its_request_instead(
    candidate_client, candidate, application_factory, feedback_request_factory
):
    application = application_factory(candidate=candidate)
    feedback_request = feedback_request_factory(
        application=application, state=FeedbackRequest.State.AWAITING_MANAGER
    )

    html = candidate_client.get("/applications/").content.decode()

    assert "Awaiting the hiring manager" in html
    assert f"/requests/{feedback_request.uuid}/" in html
    assert f"/applications/{application.uuid}/request/" not in html


def test_a_candidate_without_applications_is_told_how_they_appear(candidate_client, candidate):
    html = candidate_client.get("/applications/").content.decode()
    assert "No applications yet." in html
    assert candidate.email in html


def test_a_recruiter_gets_404(recruiter_client):
    assert recruiter_client.get("/applications/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    page = client.get("/applications/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [1, 12])
def test_applications_page_renders_in_a_fixed_number_of_queries(
    portal_settings,
    candidate_client,
    candidate,
    application_factory,
    feedback_request_factory,
    django_assert_num_queries,
    rows,
):
    for application in application_factory.create_batch(rows, candidate=candidate):
        feedback_request_factory(application=application)
    # 1. the signed-in user (the session comes from the cache)
    # 2. the candidate's applications, with their clients
    # 3. the candidate's feedback requests
    with django_assert_num_queries(3):
        page = candidate_client.get("/applications/")
    assert page.content.decode().count("View request") == rows
