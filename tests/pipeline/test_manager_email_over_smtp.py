"""The hiring manager's e-mail over a real SMTP conversation, and the link it carries, followed."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from feedback_portal.models import OutboundEmail
from requests_app import services
from requests_app.models import Area, FeedbackRequest, Rating

pytestmark = [
    pytest.mark.django_db,
    # Whitenoise looks for STATIC_ROOT, which only collectstatic makes.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LINK = re.compile(r"https?://\S+/respond/[A-Za-z0-9_-]{20,}/")


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    # Pages link the stylesheet; without DEBUG the manifest storage wants collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def route(feedback_request, manager, capture):
    """Route through the service; the e-mail task runs (eagerly) once the routing commits."""
    with capture(execute=True):
        return services.route_request(
            feedback_request=feedback_request,
            hiring_manager=manager,
            message="Was my SQL answer the problem?",
            actor=feedback_request.application.recruiter,
        )


def test_managers_email_travels_over_smtp_with_reply_to_the_recruiter(
    smtp_sink, submitted_request, manager, django_capture_on_commit_callbacks
):
    recruiter = submitted_request.application.recruiter

    routing = route(submitted_request, manager, django_capture_on_commit_callbacks)

    [envelope] = smtp_sink.envelopes
    assert envelope.rcpt_tos == [manager.email]
    [message] = smtp_sink.messages
    assert message["To"] == manager.email
    assert message["Reply-To"] == recruiter.email
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Robin Castellano" in text
    assert "Was my SQL answer the problem?" in text
    assert LINK.search(text)[0].startswith(f"{settings.SITE_URL}/respond/")
    email = OutboundEmail.objects.get(routing=routing)
    assert email.state == OutboundEmail.State.SENT
    assert email.subject == message["Subject"]


def test_manager_follows_the_emailed_link_and_answers(
    client, smtp_sink, submitted_request, manager, django_capture_on_commit_callbacks
):
    routing = route(submitted_request, manager, django_capture_on_commit_callbacks)
    [message] = smtp_sink.messages
    link = LINK.search(message.get_body(preferencelist=("plain",)).get_content())[0]

    # Opening the link changes nothing but the session, and moves to the token-less page.
    response = client.get(urlsplit(link).path, secure=True)
    answer_page = reverse("requests_app:respond_answer", args=[routing.uuid])
    assert response.status_code == 302
    assert response["Location"] == answer_page
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]

    response = client.get(answer_page, secure=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Feedback for Robin Castellano" in response.content.decode()

    answer = {f"rating_{area.value}": Rating.NOT_ASSESSED for area in Area}
    answer |= {
        "rating_answers": Rating.IMPROVE,
        "comment_answers": "Your SQL was right; explain your reasoning aloud as you write the query.",
        "summary": "Talk us through your thinking; the skills were there.",
        "consider_for_other_roles": "yes",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_page, answer, secure=True)

    assert response.status_code == 302
    assert response["Location"] == answer_page
    submitted_request.refresh_from_db()
    assert submitted_request.state == FeedbackRequest.State.ANSWERED
    [feedback] = submitted_request.responses.all()
    assert feedback.summary == "Talk us through your thinking; the skills were there."
    assert feedback.answers.get(area="answers").rating == Rating.IMPROVE
    # The recruiter is told, over the same SMTP server.
    assert [m["To"] for m in smtp_sink.messages] == [
        manager.email,
        submitted_request.application.recruiter.email,
    ]
    # Opening the answer page again shows the read-only thank-you.
    response = client.get(answer_page, secure=True)
    assert response.status_code == 200
    assert "Talk us through your thinking" in response.content.decode()
