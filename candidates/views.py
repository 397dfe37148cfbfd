"""Applications: the candidate's own list, a candidate describing a missing one, a recruiter adding one."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from feedback_portal.access import candidate_required, recruiter_required
from feedback_portal.models import PortalSettings
from requests_app.models import FeedbackRequest

from . import exports, services
from .forms import ApplicationForm, DescribeApplicationForm, OutcomeForm
from .models import Application


@require_GET
@candidate_required
def applications(request: HttpRequest) -> HttpResponse:
    """The candidate's applications, each with its latest feedback request."""
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


@require_GET
@candidate_required
def export(request: HttpRequest) -> HttpResponse:
    """The candidate's own data, as their pages show it, as a JSON download."""
    now = timezone.now()
    data = exports.candidate_export(request.user, now=now)
    return exports.json_attachment(data, filename=exports.export_filename("my-feedback-portal-data", now))


@require_http_methods(["GET", "POST"])
@candidate_required
def describe_application(request: HttpRequest) -> HttpResponse:
    """An application we don't list: the candidate describes it, then asks for feedback on it."""
    form = DescribeApplicationForm(
        request.POST if request.method == "POST" else None,
        contact_email=PortalSettings.load().agency_contact_email,
    )
    if request.method == "POST" and form.is_valid():
        application = services.describe_application(
            candidate=request.user,
            client=form.client,
            role_title=form.cleaned_data["role_title"],
            stage=form.cleaned_data["stage"],
            outcome=form.cleaned_data["outcome"],
            interviewed_on=form.cleaned_data["interviewed_on"],
        )
        messages.success(
            request, "Thank you. Your recruiter will confirm the details; you can ask for feedback now."
        )
        return redirect("requests_app:new_request", application.uuid)
    return render(request, "candidates/describe_application.html", {"form": form})


@require_http_methods(["GET", "POST"])
@recruiter_required
def new_application(request: HttpRequest) -> HttpResponse:
    """A recruiter records a candidate put forward for a role."""
    form = ApplicationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        application = services.create_application(recruiter=request.user, **form.cleaned_data)
        messages.success(
            request,
            f"Added {application.candidate_name} for {application.role_title}. "
            f"They see it once they sign in with {application.candidate_email}.",
        )
        return redirect("requests_app:dashboard")
    return render(request, "candidates/new_application.html", {"form": form})


@require_GET
@recruiter_required
def recruiter_applications(request: HttpRequest) -> HttpResponse:
    """The agency's applications; the ones still waiting for an outcome first."""
    show = request.GET.get("show", "pending")
    apps = Application.objects.for_recruiters()
    if show != "all":
        show = "pending"
        apps = apps.filter(outcome=Application.Outcome.PENDING)
    return render(request, "candidates/recruiter_applications.html", {"rows": list(apps[:200]), "show": show})


@require_http_methods(["GET", "POST"])
@recruiter_required
def record_outcome(request: HttpRequest, application_uuid: UUID) -> HttpResponse:
    """Record how an application ended, and perhaps invite the candidate to ask why."""
    application = get_object_or_404(Application.objects.select_related("client"), uuid=application_uuid)
    form = OutcomeForm(
        request.POST if request.method == "POST" else None,
        initial={"outcome": application.outcome, "outcome_on": application.outcome_on},
    )
    if request.method == "POST" and form.is_valid():
        services.record_outcome(application=application, **form.cleaned_data)
        messages.success(
            request, f"Recorded: {application.get_outcome_display()} for {application.candidate_name}."
        )
        return redirect("candidates:recruiter_applications")
    return render(request, "candidates/record_outcome.html", {"application": application, "form": form})
