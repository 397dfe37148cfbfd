from auditlog.models import LogEntry
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from . import audit, brand, erasure
from .models import OutboundEmail, PortalSettings, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "role", "is_active", "date_joined"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "role"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "role", "password1", "password2"]}),
    ]
    actions = ["record_erasure_request"]

    # A candidate leaves through erasure (feedback_portal/erasure.py): deleting the row would keep
    # their name in their applications and requests, and lose nothing the statistics need less.
    # A recruiter's clients, applications and routings must be handed over before their row goes.
    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_candidate:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, from the change page
        return actions

    @admin.action(
        description="Record a request to erase the selected candidates' data", permissions=["change"]
    )
    def record_erasure_request(self, request, queryset) -> None:
        chosen = list(queryset)
        recorded = [erasure.request_erasure(user=user) for user in chosen if user.is_candidate]
        if len(recorded) < len(chosen):
            self.message_user(
                request, "Only candidates are erased on request: the others were left.", messages.WARNING
            )
        if recorded:
            self.message_user(
                request,
                format_html(
                    'Recorded {} request(s) to erase. Review and erase them on <a href="{}">'
                    "the erasure requests</a>.",
                    len(recorded),
                    reverse("erasures"),
                ),
                messages.SUCCESS,
            )


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["to_email", "subject"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


class PortalSettingsForm(forms.ModelForm):
    """The settings, with the logo as an upload: checked for type and size, kept in the database."""

    logo_file = forms.FileField(
        label="New logo",
        required=False,
        help_text=f"A PNG, JPEG or WebP image of at most {brand.MAX_LOGO_BYTES // 1024} KB, shown beside "
        "the agency's name in every page's header and e-mail. A wide logo about 80 pixels high looks best.",
    )
    remove_logo = forms.BooleanField(
        label="Remove the logo", required=False, help_text="Pages and e-mails then show the name alone."
    )

    class Meta:
        model = PortalSettings
        fields = ["brand_colour"]  # the admin adds every other field its fieldsets list

    def clean_logo_file(self) -> bytes | None:
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        brand.check_logo_size(upload.size)  # before reading it
        data = upload.read()
        brand.validate_logo(data)
        return data

    def save(self, commit: bool = True) -> PortalSettings:
        if self.cleaned_data.get("logo_file"):
            self.instance.set_logo(self.cleaned_data["logo_file"])
        elif self.cleaned_data.get("remove_logo"):
            self.instance.set_logo(b"")
        return super().save(commit)


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    form = PortalSettingsForm
    readonly_fields = ["current_logo"]
    fieldsets = [
        ("Agency", {"fields": ["agency_name", "agency_contact_email", "sign_off"]}),
        ("Brand", {"fields": ["brand_colour", "current_logo", "logo_file", "remove_logo"]}),
        ("Time", {"fields": ["time_zone", "working_hours_start", "working_hours_end", "holidays"]}),
        (
            "Cadence",
            {
                "fields": [
                    "reminder_days",
                    "link_expiry_days",
                    "triage_sla_business_days",
                    "ask_window_months",
                    "close_released_after_days",
                    "retention_months",
                ]
            },
        ),
        ("Legal safety", {"fields": ["legal_terms"]}),
        ("Signing in", {"fields": ["require_mfa"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The legal terms run to a hundred lines and more: a box tall enough to read them."""
        if db_field.name == "legal_terms":
            kwargs["widget"] = AdminTextareaWidget(attrs={"rows": 30})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Current logo")
    def current_logo(self, obj: PortalSettings) -> str:
        if not obj.logo_version:
            return "None yet: pages and e-mails show the agency's name alone."
        return format_html('<img src="{}" alt="The current logo">', obj.logo_url)

    def has_add_permission(self, request) -> bool:
        return not PortalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- The audit trail: read-only, for the agency's admins ------------------------------------
# auditlog registers an admin of its own for its entries; the portal's replaces it.
import auditlog.admin  # noqa: E402, F401  (so that its admin is there to replace)

admin.site.unregister(LogEntry)


def is_agency_admin(user) -> bool:
    return user.is_active and (user.is_superuser or user.role == User.Role.ADMIN)


class WhatFilter(admin.SimpleListFilter):
    title = "what was done"
    parameter_name = "what"

    def lookups(self, request, model_admin):
        return [(f"change-{action}", label) for action, label in audit.CHANGES.items()] + list(
            audit.EVENTS.items()
        )

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value.startswith("change-"):
            return queryset.filter(action=value.removeprefix("change-"))
        return queryset.filter(action=LogEntry.Action.ACCESS, additional_data__event=value)


class KindFilter(admin.SimpleListFilter):
    title = "kind of object"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = ContentType.objects.get_for_models(*audit.kinds())
        return sorted(
            ((ct.pk, str(model._meta.verbose_name).capitalize()) for model, ct in kinds.items()),
            key=lambda item: item[1],
        )

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(content_type_id=int(value))


class DateFilter(admin.DateFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "date"


@admin.register(LogEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Every recruiter's and admin's write outside a request's timeline, and every sign-in: who,
    when, what, and each field before and after. Nobody may add, change or delete an entry here."""

    list_display = ["when", "who", "what", "about", "changes_in_brief"]
    list_display_links = ["when"]
    list_filter = [
        ("actor", admin.RelatedOnlyFieldListFilter),
        WhatFilter,
        KindFilter,
        ("timestamp", DateFilter),
    ]
    empty_value_display = "No one signed in (the system)"
    list_select_related = ["content_type", "actor"]
    search_fields = ["object_repr", "actor_email"]
    date_hierarchy = "timestamp"
    show_full_result_count = False
    fields = ["when", "who", "what", "kind", "object_text", "changes_in_full", "remote_addr", "details"]
    readonly_fields = fields

    def has_module_permission(self, request) -> bool:
        return is_agency_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_agency_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="When", ordering="timestamp")
    def when(self, entry: LogEntry) -> str:
        # In the agency's time zone, on the list and the entry's own page alike.
        return formats.localize(timezone.template_localtime(entry.timestamp))

    @admin.display(description="Who")
    def who(self, entry: LogEntry) -> str:
        return audit.who(entry)

    @admin.display(description="What")
    def what(self, entry: LogEntry) -> str:
        return audit.what(entry)

    @admin.display(description="Kind")
    def kind(self, entry: LogEntry) -> str:
        model = entry.content_type.model_class()
        return str(model._meta.verbose_name).capitalize() if model else entry.content_type.model

    @admin.display(description="Object")
    def object_text(self, entry: LogEntry) -> str:
        return entry.object_repr

    @admin.display(description="About")
    def about(self, entry: LogEntry) -> str:
        return f"{self.kind(entry)}: {entry.object_repr}" if entry.object_repr else self.kind(entry)

    @admin.display(description="Changes (before → after)")
    def changes_in_brief(self, entry: LogEntry) -> str:
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} → {}",
            # A long text (the legal terms) in full on the entry's own page, not in the list.
            (
                (name, Truncator(before).chars(80), Truncator(after).chars(80))
                for name, before, after in audit.changed_fields(entry)
            ),
        )

    @admin.display(description="Changes")
    def changes_in_full(self, entry: LogEntry) -> str:
        rows = audit.changed_fields(entry, names=True)
        if not rows:
            return "None"
        return format_html(
            "<table><thead><tr><th scope='col'>Field</th><th scope='col'>Before</th>"
            "<th scope='col'>After</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description="Details")
    def details(self, entry: LogEntry) -> str:
        data = {k: v for k, v in (entry.additional_data or {}).items() if k not in ("event", "actor_erased")}
        return "; ".join(f"{key}: {value}" for key, value in data.items()) or "None"
