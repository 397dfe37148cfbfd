"""An integration reads where a feedback request stands: its state and what happened when, nothing said."""

import json

import pytest

from requests_app import services
from requests_app.models import Area, Event, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(candidate, recruiter, application_factory, hiring_manager_factory):
    application = application_factory(candidate=candidate, client__owner=recruiter, external_id="ATS-42")
    manager = hiring_manager_factory(
        client=application.client, name="Dana Whitfield", email="dana.whitfield@client.test"
    )
    feedback_request = services.submit_request(
        candidate=candidate,
        application=application,
        areas=[Area.EXPERIENCE],
        questions=["What should I practise?"],
        consent_to_forward=True,
    )
    routing = services.route_request(
        feedback_request=feedback_request,
        hiring_manager=manager,
        message="Dana, a quick one",
        actor=recruiter,
    )
    services.submit_manager_response(
        routing=routing,
        answers={Area.EXPERIENCE: (Rating.IMPROVE, "Needs more hands-on work with the reporting stack.")},
    )
    feedback_request.refresh_from_db()
    return feedback_request


def test_a_request_reads_as_its_state_and_timeline_of_kinds_and_dates(api, answered):
    response = api.get(f"/api/v1/requests/{answered.uuid}")

    assert response.status_code == 200
    data = response.json()
    assert data["uuid"] == str(answered.uuid)
    assert data["state"] == "answered"
    assert data["is_open"] is True
    assert data["application"] == {"uuid": str(answered.application.uuid), "external_id": "ATS-42"}
    kinds = [entry["kind"] for entry in data["timeline"]]
    assert kinds[:3] == ["submitted", "routed", "answered"]
    assert all(set(entry) == {"kind", "created_at"} for entry in data["timeline"])


def test_a_request_never_shows_the_manager_nor_anything_written(api, answered, recruiter):
    Event.objects.create(
        feedback_request=answered, kind=Event.Kind.NOTE, actor=recruiter, message="Dana prefers phone calls"
    )

    data = api.get(f"/api/v1/requests/{answered.uuid}").json()
    text = json.dumps(data)

    for secret in (
        "Dana",
        "Whitfield",
        "dana.whitfield",
        "reporting stack",
        "What should I practise",
        "phone",
    ):
        assert secret not in text
    assert "note" not in [entry["kind"] for entry in data["timeline"]]


def test_an_unknown_request_is_a_404_problem(api):
    response = api.get("/api/v1/requests/6f1c2b1e-0000-4000-8000-000000000000")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "No feedback request has this id."
