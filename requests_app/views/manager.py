"""The hiring manager's pages, reached by e-mailed link without an account.

The link's token is checked once (failed guesses limited per address), grants this browser the
routing, and moves to token-less pages: the request's answer or decline, and the
follow-up question's reply or decline.
"""

from functools import wraps
from uuid import UUID

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.models import Client
from feedback_portal.cache import CacheUnavailable
from feedback_portal.once import AlreadyDone, done_once, was_done

from .. import lifecycle, services, tokens
from ..access import follow_up_routing_for_manager, grant, routing_for_manager
from ..forms import ManagerDeclineForm, ManagerFollowUpDeclineForm, ManagerFollowUpForm, ManagerResponseForm
from ..models import Routing

FAILED_LINK_LIMIT = 20  # unknown links per address per window before they are answered "slow down"
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
    """The address to count guesses by, read as allauth reads it for its own limits: behind
    TRUSTED_PROXY_COUNT proxies, the address the farthest trusted proxy saw."""
    try:
        return get_account_adapter().get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied):  # fewer forwarded addresses than proxies
        return request.META.get("REMOTE_ADDR", "unknown")


def _count_failed_guess(request: HttpRequest) -> int:
    """One more unknown link from this address in the window; how many there were.

    Atomic on Redis (SET NX, then INCR), as production runs it. On the file cache of
    `make run`, the add and the increment are separate reads and writes, so a burst of parallel
    guesses may be undercounted: that cache is for one developer's machine, not for the internet.
    """
    key = f"respond-fail:{_client_address(request)}"
    cache.add(key, 0, FAILED_LINK_WINDOW)
    try:
        return cache.incr(key)
    except CacheUnavailable:  # nothing can be counted: unknown links wait until it can
        return FAILED_LINK_LIMIT + 1
    except ValueError:  # the window ran out between add() and incr(): start a new one
        cache.set(key, 1, FAILED_LINK_WINDOW)
        return 1


def _link_closed(request: HttpRequest) -> HttpResponse:
    return render(request, "requests_app/respond_closed.html", status=410)


def _answered(request: HttpRequest, run, page: str, routing: Routing) -> HttpResponse:
    """Store the manager's answer once, then show it back to them (the thank-you page).

    The same form sent again (a double click) lands on the same thank-you page; an answer the
    link no longer takes (it closed meanwhile) gets the closed page.
    """
    try:
        done_once(request, run)
    except AlreadyDone:
        pass  # the first one was stored: the thank-you page shows it
    except services.TransitionNotAllowed:
        return _link_closed(request)
    return redirect(page, routing.uuid)


def _link_unknown(request: HttpRequest) -> HttpResponse:
    return render(request, "requests_app/respond_unknown.html", status=404)


@link_page
@require_GET
def respond_entry(request: HttpRequest, token: str) -> HttpResponse:
    """Check the token, grant this browser the routing, and move to the token-less page.

    Only failed guesses count against an address, and a valid link always opens: many managers
    may share one address (an office, a proxy), and one mistyped link must not shut them out.
    """
    routing = tokens.find_routing(token)
    if routing is None:
        if _count_failed_guess(request) > FAILED_LINK_LIMIT:
            return render(request, "requests_app/respond_unknown.html", {"rate_limited": True}, status=429)
        return _link_unknown(request)
    if not (lifecycle.manager_may_answer(routing) or lifecycle.manager_may_see_answer(routing)):
        return _link_closed(request)
    grant(request, routing)
    # A link to the candidate's follow-up question has pages of its own.
    page = "requests_app:respond_answer" if routing.follow_up_id is None else "requests_app:respond_follow_up"
    return redirect(page, routing.uuid)


def _manager_form(routing: Routing, data=None) -> ManagerResponseForm:
    client = routing.feedback_request.application.client
    return ManagerResponseForm(
        data,
        requested_areas=routing.feedback_request.areas,
        allow_comments=client.feedback_policy == Client.FeedbackPolicy.FULL,
        questions=routing.feedback_request.questions_for_manager,
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
            "asked_questions": routing.feedback_request.questions_for_manager,
            "form": None if no_feedback else (form or _manager_form(routing)),
            "decline_form": decline_form
            or ManagerDeclineForm(initial={"reason": "policy"} if no_feedback else None),
        },
        status=status,
    )


@answer_page
@require_http_methods(["GET", "POST"])
def respond_answer(request: HttpRequest, routing_uuid: UUID) -> HttpResponse:
    routing = routing_for_manager(request, routing_uuid)
    if request.method == "POST" and was_done(request):  # sent twice: show what the first one sent
        return redirect("requests_app:respond_answer", routing.uuid)
    if request.method == "GET" and lifecycle.manager_may_see_answer(routing, follow_up=False):
        response = routing.responses.prefetch_related("answers").first()
        return render(request, "requests_app/respond_thanks.html", {"routing": routing, "response": response})
    if not lifecycle.manager_may_answer(routing, follow_up=False):
        return _link_closed(request)
    if request.method == "GET":
        return _respond_page(request, routing)
    if routing.feedback_request.application.client.feedback_policy == Client.FeedbackPolicy.NONE:
        # This client's policy allows no feedback: its page offers only the decline.
        return _respond_page(request, routing, status=400)
    form = _manager_form(routing, request.POST)
    if not form.is_valid():
        return _respond_page(request, routing, form=form, status=400)
    return _answered(
        request,
        lambda: services.submit_manager_response(
            routing=routing,
            answers=form.answers(),
            summary=form.cleaned_data.get("summary", ""),
            consider_for_other_roles=form.cleaned_data["consider_for_other_roles"],
            question_answers=form.question_answers(),
        ),
        "requests_app:respond_answer",
        routing,
    )


@answer_page
@require_POST
def respond_decline(request: HttpRequest, routing_uuid: UUID) -> HttpResponse:
    routing = routing_for_manager(request, routing_uuid)
    if request.method == "POST" and was_done(request):  # sent twice: show what the first one sent
        return redirect("requests_app:respond_answer", routing.uuid)
    if not lifecycle.manager_may_answer(routing, follow_up=False):
        return _link_closed(request)
    form = ManagerDeclineForm(request.POST)
    if not form.is_valid():
        return _respond_page(request, routing, decline_form=form, status=400)
    return _answered(
        request,
        lambda: services.submit_manager_decline(routing=routing, reason=form.reason_text()),
        "requests_app:respond_answer",
        routing,
    )


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
    routing = follow_up_routing_for_manager(request, routing_uuid)
    if request.method == "POST" and was_done(request):  # sent twice: show what the first one sent
        return redirect("requests_app:respond_follow_up", routing.uuid)
    if request.method == "GET" and lifecycle.manager_may_see_answer(routing, follow_up=True):
        return render(
            request,
            "requests_app/respond_follow_up_thanks.html",
            {"routing": routing, "follow_up": routing.follow_up},
        )
    if not lifecycle.manager_may_answer(routing, follow_up=True):
        return _link_closed(request)
    if request.method == "GET":
        return _follow_up_page(request, routing)
    form = ManagerFollowUpForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, routing, form=form, status=400)
    return _answered(
        request,
        lambda: services.reply_to_follow_up(routing=routing, reply=form.cleaned_data["reply"]),
        "requests_app:respond_follow_up",
        routing,
    )


@answer_page
@require_POST
def respond_follow_up_decline(request: HttpRequest, routing_uuid: UUID) -> HttpResponse:
    routing = follow_up_routing_for_manager(request, routing_uuid)
    if request.method == "POST" and was_done(request):  # sent twice: show what the first one sent
        return redirect("requests_app:respond_follow_up", routing.uuid)
    if not lifecycle.manager_may_answer(routing, follow_up=True):
        return _link_closed(request)
    form = ManagerFollowUpDeclineForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, routing, decline_form=form, status=400)
    return _answered(
        request,
        lambda: services.decline_follow_up(routing=routing, reason=form.reason_text()),
        "requests_app:respond_follow_up",
        routing,
    )
