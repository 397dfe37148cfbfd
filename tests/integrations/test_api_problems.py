"""Every error of the API is RFC 9457 problem details, whatever went wrong."""

import pytest

pytestmark = pytest.mark.django_db


def _assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body


def test_an_address_with_no_endpoint_is_a_404_problem_not_a_page(api):
    _assert_problem(api.get("/api/v1/nothing/here"), 404)
    _assert_problem(api.get("/api/v1/requests/not-a-uuid"), 404)


def test_a_method_an_endpoint_does_not_offer_is_a_405_problem(api):
    response = api.client.delete("/api/v1/applications", headers={"Authorization": f"Bearer {api.raw_key}"})

    _assert_problem(response, 405)


def test_broken_json_is_a_400_problem(api):
    response = api.client.put(
        "/api/v1/applications/X-1",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.raw_key}"},
    )

    body = _assert_problem(response, 400)
    assert "JSON" in body["detail"]


def test_a_body_that_is_not_json_is_a_415_problem(api):
    response = api.client.put(
        "/api/v1/applications/X-1",
        "candidate_name=Sam",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {api.raw_key}"},
    )

    _assert_problem(response, 415)


def test_field_errors_are_listed_per_field(api):
    body = _assert_problem(api.put("/api/v1/applications/X-1", {}), 400)

    assert body["type"] == "about:blank"
    assert body["title"] == "Bad Request"
    assert body["errors"]["candidate_name"] == ["This field is required."]


def test_the_schema_and_the_docs_are_served_without_a_key(client):
    schema = client.get("/api/v1/schema", headers={"Accept": "application/vnd.oai.openapi+json"})
    docs = client.get("/api/v1/docs")

    assert schema.status_code == 200
    assert "/api/v1/applications/{external_id}" in schema.content.decode()
    assert docs.status_code == 200
    assert "swagger-ui-bundle.js" in docs.content.decode()
    assert "cdn" not in docs.content.decode().lower()


def test_a_failure_inside_the_portal_is_a_500_problem_without_a_trace(
    api, client_factory, monkeypatch, caplog
):
    from integrations import services

    def broken(**kwargs):
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(services, "upsert_application", broken)
    acme = client_factory(name="Acme")
    body = {
        "candidate_name": "Sam",
        "candidate_email": "sam@example.test",
        "client": "Acme",
        "role_title": "Analyst",
        "recruiter": acme.owner.email,
    }

    response = api.put("/api/v1/applications/X-1", body)

    problem = _assert_problem(response, 500)
    assert "fell over" not in response.content.decode()
    assert problem["detail"] == "The portal could not do this just now. Try again in a minute."
    assert "the database fell over" in caplog.text  # for the people who run it


def test_asking_for_anything_but_json_is_a_406_problem(api):
    _assert_problem(api.get("/api/v1/applications", headers={"Accept": "text/html"}), 406)


def test_a_body_too_large_is_a_413_problem(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api.put("/api/v1/applications/X-1", {"candidate_name": "x" * 2000})

    _assert_problem(response, 413)
