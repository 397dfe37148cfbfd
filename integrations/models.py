"""What the agency's applicant-tracking system sends the portal, kept in the database."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# ---------------------------------------------------------------------------------------------
# CSV import of applications (integrations/imports.py parses and checks, services.py applies).
# The upload is parsed into rows kept here, not a file on one machine's disk, so any worker can
# process it; each row holds what was written in the file, what the import will do with it (or
# did), and why a row was refused.
# ---------------------------------------------------------------------------------------------


class ImportBatchQuerySet(models.QuerySet):
    def for_import_page(self) -> "ImportBatchQuerySet":
        """The past imports the import page lists, newest first, with who ran each."""
        return self.select_related("created_by").order_by("-created_at", "-pk")


class ImportBatch(models.Model):
    """One CSV file a recruiter (or a script) imported: who, when, the file's name, options, counts."""

    class State(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches"
    )
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    create_clients = models.BooleanField(
        default=False, help_text="Clients the portal does not know are added (else their rows are refused)."
    )
    invite = models.BooleanField(
        default=False, help_text="Candidates turned down are e-mailed that they can ask for feedback."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEW)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the preview found.
    rows_total = models.PositiveIntegerField(default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    to_leave = models.PositiveIntegerField(default=0, help_text="Rows that change nothing.")
    errors = models.PositiveIntegerField(default=0)
    # What the import did, counted as each batch of rows commits.
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0, help_text="Rows refused, at the preview or since.")

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "import batches"
        indexes = [
            # The import page's list of past imports, newest first.
            models.Index(fields=["created_at", "id"], name="import_batch_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.CANCELLED)

    @property
    def to_apply(self) -> int:
        """Rows the import goes through after confirmation (all but those refused at the preview)."""
        return self.rows_total - self.errors

    @property
    def percent_done(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.processed / self.to_apply) if self.to_apply else 0


class ImportRow(models.Model):
    """One line of an imported file: its values as written, what the import does with it, why not."""

    class Action(models.TextChoices):
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        UNCHANGED = "unchanged", "Unchanged"
        ERROR = "error", "Error"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(help_text="The line in the file; the header is line 1.")
    values = models.JSONField(default=dict, help_text="The row as written, by column.")
    action = models.CharField(max_length=10, choices=Action.choices, help_text="What the preview found.")
    result = models.CharField(
        max_length=10, choices=Action.choices, blank=True, help_text="What the import did (blank until then)."
    )
    errors = models.JSONField(default=list, help_text="Each problem: its column and the reason.")
    changes = models.JSONField(
        default=list, blank=True, help_text="What the preview found the row changes: column, from, to."
    )
    application = models.ForeignKey(
        "candidates.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_rows",
        help_text="The application this row created or updated.",
    )

    class Meta:
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="import_row_unique_number")]
        indexes = [
            # The worker's next rows to apply (a batch at a time, in file order).
            models.Index(
                fields=["batch", "number"],
                condition=Q(result="") & ~Q(action="error"),
                name="import_row_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"row {self.number} of {self.batch}"


# ---------------------------------------------------------------------------------------------
# End of the CSV import's models.
# ---------------------------------------------------------------------------------------------
