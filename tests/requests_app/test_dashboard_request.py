"""/dashboard/requests/<uuid>/: one request, as the recruiter reviews it."""

import uuid

import pytest

from feedback_portal.models import PortalSettings
from requests_app import services

pytestmark = pytest.mark.django_db


def url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/"


def test_recruiter_sees_the_request_and_can_route_it(recruiter_client, candidate, application_factory):
    application = application_factory(candidate=candidate, candidate_name="Sam Rivera")
    feedback_request = services.submit_request(
        candidate=candidate,
        application=application,
        areas=["cv"],
        questions=["Was my CV too long?"],
        consent_to_forward=True,
        self_assessment={"cv": "strength"},
    )
    html = recruiter_client.get(url(feedback_request)).content.decode()
    assert "Sam Rivera" in html
    assert "CV / résumé: Strength" in html  # the self-assessment, for the recruiter only
    assert "Route to a hiring manager" in html
    # The candidate's questions are listed, one per item; the note to the manager starts empty.
    assert "<li>Was my CV too long?</li>" in html
    assert 'id="id_message">\n</textarea>' in html
    assert "Request submitted" in html


def test_recruiter_sees_the_managers_original_answer_beside_the_release_form(
    recruiter_client, routing, answer
):
    answer(routing)
    html = recruiter_client.get(url(routing.feedback_request)).content.decode()
    assert "The manager's answer (original)" in html
    assert "Less hands-on time with dbt" in html
    assert "Review and release" in html
    assert routing.hiring_manager.name in html


def test_a_candidate_cannot_open_the_recruiters_page(candidate_client, submitted_request):
    assert candidate_client.get(url(submitted_request)).status_code == 404


def test_an_unknown_or_malformed_request_id_is_404(recruiter_client, submitted_request):
    assert recruiter_client.get(f"/dashboard/requests/{uuid.uuid4()}/").status_code == 404
    assert recruiter_client.get("/dashboard/requests/nope/").status_code == 404


def test_answered_request_page_renders_in_a_fixed_number_of_queries(
    recruiter_client, routing, answer, django_assert_num_queries
):
    answer(routing)
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with application, client, recruiter and candidate
    # 3. the latest routing, with its hiring manager
    # 4. the latest response
    # 5. its area answers (prefetched)
    # 6. the client's hiring managers, for the re-route form
    # 7. the timeline, with each event's actor
    # (the portal settings come from the cache)
    with django_assert_num_queries(7):
        page = recruiter_client.get(url(routing.feedback_request))
    assert page.status_code == 200


def test_a_managers_decline_asks_the_recruiter_to_confirm_it(recruiter_client, routing):
    services.submit_manager_decline(routing=routing, reason="Company policy.")

    html = recruiter_client.get(url(routing.feedback_request)).content.decode()

    assert '<span class="badge state-answered">Declined by the manager — confirm</span>' in html
    assert "Answered, awaiting review" not in html


def test_a_managers_answer_waits_for_the_recruiters_review(recruiter_client, routing, answer):
    answer(routing)

    html = recruiter_client.get(url(routing.feedback_request)).content.decode()

    assert '<span class="badge state-answered">Answered, awaiting review</span>' in html
    assert "Declined by the manager" not in html


def test_what_the_portal_did_itself_is_signed_with_the_agencys_name(recruiter_client, routing):
    settings_row = PortalSettings.load()
    settings_row.agency_name = "Northwind Talent"
    settings_row.save()
    html = recruiter_client.get(url(routing.feedback_request)).content.decode()
    # Routing e-mails the manager: the timeline's "E-mail sent" is the agency's doing.
    assert "· Northwind Talent" in html
    assert "· Feedback Portal" not in html
