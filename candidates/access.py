"""Who may see which client, hiring manager and application: one helper per object kind.

Each fetches the object and checks the signed-in user's role together, and answers 404 for
anyone else, so ids cannot be probed. Every client is the whole agency's: any recruiter may
open any of them. Pages that show no one object (lists) check the role alone, with the
decorators of feedback_portal.access.
"""

from uuid import UUID

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import Application, Client, HiringManager


def _recruiters_only(request: HttpRequest) -> None:
    if not request.user.is_recruiter:
        raise Http404


def client_for_recruiter(request: HttpRequest, client_uuid: UUID) -> Client:
    """A client of the agency, with its owner and counts, for a recruiter; 404 for anyone else."""
    _recruiters_only(request)
    return get_object_or_404(Client.objects.with_counts(), uuid=client_uuid)


def hiring_manager_for_recruiter(
    request: HttpRequest, client_uuid: UUID, manager_uuid: UUID
) -> HiringManager:
    """One of this client's hiring managers, with their history, for a recruiter; 404 for anyone
    else, and under another client's address."""
    _recruiters_only(request)
    return get_object_or_404(
        HiringManager.objects.with_history().select_related("client"),
        uuid=manager_uuid,
        client__uuid=client_uuid,
    )


def application_for_recruiter(request: HttpRequest, application_uuid: UUID) -> Application:
    """Any application of the agency, with its client, for a recruiter; 404 for anyone else."""
    _recruiters_only(request)
    return get_object_or_404(Application.objects.select_related("client"), uuid=application_uuid)


def application_for_candidate(request: HttpRequest, application_uuid: UUID) -> Application:
    """One of the signed-in candidate's own applications, with its client; 404 for anyone else."""
    return get_object_or_404(
        Application.objects.select_related("client"), uuid=application_uuid, candidate=request.user
    )


def hiring_manager_for_admin(request: HttpRequest, client_uuid: UUID, manager_uuid: UUID) -> HiringManager:
    """One of this client's hiring managers, for an agency admin (erasing their data); 404 for
    anyone else, recruiters included."""
    if request.user.role != request.user.Role.ADMIN:
        raise Http404
    return get_object_or_404(
        HiringManager.objects.select_related("client"), uuid=manager_uuid, client__uuid=client_uuid
    )
