from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

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


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["to_email", "subject"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        ("Agency", {"fields": ["agency_name", "agency_contact_email", "sign_off"]}),
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
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The legal terms run to a hundred lines and more: a box tall enough to read them."""
        if db_field.name == "legal_terms":
            kwargs["widget"] = AdminTextareaWidget(attrs={"rows": 30})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request) -> bool:
        return not PortalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
