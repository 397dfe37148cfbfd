"""Pages for feedback requests: the candidate's, the recruiter's and the hiring manager's.

Views are thin: check access (one helper per object kind, below), call a form, a
service or a query, render. Someone else's object answers 404, never 403.
"""

import calendar
from datetime import date
from functools import wraps
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.models import Application, Client
from feedback_portal.access import recruiter_required
from feedback_portal.models import PortalSettings

from . import safety, services, tokens
from .filters import DashboardFilter
from .forms import (
    AcknowledgeForm,
    DeclineRequestForm,
    ExtendForm,
    FeedbackRequestForm,
    FollowUpAnswerForm,
    FollowUpForwardForm,
    FollowUpQuestionForm,
    ManagerDeclineForm,
    ManagerFollowUpDeclineForm,
    ManagerFollowUpForm,
    ManagerResponseForm,
    ReleaseForm,
    RouteForm,
)
from .models import (
    FeedbackRequest,
    FeedbackResponse,
    FollowUp,
    NextStep,
    Rating,
    Routing,
    can,
    can_follow_up,
)

# --- Access: one helper per object kind --------------------------------------------


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


# --- Candidate ----------------------------------------------------------------------


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
            # An open follow-up keeps the request open (services._refuse_while_follow_up_open).
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
    try:
        services.acknowledge_feedback(
            feedback_request=feedback_request,
            candidate=request.user,
            usefulness=form.cleaned_data["usefulness"],
        )
    except services.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Thank you. This request is closed; your feedback stays here to read.")
    return redirect("requests_app:candidate_request", feedback_request.uuid)


@require_POST
def ask_follow_up(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = candidate_request(request, request_uuid)
    form = FollowUpQuestionForm(request.POST)
    if not form.is_valid():
        return _candidate_page(request, feedback_request, follow_up_form=form, status=400)
    try:
        services.ask_follow_up(
            feedback_request=feedback_request, candidate=request.user, question=form.cleaned_data["question"]
        )
    except services.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "Your question is on its way to your recruiter. We will e-mail you when it is answered."
        )
    return redirect("requests_app:candidate_request", feedback_request.uuid)


@require_POST
def withdraw(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = candidate_request(request, request_uuid)
    try:
        services.withdraw_request(feedback_request=feedback_request, candidate=request.user)
        messages.success(request, "Your request is withdrawn. Nobody will be asked about it again.")
    except services.TransitionNotAllowed:
        messages.error(request, "This request has already ended, so it cannot be withdrawn.")
    return redirect("requests_app:candidate_request", feedback_request.uuid)


# --- Recruiter ----------------------------------------------------------------------


@require_GET
@recruiter_required
def dashboard(request: HttpRequest) -> HttpResponse:
    base = FeedbackRequest.objects.all()
    filterset = DashboardFilter(request.GET or None, queryset=base.for_dashboard())
    rows = list(filterset.qs[:200])
    by_state = base.state_counts()
    counts = [(state, label, by_state[state]) for state, label in FeedbackRequest.State.choices]
    return render(
        request,
        "requests_app/dashboard.html",
        {"filter": filterset, "rows": rows, "counts": counts},
    )


def _latest_response(feedback_request: FeedbackRequest) -> FeedbackResponse | None:
    return feedback_request.responses.prefetch_related("answers").first()


def _dashboard_page(
    request,
    feedback_request,
    *,
    response=None,
    route_form=None,
    release_form=None,
    decline_form=None,
    extend_form=None,
    call_form=None,
    forward_form=None,
    follow_up_form=None,
    status=200,
):
    application = feedback_request.application
    client: Client = application.client
    # Every routing in one query (a handful at most): the request's own latest, and the follow-up's.
    routings = list(feedback_request.routings.select_related("hiring_manager"))
    routing = next((r for r in routings if r.follow_up_id is None), None)
    # The release view has fetched the response already: a page keeps its fixed query count.
    response = response or _latest_response(feedback_request)
    state = feedback_request.state
    # An application the candidate described is routed only once a recruiter confirms it.
    can_route = can("route", state) and application.is_confirmed
    if route_form is None and can_route:
        route_form = RouteForm(
            client=client,
            initial={
                "message": feedback_request.questions if feedback_request.consent_to_forward else "",
                "expires_in_days": PortalSettings.load().link_expiry_days,
            },
        )
    if (
        release_form is None
        and response
        and response.kind == FeedbackResponse.Kind.FEEDBACK
        and can("release", state)
    ):
        release_form = _release_form(feedback_request, response)
    if decline_form is None and can("decline", state):
        decline_form = DeclineRequestForm()
    can_extend = can("extend", state) and routing is not None and routing.revoked_at is None
    if call_form is None and can("recruiter_answer", state):
        call_form = _call_form(feedback_request)
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
            "route_form": route_form if can_route else None,
            "release_form": release_form,
            "decline_form": decline_form if can("decline", state) else None,
            "extend_form": (extend_form or ExtendForm()) if can_extend else None,
            "call_form": call_form if can("recruiter_answer", state) else None,
            **_follow_up_panel(
                feedback_request, routings, routing, forward_form=forward_form, answer_form=follow_up_form
            ),
        },
        status=status,
    )


def _follow_up_panel(feedback_request, routings, routing, *, forward_form=None, answer_form=None) -> dict:
    """The recruiter's follow-up section: the question, its link, the reply, and what can be done now."""
    follow_up = feedback_request.get_follow_up()
    if follow_up is None:
        return {"follow_up": None}
    link = next((r for r in routings if r.follow_up_id == follow_up.pk), None)
    # The follow-up goes where services._follow_up_manager sends it: the request's last routing.
    manager = routing.hiring_manager if routing else None
    can_forward = (
        can_follow_up("forward", follow_up.state)
        and manager is not None
        and manager.is_active
        # Forwarded already: offered again (a fresh link) only once the current link has closed.
        and (link is None or not link.is_live())
    )
    can_answer = can_follow_up("answer", follow_up.state)
    return {
        "follow_up": follow_up,
        "follow_up_link": link,
        "follow_up_manager": manager,
        "forward_form": (forward_form or FollowUpForwardForm(follow_up=follow_up)) if can_forward else None,
        "follow_up_form": (answer_form or _follow_up_answer_form(follow_up)) if can_answer else None,
    }


def _follow_up_answer_form(follow_up: FollowUp, data=None) -> FollowUpAnswerForm:
    """The answer form, with the legal-safety check's terms (cached with the portal settings)."""
    return FollowUpAnswerForm(data, follow_up=follow_up, terms=safety.portal_terms())


def _release_form(feedback_request: FeedbackRequest, response: FeedbackResponse, data=None) -> ReleaseForm:
    """The review form, with the legal-safety check run on what it shows (the terms are cached)."""
    return ReleaseForm(
        data,
        response=response,
        terms=safety.portal_terms(),
        comments_expected=feedback_request.application.client.feedback_policy
        != Client.FeedbackPolicy.RATINGS_ONLY,
    )


def _call_form(feedback_request: FeedbackRequest, data=None) -> ManagerResponseForm:
    """The manager's own form, for the recruiter to fill in after a call (ids kept apart)."""
    return ManagerResponseForm(
        data,
        requested_areas=feedback_request.areas,
        allow_comments=feedback_request.application.client.feedback_policy
        != Client.FeedbackPolicy.RATINGS_ONLY,
        auto_id="call_%s",
    )


@require_GET
def dashboard_request(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    return _dashboard_page(request, recruiter_request(request, request_uuid))


@require_POST
def route(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = recruiter_request(request, request_uuid)
    form = RouteForm(request.POST, client=feedback_request.application.client)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, route_form=form, status=400)
    try:
        services.route_request(
            feedback_request=feedback_request,
            hiring_manager=form.cleaned_data["hiring_manager"],
            message=form.cleaned_data["message"],
            actor=request.user,
            expires_in_days=form.cleaned_data["expires_in_days"],
        )
    except services.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        manager = form.cleaned_data["hiring_manager"]
        messages.success(request, f"Sent to {manager.name}. They will get an e-mail with a personal link.")
    return redirect("requests_app:dashboard_request", feedback_request.uuid)


@require_POST
def extend(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = recruiter_request(request, request_uuid)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, extend_form=form, status=400)
    try:
        routing = services.extend_routing(
            feedback_request=feedback_request, actor=request.user, days=form.cleaned_data["days"]
        )
    except services.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        until = timezone.localtime(routing.expires_at)
        messages.success(request, f"Extended: the link now works until {until:%d %b %Y %H:%M}.")
    return redirect("requests_app:dashboard_request", feedback_request.uuid)


@require_POST
def confirm_application(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = recruiter_request(request, request_uuid)
    if services.confirm_application(feedback_request=feedback_request, actor=request.user):
        messages.success(request, "Application confirmed.")
    else:
        messages.info(request, "This application was already confirmed.")
    return redirect("requests_app:dashboard_request", feedback_request.uuid)


@require_POST
def record_answer(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = recruiter_request(request, request_uuid)
    form = _call_form(feedback_request, request.POST)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, call_form=form, status=400)
    try:
        services.record_recruiter_answer(
            feedback_request=feedback_request,
            actor=request.user,
            answers=form.answers(),
            summary=form.cleaned_data.get("summary", ""),
            consider_for_other_roles=form.cleaned_data["consider_for_other_roles"],
        )
    except services.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Recorded. Review it below and release it to the candidate.")
    return redirect("requests_app:dashboard_request", feedback_request.uuid)


@require_POST
def release(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = recruiter_request(request, request_uuid)
    response = _latest_response(feedback_request)
    if response is None:
        raise Http404
    form = _release_form(feedback_request, response, request.POST)
    if not form.is_valid():
        # Unresolved flags of the legal-safety check land here too, with everything typed kept.
        return _dashboard_page(request, feedback_request, response=response, release_form=form, status=400)
    try:
        services.release_response(
            response=response,
            actor=request.user,
            released_summary=form.cleaned_data["released_summary"],
            released_comments=form.released_comments(),
            acknowledged_flags=form.acknowledged(),
        )
    except services.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Released. The candidate has been e-mailed.")
    return redirect("requests_app:dashboard_request", feedback_request.uuid)


@require_POST
def decline(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = recruiter_request(request, request_uuid)
    form = DeclineRequestForm(request.POST)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, decline_form=form, status=400)
    try:
        services.decline_request(
            feedback_request=feedback_request, actor=request.user, message=form.cleaned_data["message"]
        )
    except services.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Declined. The candidate has been told kindly.")
    return redirect("requests_app:dashboard_request", feedback_request.uuid)


@require_POST
def forward_follow_up(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = recruiter_request(request, request_uuid)
    follow_up = request_follow_up(feedback_request)
    form = FollowUpForwardForm(request.POST, follow_up=follow_up)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, forward_form=form, status=400)
    try:
        routing = services.forward_follow_up(
            follow_up=follow_up, actor=request.user, message=form.cleaned_data["message"]
        )
    except services.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        manager = routing.hiring_manager
        messages.success(
            request, f"Forwarded to {manager.name}. They will get an e-mail with a personal link."
        )
    return redirect("requests_app:dashboard_request", feedback_request.uuid)


@require_POST
def answer_follow_up(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    feedback_request = recruiter_request(request, request_uuid)
    follow_up = request_follow_up(feedback_request)
    form = _follow_up_answer_form(follow_up, request.POST)
    if not form.is_valid():
        return _dashboard_page(request, feedback_request, follow_up_form=form, status=400)
    try:
        services.answer_follow_up(
            follow_up=follow_up,
            actor=request.user,
            answer=form.cleaned_data["answer"],
            seen_state=request.POST.get("seen_state", ""),
            acknowledged_flags=form.acknowledged(),
        )
    except services.TransitionNotAllowed as exc:
        fresh = recruiter_request(request, request_uuid)
        if can_follow_up("answer", request_follow_up(fresh).state):
            # The manager replied meanwhile: show the reply beside what was typed, nothing lost.
            form.add_error(None, str(exc))
            return _dashboard_page(request, fresh, follow_up_form=form, status=409)
        messages.error(request, str(exc))
    else:
        messages.success(request, "Sent. The candidate has been e-mailed.")
    return redirect("requests_app:dashboard_request", feedback_request.uuid)


# --- Hiring manager, by e-mailed link --------------------------------------------------

FAILED_LINK_LIMIT = 20  # unknown tokens per address per window before we stop looking
FAILED_LINK_WINDOW = 15 * 60


def link_page(view, *, referrer_policy: str = "no-referrer"):
    """Pages reached by link: no login, never cached, never leak the address onward."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = referrer_policy
        response["Cache-Control"] = "no-store"
        return response

    return login_not_required(never_cache(wrapper))


def answer_page(view):
    """The token-less pages the manager answers on.

    Under `no-referrer` a browser POSTs the page's forms with `Origin: null` (and no
    Referer), which Django's CSRF check refuses with a 403. These addresses hold no
    secret, and `same-origin` still sends nothing to any other site.
    """
    return link_page(view, referrer_policy="same-origin")


def _client_address(request: HttpRequest) -> str:
    """The address to rate-limit: behind N trusted proxies, the one the nearest proxy saw."""
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def _link_closed(request: HttpRequest) -> HttpResponse:
    return render(request, "requests_app/respond_closed.html", status=410)


def _link_unknown(request: HttpRequest) -> HttpResponse:
    return render(request, "requests_app/respond_unknown.html", status=404)


def _answerable(routing: Routing) -> bool:
    return routing.is_live() and routing.feedback_request.state == FeedbackRequest.State.AWAITING_MANAGER


def _follow_up_answerable(routing: Routing) -> bool:
    return routing.is_live() and routing.follow_up.state == FollowUp.State.FORWARDED


def _follow_up_thanks_visible(routing: Routing) -> bool:
    """After replying, the manager may look again until the recruiter sends the answer (which revokes it)."""
    return routing.is_live() and routing.follow_up.state == FollowUp.State.REPLIED


def _thank_you_visible(routing: Routing) -> bool:
    """After answering, the manager may look again until the recruiter releases or ends it.

    Not past the routing's expiry: every link of the routing stops working then (DESIGN §5).
    """
    return (
        routing.is_live()
        and routing.feedback_request.state == FeedbackRequest.State.ANSWERED
        and routing.responses.exists()
    )


@link_page
@require_GET
def respond_entry(request: HttpRequest, token: str) -> HttpResponse:
    """Check the token, grant this browser the routing, and move to the token-less page."""
    key = f"respond-fail:{_client_address(request)}"
    if cache.get(key, 0) >= FAILED_LINK_LIMIT:
        return render(request, "requests_app/respond_unknown.html", {"rate_limited": True}, status=429)
    routing = tokens.find_routing(token)
    if routing is None:
        cache.add(key, 0, FAILED_LINK_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # the window ran out between add() and incr(): start a new one
            cache.set(key, 1, FAILED_LINK_WINDOW)
        return _link_unknown(request)
    if routing.follow_up_id is None:
        is_open = _answerable(routing) or _thank_you_visible(routing)
        page = "requests_app:respond_answer"
    else:  # a link to the candidate's follow-up question (DESIGN §4)
        is_open = _follow_up_answerable(routing) or _follow_up_thanks_visible(routing)
        page = "requests_app:respond_follow_up"
    if not is_open:
        return _link_closed(request)
    grants = [g for g in request.session.get(GRANTS_KEY, []) if g != str(routing.uuid)]
    request.session.cycle_key()
    request.session[GRANTS_KEY] = [*grants, str(routing.uuid)]
    return redirect(page, routing.uuid)


def _manager_form(routing: Routing, data=None) -> ManagerResponseForm:
    client = routing.feedback_request.application.client
    return ManagerResponseForm(
        data,
        requested_areas=routing.feedback_request.areas,
        allow_comments=client.feedback_policy == Client.FeedbackPolicy.FULL,
    )


def _respond_page(request, routing, *, form=None, decline_form=None, status=200) -> HttpResponse:
    client = routing.feedback_request.application.client
    no_feedback = client.feedback_policy == Client.FeedbackPolicy.NONE
    return render(
        request,
        "requests_app/respond_answer.html",
        {
            "routing": routing,
            "application": routing.feedback_request.application,
            "client": client,
            "form": None if no_feedback else (form or _manager_form(routing)),
            "decline_form": decline_form
            or ManagerDeclineForm(initial={"reason": "policy"} if no_feedback else None),
        },
        status=status,
    )


@answer_page
@require_http_methods(["GET", "POST"])
def respond_answer(request: HttpRequest, routing_uuid: UUID) -> HttpResponse:
    routing = granted_routing(request, routing_uuid)
    if request.method == "GET" and _thank_you_visible(routing):
        response = routing.responses.prefetch_related("answers").first()
        return render(request, "requests_app/respond_thanks.html", {"routing": routing, "response": response})
    if not _answerable(routing):
        return _link_closed(request)
    if request.method == "GET":
        return _respond_page(request, routing)
    if routing.feedback_request.application.client.feedback_policy == Client.FeedbackPolicy.NONE:
        # This client's policy allows no feedback: its page offers only the decline.
        return _respond_page(request, routing, status=400)
    form = _manager_form(routing, request.POST)
    if not form.is_valid():
        return _respond_page(request, routing, form=form, status=400)
    try:
        services.submit_manager_response(
            routing=routing,
            answers=form.answers(),
            summary=form.cleaned_data.get("summary", ""),
            consider_for_other_roles=form.cleaned_data["consider_for_other_roles"],
        )
    except services.TransitionNotAllowed:
        return _link_closed(request)
    return redirect("requests_app:respond_answer", routing.uuid)


@answer_page
@require_POST
def respond_decline(request: HttpRequest, routing_uuid: UUID) -> HttpResponse:
    routing = granted_routing(request, routing_uuid)
    if not _answerable(routing):
        return _link_closed(request)
    form = ManagerDeclineForm(request.POST)
    if not form.is_valid():
        return _respond_page(request, routing, decline_form=form, status=400)
    try:
        services.submit_manager_decline(routing=routing, reason=form.reason_text())
    except services.TransitionNotAllowed:
        return _link_closed(request)
    return redirect("requests_app:respond_answer", routing.uuid)


def _follow_up_page(request, routing, *, form=None, decline_form=None, status=200) -> HttpResponse:
    """The question, beside the feedback this manager gave (their own words, not the released edit)."""
    feedback_request = routing.feedback_request
    response = (
        feedback_request.responses.filter(released_at__isnull=False).prefetch_related("answers").first()
    )
    return render(
        request,
        "requests_app/respond_follow_up.html",
        {
            "routing": routing,
            "application": feedback_request.application,
            "client": feedback_request.application.client,
            "response": response,
            "form": form or ManagerFollowUpForm(),
            "decline_form": decline_form or ManagerFollowUpDeclineForm(),
        },
        status=status,
    )


@answer_page
@require_http_methods(["GET", "POST"])
def respond_follow_up(request: HttpRequest, routing_uuid: UUID) -> HttpResponse:
    routing = granted_follow_up_routing(request, routing_uuid)
    if request.method == "GET" and _follow_up_thanks_visible(routing):
        return render(
            request,
            "requests_app/respond_follow_up_thanks.html",
            {"routing": routing, "follow_up": routing.follow_up},
        )
    if not _follow_up_answerable(routing):
        return _link_closed(request)
    if request.method == "GET":
        return _follow_up_page(request, routing)
    form = ManagerFollowUpForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, routing, form=form, status=400)
    try:
        services.reply_to_follow_up(routing=routing, reply=form.cleaned_data["reply"])
    except services.TransitionNotAllowed:
        return _link_closed(request)
    return redirect("requests_app:respond_follow_up", routing.uuid)


@answer_page
@require_POST
def respond_follow_up_decline(request: HttpRequest, routing_uuid: UUID) -> HttpResponse:
    routing = granted_follow_up_routing(request, routing_uuid)
    if not _follow_up_answerable(routing):
        return _link_closed(request)
    form = ManagerFollowUpDeclineForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, routing, decline_form=form, status=400)
    try:
        services.decline_follow_up(routing=routing, reason=form.reason_text())
    except services.TransitionNotAllowed:
        return _link_closed(request)
    return redirect("requests_app:respond_follow_up", routing.uuid)
