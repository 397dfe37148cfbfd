"""/applications/describe/: a candidate describes an application the portal does not list."""

import pytest

from candidates.models import Application
from feedback_portal.models import PortalSettings

pytestmark = pytest.mark.django_db

URL = "/applications/describe/"


def _form(**overrides):
    data = {
        "company": "acme analytics",
        "role_title": "Junior Data Engineer",
        "stage": Application.Stage.FIRST,
        "interviewed_on": "",
        "outcome": Application.Outcome.NOT_SELECTED,
    }
    return {**data, **overrides}


def test_described_application_is_unconfirmed_and_can_be_asked_about(
    candidate_client, candidate, client_factory
):
    acme = client_factory(name="Acme Analytics")

    response = candidate_client.post(URL, _form())

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.uuid}/request/"
    assert application.client == acme
    assert application.candidate == candidate
    assert application.recruiter == acme.owner  # the client's recruiter triages it
    assert application.source == Application.Source.CANDIDATE
    assert not application.is_confirmed
    page = candidate_client.get(response["Location"])
    assert page.status_code == 200
    assert "Junior Data Engineer" in page.content.decode()


def test_an_unknown_company_is_refused_kindly_and_nothing_is_stored(candidate_client, client_factory):
    client_factory(name="Acme Analytics")
    PortalSettings.load()

    response = candidate_client.post(URL, _form(company="Acme Analytix"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "We can’t find “Acme Analytix” among the companies we recruit for" in html
    assert PortalSettings.load().agency_contact_email in html
    assert 'value="Junior Data Engineer"' in html
    assert not Application.objects.exists()


def test_recruiters_do_not_describe_applications(recruiter_client):
    assert recruiter_client.get(URL).status_code == 404
