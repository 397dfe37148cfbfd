"""The e-mails about feedback requests: one renderer each, building context from ids.

Templates live in templates/emails/<kind>/ (subject.txt, body.txt, body.html).
A hiring manager's link is minted here, inside the sending task, and never stored.
"""

from django.urls import reverse

from feedback_portal.mail import Rendered, renderer
from feedback_portal.models import OutboundEmail, PortalSettings

from . import tokens
from .models import FeedbackRequest


def _request(email: OutboundEmail) -> FeedbackRequest:
    return FeedbackRequest.objects.select_related(
        "application__client", "application__recruiter", "candidate"
    ).get(pk=email.feedback_request_id)


def _common(feedback_request: FeedbackRequest) -> dict:
    return {
        "portal": PortalSettings.load(),
        "feedback_request": feedback_request,
        "application": feedback_request.application,
        "client": feedback_request.application.client,
    }


@renderer("new_request")
def new_request(email: OutboundEmail) -> Rendered:
    """To the owning recruiter, at once, when a candidate asks."""
    fr = _request(email)
    path = reverse("requests_app:dashboard_request", args=[fr.uuid])
    return Rendered({**_common(fr), "path": path}, audience="recruiter")


@renderer("request_received")
def request_received(email: OutboundEmail) -> Rendered:
    """To the candidate: we have your request."""
    fr = _request(email)
    path = reverse("requests_app:candidate_request", args=[fr.uuid])
    return Rendered({**_common(fr), "path": path}, audience="candidate")


@renderer("manager_request")
def manager_request(email: OutboundEmail) -> Rendered:
    """To the hiring manager, with a fresh personal link to answer."""
    fr = _request(email)
    routing = email.routing
    raw = tokens.mint(routing)
    path = reverse("requests_app:respond_entry", args=[raw])
    return Rendered(
        {**_common(fr), "routing": routing, "manager": routing.hiring_manager, "path": path},
        audience="hiring manager",
    )


@renderer("answer_received")
def answer_received(email: OutboundEmail) -> Rendered:
    """To the recruiter: an answer waits for review."""
    fr = _request(email)
    path = reverse("requests_app:dashboard_request", args=[fr.uuid])
    return Rendered({**_common(fr), "path": path}, audience="recruiter")


@renderer("feedback_released")
def feedback_released(email: OutboundEmail) -> Rendered:
    """To the candidate: their feedback is ready to read."""
    fr = _request(email)
    path = reverse("requests_app:candidate_request", args=[fr.uuid])
    return Rendered({**_common(fr), "path": path}, audience="candidate")


@renderer("request_declined")
def request_declined(email: OutboundEmail) -> Rendered:
    """To the candidate: a kind word that no detailed feedback will come."""
    fr = _request(email)
    path = reverse("requests_app:candidate_request", args=[fr.uuid])
    return Rendered({**_common(fr), "path": path}, audience="candidate")
