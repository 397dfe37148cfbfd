"""The agency's settings: one row, read through the cache and once per request."""

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.urls import reverse

from .. import brand
from ..equality import DEFAULT_TERMS, term_problems

# The settings row of the request being answered, if one is (PortalSettings.for_this_request).
_THIS_REQUEST: ContextVar["PortalSettings | None"] = ContextVar("portal_settings", default=None)


def mfa_required_by_default() -> bool:
    """A fresh install on the internet (DEBUG off) asks staff for a second factor; `make run`
    (DEBUG on, demo accounts) does not. Read when the settings row is first made."""
    return not settings.DEBUG


class PortalSettings(models.Model):
    """The agency's settings: one row, edited in the admin, created with defaults."""

    # The agency's brand: every page, every e-mail and the dev mailbox read it from here.
    agency_name = models.CharField(
        max_length=120,
        default="Northwind Talent",
        help_text="Shown in every page's header, footer and title, and as the sender of every e-mail.",
    )
    agency_contact_email = models.EmailField(
        "support e-mail",
        default="hello@northwind.test",
        help_text="Where candidates and hiring managers can write: in every page's footer and e-mail.",
    )
    sign_off = models.CharField(
        max_length=200,
        default="The Northwind Talent team",
        help_text="The line every e-mail ends with, above the agency's name.",
    )
    brand_colour = models.CharField(
        "brand colour",
        max_length=7,
        default=brand.DEFAULT_COLOUR,
        validators=[brand.validate_brand_colour],
        help_text="The header, buttons and links, as # and six hexadecimal digits (e.g. #1f4e8c). White "
        f"text sits on it, so it needs a contrast of at least {brand.MIN_CONTRAST}:1 against white.",
    )
    # The logo is kept in the database, so every web machine serves the same one; it is small
    # (brand.MAX_LOGO_BYTES) and `load()` leaves it out of the cached row.
    logo = models.BinaryField(blank=True, default=b"", editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)
    logo_version = models.CharField(max_length=16, blank=True, editable=False)
    time_zone = models.CharField(max_length=60, default="Europe/London")
    working_hours_start = models.PositiveSmallIntegerField(default=9)
    working_hours_end = models.PositiveSmallIntegerField(default=17)
    holidays = models.TextField(blank=True, help_text="Dates the agency is closed, one YYYY-MM-DD per line.")
    reminder_days = models.CharField(
        max_length=50, default="3,7,12", help_text="Days after routing to remind the manager."
    )
    link_expiry_days = models.PositiveSmallIntegerField(default=14)
    triage_sla_business_days = models.PositiveSmallIntegerField(default=2)
    retention_months = models.PositiveSmallIntegerField(default=24)

    class Visibility(models.TextChoices):
        EVERY_CLIENT = "every_client", "Every client of the agency"
        OWN_CLIENTS = "own_clients", "Only the clients they own or cover"

    recruiters_see = models.CharField(
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.EVERY_CLIENT,
        help_text="What a recruiter sees in the queue, search, analytics and request pages; "
        "admins always see everything.",
    )
    require_mfa = models.BooleanField(
        "require two-factor authentication",
        default=mfa_required_by_default,
        help_text="Recruiters and admins must sign in with a second factor (an authenticator app or a "
        "passkey); one without it is led to set it up before any other page. Candidates may choose it "
        "for themselves on their account page.",
    )
    ask_window_months = models.PositiveSmallIntegerField(
        default=6, help_text="How long after the outcome a candidate may ask for feedback."
    )
    close_released_after_days = models.PositiveSmallIntegerField(
        default=30, help_text="Released feedback closes after this many days, unless acknowledged first."
    )
    legal_terms = models.TextField(
        default=DEFAULT_TERMS,
        help_text="What the legal-safety check flags in feedback before release: one term per line, "
        "as “phrase | characteristic”, e.g. “plan a family | pregnancy and maternity”. The "
        "characteristic is one of the nine the Equality Act 2010 protects, by name or key: age, "
        "disability, gender reassignment, marriage and civil partnership, pregnancy and maternity, "
        "race, religion or belief, sex, sexual orientation. Blank lines and lines starting with “#” "
        "are skipped. Words match whole, in any case, across line breaks and hyphens, so “age” "
        "never flags “manage”. Each word of three letters or more also matches with -s, -es, -ed, "
        "-ing, -er, -ers or -est, doubling a final consonant, dropping a final “e” or turning a "
        "final “y” into “i”: “plan a family” finds “planning a family”, “marry” finds “married”. "
        "Endings are only added, so write plain forms. A phrase in double quotes matches exactly, "
        'without endings: "age" never flags “ages” or “ageing”.',
    )

    class Meta:
        verbose_name = "portal settings"
        verbose_name_plural = "portal settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="portal_settings_single_row"),
        ]

    def __str__(self) -> str:
        return "Portal settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        self.brand_colour = (self.brand_colour or brand.DEFAULT_COLOUR).lower()
        super().save(*args, **kwargs)
        cache.delete(self.cache_key())
        _THIS_REQUEST.set(None)  # the rest of this request reads the row as saved

    def clean(self) -> None:
        """Every problem at once: a time zone, working hours and each line of the legal terms."""
        from django.core.exceptions import ValidationError

        errors: dict[str, str | list[str]] = {}
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = "Enter a time zone name such as Europe/London or America/New_York."
        if self.working_hours_start >= self.working_hours_end or self.working_hours_end > 24:
            errors["working_hours_end"] = "Working hours must end after they start, by 24."
        # A term without a known characteristic would be skipped by the check without a word.
        if problems := term_problems(self.legal_terms):
            errors["legal_terms"] = problems
        if errors:
            raise ValidationError(errors)

    @classmethod
    def cache_key(cls) -> str:
        # Named after the fields, so a deploy that adds one never reads an older pickled row.
        if cls._key is None:
            fields = ",".join(sorted(f.attname for f in cls._meta.concrete_fields))
            cls._key = f"portal-settings:{hashlib.sha256(fields.encode()).hexdigest()[:12]}"
        return cls._key

    _key: str | None = None

    @classmethod
    def load(cls) -> "PortalSettings":
        """The settings row, read through the cache so pages keep their query budget; within a
        request, the row read when it began (`for_this_request`), without asking the cache again."""
        kept = _THIS_REQUEST.get()
        if kept is not None:
            return kept
        obj = cache.get(cls.cache_key())
        if obj is None:
            # Without the logo's bytes: every page reads this row, only the logo's address reads those.
            obj, _ = cls.objects.defer("logo").get_or_create(pk=1)
            cache.set(cls.cache_key(), obj, None)  # until the admin saves it again
        return obj

    @classmethod
    @contextmanager
    def for_this_request(cls):
        """The row, read once for a whole request (the middleware, the page, its template)."""
        row = cls.load()
        token = _THIS_REQUEST.set(row)
        try:
            yield row
        finally:
            _THIS_REQUEST.reset(token)

    def set_logo(self, data: bytes) -> None:
        """A new logo (already checked by `brand.validate_logo`), or none with empty bytes."""
        self.logo = data
        self.logo_type = (brand.logo_type(data) or "") if data else ""
        self.logo_version = brand.version(data) if data else ""

    @property
    def logo_url(self) -> str:
        """The logo's address, versioned so browsers keep it until it changes; empty without one."""
        if not self.logo_version:
            return ""
        return f"{reverse('brand_logo')}?v={self.logo_version}"

    @property
    def brand_css(self) -> str:
        return brand.stylesheet(self.brand_colour)

    @property
    def brand_css_url(self) -> str:
        return f"{reverse('brand_css')}?v={brand.version(self.brand_css)}"

    @property
    def sender(self) -> str:
        """The From header of the portal's and allauth's e-mails: the agency's name and our address."""
        return brand.sender(self.agency_name, settings.DEFAULT_FROM_EMAIL)

    @property
    def link_expiry(self) -> timedelta:
        return timedelta(days=self.link_expiry_days)

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def reminder_day_list(self) -> list[int]:
        """The cadence, e.g. "3,7,12" → [3, 7, 12]; anything unreadable is skipped."""
        days = {int(part) for part in self.reminder_days.split(",") if part.strip().isdigit()}
        return sorted(d for d in days if d > 0)

    def holiday_dates(self) -> frozenset[date]:
        """The agency's closed days; read once per text of the setting (the queue asks per row)."""
        memo = getattr(self, "_holiday_memo", None)
        if memo is None or memo[0] != self.holidays:
            found = set()
            for line in self.holidays.splitlines():
                try:
                    found.add(date.fromisoformat(line.strip()))
                except ValueError:
                    continue
            memo = self._holiday_memo = (self.holidays, frozenset(found))
        return memo[1]

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holiday_dates()

    def is_working_time(self, moment: datetime) -> bool:
        """Within the agency's working hours, on a business day, in its own time zone."""
        local = moment.astimezone(self.zone)
        return (
            self.is_business_day(local.date())
            and self.working_hours_start <= local.hour < self.working_hours_end
        )

    def working_days_since(self, day: date, today: date) -> int:
        """Business days after `day` up to and including `today`: asked on Friday, it is 1 on Monday.

        Counted by whole weeks, not day by day: a request waiting a year costs what one from
        yesterday does."""
        if day >= today:
            return 0
        weeks, rest = divmod((today - day).days, 7)
        count = 5 * weeks + sum(1 for n in range(1, rest + 1) if (day.weekday() + n) % 7 < 5)
        closed = sum(1 for h in self.holiday_dates() if day < h <= today and h.weekday() < 5)
        return count - closed

    def last_day_overdue(self, today: date, business_days: int) -> date:
        """The latest day from which waiting is overdue by `today`: more than `business_days` business
        days have passed since it (the same rule as the recruiters' digest)."""
        day = today
        while self.add_business_days(day, business_days) >= today:
            day -= timedelta(days=1)
        return day

    def add_business_days(self, day: date, count: int) -> date:
        """The business day `count` business days after `day` (weekends and holidays skipped)."""
        holidays = self.holiday_dates()
        while count > 0:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in holidays:
                count -= 1
        return day
