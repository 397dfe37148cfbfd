"""What the agency's applicant-tracking system holds to talk to the portal: its API keys."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

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
