"""Writes for the integrations: the CSV import of applications.

An import goes preview → confirmed → applied. `start_import` keeps the file's rows and what the
preview found; nothing else is written until `confirm_import`, which queues the Celery task;
`apply_rows` then works through the rows a batch at a time, each batch in one transaction, and
writes through the candidates app's own services (the ones the recruiter's pages call), so an
imported application is exactly like one typed by hand, but for its source.
"""

import csv
import io
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat

from candidates import services as candidate_services
from candidates.models import Application, Client
from feedback_portal import audit
from feedback_portal.models import User

from . import imports, reading
from .models import ImportBatch, ImportRow

# Rows applied in one transaction: small enough that the progress bar moves and a lock is short,
# large enough that the reads made once per batch cost little per row.
ROWS_PER_TRANSACTION = 500


def check_size(size: int) -> None:
    """reading.FileRefused when a file of `size` bytes is over the limit (IMPORT_MAX_BYTES)."""
    if size > settings.IMPORT_MAX_BYTES:
        raise reading.FileRefused(
            f"This file is {filesizeformat(size)}; one import takes at most "
            f"{filesizeformat(settings.IMPORT_MAX_BYTES)}. Split it into smaller files and import each."
        )


def parse_upload(*, data: bytes) -> reading.Parsed:
    """The rows of an uploaded file; reading.FileRefused with the reason when it cannot be read."""
    check_size(len(data))
    return reading.read_csv(data, max_rows=settings.IMPORT_MAX_ROWS)


@transaction.atomic
def start_import(
    *, parsed: reading.Parsed, file_name: str, importer: User, create_clients: bool, invite: bool
) -> ImportBatch:
    """Keep the file's rows with what the preview found; nothing else is written until confirmed."""
    checked = imports.check_rows(parsed.rows, create_clients=create_clients)
    counts = {action: 0 for action in ImportRow.Action.values}
    for row in checked:
        counts[row.action] += 1
    batch = ImportBatch.objects.create(
        created_by=importer,
        file_name=file_name[:255],
        create_clients=create_clients,
        invite=invite,
        rows_total=len(checked),
        to_create=counts[ImportRow.Action.CREATE],
        to_update=counts[ImportRow.Action.UPDATE],
        to_leave=counts[ImportRow.Action.UNCHANGED],
        errors=counts[ImportRow.Action.ERROR],
        failed=counts[ImportRow.Action.ERROR],
    )
    ImportRow.objects.bulk_create(
        (
            ImportRow(
                batch=batch,
                number=row.number,
                values=row.values,
                action=row.action,
                errors=row.errors,
                changes=row.described_changes(),
                application=row.application,
            )
            for row in checked
        ),
        batch_size=1000,
    )
    return batch


def confirm_import(*, batch: ImportBatch, now: datetime) -> bool:
    """The recruiter confirms the preview: queue the import. False if it was confirmed already."""
    from .tasks import apply_import

    with transaction.atomic():
        confirmed = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.PREVIEW).update(
            state=ImportBatch.State.QUEUED, confirmed_at=now
        )
        if confirmed:
            if batch.to_apply:
                apply_import.delay_on_commit(batch.pk)
            else:  # every row was refused: nothing to do
                ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.DONE, finished_at=now)
    batch.refresh_from_db()
    return bool(confirmed)


@transaction.atomic
def cancel_import(*, batch: ImportBatch) -> bool:
    """Drop an import that was never confirmed; its rows go (they hold personal data), its record stays."""
    cancelled = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.PREVIEW).update(
        state=ImportBatch.State.CANCELLED
    )
    if cancelled:
        ImportRow.objects.filter(batch=batch).delete()
    batch.refresh_from_db()
    return bool(cancelled)


def apply_import(*, batch_id: int, now: datetime) -> ImportBatch:
    """Apply every row of a confirmed import still to do, a transaction per ROWS_PER_TRANSACTION rows.

    Safe to run again or in two workers at once: each transaction claims its rows (skipping
    rows another worker holds, on PostgreSQL) and marks them done, so no row is applied twice.
    """
    claimed = ImportBatch.objects.filter(
        pk=batch_id, state__in=[ImportBatch.State.QUEUED, ImportBatch.State.RUNNING]
    ).update(state=ImportBatch.State.RUNNING)
    if claimed:
        while _apply_next(batch_id):
            pass
        # Done only when no row is left, counting rows another worker still holds: that worker
        # says it is done when it has committed them.
        if not _pending(batch_id).exists():
            ImportBatch.objects.filter(pk=batch_id, state=ImportBatch.State.RUNNING).update(
                state=ImportBatch.State.DONE, finished_at=now
            )
    return ImportBatch.objects.get(pk=batch_id)


# Said of a row the database refused when it was written, though it passed the checks: another
# application took its external id meanwhile (the API, a recruiter), or the like.
REFUSED_ON_WRITE = "could not be saved: another application took its external id meanwhile; import it again"


def _apply_next(batch_id: int) -> int:
    """The next transaction of rows; if the database refuses one of its writes, its rows one at a
    time instead, so the one row it refuses is reported and the import goes on. Rows applied."""
    try:
        return apply_rows(batch_id=batch_id)
    except IntegrityError:
        done = 0
        for _ in range(ROWS_PER_TRANSACTION):
            try:
                applied = apply_rows(batch_id=batch_id, size=1)
            except IntegrityError:
                applied = _refuse_next(batch_id)
            if not applied:
                break
            done += applied
        return done


@transaction.atomic
def _refuse_next(batch_id: int) -> int:
    row = _pending(batch_id).order_by("number").select_for_update(skip_locked=_skip_locked()).first()
    if row is None:
        return 0
    row.result, row.errors = ImportRow.Action.ERROR, [{"column": "row", "reason": REFUSED_ON_WRITE}]
    row.save(update_fields=["result", "errors"])
    ImportBatch.objects.filter(pk=batch_id).update(processed=F("processed") + 1, failed=F("failed") + 1)
    return 1


def _skip_locked() -> bool:
    # SQLite has no row locks: a worker there is alone with the database file anyway.
    return connection.vendor == "postgresql"


def _pending(batch_id: int):
    """The rows of an import still to apply (served by import_row_pending_idx)."""
    return ImportRow.objects.filter(batch_id=batch_id, result="").exclude(action=ImportRow.Action.ERROR)


# A confirmed import is enqueued again when it has not moved for this long: its task was lost.
RESUME_AFTER = timedelta(minutes=10)


def resume_imports(*, now: datetime) -> int:
    """Enqueue again the confirmed imports that are not done, confirmed more than RESUME_AFTER ago.

    Safe even when the first task still runs: each transaction claims its rows, skipping those
    another worker holds, so no row is applied twice.
    """
    from .tasks import apply_import

    stuck = ImportBatch.objects.filter(
        state__in=[ImportBatch.State.QUEUED, ImportBatch.State.RUNNING], confirmed_at__lt=now - RESUME_AFTER
    ).values_list("pk", flat=True)
    for batch_id in stuck:
        apply_import.delay(batch_id)
    return len(stuck)


@transaction.atomic
def apply_rows(*, batch_id: int, size: int = ROWS_PER_TRANSACTION) -> int:
    """Apply the next `size` rows of an import in one transaction; how many were applied (0: none left).

    Reads, whatever the number of rows: the batch, its next rows (locked), the clients, the
    recruiters and the applications the rows name (imports.read_known); then each row writes
    through the candidates app's services (a new application costs its savepoint, the look-up
    of a verified candidate with that address and the insert), and the rows' results are saved
    in a few queries for the whole batch.
    """
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    rows = list(_pending(batch_id).order_by("number").select_for_update(skip_locked=_skip_locked())[:size])
    if not rows:
        return 0
    checked = imports.check_rows(
        [(row.number, row.values) for row in rows], create_clients=batch.create_clients
    )
    added_clients: dict[str, Client] = {}
    counts = {action: 0 for action in ImportRow.Action.values}
    relinked, refused, creates = [], [], []
    for row, check in zip(rows, checked, strict=True):
        row.result = check.action
        counts[check.action] += 1
        if check.action == ImportRow.Action.ERROR:
            row.errors = check.errors
            refused.append(row)
        elif check.action == ImportRow.Action.CREATE:
            creates.append((row, _new(check, batch=batch, added_clients=added_clients)))
        elif check.action == ImportRow.Action.UPDATE:
            # In the audit trail: the recruiter who confirmed the import, and which import it was.
            with audit.acting_for(
                batch.created_by, via=f"CSV import {batch.file_name}", import_uuid=str(batch.uuid)
            ):
                _update(check, batch=batch)
        if check.application is not None and check.application.pk != row.application_id:
            row.application = check.application  # found anew since the preview
            relinked.append(row)
    new = candidate_services.create_applications(items=[item for _, item in creates], invite=batch.invite)
    for (row, _), application in zip(creates, new, strict=True):
        row.application = application
        relinked.append(row)
    # The rows' results saved in a few queries, whatever the number of rows: one per result, and
    # the links to applications created (or found anew) and the reasons for rows refused now.
    for result in counts:
        done = [row.pk for row in rows if row.result == result]
        if done:
            ImportRow.objects.filter(pk__in=done).update(result=result)
    ImportRow.objects.bulk_update(relinked, ["application"], batch_size=1000)
    ImportRow.objects.bulk_update(refused, ["errors"], batch_size=1000)
    ImportBatch.objects.filter(pk=batch_id).update(
        processed=F("processed") + len(rows),
        created=F("created") + counts[ImportRow.Action.CREATE],
        updated=F("updated") + counts[ImportRow.Action.UPDATE],
        unchanged=F("unchanged") + counts[ImportRow.Action.UNCHANGED],
        failed=F("failed") + counts[ImportRow.Action.ERROR],
    )
    return len(rows)


def _new(check: imports.Checked, *, batch: ImportBatch, added_clients: dict[str, Client]) -> dict:
    """A new application's fields, as candidates.services.create_applications takes them."""
    recruiter = check.recruiter or batch.created_by
    client = check.client or _client_to_add(check.client_name, owner=recruiter, added=added_clients)
    return {"client": client, "recruiter": recruiter, "source": Application.Source.IMPORT, **check.fields}


def _update(check: imports.Checked, *, batch: ImportBatch) -> None:
    """Change an application as the row says; its outcome through the recruiter's own service."""
    application, changes = check.application, dict(check.changes)
    outcome = changes.pop("outcome", None)
    outcome_on = changes.pop("outcome_on", None)
    if changes:
        for name, value in changes.items():
            setattr(application, name, value)
        application.save(update_fields=[*changes, "updated_at"])  # the API's "updated since" sees it
    if outcome is not None or outcome_on is not None:
        # A candidate newly turned down may be invited to ask (only when the outcome itself
        # changed, never again for a corrected date).
        candidate_services.record_outcome(
            application=application,
            outcome=outcome or application.outcome,
            outcome_on=outcome_on or application.outcome_on,
            invite=batch.invite and outcome is not None,
        )


def _client_to_add(name: str, *, owner: User, added: dict[str, Client]) -> Client:
    key = " ".join(name.split()).lower()
    if key not in added:
        try:
            added[key] = candidate_services.create_client(name=name, owner=owner)
        except candidate_services.ClientNameTaken:  # added meanwhile, by a person or another worker
            added[key] = Client.objects.named(candidate_services.tidy(name)).get()
    return added[key]


# What the error report says about each refused row, for the recruiter to fix in their file.
REPORT_HEADER = ["row", "column", "reason", *reading.HEADER]


def _cell(text: str) -> str:
    """A value made safe for a spreadsheet: one starting like a formula is read as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def error_report(*, batch: ImportBatch) -> str:
    """The refused rows as CSV: row, column, reason, then the row's values as they were written."""
    out = io.StringIO()
    out.write("\ufeff")  # so Excel reads it as UTF-8
    writer = csv.writer(out, dialect="excel")
    writer.writerow(REPORT_HEADER)
    refused = batch.rows.filter(Q(action=ImportRow.Action.ERROR) | Q(result=ImportRow.Action.ERROR))
    for row in refused.order_by("number").iterator(chunk_size=2000):
        original = [_cell(str(row.values.get(column.key, ""))) for column in reading.COLUMNS]
        for error in row.errors:
            writer.writerow([row.number, error["column"], _cell(error["reason"]), *original])
    return out.getvalue()


def template_csv() -> str:
    """The file a recruiter starts from: the header and one example row."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, dialect="excel")
    writer.writerow(reading.HEADER)
    writer.writerow(reading.EXAMPLE)
    return out.getvalue()


# Retention and erasure: an import's rows repeat the candidates' names and addresses.


def forget_old_import_rows(*, now: datetime, days: int) -> int:
    """Delete the rows of imports finished more than `days` ago, and of previews never confirmed
    in that time (which are cancelled); how many rows went.

    The import's record (who, when, the file's name, the counts) stays.
    """
    cutoff = now - timedelta(days=days)
    ImportBatch.objects.filter(state=ImportBatch.State.PREVIEW, created_at__lt=cutoff).update(
        state=ImportBatch.State.CANCELLED
    )
    old = ImportBatch.objects.filter(
        Q(state=ImportBatch.State.DONE, finished_at__lt=cutoff)
        | Q(state=ImportBatch.State.CANCELLED, created_at__lt=cutoff)
    )
    deleted, _ = ImportRow.objects.filter(batch__in=old).delete()
    return deleted


def forget_import_rows_about(*, email: str) -> int:
    """Delete every import row naming this candidate's e-mail address (any case); how many went."""
    deleted, _ = ImportRow.objects.filter(values__candidate_email__iexact=email.strip()).delete()
    return deleted


def forget_import_rows_of(person, now: datetime, actor) -> dict[str, int]:
    """Erasure of a candidate: the import rows naming any of their addresses (feedback_portal.erasure)."""
    return {"import_rows": sum(forget_import_rows_about(email=address) for address in person.addresses)}
