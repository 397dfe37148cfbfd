"""The recruiter's request page, with every action taken from it. (The queue: views.desk.)

Route, extend, confirm the application, list its interviewers, record a call's answer,
decline, and the follow-up question (forward it to the hiring manager, or answer it). Release
and correction have pages of their own (views.release).
"""

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from candidates import services as candidate_services
from candidates.forms import InterviewersForm
from candidates.models import Client
from feedback_portal.models import PortalSettings
from feedback_portal.once import AlreadyDone, done_once

from .. import identity, lifecycle, safety, services
from ..access import follow_up_of, request_for_recruiter
from ..forms import (
    ConfirmApplicationForm,
    DeclineRequestForm,
    ExtendForm,
    FollowUpAnswerForm,
    FollowUpForwardForm,
    ManagerResponseForm,
    RouteForm,
)
from ..models import FeedbackRequest, FeedbackResponse, FollowUp, ReleasedVersion
from ..services.follow_ups import follow_up_link, follow_up_manager
from .actions import ALREADY_DONE, act


def _act(request, feedback_request, run, success) -> HttpResponse:
    """A recruiter's button on the request page: run the service, then back to the page."""
    return act(
        request, run, success, back_to="requests_app:dashboard_request", request_uuid=feedback_request.uuid
    )


def _latest_response(feedback_request: FeedbackRequest) -> FeedbackResponse | None:
    """The latest answer, its areas and every version of it the candidate read (once released)."""
    responses = feedback_request.responses.prefetch_related("answers")
    if feedback_request.state in FeedbackRequest.ENDED_STATES:  # versions exist only once released
        versions = ReleasedVersion.objects.select_related("released_by")
        responses = responses.prefetch_related(Prefetch("versions", queryset=versions))
    return responses.first()


def _dashboard_page(
    request,
    feedback_request,
    *,
    response=None,
    route_form=None,
    decline_form=None,
    interviewers_form=None,
    extend_form=None,
    call_form=None,
    forward_form=None,
    follow_up_form=None,
    status=200,
):
    """The request's page: its details, timeline, and a form for every action possible now.

    Each form is offered when the lifecycle's predicate for its action allows it, the same
    predicate the action's service asks.
    """
    application = feedback_request.application
    client: Client = application.client
    # Every routing in one query (a handful at most): the request's own latest, and the follow-up's.
    routings = list(feedback_request.routings.select_related("hiring_manager"))
    routing = next((r for r in routings if r.follow_up_id is None), None)
    # The release view has fetched the response already: a page keeps its fixed query count.
    response = response or _latest_response(feedback_request)
    route_form = _offer(
        lifecycle.may_route(feedback_request),
        route_form,
        lambda: RouteForm(
            client=client,
            initial={
                "expires_in_days": PortalSettings.load().link_expiry_days,
            },
        ),
    )
    decline_form = _offer(lifecycle.may_decline(feedback_request), decline_form, DeclineRequestForm)
    extend_form = _offer(lifecycle.may_extend(feedback_request, routing), extend_form, ExtendForm)
    call_form = _offer(
        lifecycle.may_record_answer(feedback_request), call_form, lambda: _call_form(feedback_request)
    )
    follow_up = _follow_up_panel(
        feedback_request, routings, forward_form=forward_form, answer_form=follow_up_form
    )
    return render(
        request,
        "requests_app/dashboard_request.html",
        {
            "feedback_request": feedback_request,
            "application": application,
            "client": client,
            "routing": routing,
            "response": response,
            "events": feedback_request.events.select_related("actor"),
            "route_form": route_form,
            "confirm_form": None
            if application.is_confirmed
            else ConfirmApplicationForm(application=application),
            "can_release": response is not None and lifecycle.may_release(feedback_request, response),
            "can_send_link": routing is not None and lifecycle.may_send_link(feedback_request, routing),
            "versions": list(response.versions.all())
            if response is not None and feedback_request.state in FeedbackRequest.ENDED_STATES
            else [],
            "can_correct": lifecycle.may_correct(feedback_request, response),
            "correction_closes": response
            and response.released_at
            and response.released_at + timedelta(days=lifecycle.CORRECTION_DAYS),
            "interviewers_form": interviewers_form or InterviewersForm(application=application),
            "waiting_age": _waiting_age(feedback_request),
            "decline_form": decline_form,
            "extend_form": extend_form,
            "call_form": call_form,
            **follow_up,
        },
        status=status,
    )


def _waiting_age(feedback_request: FeedbackRequest) -> int | None:
    """Working days the request has waited for a recruiter, if it does."""
    if not feedback_request.waiting_since:
        return None
    portal = PortalSettings.load()
    since = timezone.localtime(feedback_request.waiting_since, portal.zone).date()
    return portal.working_days_since(since, timezone.localdate())


def _offer(allowed, form, make):
    """An action's form when the lifecycle allows the action now (`form` if the page has it
    already, bound with what was typed; else a fresh one), otherwise none."""
    if not allowed:
        return None
    return form or make()


def _follow_up_panel(feedback_request, routings, *, forward_form=None, answer_form=None) -> dict:
    """The recruiter's follow-up section: the question, its link, the reply, and what can be done now."""
    follow_up = feedback_request.get_follow_up()
    if follow_up is None:
        return {"follow_up": None}
    link = follow_up_link(routings, follow_up)
    manager = follow_up_manager(routings)
    return {
        "follow_up": follow_up,
        "follow_up_link": link,
        "follow_up_manager": manager,
        "forward_form": _offer(
            lifecycle.may_forward_follow_up(follow_up, manager=manager, link=link),
            forward_form,
            lambda: FollowUpForwardForm(follow_up=follow_up),
        ),
        "follow_up_form": _offer(
            lifecycle.may_answer_follow_up(follow_up), answer_form, lambda: _follow_up_answer_form(follow_up)
        ),
    }


def _follow_up_answer_form(follow_up: FollowUp, data=None) -> FollowUpAnswerForm:
    """The answer form, with the legal-safety check's terms (cached with the portal settings)."""
    return FollowUpAnswerForm(
        data,
        follow_up=follow_up,
        terms=safety.portal_terms(),
        names=identity.names_for(follow_up.feedback_request),
    )


def _call_form(feedback_request: FeedbackRequest, data=None) -> ManagerResponseForm:
    """The manager's own form, for the recruiter to fill in after a call (ids kept apart)."""
    return ManagerResponseForm(
        data,
        requested_areas=feedback_request.areas,
        allow_comments=feedback_request.application.client.feedback_policy
        != Client.FeedbackPolicy.RATINGS_ONLY,
        questions=feedback_request.questions_for_manager,
        auto_id="call_%s",
    )


@require_GET
def dashboard_request(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    return _dashboard_page(request, request_for_recruiter(request, request_uuid))


@require_POST
def route(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = request_for_recruiter(request, request_uuid)
    form = RouteForm(request.POST, client=feedback_request.application.client)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, route_form=form, status=400)
    manager = form.cleaned_data["hiring_manager"]
    return _act(
        request,
        feedback_request,
        lambda: services.route_request(
            feedback_request=feedback_request,
            hiring_manager=manager,
            message=form.cleaned_data["message"],
            actor=request.user,
            expires_in_days=form.cleaned_data["expires_in_days"],
        ),
        f"Sent to {manager.name}. They will get an e-mail with a personal link.",
    )


@require_POST
def extend(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = request_for_recruiter(request, request_uuid)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, extend_form=form, status=400)
    return _act(
        request,
        feedback_request,
        lambda: services.extend_routing(
            feedback_request=feedback_request, actor=request.user, days=form.cleaned_data["days"]
        ),
        lambda routing: (
            f"Extended: the link now works until {timezone.localtime(routing.expires_at):%d %b %Y %H:%M}. "
            f"{routing.hiring_manager.name} has been e-mailed the new date."
        ),
    )


@require_POST
def resend_link(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = request_for_recruiter(request, request_uuid)
    return _act(
        request,
        feedback_request,
        lambda: services.resend_link(feedback_request=feedback_request, actor=request.user),
        lambda routing: f"Sent. {routing.hiring_manager.name} has the link again.",
    )


@require_POST
def confirm_application(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = request_for_recruiter(request, request_uuid)
    form = ConfirmApplicationForm(request.POST, application=feedback_request.application)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["client"]))
        return redirect("requests_app:dashboard_request", feedback_request.uuid)
    try:
        confirmed = done_once(
            request,
            lambda: services.confirm_application(
                feedback_request=feedback_request, actor=request.user, client=form.cleaned_data["client"]
            ),
        )
    except AlreadyDone:
        confirmed = False
    if confirmed:
        messages.success(request, "Application confirmed.")
    else:
        messages.info(request, "This application was already confirmed.")
    return redirect("requests_app:dashboard_request", feedback_request.uuid)


@require_POST
def record_answer(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = request_for_recruiter(request, request_uuid)
    form = _call_form(feedback_request, request.POST)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, call_form=form, status=400)
    return _act(
        request,
        feedback_request,
        lambda: services.record_recruiter_answer(
            feedback_request=feedback_request,
            actor=request.user,
            answers=form.answers(),
            summary=form.cleaned_data.get("summary", ""),
            consider_for_other_roles=form.cleaned_data["consider_for_other_roles"],
            question_answers=form.question_answers(),
        ),
        "Recorded. Review it below and release it to the candidate.",
    )


@require_POST
def decline(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = request_for_recruiter(request, request_uuid)
    form = DeclineRequestForm(request.POST)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, decline_form=form, status=400)
    verdict = lifecycle.may_decline(feedback_request)
    if verdict and request.POST.get("confirmed") != "yes":
        # Asked once, on a page of its own: what happens, and who is told.
        return render(
            request,
            "requests_app/decline_confirm.html",
            {
                "feedback_request": feedback_request,
                "application": feedback_request.application,
                "message": form.cleaned_data["message"],
            },
        )
    return _act(
        request,
        feedback_request,
        lambda: services.decline_request(
            feedback_request=feedback_request, actor=request.user, message=form.cleaned_data["message"]
        ),
        "Declined. The candidate has been told kindly.",
    )


@require_POST
def interviewers(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    """The people who interviewed the candidate, for the release check to look for."""
    feedback_request = request_for_recruiter(request, request_uuid)
    application = feedback_request.application
    form = InterviewersForm(request.POST, application=application)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, interviewers_form=form, status=400)
    candidate_services.set_interviewers(application=application, names=form.cleaned_data["interviewers"])
    messages.success(request, "Saved. The release check looks for these names too.")
    return redirect(reverse("requests_app:dashboard_request", args=[feedback_request.uuid]) + "#interviewers")


@require_POST
def forward_follow_up(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = request_for_recruiter(request, request_uuid)
    follow_up = follow_up_of(feedback_request)
    form = FollowUpForwardForm(request.POST, follow_up=follow_up)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, forward_form=form, status=400)
    return _act(
        request,
        feedback_request,
        lambda: services.forward_follow_up(
            follow_up=follow_up, actor=request.user, message=form.cleaned_data["message"]
        ),
        lambda routing: (
            f"Forwarded to {routing.hiring_manager.name}. They will get an e-mail with a personal link."
        ),
    )


@require_POST
def answer_follow_up(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = request_for_recruiter(request, request_uuid)
    follow_up = follow_up_of(feedback_request)
    form = _follow_up_answer_form(follow_up, request.POST)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, follow_up_form=form, status=400)
    try:
        done_once(
            request,
            lambda: services.answer_follow_up(
                follow_up=follow_up,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                seen_state=request.POST.get("seen_state", ""),
                acknowledged_flags=form.acknowledged(),
            ),
        )
    except AlreadyDone:
        messages.info(request, ALREADY_DONE)
    except services.TransitionNotAllowed as exc:
        fresh = request_for_recruiter(request, request_uuid)
        if lifecycle.may_answer_follow_up(follow_up_of(fresh)):
            # The manager replied meanwhile: show the reply beside what was typed, nothing lost.
            form.add_error(None, str(exc))
            return _dashboard_page(request, fresh, follow_up_form=form, status=409)
        messages.error(request, str(exc))
    else:
        messages.success(request, "Sent. The candidate has been e-mailed.")
    return redirect("requests_app:dashboard_request", feedback_request.uuid)
