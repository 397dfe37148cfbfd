"""Migrations that move stored data keep every row's meaning."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_ABOUT = [
    ("feedback_portal", "0007_legal_terms"),
    ("candidates", "0002_initial"),
    ("requests_app", "0007_follow_up"),
]


@pytest.mark.django_db(transaction=True)
def test_each_stored_email_points_at_what_it_was_about_after_the_generic_reference_replaces_the_keys():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_ABOUT)
    old = executor.loader.project_state(BEFORE_ABOUT).apps
    User = old.get_model("feedback_portal", "User")
    recruiter = User.objects.create(email="rae@agency.test", role="recruiter")
    candidate = User.objects.create(email="cas@example.test")
    client = old.get_model("candidates", "Client").objects.create(name="Acme", owner=recruiter)
    application = old.get_model("candidates", "Application").objects.create(
        client=client, candidate=candidate, candidate_name="Cas", candidate_email=candidate.email,
        role_title="Analyst", recruiter=recruiter,
    )  # fmt: skip
    request = old.get_model("requests_app", "FeedbackRequest").objects.create(
        application=application, candidate=candidate
    )
    manager = old.get_model("candidates", "HiringManager").objects.create(
        client=client, name="Dana", email="dana@acme.test"
    )
    routing = old.get_model("requests_app", "Routing").objects.create(
        feedback_request=request, hiring_manager=manager, routed_by=recruiter, expires_at=timezone.now()
    )
    OutboundEmail = old.get_model("feedback_portal", "OutboundEmail")
    OutboundEmail.objects.create(
        kind="request_received", to_email="cas@example.test", feedback_request=request
    )
    OutboundEmail.objects.create(
        kind="manager_request", to_email="dana@acme.test", feedback_request=request, routing=routing
    )
    OutboundEmail.objects.create(
        kind="feedback_invitation", to_email="cas@example.test", application=application
    )
    OutboundEmail.objects.create(kind="recruiter_digest", to_email="rae@agency.test", recipient=recruiter)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from feedback_portal.models import OutboundEmail as Now

    about = {e.kind: (e.about_type and e.about_type.model, e.about_id) for e in Now.objects.all()}
    assert about == {
        "request_received": ("feedbackrequest", request.pk),
        "manager_request": ("routing", routing.pk),
        "feedback_invitation": ("application", application.pk),
        "recruiter_digest": (None, None),
    }
    assert Now.objects.get(kind="recruiter_digest").recipient_id == recruiter.pk


BEFORE_DESK = [
    ("feedback_portal", "0010_legal_terms_by_characteristic"),
    ("candidates", "0003_interviewers"),
    ("requests_app", "0008_released_versions"),
]


@pytest.mark.django_db(transaction=True)
def test_requests_already_stored_get_an_owner_what_waits_and_search_text_when_the_desk_arrives():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_DESK)
    old = executor.loader.project_state(BEFORE_DESK).apps
    User = old.get_model("feedback_portal", "User")
    recruiter = User.objects.create(email="rae@agency.test", role="recruiter")
    candidate = User.objects.create(email="cas@example.test")
    client = old.get_model("candidates", "Client").objects.create(name="Whitmore Ltd", owner=recruiter)
    Application = old.get_model("candidates", "Application")
    confirmed = Application.objects.create(
        client=client, candidate=candidate, candidate_name="Cas Brown", candidate_email=candidate.email,
        role_title="Analyst", recruiter=recruiter, is_confirmed=True,
    )  # fmt: skip
    described = Application.objects.create(
        client=client, candidate=candidate, candidate_name="Cas Brown", candidate_email=candidate.email,
        role_title="Designer", recruiter=recruiter, is_confirmed=False,
    )  # fmt: skip
    Request = old.get_model("requests_app", "FeedbackRequest")
    to_triage = Request.objects.create(application=confirmed, candidate=candidate, state="submitted")
    to_confirm = Request.objects.create(application=described, candidate=candidate, state="submitted")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from requests_app.models import FeedbackRequest

    triage, confirm = (
        FeedbackRequest.objects.get(pk=to_triage.pk),
        FeedbackRequest.objects.get(pk=to_confirm.pk),
    )
    assert (triage.owner_id, triage.needs, confirm.needs) == (recruiter.pk, "triage", "confirm")
    assert triage.waiting_since == triage.created_at
    assert "whitmore" in triage.search_text and "cas brown" in triage.search_text
    assert triage.client_sort == "whitmore ltd"
