"""API keys in the admin: an agency admin makes one per integration, sees it once, revokes it."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone

from . import services
from .models import ApiKey


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=ApiKey.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give each integration only what it needs.",
        error_messages={"required": "Choose at least one thing the key may do."},
    )

    class Meta:
        model = ApiKey
        fields = ["name", "scopes"]


def _is_agency_admin(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.role == user.Role.ADMIN


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "prefix", "scope_list", "created_by", "created_at", "last_used_at", "status"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    # Only the agency's admins see or make keys: a key reads every application of the agency.
    def has_module_permission(self, request) -> bool:
        return _is_agency_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_agency_admin(request)

    def has_add_permission(self, request) -> bool:
        return _is_agency_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        # A key's scopes are fixed when it is made: make a new key rather than widen an old one.
        return _is_agency_admin(request) and obj is None

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked, never deleted: the record of who could call the API stays

    def get_fields(self, request, obj=None):
        return ["name", "scopes"] if obj is None else ["name", "scopes", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["name", "scopes", *self.readonly_fields]

    @admin.display(description="Scopes")
    def scope_list(self, key: ApiKey) -> str:
        labels = dict(ApiKey.Scope.choices)
        return ", ".join(labels.get(scope, scope) for scope in key.scopes)

    @admin.display(description="Status")
    def status(self, key: ApiKey) -> str:
        return f"Revoked {timezone.localtime(key.revoked_at):%Y-%m-%d %H:%M}" if key.is_revoked else "Active"

    def save_model(self, request, obj, form, change):
        if change:
            return
        key, raw = services.create_api_key(
            name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"], created_by=request.user
        )
        obj.pk, obj.prefix, obj.created_at = key.pk, key.prefix, key.created_at
        # Shown on the page that answers this POST, and nowhere else: not in a message, which
        # would wait in the session or a cookie, not in the database, not in a log.
        request.new_api_key = raw

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "new_api_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "API key made",
            "key": obj,
            "raw_key": raw,
        }
        return TemplateResponse(request, "integrations/api_key_created.html", context)

    @admin.action(description="Revoke the selected keys (they stop working at once)")
    def revoke(self, request, queryset):
        revoked = sum(services.revoke_api_key(key=key) for key in queryset)
        self.message_user(request, f"{revoked} key(s) revoked.", messages.SUCCESS)
