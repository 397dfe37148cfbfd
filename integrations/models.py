"""What the agency's applicant-tracking system integration keeps: its webhook endpoints and
deliveries, its API keys, and the CSV imports' files parsed into rows."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# --- Webhooks ---------------------------------------------------------------------------------


def new_webhook_secret() -> str:
    """A fresh signing secret: 256 bits, written out so the admin can paste it into the ATS."""
    return f"whsec_{secrets.token_hex(32)}"


class WebhookEvent(models.TextChoices):
    """What the agency's ATS can hear about. The names are the `type` of each payload."""

    REQUEST_ASKED = "request.asked", "A candidate asked for feedback"
    REQUEST_ROUTED = "request.routed", "A request was sent to a hiring manager"
    REQUEST_ANSWERED = "request.answered", "A request was answered"
    REQUEST_RELEASED = "request.released", "Feedback was released to the candidate"
    REQUEST_DECLINED = "request.declined", "A request was declined"
    REQUEST_EXPIRED = "request.expired", "A hiring manager's link expired unanswered"
    REQUEST_CLOSED = "request.closed", "A request was closed"
    REQUEST_WITHDRAWN = "request.withdrawn", "A candidate withdrew their request"
    OUTCOME_RECORDED = "application.outcome_recorded", "An application's outcome was recorded"


class WebhookEndpoint(models.Model):
    """An address of the agency's ATS that hears about the events it wants, signed with its secret."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100, help_text="Which system this is, e.g. “Bullhorn production”.")
    url = models.URLField("address", max_length=500, help_text="http or https; a public address.")
    # Kept readable: signing needs the secret itself, not a hash of it.
    secret = models.CharField(max_length=80, default=new_webhook_secret, editable=False)
    events = models.JSONField(default=list, help_text="The names of the events it wants.")
    is_active = models.BooleanField("active", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return self.is_active and event in self.events


class WebhookDelivery(models.Model):
    """One event to send to one endpoint: written in the transaction of the event, then sent (and
    retried) by the worker until the endpoint answers 2xx or the attempts run out."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    # The event's id: the same for every attempt and every endpoint, so the receiver can drop
    # a repeat (delivery is at least once).
    idempotency_key = models.UUIDField()
    # What the payload is about, so erasure finds it; gone with the application.
    application = models.ForeignKey(
        "candidates.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When someone should act on it next: a waiting delivery is sent then (a retry waits out
    # its backoff); one in "sending" is taken again then, should its worker have died (the lease).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When its payload was blanked (retention): the row stays as history, but cannot be resent.
    forgotten_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [
            # One delivery per event and endpoint, however often the event's signal comes.
            models.UniqueConstraint(fields=["endpoint", "idempotency_key"], name="webhook_delivery_once"),
        ]
        indexes = [
            # The sweep: deliveries waiting and due, and ones stuck in "sending" past their lease.
            models.Index(
                fields=["state", "next_attempt_at"],
                name="webhook_unsent_idx",
                condition=Q(state__in=["pending", "sending"]),
            ),
            # Erasure and retention: the deliveries about one application.
            models.Index(fields=["application"], name="webhook_application_idx"),
            # Retention: payloads not yet blanked, oldest first.
            models.Index(
                fields=["created_at"], condition=Q(forgotten_at__isnull=True), name="webhook_unforgotten_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint} ({self.state})"


# --- API keys ---------------------------------------------------------------------------------

# Every key starts so, so a key pasted into the wrong place (a log, a chat) is recognisable.
KEY_MARK = "fpk_"
# The start of a key kept in clear: enough to tell an integration's keys apart in the admin and
# in logs, far too little to guess the rest (256 random bits follow the mark).
PREFIX_LENGTH = len(KEY_MARK) + 8


def hash_key(raw: str) -> str:
    """The SHA-256 of a key, as stored: a 256-bit random key needs no slow hash to resist guessing."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_key() -> str:
    """A fresh key: the mark, then 256 random bits, URL-safe."""
    return KEY_MARK + secrets.token_urlsafe(32)


class ApiKeyQuerySet(models.QuerySet):
    def usable(self) -> "ApiKeyQuerySet":
        return self.filter(revoked_at__isnull=True)

    def for_raw(self, raw: str) -> "ApiKey | None":
        """The usable key whose SHA-256 this is, or None (unknown, revoked, or not one of ours)."""
        if not raw.startswith(KEY_MARK) or len(raw) > 200:
            return None
        return self.usable().filter(key_hash=hash_key(raw)).first()


class ApiKey(models.Model):
    """A key one integration (an applicant-tracking system) calls the API with.

    Only its SHA-256 is stored; the key itself is shown once, to the admin who made it.
    """

    class Scope(models.TextChoices):
        READ_APPLICATIONS = "read:applications", "Read applications"
        WRITE_APPLICATIONS = "write:applications", "Write applications (create, update, record outcomes)"
        READ_REQUESTS = "read:requests", "Read feedback requests (state and timeline, never the answer)"

    name = models.CharField(max_length=100, help_text="Which integration uses it, e.g. “Bullhorn sync”.")
    prefix = models.CharField(
        max_length=PREFIX_LENGTH, editable=False, help_text="The key's first characters, to recognise it."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list, help_text="What the key may do.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(key_hash=""), name="api_key_hash_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


# ---------------------------------------------------------------------------------------------
# CSV import of applications (integrations/imports.py parses and checks, importing.py applies).
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
