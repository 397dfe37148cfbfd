"""The integrations in the Django admin, for agency admins only: webhook endpoints and their
deliveries; API keys, made one per integration, shown once, revoked; the CSV imports' records,
read-only."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from . import addresses, services, webhooks
from .models import ApiKey, ImportBatch, ImportRow, WebhookDelivery, WebhookEndpoint, WebhookEvent


class AgencyAdminsOnly:
    """Webhooks carry the secret the ATS trusts: only agency admins see or change them."""

    @staticmethod
    def _agency_admin(request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.role == user.Role.ADMIN

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._agency_admin(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._agency_admin(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return self._agency_admin(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._agency_admin(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._agency_admin(request) and super().has_delete_permission(request, obj)


class WebhookEndpointForm(forms.ModelForm):
    """An endpoint: a public http(s) address (checked now, and again at every sending) and the
    events it wants."""

    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        help_text="http or https, at a public address.",
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the ATS hears about.",
        error_messages={"required": "Choose at least one event to send."},
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            addresses.safe_addresses(url)
        except addresses.UnsafeAddress as exc:
            raise forms.ValidationError(str(exc)) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AgencyAdminsOnly, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    readonly_fields = ["secret", "created_by", "created_at"]
    actions = ["new_secret"]

    def get_fieldsets(self, request, obj=None):
        fields = ["name", "url", "events", "is_active"]
        if obj is None:
            return [(None, {"fields": fields, "description": "The signing secret is made when you save."})]
        return [
            (None, {"fields": fields}),
            (
                "Signing",
                {
                    "fields": ["secret", "created_by", "created_at"],
                    "description": "Give the secret to the ATS: it checks each delivery's "
                    "X-Portal-Signature with it (see the integrations guide).",
                },
            ),
        ]

    def save_model(self, request, obj: WebhookEndpoint, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj: WebhookEndpoint, post_url_continue=None):
        # Straight to the endpoint's page, where the secret is: never in a message (messages may
        # travel in a cookie).
        self.message_user(
            request, "The endpoint is saved. Give the ATS its signing secret, below.", messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:integrations_webhookendpoint_change", args=[obj.pk]))

    @admin.action(description="Make a new signing secret (the old one stops working at once)")
    def new_secret(self, request, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            endpoint.secret = WebhookEndpoint._meta.get_field("secret").get_default()
            endpoint.save(update_fields=["secret"])
        self.message_user(request, f"{len(queryset)} endpoint(s) have a new secret: give it to the ATS.")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AgencyAdminsOnly, admin.ModelAdmin):
    list_display = [
        "created_at",
        "event",
        "endpoint",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["state", "event", "endpoint"]
    list_select_related = ["endpoint"]
    search_fields = ["=idempotency_key"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Resend the selected deliveries", permissions=["view"])
    def resend(self, request, queryset: QuerySet[WebhookDelivery]) -> None:
        count = webhooks.resend(queryset, now=timezone.now())
        skipped = len(queryset) - count
        self.message_user(request, f"{count} delivery(ies) will be sent again.")
        if skipped:
            self.message_user(
                request,
                f"{skipped} left as they are: being sent right now, or their payload was blanked "
                "by retention.",
                messages.WARNING,
            )


# --- API keys -------------------------------------------------------------------------------


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
    return AgencyAdminsOnly._agency_admin(request)


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


# --- CSV imports: the record of each, to read; imports are made on the recruiters' page ------


class ImportRecordAdmin(AgencyAdminsOnly, admin.ModelAdmin):
    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ImportRecordAdmin):
    list_display = ["file_name", "created_by", "created_at", "state", "rows_total", "created", "failed"]
    list_filter = ["state", "create_clients", "invite"]
    list_select_related = ["created_by"]
    search_fields = ["file_name", "created_by__email"]
    date_hierarchy = "created_at"


@admin.register(ImportRow)
class ImportRowAdmin(ImportRecordAdmin):
    list_display = ["batch", "number", "action", "result", "application"]
    list_filter = ["action", "result"]
    list_select_related = ["batch", "application"]
    raw_id_fields = ["batch", "application"]
    search_fields = ["batch__file_name", "application__external_id"]
