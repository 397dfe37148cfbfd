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
