"""The admin's full subject-access export: originals included, recorded on the timeline."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from candidates.models import CandidateProfile
from feedback_portal.models import User
from requests_app import services
from requests_app.models import Area, Event, Rating

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/feedback_portal/user/"
MANAGER = "Dana Whitfield"
ORIGINAL = "Original words only the recruiter reads: weak on dbt."


@pytest.fixture
def answered(candidate, application_factory, hiring_manager_factory):
    """A request the named manager answered, not yet released; and a second, withdrawn one."""
    application = application_factory(candidate=candidate, role_title="Data Analyst")
    feedback_request = services.submit_request(
        candidate=candidate,
        application=application,
        areas=[Area.EXPERIENCE],
        questions=["Was my demo too long?"],
        consent_to_forward=True,
    )
    routing = services.route_request(
        feedback_request=feedback_request,
        hiring_manager=hiring_manager_factory(client=application.client, name=MANAGER),
        message="Was my demo too long?",
        actor=application.recruiter,
    )
    services.submit_manager_response(
        routing=routing, answers={Area.EXPERIENCE: (Rating.IMPROVE, ORIGINAL)}, summary="Original summary."
    )
    other = services.submit_request(
        candidate=candidate,
        application=application_factory(candidate=candidate, role_title="BI Developer"),
        areas=[Area.CV],
        questions=[],
        consent_to_forward=False,
    )
    services.withdraw_request(feedback_request=other, candidate=candidate)
    return [feedback_request, other]


def export(admin_client, *users):
    return admin_client.post(
        CHANGELIST, {"action": "subject_access_export", "_selected_action": [u.pk for u in users]}
    )


def test_the_export_holds_everything_stored_originals_included(admin_client, candidate, answered):
    CandidateProfile.objects.create(user=candidate, phone="+44 7700 900123")

    page = export(admin_client, candidate)

    assert page.status_code == 200
    assert page["Content-Type"] == "application/json; charset=utf-8"
    assert page["Content-Disposition"].startswith(f'attachment; filename="subject-access-{candidate.pk}-')
    assert "no-store" in page["Cache-Control"]
    data = json.loads(page.content)
    assert data["exported_by"] == "admin@example.com"
    assert data["account"]["email"] == candidate.email
    assert data["account"]["phone"] == "+44 7700 900123"
    assert data["account"]["email_addresses"] == [
        {"email": candidate.email, "verified": True, "primary": True}
    ]
    roles = {a["role"]: a for a in data["applications"]}
    assert set(roles) == {"Data Analyst", "BI Developer"}
    [request] = roles["Data Analyst"]["feedback_requests"]
    assert request["questions"] == ["Was my demo too long?"]
    [response] = request["responses"]
    assert response["answered_by"] == MANAGER
    assert response["summary"] == "Original summary."
    assert response["areas"] == [
        {
            "area": "Relevant experience",
            "rating": "Room to improve",
            "comment": ORIGINAL,
            "released_comment": "",
            "released_next_steps": [],
        }
    ]
    assert request["routings"][0]["hiring_manager"] == MANAGER
    internal = [e for e in request["timeline"] if not e["shown_to_candidate"]]
    assert any(e["message"].startswith(f"Sent to {MANAGER}") for e in internal)
    assert {e["kind"] for e in data["emails"]} >= {"request_received"}


def test_the_export_is_recorded_on_each_of_the_candidates_requests(
    admin_client, admin_user, candidate, answered
):
    export(admin_client, candidate)

    for feedback_request in answered:
        [note] = Event.objects.filter(feedback_request=feedback_request, message__startswith="Subject-access")
        assert note.kind == Event.Kind.NOTE
        assert note.message == "Subject-access export by admin@example.com."
        assert note.actor == admin_user
        assert not note.visible_to_candidate
    assert LogEntry.objects.get(object_id=str(candidate.pk)).get_change_message() == (
        "Subject-access export downloaded."
    )


def test_the_candidate_never_sees_that_note(candidate_client, answered):
    # The note is recruiter-only, like every internal event.
    admin = Client()
    admin.force_login(User.objects.create_superuser(email="dpo@agency.test", password="x"))
    export(admin, answered[0].candidate)

    html = candidate_client.get(f"/requests/{answered[0].uuid}/").content.decode()
    assert "Subject-access export" not in html


@pytest.mark.parametrize("choice", ["two candidates", "a recruiter"])
def test_one_candidate_per_export(admin_client, candidate, candidate_factory, recruiter, answered, choice):
    users = [candidate, candidate_factory()] if choice == "two candidates" else [recruiter]

    page = export(admin_client, *users)

    assert page.status_code == 302
    messages = admin_client.get(page["Location"]).content.decode()
    assert "Choose exactly one candidate to export." in messages
    assert not Event.objects.filter(message__startswith="Subject-access").exists()


def test_the_export_holds_the_follow_up_with_the_managers_original_reply(admin_client, candidate, answered):
    feedback_request = answered[0]
    recruiter = feedback_request.application.recruiter
    services.release_response(
        response=feedback_request.responses.get(), actor=recruiter, released_summary="", released_comments={}
    )
    follow_up = services.ask_follow_up(
        feedback_request=feedback_request, candidate=candidate, question="Which tool first?"
    )
    routing = services.forward_follow_up(
        follow_up=follow_up, actor=recruiter, message="Reworded: which tool?"
    )
    services.reply_to_follow_up(routing=routing, reply="Original reply: dbt.")
    services.answer_follow_up(follow_up=follow_up, actor=recruiter, answer="Edited answer: dbt.")

    data = json.loads(export(admin_client, candidate).content)

    request = next(a for a in data["applications"] if a["role"] == "Data Analyst")["feedback_requests"][0]
    assert request["follow_up"] == {
        "question": "Which tool first?",
        "asked_at": request["follow_up"]["asked_at"],
        "state": "Answered",
        "state_changed_at": request["follow_up"]["state_changed_at"],
        "reply": "Original reply: dbt.",
        "reply_declined": False,
        "replied_at": request["follow_up"]["replied_at"],
        "replied_by": MANAGER,
        "answer": "Edited answer: dbt.",
        "answer_from": "The interview team",
        "answered_at": request["follow_up"]["answered_at"],
        "answered_by": recruiter.name,
    }
    forwarded = [r for r in request["routings"] if r["about"] == "the follow-up question"]
    assert [(r["hiring_manager"], r["message"]) for r in forwarded] == [(MANAGER, "Reworded: which tool?")]
    withdrawn = next(a for a in data["applications"] if a["role"] == "BI Developer")["feedback_requests"][0]
    assert withdrawn["follow_up"] is None
