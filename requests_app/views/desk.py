"""The recruiter's desk: the queue, bulk actions on it, reassigning a request, handing work over."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from feedback_portal.access import recruiter_required
from feedback_portal.models import PortalSettings, User
from feedback_portal.once import AlreadyDone, done_once
from feedback_portal.paging import cursor_from, keyset_page

from .. import queue, queue_kept, queue_rows, services
from ..access import desk_of, request_for_recruiter, requests_for_recruiter, sees_every_request
from ..forms.desk import BulkForm, HandoverForm, ReassignForm
from ..models import BulkRun, FeedbackRequest, Handover
from .actions import ALREADY_DONE, act


def _desk(request: HttpRequest, *, mine: bool) -> list[int]:
    """Whose work "Mine" means: read only when the page needs it."""
    return desk_of(request) if mine else [request.user.pk]


@require_GET
@recruiter_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The queue: what waits for a recruiter, longest first, or any view, search and filter of it."""
    portal = PortalSettings.load()
    visible = requests_for_recruiter(request)
    desk = _desk(request, mine=request.GET.get("owner") == queue.MINE)
    # The filter's lists and the counts of open work: one trip to the cache.
    kept = queue_kept.lists_and_counts(visible, every_request=sees_every_request(request))
    clients, recruiters, counts = kept.clients, kept.recruiters, kept.counts
    filterset = queue.QueueFilter(
        request.GET or None,
        queryset=visible.for_queue(),
        me=request.user,
        desk=desk,
        portal=portal,
        lists=(clients, recruiters),
    )
    cursor, backwards = cursor_from(request.GET)
    page = keyset_page(
        filterset.qs,
        order=queue.SORTS[filterset.chosen_sort][1],
        cursor=cursor,
        backwards=backwards,
        size=queue.PAGE_SIZE,
    )
    keep = {key: value for key, value in request.GET.items() if key not in ("after", "before")}
    # The rows' HTML in one piece: fifty turns of a template loop cost more than the rows.
    rows_html = queue_rows.rows_html(queue_rows.rows(page.rows, portal, kept.names))
    # The filters and the bulk form are kept rendered, keyed by what they show; both in one trip.
    filters_key = "queue-filters:" + queue_kept.fragment_key(request.GET, clients, recruiters)
    wanted = {
        filters_key: lambda: render_to_string(
            "requests_app/_queue_filters.html",
            {"filter": filterset, "more_filters_used": filterset.more_filters_used},
        )
    }
    bulk_key = "queue-bulk:" + queue_kept.fragment_key(QueryDict(), recruiters)
    if rows_html:
        wanted[bulk_key] = lambda: render_to_string(
            "requests_app/_queue_bulk.html", {"form": BulkForm(recruiters=recruiters)}
        )
    fragments = queue_kept.fragments(wanted)
    return render(
        request,
        "requests_app/dashboard.html",
        {
            "filter": filterset,
            "page": page,
            "next_href": page.next_query(**keep),
            "previous_href": page.previous_query(**keep),
            "rows_html": rows_html,
            "needs_counts": [
                (kind, label, counts["needs"].get(kind, 0)) for kind, label in FeedbackRequest.Needs.choices
            ],
            "waiting": sum(counts["needs"].values()),
            "open_count": sum(counts["states"].values()),
            "view": filterset.chosen_view,
            "filters_html": fragments[filters_key],
            "bulk_html": fragments.get(bulk_key, ""),
            "portal": portal,
        },
    )


@require_POST
@recruiter_required
def bulk(request: HttpRequest) -> HttpResponse:
    """Act on the requests ticked in the queue; then the page saying what was done and what was refused."""
    form = BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        back = request.POST.get("back")
        return redirect(back if _is_queue_address(back) else "requests_app:dashboard")
    visible = requests_for_recruiter(request)
    chosen = form.cleaned_data["requests"]
    found = {fr.uuid: fr for fr in visible.select_related("application__client").filter(uuid__in=chosen)}
    # In the order ticked; a request the user may not see is not acted on (nor named).
    requests = [found[u] for u in chosen if u in found]
    action, parameters = form.cleaned_data["action"], form.parameters()
    try:
        run = done_once(
            request,
            lambda: services.run_bulk(
                action=action, requests=requests, actor=request.user, parameters=parameters
            ),
        )
    except AlreadyDone:
        messages.info(request, ALREADY_DONE)
        return redirect("requests_app:dashboard")
    return redirect("requests_app:bulk_result", run.uuid)


def _is_queue_address(address: str | None) -> bool:
    return bool(address) and address.startswith("/dashboard/") and "//" not in address


@require_GET
@recruiter_required
def bulk_result(request: HttpRequest, run_uuid: UUID) -> HttpResponse:
    """What a bulk action did to each request: done, or refused and why (only its author sees it)."""
    run = get_object_or_404(BulkRun, uuid=run_uuid, created_by=request.user)
    return render(request, "requests_app/bulk_result.html", {"run": run})


@require_http_methods(["GET", "POST"])
def reassign(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    """Give one request to another recruiter; on its timeline."""
    feedback_request = request_for_recruiter(request, request_uuid)
    form = ReassignForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(
            request,
            "requests_app/reassign.html",
            {"feedback_request": feedback_request, "application": feedback_request.application, "form": form},
            status=400 if form.is_bound else 200,
        )
    to = form.recruiter()
    return act(
        request,
        lambda: services.reassign(feedback_request=feedback_request, to=to, actor=request.user),
        lambda changed: f"Now looked after by {to}." if changed else f"{to} looks after it already.",
        back_to="requests_app:dashboard_request",
        request_uuid=feedback_request.uuid,
    )


@require_http_methods(["GET", "POST"])
@recruiter_required
def handover(request: HttpRequest) -> HttpResponse:
    """Hand over a recruiter's open work to a colleague, for dates or for good; the hand-overs in force."""
    form = HandoverForm(request.POST if request.method == "POST" else None, me=request.user)
    if request.method == "POST" and form.is_valid():
        giver, taker = form.people()
        if giver != request.user and request.user.role != User.Role.ADMIN:
            raise Http404
        for_good = form.cleaned_data["how_long"] == HandoverForm.FOR_GOOD
        try:
            done_once(
                request,
                lambda: services.hand_over(
                    from_recruiter=giver,
                    to_recruiter=taker,
                    actor=request.user,
                    starts_on=timezone.localdate() if for_good else form.cleaned_data["starts_on"],
                    ends_on=None if for_good else form.cleaned_data["ends_on"],
                ),
            )
        except AlreadyDone:
            messages.info(request, ALREADY_DONE)
        else:
            if for_good:
                messages.success(request, f"{giver}'s open requests and clients are {taker}'s now.")
            else:
                messages.success(
                    request,
                    f"{taker} covers {giver}'s work from {form.cleaned_data['starts_on']:%-d %b} to "
                    f"{form.cleaned_data['ends_on']:%-d %b %Y}: it shows under their “Mine”.",
                )
        return redirect("requests_app:handover")
    in_force = (
        Handover.objects.filter(ends_on__gte=timezone.localdate())
        .select_related("from_recruiter", "to_recruiter")
        .order_by("starts_on")
    )
    return render(
        request,
        "requests_app/handover.html",
        {"form": form, "handovers": list(in_force)},
        status=400 if form.is_bound else 200,
    )
