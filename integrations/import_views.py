"""The recruiter's CSV import: upload, preview, confirm, progress, the error report.

Every page answers 404 to anyone but a recruiter (feedback_portal.access for the upload page,
access.import_for_recruiter for one import).
"""

from uuid import UUID

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from feedback_portal.access import recruiter_required
from feedback_portal.once import AlreadyDone, already_done, done_once

from . import importing, reading
from .access import import_for_recruiter
from .forms import ImportForm
from .models import ImportBatch, ImportRow

# Past imports the import page lists, and rows each table of a preview shows (the error report
# has every refused row).
PAST_IMPORTS = 20
ROWS_SHOWN = 50


@require_http_methods(["GET", "POST"])
@recruiter_required
def import_applications(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of applications; the preview follows. Below, the agency's past imports.

    Queries on a GET: the signed-in user, the past imports with who ran each.
    """
    sent = request.method == "POST"
    form = ImportForm(request.POST if sent else None, request.FILES if sent else None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = done_once(
                request,
                lambda: importing.start_import(
                    parsed=form.parsed,
                    file_name=form.cleaned_data["file"].name,
                    importer=request.user,
                    create_clients=form.cleaned_data["create_clients"],
                    invite=form.cleaned_data["invite"],
                ),
            )
        except AlreadyDone:
            return already_done(request, "integrations:import")
        return redirect("integrations:import_batch", batch.uuid)
    return render(
        request,
        "integrations/import.html",
        {
            "form": form,
            "columns": reading.COLUMNS,
            "past": ImportBatch.objects.for_import_page()[:PAST_IMPORTS],
            "max_rows": importing.settings.IMPORT_MAX_ROWS,
            "max_size": importing.settings.IMPORT_MAX_BYTES,
        },
    )


@require_GET
@recruiter_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The template CSV: the header and one example row."""
    return _csv(importing.template_csv(), "applications-template.csv")


@require_GET
def import_batch(request: HttpRequest, batch_uuid: UUID) -> HttpResponse:
    """One import: its preview until confirmed, then its progress (the page reloads itself every
    two seconds, no script needed, unless the reader stops it), then what it did.

    Queries: the signed-in user, the import, then one per table of rows shown (at most four).
    """
    batch = import_for_recruiter(request, batch_uuid)
    rows = batch.rows.order_by("number")
    in_progress = batch.state in (ImportBatch.State.QUEUED, ImportBatch.State.RUNNING)
    context = {
        "batch": batch,
        "rows_shown": ROWS_SHOWN,
        "may_change": _may_change(request, batch),
        # A page that reloads itself can be stopped (WCAG 2.2.1): `?still=1` keeps it still.
        "auto_refresh": in_progress and not request.GET.get("still"),
    }
    if batch.state == ImportBatch.State.PREVIEW:
        context["tables"] = [
            {
                "id": f"rows-{action}",
                "label": label,
                "count": count,
                "rows": list(rows.filter(action=action)[:ROWS_SHOWN]),
                "with_errors": action == ImportRow.Action.ERROR,
                "with_changes": action == ImportRow.Action.UPDATE,
            }
            for action, label, count in (
                (ImportRow.Action.ERROR, "Rows with errors", batch.errors),
                (ImportRow.Action.CREATE, "Applications to create", batch.to_create),
                (ImportRow.Action.UPDATE, "Applications to update", batch.to_update),
                (ImportRow.Action.UNCHANGED, "Unchanged", batch.to_leave),
            )
            if count
        ]
    elif batch.state == ImportBatch.State.DONE and batch.failed:
        refused = Q(action=ImportRow.Action.ERROR) | Q(result=ImportRow.Action.ERROR)
        context["refused"] = list(rows.filter(refused)[:ROWS_SHOWN])
    return render(request, "integrations/import_batch.html", context)


def _may_change(request: HttpRequest, batch: ImportBatch) -> bool:
    return batch.created_by_id == request.user.pk or request.user.role == request.user.Role.ADMIN


@require_POST
def confirm_import(request: HttpRequest, batch_uuid: UUID) -> HttpResponse:
    """The recruiter confirms the preview: the import starts, and its page shows the progress."""
    batch = import_for_recruiter(request, batch_uuid, to_change=True)
    try:
        confirmed = done_once(request, lambda: importing.confirm_import(batch=batch, now=timezone.now()))
    except AlreadyDone:
        return already_done(request, "integrations:import_batch", batch.uuid)
    if not confirmed:
        messages.info(request, f"This import is {batch.get_state_display().lower()} already.")
    return redirect("integrations:import_batch", batch.uuid)


@require_POST
def cancel_import(request: HttpRequest, batch_uuid: UUID) -> HttpResponse:
    """Drop a preview without importing anything."""
    batch = import_for_recruiter(request, batch_uuid, to_change=True)
    try:
        cancelled = done_once(request, lambda: importing.cancel_import(batch=batch))
    except AlreadyDone:
        return already_done(request, "integrations:import")
    if cancelled:
        messages.success(request, f"Cancelled: nothing from {batch.file_name} was imported.")
    else:
        messages.info(request, f"This import is {batch.get_state_display().lower()} already.")
    return redirect("integrations:import")


@require_GET
def import_errors(request: HttpRequest, batch_uuid: UUID) -> HttpResponse:
    """The refused rows as CSV: row, column, reason and the values as written."""
    batch = import_for_recruiter(request, batch_uuid)
    stem = batch.file_name.rsplit(".", 1)[0] or "import"
    return _csv(importing.error_report(batch=batch), f"{stem}-errors.csv")


def _csv(text: str, file_name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in file_name)
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response
