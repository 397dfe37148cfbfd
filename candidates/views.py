"""The candidate's own applications."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from requests_app.models import FeedbackRequest

from .models import Application


@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    """The candidate's applications, each with its latest feedback request."""
    if not request.user.is_candidate:
        raise Http404
    apps = list(Application.objects.for_candidate(request.user))
    latest: dict[int, FeedbackRequest] = {}
    for fr in FeedbackRequest.objects.for_candidate(request.user).order_by("created_at"):
        latest[fr.application_id] = fr
    rows = [
        {
            "application": a,
            "request": latest.get(a.pk),
            # One ask per application; asking again is possible only after withdrawing.
            "can_ask": a.is_negative
            and (a.pk not in latest or latest[a.pk].state == FeedbackRequest.State.WITHDRAWN),
        }
        for a in apps
    ]
    return render(request, "candidates/applications.html", {"rows": rows})
