"""Who may see which feedback request, follow-up question and routing: one helper per object kind.

Each fetches the object and checks who is asking together, and answers 404 for anyone else
(never 403), so ids cannot be probed. A hiring manager has no account: their browser holds a
grant for each routing whose link it opened (views.manager.respond_entry), checked again on
every page.
"""

from datetime import timedelta
from uuid import UUID

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from candidates.models import Client
from feedback_portal.models import PortalSettings, User

from .models import FeedbackRequest, FollowUp, Handover, Routing

# The session key of the routings this browser opened a valid link for, each with when it was
# opened (seconds since the epoch). A grant lasts as long as the routing, and at most GRANT_LASTS
# after that opening: a shared computer left signed in does not keep a manager's page open.
GRANTS_KEY = "respond_grants"
GRANT_LASTS = timedelta(days=1)


def request_for_candidate(request: HttpRequest, request_uuid: UUID) -> FeedbackRequest:
    """One of the signed-in candidate's own feedback requests; 404 for anyone else."""
    return get_object_or_404(
        # The recruiter who looks after it: the candidate's page names them, with their e-mail.
        FeedbackRequest.objects.select_related(
            "application__client", "application__recruiter", "follow_up", "owner"
        ),
        uuid=request_uuid,
        candidate=request.user,
    )


def desk_of(request: HttpRequest) -> list[int]:
    """The recruiters whose work the signed-in recruiter looks after today: themselves and those
    they cover (a hand-over for dates). Read once per request to the portal."""
    if not hasattr(request, "_desk"):
        request._desk = Handover.objects.desk_of(request.user.pk, timezone.localdate())
    return request._desk


def requests_for_recruiter(request: HttpRequest):
    """The requests a recruiter may see: every one of the agency, or (where the agency chooses)
    those of the clients they own or cover and those they look after; for anyone else, none."""
    if not request.user.is_recruiter:
        raise Http404
    desk = None if sees_every_request(request) else desk_of(request)
    return FeedbackRequest.objects.visible_to(request.user, desk)


def sees_every_request(request: HttpRequest) -> bool:
    """Whether the signed-in recruiter sees every request of the agency: the agency's default,
    and always for admins (else only their own clients' and desk's)."""
    portal = PortalSettings.load()
    sees_own = portal.recruiters_see == PortalSettings.Visibility.OWN_CLIENTS
    return not sees_own or request.user.role == User.Role.ADMIN


def client_ids_for_recruiter(request: HttpRequest) -> list[int] | None:
    """The clients whose figures a recruiter sees (analytics): None for every client (the
    agency's default, and always for admins); else those they own or cover."""
    if not request.user.is_recruiter:
        raise Http404
    portal = PortalSettings.load()
    if portal.recruiters_see != PortalSettings.Visibility.OWN_CLIENTS or request.user.role == User.Role.ADMIN:
        return None
    return list(Client.objects.filter(owner_id__in=desk_of(request)).values_list("pk", flat=True))


def request_for_recruiter(request: HttpRequest, request_uuid: UUID) -> FeedbackRequest:
    """A request the recruiter may see; 404 for anyone else, and for another desk's request."""
    return get_object_or_404(
        requests_for_recruiter(request)
        .with_latest_response_kind()
        .select_related("application__client", "application__recruiter", "candidate", "follow_up", "owner"),
        uuid=request_uuid,
    )


def follow_up_of(feedback_request: FeedbackRequest) -> FollowUp:
    """The follow-up question of a request the caller may already see; 404 when none was asked."""
    follow_up = feedback_request.get_follow_up()
    if follow_up is None:
        raise Http404
    return follow_up


def grant(request: HttpRequest, routing: Routing) -> None:
    """Let this browser open the routing's token-less pages (after a valid link was opened)."""
    now = timezone.now().timestamp()
    grants = {
        uuid: opened
        for uuid, opened in _grants(request).items()
        if uuid != str(routing.uuid) and now - opened < GRANT_LASTS.total_seconds()
    }
    request.session.cycle_key()
    request.session[GRANTS_KEY] = {**grants, str(routing.uuid): now}


def routing_for_manager(request: HttpRequest, routing_uuid: UUID) -> Routing:
    """A routing this browser opened a valid link for; 404 otherwise.

    Whether the manager may still answer, and on which page, is the page's next question
    (lifecycle.manager_may_answer).
    """
    return _granted(request, routing_uuid)


def follow_up_routing_for_manager(request: HttpRequest, routing_uuid: UUID) -> Routing:
    """A routing that forwards a follow-up question, granted to this browser; 404 otherwise."""
    routing = _granted(request, routing_uuid)
    if routing.follow_up_id is None:
        raise Http404
    return routing


def _grants(request: HttpRequest) -> dict[str, float]:
    grants = request.session.get(GRANTS_KEY, {})
    return grants if isinstance(grants, dict) else {}  # a list: written before grants had a time


def _granted(request: HttpRequest, routing_uuid: UUID) -> Routing:
    opened = _grants(request).get(str(routing_uuid))
    if opened is None or timezone.now().timestamp() - opened >= GRANT_LASTS.total_seconds():
        raise Http404
    return get_object_or_404(
        Routing.objects.select_related(
            "feedback_request__application__client", "hiring_manager", "follow_up"
        ),
        uuid=routing_uuid,
    )
