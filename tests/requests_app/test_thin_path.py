"""The whole thin path, through Django's test client, as the three people live it.

A recruiter records an application; the candidate signs up, verifies their address with
the code e-mailed to them, finds the application and asks for feedback; the recruiter
routes it; the hiring manager answers by the e-mailed link; the recruiter releases; the
candidate reads the feedback — "from the interview team", never with the manager's name.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client as Browser
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Application
from feedback_portal.models import OutboundEmail
from requests_app import emails
from requests_app.models import (
    Event,
    FeedbackRequest,
    FeedbackResponse,
    LinkToken,
    Routing,
)

pytestmark = pytest.mark.django_db

PASSWORD = "sunny-harbour-lantern-2026"
CANDIDATE_EMAIL = "sam.rivera@example.test"
CODE_RE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
LINK_RE = re.compile(r"https?://[^/\s]+(/respond/[A-Za-z0-9_-]{20,}/)")


def last_mail_to(address: str):
    return next(m for m in reversed(mail.outbox) if address in m.to)


def domain_snapshot() -> dict:
    """Everything a manager's GET must leave alone."""
    return {
        "requests": list(FeedbackRequest.objects.values_list("uuid", "state", "state_changed_at")),
        "routings": list(Routing.objects.values_list("uuid", "revoked_at", "expires_at", "reminders_sent")),
        "events": Event.objects.count(),
        "tokens": LinkToken.objects.count(),
        "responses": FeedbackResponse.objects.count(),
        "emails": OutboundEmail.objects.count(),
    }


def test_candidate_asks_manager_answers_recruiter_releases_candidate_reads(
    recruiter,
    client_factory,
    hiring_manager_factory,
    django_capture_on_commit_callbacks,
):
    acme = client_factory(name="Acme Analytics", owner=recruiter)
    manager = hiring_manager_factory(client=acme, name="Morgan Blake", email="morgan.blake@acme.test")
    hiring_manager_factory(client=acme, name="Someone Else")
    application = candidate_services.create_application(
        client=acme,
        recruiter=recruiter,
        candidate_name="Sam Rivera",
        candidate_email=CANDIDATE_EMAIL.upper(),
        role_title="Data Analyst",
        stage=Application.Stage.SECOND,
        outcome=Application.Outcome.NOT_SELECTED,
        outcome_on=timezone.localdate() - timedelta(days=2),
    )
    assert application.candidate is None  # nobody has verified that address yet

    # --- The candidate signs up and verifies their address with the e-mailed code.
    candidate_browser = Browser()
    page = candidate_browser.get("/accounts/signup/")
    assert page.status_code == 200
    signed_up = candidate_browser.post(
        "/accounts/signup/",
        {"name": "Sam Rivera", "email": CANDIDATE_EMAIL, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert signed_up.status_code == 302
    assert signed_up["Location"] == "/accounts/confirm-email/"
    verification = last_mail_to(CANDIDATE_EMAIL)
    code = CODE_RE.search(verification.body).group(1)

    wrong = candidate_browser.post("/accounts/confirm-email/", {"code": "AAAA-AAAA"})
    assert wrong.status_code == 200  # asked again, still not signed in
    application.refresh_from_db()
    assert application.candidate is None

    verified = candidate_browser.post("/accounts/confirm-email/", {"code": code})
    assert verified.status_code == 302
    home = candidate_browser.get(verified["Location"], follow=True)
    assert home.redirect_chain[-1][0] == "/applications/"

    # --- Their application is there, linked by the verified address.
    application.refresh_from_db()
    assert application.candidate is not None
    assert application.candidate.email == CANDIDATE_EMAIL
    assert application.candidate.name == "Sam Rivera"
    applications_page = home.content.decode()
    assert "Data Analyst" in applications_page
    assert "Acme Analytics" in applications_page
    assert f"/applications/{application.uuid}/request/" in applications_page

    # --- The candidate asks for feedback: areas and questions.
    form_page = candidate_browser.get(f"/applications/{application.uuid}/request/")
    assert form_page.status_code == 200
    assert "This client gives full written feedback." in form_page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        asked = candidate_browser.post(
            f"/applications/{application.uuid}/request/",
            {
                "areas": ["experience", "answers"],
                "self_experience": "met",
                "question_1": "Was my SQL take-home at the right level?",
                "consent_to_forward": "on",
            },
        )
    feedback_request = FeedbackRequest.objects.get(application=application)
    assert asked.status_code == 302
    assert asked["Location"] == f"/requests/{feedback_request.uuid}/"
    assert feedback_request.state == FeedbackRequest.State.SUBMITTED
    assert feedback_request.areas == ["experience", "answers"]
    assert feedback_request.self_assessment == {"experience": "met"}
    assert Event.objects.filter(feedback_request=feedback_request, kind=Event.Kind.SUBMITTED).exists()
    assert "Your request is on its way" in candidate_browser.get(asked["Location"]).content.decode()

    # --- The recruiter is e-mailed and sees it on the dashboard.
    new_request_mail = last_mail_to(recruiter.email)
    assert "New feedback request: Sam Rivera" in new_request_mail.subject
    assert f"/dashboard/requests/{feedback_request.uuid}/" in new_request_mail.body
    assert "Sam Rivera" in last_mail_to(CANDIDATE_EMAIL).body  # "we have your request"

    recruiter_browser = Browser()
    recruiter_browser.force_login(recruiter)
    dashboard = recruiter_browser.get("/dashboard/").content.decode()
    assert "Sam Rivera" in dashboard
    assert f"/dashboard/requests/{feedback_request.uuid}/" in dashboard
    request_page = recruiter_browser.get(f"/dashboard/requests/{feedback_request.uuid}/").content.decode()
    assert "Was my SQL take-home at the right level?" in request_page
    assert "Relevant experience: Met the bar" in request_page  # the self-assessment

    # --- The recruiter routes it to the hiring manager.
    with django_capture_on_commit_callbacks(execute=True):
        routed = recruiter_browser.post(
            f"/dashboard/requests/{feedback_request.uuid}/route/",
            {
                "hiring_manager": manager.pk,
                "message": "Was the SQL take-home at the right level?",
                "expires_in_days": 14,
            },
        )
    assert routed.status_code == 302
    feedback_request.refresh_from_db()
    assert feedback_request.state == FeedbackRequest.State.AWAITING_MANAGER
    routing = Routing.objects.get(feedback_request=feedback_request)
    assert routing.hiring_manager == manager
    assert Event.objects.filter(feedback_request=feedback_request, kind=Event.Kind.ROUTED).exists()
    assert "Sent to Morgan Blake" in recruiter_browser.get(routed["Location"]).content.decode()

    manager_mail = last_mail_to("morgan.blake@acme.test")
    assert manager_mail.reply_to == [recruiter.email]
    assert "Was the SQL take-home at the right level?" in manager_mail.body
    link = LINK_RE.search(manager_mail.body).group(1)

    # --- The manager opens the link: a GET that changes nothing, then the token-less page.
    manager_browser = Browser()
    before = domain_snapshot()
    opened = manager_browser.get(link)
    assert opened.status_code == 302
    assert opened["Location"] == f"/respond/answer/{routing.uuid}/"
    assert domain_snapshot() == before

    answer_page = manager_browser.get(opened["Location"])
    assert answer_page.status_code == 200
    answer_html = answer_page.content.decode()
    assert "Feedback for Sam Rivera" in answer_html
    assert "Was the SQL take-home at the right level?" in answer_html
    assert CANDIDATE_EMAIL not in answer_html
    assert "Met the bar" not in answer_html.split("<form")[0]  # no self-assessment shown

    # --- The manager answers per area.
    with django_capture_on_commit_callbacks(execute=True):
        answered = manager_browser.post(
            opened["Location"],
            {
                "rating_cv": "not_assessed",
                "rating_presentation": "met",
                "rating_experience": "improve",
                "comment_experience": "Only a little hands-on dbt; the team models data every day.",
                "rating_skills": "not_assessed",
                "rating_answers": "strength",
                "comment_answers": "Clear, structured STAR answers about the pricing dashboard.",
                "rating_preparation": "not_assessed",
                "rating_fit": "not_assessed",
                "summary": "Build one end-to-end modelling project with dbt.",
                "consider_for_other_roles": "yes",
            },
        )
    assert answered.status_code == 302
    thanks = manager_browser.get(answered["Location"]).content.decode()
    assert "Thank you" in thanks
    assert "Only a little hands-on dbt" in thanks
    feedback_request.refresh_from_db()
    assert feedback_request.state == FeedbackRequest.State.ANSWERED
    response = FeedbackResponse.objects.get(feedback_request=feedback_request)
    assert {a.area: a.rating for a in response.answers.all()}["experience"] == "improve"
    assert Event.objects.filter(feedback_request=feedback_request, kind=Event.Kind.ANSWERED).exists()
    assert f"/dashboard/requests/{feedback_request.uuid}/" in last_mail_to(recruiter.email).body

    # --- The recruiter reviews and releases an edited version.
    review = recruiter_browser.get(f"/dashboard/requests/{feedback_request.uuid}/").content.decode()
    assert "Only a little hands-on dbt" in review
    assert "Review and release" in review
    edited = {
        "released_summary": "One end-to-end modelling project would make the difference.",
        "comment_presentation": "",
        "comment_experience": "The team wanted more hands-on dbt modelling.",
        "comment_answers": "Your STAR answers were clear and well structured.",
        "comment_cv": "",
    }
    release_url = f"/dashboard/requests/{feedback_request.uuid}/release/"
    # First the preview: the candidate's page with the edited text; nothing is released yet.
    preview = recruiter_browser.post(release_url, {**edited, "action": "preview"}).content.decode()
    assert "What Sam Rivera will see" in preview
    assert "The team wanted more hands-on dbt modelling." in preview
    assert FeedbackRequest.objects.get(pk=feedback_request.pk).state == FeedbackRequest.State.ANSWERED
    shown = dict(re.findall(r'name="(previewed|once)" value="([0-9a-f]+)"', preview))
    with django_capture_on_commit_callbacks(execute=True):
        released = recruiter_browser.post(release_url, {**edited, **shown, "action": "send"})
    assert released.status_code == 302
    feedback_request.refresh_from_db()
    assert feedback_request.state == FeedbackRequest.State.RELEASED
    assert Event.objects.filter(feedback_request=feedback_request, kind=Event.Kind.RELEASED).exists()

    # --- The candidate is e-mailed and reads the feedback, without the manager's name.
    released_mail = last_mail_to(CANDIDATE_EMAIL)
    assert f"/requests/{feedback_request.uuid}/" in released_mail.body
    assert "Morgan" not in released_mail.body

    feedback_page = candidate_browser.get(f"/requests/{feedback_request.uuid}/")
    assert feedback_page.status_code == 200
    html = feedback_page.content.decode()
    assert "Feedback from the interview team at Acme Analytics" in html
    assert "One end-to-end modelling project would make the difference." in html
    assert "The team wanted more hands-on dbt modelling." in html
    assert "Only a little hands-on dbt" not in html  # the original stays with the recruiter
    assert "Morgan" not in html
    assert "Blake" not in html
    assert "morgan.blake@acme.test" not in html

    # --- The link is closed now that the feedback is released.
    assert manager_browser.get(link).status_code == 410

    # Every step left its mark on the timeline, in order.
    kinds = [
        k
        for k in Event.objects.filter(feedback_request=feedback_request).values_list("kind", flat=True)
        if k not in (Event.Kind.EMAIL_SENT, Event.Kind.NOTE)
    ]
    assert kinds == [Event.Kind.SUBMITTED, Event.Kind.ROUTED, Event.Kind.ANSWERED, Event.Kind.RELEASED]
    sent = set(emails.about_request(feedback_request).filter(state="sent").values_list("kind", flat=True))
    assert sent == {
        "new_request",
        "request_received",
        "manager_request",
        "answer_received",
        "feedback_released",
    }
