"""Confirming a candidate-described application at triage."""

import pytest

from candidates.models import Application
from requests_app.models import Event

pytestmark = pytest.mark.django_db


def test_recruiter_confirms_an_application_the_candidate_described(
    recruiter_client, application_factory, feedback_request_factory
):
    application = application_factory(source=Application.Source.CANDIDATE, is_confirmed=False)
    feedback_request = feedback_request_factory(application=application)
    page = f"/dashboard/requests/{feedback_request.uuid}/"
    assert "Unconfirmed application" in recruiter_client.get(page).content.decode()

    response = recruiter_client.post(f"{page}confirm-application/", follow=True)

    html = response.content.decode()
    application.refresh_from_db()
    assert application.is_confirmed
    assert "Application confirmed." in html
    assert "Unconfirmed application" not in html
    note = Event.objects.get(feedback_request=feedback_request, kind=Event.Kind.NOTE)
    assert note.visible_to_candidate


def test_confirming_twice_writes_one_note(recruiter_client, application_factory, feedback_request_factory):
    application = application_factory(source=Application.Source.CANDIDATE, is_confirmed=False)
    feedback_request = feedback_request_factory(application=application)
    url = f"/dashboard/requests/{feedback_request.uuid}/confirm-application/"

    recruiter_client.post(url)
    response = recruiter_client.post(url, follow=True)

    assert "already confirmed" in response.content.decode()
    assert Event.objects.filter(feedback_request=feedback_request, kind=Event.Kind.NOTE).count() == 1


def test_candidates_cannot_confirm(
    candidate_client, candidate, application_factory, feedback_request_factory
):
    application = application_factory(
        candidate=candidate, source=Application.Source.CANDIDATE, is_confirmed=False
    )
    feedback_request = feedback_request_factory(application=application)

    response = candidate_client.post(f"/dashboard/requests/{feedback_request.uuid}/confirm-application/")

    application.refresh_from_db()
    assert response.status_code == 404
    assert not application.is_confirmed


@pytest.fixture
def desk(recruiter):
    """The recruiter's own browser, beside the candidate's."""
    from django.test import Client as Browser

    browser = Browser()
    browser.force_login(recruiter)
    return browser


def _described(candidate_client, company: str):
    """A request on an application the candidate described, through their own pages."""
    from requests_app.models import FeedbackRequest

    page = candidate_client.post(
        "/applications/describe/",
        {"company": company, "role_title": "Analyst", "stage": "first", "outcome": "not_selected"},
    )
    candidate_client.post(page["Location"], {"areas": ["cv"]})
    return FeedbackRequest.objects.get()


def test_the_recruiter_sees_the_company_as_written_and_the_client_it_matched(
    candidate_client, desk, client_factory, portal_settings
):
    client_factory(name="Acme Analytics")
    feedback_request = _described(candidate_client, "acme ltd")

    html = desk.get(f"/dashboard/requests/{feedback_request.uuid}/").content.decode()

    assert "They wrote the company as “acme ltd”" in html
    assert "matched to <strong>Acme Analytics</strong>" in html


def test_a_company_that_matched_no_client_is_confirmed_with_the_client_chosen(
    candidate_client, candidate, desk, client_factory, portal_settings
):
    globex = client_factory(name="Globex")
    feedback_request = _described(candidate_client, "Globax Ltd")  # a misspelling
    page = f"/dashboard/requests/{feedback_request.uuid}/"
    assert "it matches none of our clients" in desk.get(page).content.decode()

    refused = desk.post(f"{page}confirm-application/", follow=True)
    assert "Choose the client the candidate means" in refused.content.decode()
    feedback_request.application.refresh_from_db()
    assert not feedback_request.application.is_confirmed

    desk.post(f"{page}confirm-application/", {"client": globex.pk})

    application = feedback_request.application
    application.refresh_from_db()
    feedback_request.refresh_from_db()
    assert application.is_confirmed
    assert application.client == globex
    assert "globex" in feedback_request.search_text
    # Confirmed: the candidate now reads the client's own name.
    assert "Globex" in candidate_client.get(f"/requests/{feedback_request.uuid}/").content.decode()


def test_until_confirmed_the_candidate_reads_the_company_as_they_wrote_it(
    candidate_client, client_factory, portal_settings
):
    client_factory(name="Acme Analytics")
    feedback_request = _described(candidate_client, "acme")
    html = candidate_client.get(f"/requests/{feedback_request.uuid}/").content.decode()
    assert "Acme Analytics" not in html
    assert "acme" in html


def test_the_recruiters_new_request_e_mail_says_the_company_matched_no_client(
    candidate_client,
    client_factory,
    recruiter,
    portal_settings,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    client_factory(name="Acme Analytics", owner=recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        _described(candidate_client, "Hooli")
    [to_recruiter] = [m for m in mailoutbox if "has asked for feedback" in m.body]
    assert (
        "writing the company as “Hooli”, which matches none of our clients: confirm it first."
        in to_recruiter.body
    )


def test_the_applications_list_shows_how_the_candidate_wrote_the_company(
    candidate_client, desk, client_factory, portal_settings
):
    client_factory(name="Acme Analytics")
    _described(candidate_client, "acme ltd")
    html = desk.get("/dashboard/applications/?show=all").content.decode()
    assert "the candidate wrote “acme ltd”" in html
