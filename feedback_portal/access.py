"""Who may open a page that shows no one object (a list, a form to add one), by role.

Anyone else gets a 404, so pages cannot be found by probing. A page about one object asks the
access helper of its kind instead (candidates.access, requests_app.access), which fetches the
object and checks the role together.
"""

from functools import wraps

from django.http import Http404, HttpRequest


def recruiter_required(view):
    """Recruiter pages (admins are recruiters too)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_recruiter:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def candidate_required(view):
    """The candidate's own pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_candidate:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view):
    """The agency admins' pages (erasure requests): recruiters get a 404 like anyone else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.user.role != request.user.Role.ADMIN:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def erasure_for_admin(request: HttpRequest, erasure_uuid):
    """One erasure request, for an agency admin only; anyone else gets a 404."""
    from django.shortcuts import get_object_or_404

    from .models import ErasureRequest

    if request.user.role != request.user.Role.ADMIN:
        raise Http404
    return get_object_or_404(ErasureRequest.objects.select_related("user", "decided_by"), uuid=erasure_uuid)
