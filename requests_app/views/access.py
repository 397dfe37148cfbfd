"""Who may see what on the requests pages: one helper per object kind.

Each returns the object or raises 404: someone else's object answers 404, never 403.
"""

from uuid import UUID

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from candidates.models import Application

from ..models import FeedbackRequest, FollowUp, Routing


def candidate_application(request: HttpRequest, application_uuid: UUID) -> Application:
    """One of the signed-in candidate's own applications, or 404."""
    return get_object_or_404(
        Application.objects.select_related("client"), uuid=application_uuid, candidate=request.user
    )


def candidate_request(request: HttpRequest, request_uuid: UUID) -> FeedbackRequest:
    """One of the signed-in candidate's own feedback requests, or 404."""
    return get_object_or_404(
        FeedbackRequest.objects.select_related("application__client", "follow_up"),
        uuid=request_uuid,
        candidate=request.user,
    )


def recruiter_request(request: HttpRequest, request_uuid: UUID) -> FeedbackRequest:
    """Any request of the agency, for a recruiter, or 404."""
    if not request.user.is_recruiter:
        raise Http404
    return get_object_or_404(
        FeedbackRequest.objects.select_related(
            "application__client", "application__recruiter", "candidate", "follow_up"
        ),
        uuid=request_uuid,
    )


def request_follow_up(feedback_request: FeedbackRequest) -> FollowUp:
    """The follow-up question of a request the caller may already see, or 404 when none was asked."""
    follow_up = feedback_request.get_follow_up()
    if follow_up is None:
        raise Http404
    return follow_up


GRANTS_KEY = "respond_grants"


def granted_routing(request: HttpRequest, routing_uuid: UUID) -> Routing:
    """A routing this browser opened a valid link for; checked again on every request."""
    if str(routing_uuid) not in request.session.get(GRANTS_KEY, []):
        raise Http404
    return get_object_or_404(
        Routing.objects.select_related(
            "feedback_request__application__client", "hiring_manager", "follow_up"
        ),
        uuid=routing_uuid,
    )


def granted_follow_up_routing(request: HttpRequest, routing_uuid: UUID) -> Routing:
    """A granted routing that forwards a follow-up question; the request's own routings are 404 here."""
    routing = granted_routing(request, routing_uuid)
    if routing.follow_up_id is None:
        raise Http404
    return routing
