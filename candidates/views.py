"""Applications: a candidate describing a missing one, a recruiter adding one or recording its outcome.

Clients: the recruiters' list of them, and each client's page with its hiring managers. (The
candidate's own list of applications shows their feedback requests: it is in requests_app.)
"""

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from feedback_portal import erasure
from feedback_portal.access import candidate_required, recruiter_required
from feedback_portal.forms import EraseNowForm
from feedback_portal.limits import Limit
from feedback_portal.models import OutboundEmail
from feedback_portal.once import AlreadyDone, already_done, done_once
from feedback_portal.paging import cursor_from, keyset_page

from . import services
from .access import (
    application_for_recruiter,
    client_for_recruiter,
    hiring_manager_for_admin,
    hiring_manager_for_recruiter,
)
from .emails import FEEDBACK_INVITATION
from .erasure import ERASED_MANAGER_NAME
from .erasure import erase_hiring_manager as erase_manager_data
from .forms import ApplicationForm, ClientForm, DescribeApplicationForm, HiringManagerForm, OutcomeForm
from .models import APPLICATION_ORDER, CLIENT_ORDERS, Application, Client, count_open_requests

# What one person may do in a while (feedback_portal/limits.py): generous for real work, a wall
# for a script or a stuck key. Imports and integrations are not counted.
DAILY_DESCRIPTIONS = Limit(
    most=5,
    per=timedelta(days=1),
    message="You have told us about 5 applications today. Your recruiter confirms each one; "
    "to add more, try again tomorrow or write to them.",
)
HOURLY_INVITATIONS = Limit(
    most=60,
    per=timedelta(hours=1),
    message="You have invited 60 candidates by hand in the last hour, the most the portal sends "
    "from one recruiter. Save this without the invitation, or wait a little and try again.",
)


def _limit_reached(form, limit: Limit, done) -> bool:
    """Whether `limit` is reached by `done`; if so, the form says so and keeps what was typed."""
    if limit.reached(done, now=timezone.now()):
        form.add_error(None, limit.message)
        return True
    return False


# Applications that arrived from the agency's tracking system: their invitations were not typed.
IMPORTED = (Application.Source.IMPORT, Application.Source.API)


def _invitations_limited(request: HttpRequest, form) -> bool:
    """Invitations typed by hand, counted by the e-mails about this recruiter's applications.

    Those about applications the applicant-tracking system sends through the API are its
    invitations, not the recruiter's typing, and are left out (an invitation typed by hand on such
    an application is left out too: the outbox does not say who asked for an e-mail).
    """
    if not form.cleaned_data.get("invite"):
        return False
    sent = OutboundEmail.objects.filter(
        kind=FEEDBACK_INVITATION.name, application__recruiter=request.user
    ).exclude(application__source__in=IMPORTED)
    return _limit_reached(form, HOURLY_INVITATIONS, sent)


# A new agency with no recruiter yet: nothing is stored, and the candidate is told to come back.
NOBODY_TO_TRIAGE = (
    "We can't take this application just now: the agency has nobody set up to look after it yet. "
    "Please try again in a day or two; what you typed is still here."
)


@require_http_methods(["GET", "POST"])
@candidate_required
def describe_application(request: HttpRequest) -> HttpResponse:
    """An application we don't list: the candidate describes it, then asks for feedback on it."""
    form = DescribeApplicationForm(request.POST if request.method == "POST" else None)
    described = Application.objects.filter(candidate=request.user).exclude(company_as_described="")
    if (
        request.method == "POST"
        and form.is_valid()
        and not _limit_reached(form, DAILY_DESCRIPTIONS, described)
    ):
        # The same answer whether or not the company is a client: the client list stays private.
        try:
            application = done_once(
                request,
                lambda: services.describe_application(
                    candidate=request.user,
                    company=form.cleaned_data["company"],
                    role_title=form.cleaned_data["role_title"],
                    stage=form.cleaned_data["stage"],
                    outcome=form.cleaned_data["outcome"],
                    interviewed_on=form.cleaned_data["interviewed_on"],
                ),
            )
        except AlreadyDone:
            return already_done(request, "requests_app:applications")
        except services.NobodyToTriage:
            form.add_error(None, NOBODY_TO_TRIAGE)
        else:
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
    if request.method == "POST" and form.is_valid() and not _invitations_limited(request, form):
        try:
            application = done_once(
                request, lambda: services.create_application(recruiter=request.user, **form.cleaned_data)
            )
        except AlreadyDone:
            return already_done(request, "requests_app:dashboard")
        messages.success(
            request,
            f"Added {application.candidate_name} for {application.role_title}. "
            f"They see it once they sign in with {application.candidate_email}.",
        )
        return redirect("requests_app:dashboard")
    return render(request, "candidates/new_application.html", {"form": form})


# Rows a page of the applications and clients lists shows.
PAGE_SIZE = 50


@require_GET
@recruiter_required
def recruiter_applications(request: HttpRequest) -> HttpResponse:
    """The agency's applications, newest first, 50 a page; the ones still waiting for an outcome first.

    Queries, whatever the rows: the signed-in user, then the page of applications with their
    client and recruiter (one keyset query through application_pending_idx or
    application_created_idx).
    """
    show = "all" if request.GET.get("show") == "all" else "pending"
    cursor, backwards = cursor_from(request.GET)
    page = keyset_page(
        Application.objects.for_recruiters(pending_only=show == "pending"),
        order=APPLICATION_ORDER,
        cursor=cursor,
        backwards=backwards,
        size=PAGE_SIZE,
    )
    keep = {"show": show if show != "pending" else None}
    return render(
        request,
        "candidates/recruiter_applications.html",
        {
            "rows": page.rows,
            "page": page,
            "first_page": not cursor or bool(page.error),
            "show": show,
            "next_href": page.next_query(**keep),
            "previous_href": page.previous_query(**keep),
        },
    )


@require_http_methods(["GET", "POST"])
def record_outcome(request: HttpRequest, application_uuid: UUID) -> HttpResponse:
    """Record how an application ended, and perhaps invite the candidate to ask why."""
    application = application_for_recruiter(request, application_uuid)
    form = OutcomeForm(
        request.POST if request.method == "POST" else None,
        initial={"outcome": application.outcome, "outcome_on": application.outcome_on},
    )
    if request.method == "POST" and form.is_valid() and not _invitations_limited(request, form):
        try:
            done_once(request, lambda: services.record_outcome(application=application, **form.cleaned_data))
        except AlreadyDone:
            return already_done(request, "candidates:recruiter_applications")
        messages.success(
            request, f"Recorded: {application.get_outcome_display()} for {application.candidate_name}."
        )
        return redirect("candidates:recruiter_applications")
    return render(request, "candidates/record_outcome.html", {"application": application, "form": form})


# Clients and their hiring managers.


@require_GET
@recruiter_required
def clients(request: HttpRequest) -> HttpResponse:
    """The agency's clients, A to Z or newest first, 50 a page, with what routing them depends on.

    Queries, whatever the rows: the signed-in user; the page of clients with owner and count
    of active managers (one keyset query through client_name_order_idx or client_created_idx);
    the open requests of those clients, counted in one grouped query.
    """
    order = "newest" if request.GET.get("order") == "newest" else "name"
    cursor, backwards = cursor_from(request.GET)
    page = keyset_page(
        Client.objects.for_recruiters(),
        order=CLIENT_ORDERS[order],
        cursor=cursor,
        backwards=backwards,
        size=PAGE_SIZE,
    )
    keep = {"order": order if order != "name" else None}
    return render(
        request,
        "candidates/clients.html",
        {
            "clients": count_open_requests(page.rows),
            "page": page,
            "first_page": not cursor or bool(page.error),
            "order": order,
            "next_href": page.next_query(**keep),
            "previous_href": page.previous_query(**keep),
        },
    )


@require_http_methods(["GET", "POST"])
@recruiter_required
def new_client(request: HttpRequest) -> HttpResponse:
    """Add a client: its name, owning recruiter (the one adding it, unless changed) and policy."""
    form = ClientForm(
        request.POST if request.method == "POST" else None,
        initial={"owner": request.user, "feedback_policy": Client.FeedbackPolicy.FULL},
    )
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        try:
            client = done_once(request, lambda: services.create_client(**form.cleaned_data))
        except AlreadyDone:
            return already_done(request, "candidates:clients")
        except services.ClientNameTaken:  # added by someone else since the form checked
            form.add_error("name", form.name_taken_message(name))
        else:
            messages.success(
                request, f"Added {client.name}. Now add the hiring managers who answer its feedback requests."
            )
            return redirect("candidates:client", client.uuid)
    return render(request, "candidates/client_form.html", {"form": form, "client": None})


def _client_page(request: HttpRequest, client: Client, *, manager_form: HiringManagerForm | None = None):
    return render(
        request,
        "candidates/client_detail.html",
        {
            "client": client,
            "managers": list(client.hiring_managers.for_client_page()),
            "manager_form": manager_form or HiringManagerForm(client=client),
        },
    )


@require_GET
def client_detail(request: HttpRequest, client_uuid: UUID) -> HttpResponse:
    """A client's details and hiring managers, with the form to add one."""
    return _client_page(request, client_for_recruiter(request, client_uuid))


@require_http_methods(["GET", "POST"])
def edit_client(request: HttpRequest, client_uuid: UUID) -> HttpResponse:
    """Rename a client, change its owner or its feedback policy."""
    client = client_for_recruiter(request, client_uuid)
    form = ClientForm(
        request.POST if request.method == "POST" else None,
        client=client,
        initial={"name": client.name, "owner": client.owner_id, "feedback_policy": client.feedback_policy},
    )
    if request.method == "POST" and form.is_valid():
        name, policy_before = form.cleaned_data["name"], client.feedback_policy
        try:
            done_once(request, lambda: services.update_client(client=client, **form.cleaned_data))
        except AlreadyDone:
            return already_done(request, "candidates:client", client.uuid)
        except services.ClientNameTaken:
            form.add_error("name", form.name_taken_message(name))
        else:
            saved = f"Saved {client.name}."
            if client.feedback_policy != policy_before:
                saved += (
                    f" Its policy is now “{client.get_feedback_policy_display()}”: triage and the "
                    "hiring manager's form follow it from now on."
                )
            messages.success(request, saved)
            return redirect("candidates:client", client.uuid)
    return render(request, "candidates/client_form.html", {"form": form, "client": client})


@require_POST
def add_hiring_manager(request: HttpRequest, client_uuid: UUID) -> HttpResponse:
    """Add a contact at the client; on bad input the client's page shows the form again."""
    client = client_for_recruiter(request, client_uuid)
    form = HiringManagerForm(request.POST, client=client)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            manager = done_once(
                request, lambda: services.add_hiring_manager(client=client, **form.cleaned_data)
            )
        except AlreadyDone:
            return already_done(request, "candidates:client", client.uuid)
        except services.HiringManagerEmailTaken:
            form.add_error("email", form.email_taken_message(email))
        else:
            messages.success(request, f"Added {manager.name}. They can be chosen when routing requests.")
            return redirect(reverse("candidates:client", args=[client.uuid]) + "#managers")
    return _client_page(request, client, manager_form=form)


@require_http_methods(["GET", "POST"])
def edit_hiring_manager(request: HttpRequest, client_uuid: UUID, manager_uuid: UUID) -> HttpResponse:
    """Correct a hiring manager's name, e-mail or title."""
    manager = hiring_manager_for_recruiter(request, client_uuid, manager_uuid)
    client = manager.client
    form = HiringManagerForm(
        request.POST if request.method == "POST" else None,
        client=client,
        manager=manager,
        initial={"name": manager.name, "email": manager.email, "title": manager.title},
    )
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            done_once(request, lambda: services.update_hiring_manager(manager=manager, **form.cleaned_data))
        except AlreadyDone:
            return already_done(request, "candidates:client", client.uuid)
        except services.HiringManagerEmailTaken:
            form.add_error("email", form.email_taken_message(email))
        else:
            messages.success(request, f"Saved {manager.name}.")
            return redirect(reverse("candidates:client", args=[client.uuid]) + "#managers")
    return render(
        request, "candidates/hiring_manager_form.html", {"form": form, "manager": manager, "client": client}
    )


@require_POST
def deactivate_hiring_manager(request: HttpRequest, client_uuid: UUID, manager_uuid: UUID) -> HttpResponse:
    """Stop offering a manager for routing (they left, or moved on); their past requests stay."""
    manager = hiring_manager_for_recruiter(request, client_uuid, manager_uuid)
    if services.set_hiring_manager_active(manager=manager, active=False):
        text = (
            f"{manager.name} is deactivated: no longer offered when routing requests. "
            "Their past requests stay on record."
        )
        if waiting := manager.requests_waiting:
            text += (
                f" Requests still waiting for their answer: {waiting}."
                " Re-route them from each request's page if they should not answer."
            )
        messages.success(request, text)
    else:
        messages.info(request, f"{manager.name} was already deactivated.")
    return redirect(reverse("candidates:client", args=[client_uuid]) + "#managers")


@require_POST
def reactivate_hiring_manager(request: HttpRequest, client_uuid: UUID, manager_uuid: UUID) -> HttpResponse:
    """Offer a deactivated manager for routing again."""
    manager = hiring_manager_for_recruiter(request, client_uuid, manager_uuid)
    if services.set_hiring_manager_active(manager=manager, active=True):
        messages.success(request, f"{manager.name} is active again and can be chosen when routing requests.")
    else:
        messages.info(request, f"{manager.name} was already active.")
    return redirect(reverse("candidates:client", args=[client_uuid]) + "#managers")


@require_http_methods(["GET", "POST"])
def erase_hiring_manager(request: HttpRequest, client_uuid: UUID, manager_uuid: UUID) -> HttpResponse:
    """An agency admin erases a hiring manager's personal data, behind a confirmation."""
    manager = hiring_manager_for_admin(request, client_uuid, manager_uuid)
    person = erasure.Person(erasure.HIRING_MANAGER, manager.pk)
    form = EraseNowForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done = done_once(request, lambda: erase_manager_data(manager=manager, actor=request.user))
        except AlreadyDone:
            return already_done(request, "candidates:client", client_uuid)
        except erasure.ErasureBlocked:
            form.add_error(None, "A request routed to this manager is on legal hold: nothing was erased.")
        else:
            messages.success(
                request,
                f"The hiring manager's personal data is erased. The erasure is recorded as {done.uuid}.",
            )
            return redirect(reverse("candidates:client", args=[client_uuid]) + "#managers")
    return render(
        request,
        "candidates/erase_hiring_manager.html",
        {
            "manager": manager,
            "client": manager.client,
            "form": form,
            "holds": erasure.holds_for(person),
            "erased": manager.name == ERASED_MANAGER_NAME,
        },
    )
