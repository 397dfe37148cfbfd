"""The candidate's pages: ask for feedback, follow the request, read it, ask one follow-up, withdraw."""

import calendar
from datetime import date
from uuid import UUID

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.models import Application
from feedback_portal.models import PortalSettings

from .. import services
from ..forms import AcknowledgeForm, FeedbackRequestForm, FollowUpQuestionForm
from ..models import FeedbackRequest, FeedbackResponse, NextStep, Rating
from .access import candidate_application, candidate_request
from .actions import act


def _ask_refusal(application: Application, portal: PortalSettings) -> str:
    """Why this application cannot take a new request now, or "" when it can."""
    if not application.is_negative:
        return "You can ask for feedback once the outcome of this application is known."
    if application.feedback_requests.exclude(state=FeedbackRequest.State.WITHDRAWN).exists():
        return "You have already asked for feedback on this application."
    if application.outcome_on:
        months = portal.ask_window_months
        if timezone.localdate() > _months_after(application.outcome_on, months):
            return f"Feedback can be asked for up to {months} months after the outcome."
    return ""


def _months_after(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Aug → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest, application_uuid: UUID) -> HttpResponse:
    application = candidate_application(request, application_uuid)
    refusal = _ask_refusal(application, PortalSettings.load())
    if refusal:
        messages.info(request, refusal)
        return redirect("candidates:applications")
    form = FeedbackRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_request = services.submit_request(
                candidate=request.user,
                application=application,
                areas=form.cleaned_data["areas"],
                questions=form.cleaned_data["questions"],
                consent_to_forward=form.cleaned_data["consent_to_forward"],
                self_assessment=form.self_assessment(),
            )
        except IntegrityError:
            messages.info(request, "You already have an open feedback request for this application.")
            return redirect("candidates:applications")
        messages.success(request, "Your request is on its way to your recruiter.")
        return redirect("requests_app:candidate_request", feedback_request.uuid)
    return render(request, "requests_app/new_request.html", {"application": application, "form": form})


@require_GET
def candidate_request_page(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    return _candidate_page(request, candidate_request(request, request_uuid))


def _candidate_page(request, feedback_request, *, follow_up_form=None, status=200) -> HttpResponse:
    events = feedback_request.events.filter(visible_to_candidate=True)
    released = None
    if feedback_request.state in (FeedbackRequest.State.RELEASED, FeedbackRequest.State.CLOSED):
        released = (
            feedback_request.responses.filter(released_at__isnull=False).prefetch_related("answers").first()
        )
    if released is not None:
        _attach_next_steps(released)
    is_released = feedback_request.state == FeedbackRequest.State.RELEASED
    follow_up = feedback_request.get_follow_up()
    return render(
        request,
        "requests_app/candidate_request.html",
        {
            "feedback_request": feedback_request,
            "application": feedback_request.application,
            "events": events,
            "released": released,
            "can_withdraw": feedback_request.is_open,
            "follow_up": follow_up,
            # One question, asked while the feedback is released (DESIGN §4).
            "follow_up_form": (follow_up_form or FollowUpQuestionForm())
            if is_released and follow_up is None
            else None,
            # An open follow-up keeps the request open (services.requests._refuse_while_follow_up_open).
            "acknowledge_form": AcknowledgeForm()
            if is_released and not (follow_up and follow_up.is_open)
            else None,
        },
        status=status,
    )


def _attach_next_steps(response: FeedbackResponse) -> None:
    """Suggest the library's next steps under each area rated "room to improve"."""
    answers = list(response.answers.all())
    improve = {a.area for a in answers if a.rating == Rating.IMPROVE}
    steps: dict[str, list[NextStep]] = {}
    if improve:
        for step in NextStep.objects.filter(area__in=improve, is_active=True):
            steps.setdefault(step.area, []).append(step)
    for answer in answers:
        answer.next_steps = steps.get(answer.area, [])


@require_POST
def acknowledge(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = candidate_request(request, request_uuid)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the answers, or none, and try again.")
        return redirect("requests_app:candidate_request", feedback_request.uuid)
    return act(
        request,
        lambda: services.acknowledge_feedback(
            feedback_request=feedback_request,
            candidate=request.user,
            usefulness=form.cleaned_data["usefulness"],
        ),
        "Thank you. This request is closed; your feedback stays here to read.",
        back_to="requests_app:candidate_request",
        request_uuid=feedback_request.uuid,
    )


@require_POST
def ask_follow_up(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = candidate_request(request, request_uuid)
    form = FollowUpQuestionForm(request.POST)
    if not form.is_valid():
        return _candidate_page(request, feedback_request, follow_up_form=form, status=400)
    return act(
        request,
        lambda: services.ask_follow_up(
            feedback_request=feedback_request, candidate=request.user, question=form.cleaned_data["question"]
        ),
        "Your question is on its way to your recruiter. We will e-mail you when it is answered.",
        back_to="requests_app:candidate_request",
        request_uuid=feedback_request.uuid,
    )


@require_POST
def withdraw(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = candidate_request(request, request_uuid)
    try:
        services.withdraw_request(feedback_request=feedback_request, candidate=request.user)
        messages.success(request, "Your request is withdrawn. Nobody will be asked about it again.")
    except services.TransitionNotAllowed:
        messages.error(request, "This request has already ended, so it cannot be withdrawn.")
    return redirect("requests_app:candidate_request", feedback_request.uuid)
