"""The candidate's pages: their applications, asking for feedback, following the request, reading
it, one follow-up question, withdrawing, and downloading their data."""

import math
from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.access import application_for_candidate
from candidates.models import Application
from feedback_portal import audit
from feedback_portal.access import candidate_required
from feedback_portal.limits import Limit
from feedback_portal.models import PortalSettings
from feedback_portal.once import AlreadyDone, done_once

from .. import exports, feedback, lifecycle, services
from ..access import request_for_candidate
from ..forms import AcknowledgeForm, FeedbackRequestForm, FollowUpQuestionForm
from ..models import FeedbackRequest
from . import candidate_page
from .actions import ALREADY_DONE, act


@require_GET
@candidate_required
def applications(request: HttpRequest) -> HttpResponse:
    """The candidate's applications, each with its latest feedback request and whether they may ask."""
    portal, today = PortalSettings.load(), timezone.localdate()
    by_application: dict[int, list[FeedbackRequest]] = {}
    for fr in FeedbackRequest.objects.for_candidate(request.user).order_by("created_at"):
        by_application.setdefault(fr.application_id, []).append(fr)
    rows = []
    for application in Application.objects.for_candidate(request.user):
        asked = by_application.get(application.pk, [])
        rows.append(
            {
                "application": application,
                "request": asked[-1] if asked else None,
                # The ask page asks the same question: the button shows exactly when asking works.
                "can_ask": lifecycle.may_ask(application, requests=asked, today=today, portal=portal),
            }
        )
    return render(request, "requests_app/applications.html", {"rows": rows})


@require_GET
@candidate_required
def export(request: HttpRequest) -> HttpResponse:
    """The candidate's own data, as their pages show it, as a JSON download."""
    now = timezone.now()
    data = exports.candidate_export(request.user, now=now)
    # Personal data leaving the portal: on the admins' audit trail, as a subject-access export is.
    audit.record(request.user, audit.EXPORTED, target=request.user, export="own data")
    return exports.json_attachment(data, filename=exports.export_filename("my-feedback-portal-data", now))


@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest, application_uuid: UUID) -> HttpResponse:
    application = application_for_candidate(request, application_uuid)
    verdict = lifecycle.may_ask(application)
    if not verdict:
        messages.info(request, verdict.refusal)
        return redirect("requests_app:applications")
    form = FeedbackRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and _within_daily_asks(request, form):
        try:
            feedback_request = done_once(
                request,
                lambda: services.submit_request(
                    candidate=request.user,
                    application=application,
                    areas=form.cleaned_data["areas"],
                    questions=form.question_list(),
                    consent_to_forward=form.cleaned_data["consent_to_forward"],
                    self_assessment=form.self_assessment(),
                ),
            )
        except AlreadyDone:  # the same form sent twice: the first one asked
            messages.info(request, ALREADY_DONE)
            return redirect("requests_app:applications")
        except services.TransitionNotAllowed as refused:  # asked in another tab meanwhile
            messages.info(request, str(refused))
            return redirect("requests_app:applications")
        messages.success(request, "Your request is on its way to your recruiter.")
        return redirect("requests_app:candidate_request", feedback_request.uuid)
    portal = PortalSettings.load()
    return render(
        request,
        "requests_app/new_request.html",
        {
            "application": application,
            "company": application.company_for_candidate,
            "form": form,
            "portal": portal,
            "usual_weeks": usual_weeks(portal),
        },
    )


# Asking about this many applications in a day is already far more than anyone needs.
DAILY_ASKS = Limit(
    most=10,
    per=timedelta(days=1),
    message="You have asked for feedback 10 times today. To keep things fair, ask again tomorrow, "
    "or write to your recruiter.",
)


def _within_daily_asks(request: HttpRequest, form: FeedbackRequestForm) -> bool:
    if DAILY_ASKS.reached(FeedbackRequest.objects.filter(candidate=request.user), now=timezone.now()):
        form.add_error(None, DAILY_ASKS.message)
        return False
    return True


def usual_weeks(portal: PortalSettings) -> int:
    """How many weeks an answer usually takes at most, from the agency's own settings: the
    recruiter's triage time (working days) and the time the interview team's link gives them."""
    days = portal.triage_sla_business_days * 7 / 5 + portal.link_expiry_days
    return max(1, math.ceil(days / 7))


@require_GET
def candidate_request_page(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    return _candidate_page(request, request_for_candidate(request, request_uuid))


def _candidate_page(request, feedback_request, *, follow_up_form=None, status=200) -> HttpResponse:
    context = candidate_page.context(
        feedback_request, feedback.released(feedback_request), follow_up_form=follow_up_form
    )
    return render(request, "requests_app/candidate_request.html", context, status=status)


def _act(request, feedback_request, run, success) -> HttpResponse:
    """A candidate's button on their request's page: run the service, then back to the page."""
    return act(
        request, run, success, back_to="requests_app:candidate_request", request_uuid=feedback_request.uuid
    )


@require_POST
def acknowledge(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = request_for_candidate(request, request_uuid)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the answers, or none, and try again.")
        return redirect("requests_app:candidate_request", feedback_request.uuid)
    return _act(
        request,
        feedback_request,
        lambda: services.acknowledge_feedback(
            feedback_request=feedback_request,
            candidate=request.user,
            usefulness=form.cleaned_data["usefulness"],
        ),
        "Thank you. This request is closed; your feedback stays here to read.",
    )


@require_POST
def ask_follow_up(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = request_for_candidate(request, request_uuid)
    form = FollowUpQuestionForm(request.POST)
    if not form.is_valid():
        return _candidate_page(request, feedback_request, follow_up_form=form, status=400)
    return _act(
        request,
        feedback_request,
        lambda: services.ask_follow_up(
            feedback_request=feedback_request, candidate=request.user, question=form.cleaned_data["question"]
        ),
        "Your question is on its way to your recruiter. We will e-mail you when it is answered.",
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    """Asks once, on a page of its own, saying what withdrawing does; then withdraws."""
    feedback_request = request_for_candidate(request, request_uuid)
    if request.method == "GET":
        verdict = lifecycle.may_withdraw(feedback_request)
        if not verdict:
            messages.info(request, verdict.refusal)
            return redirect("requests_app:candidate_request", feedback_request.uuid)
        return render(
            request,
            "requests_app/withdraw_confirm.html",
            {"feedback_request": feedback_request, "application": feedback_request.application},
        )
    return _act(
        request,
        feedback_request,
        lambda: services.withdraw_request(feedback_request=feedback_request, candidate=request.user),
        "Your request is withdrawn. Nobody will be asked about it again.",
    )
