from django.contrib import admin, messages
from django.utils import timezone

from feedback_portal.admin import UserAdmin
from feedback_portal.models import User

from . import exports, retention
from .models import (
    AreaAnswer,
    Event,
    FeedbackRequest,
    FeedbackResponse,
    FollowUp,
    LinkToken,
    NextStep,
    RecruiterDigest,
    Reminder,
    Routing,
)
from .models.areas import http_url


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "actor_label", "from_state", "to_state", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RoutingInline(admin.TabularInline):
    model = Routing
    extra = 0
    fields = ["hiring_manager", "routed_at", "expires_at", "revoked_at", "reminders_sent", "follow_up"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeedbackRequest)
class FeedbackRequestAdmin(admin.ModelAdmin):
    """Requests for the agency's admin; also the fixed reference `make bench` measures the queue against.

    A fair reference: one query for the rows (every object list_display names is joined in),
    filters on state and client, search on the candidate's name and e-mail like the queue's,
    and no count of the whole table on every page (show_full_result_count).
    """

    list_display = ["uuid", "candidate", "application", "state", "legal_hold", "created_at", "anonymised_at"]
    list_filter = [
        "state",
        # Every client, from the clients table (not the distinct clients of every request).
        "application__client",
        "legal_hold",
        ("anonymised_at", admin.EmptyFieldListFilter),
    ]
    # `candidate` shows the account; `application` shows the name, role and client.
    list_select_related = ["candidate", "application__client"]
    search_fields = ["application__candidate_name", "application__candidate_email"]
    show_full_result_count = False
    # State changes go through the services, so their Events are written; only the hold is edited here.
    readonly_fields = [
        "uuid",
        "application",
        "candidate",
        "state",
        "areas",
        "self_assessment",
        "question_list",
        "consent_to_forward",
        "created_at",
        "state_changed_at",
        "anonymised_at",
    ]
    inlines = [RoutingInline, EventInline]
    actions = ["place_legal_hold", "release_legal_hold"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only what was edited is written: a full save would put back a state read before
        # the form was sent. The hold goes through the service, which notes it on the timeline.
        others = [name for name in form.changed_data if name != "legal_hold"]
        if others:
            obj.save(update_fields=others)
        if "legal_hold" in form.changed_data:
            retention.set_legal_hold(feedback_request=obj, on=obj.legal_hold, actor=request.user)

    def _set_legal_hold(self, request, queryset, *, on: bool) -> None:
        changed = sum(
            retention.set_legal_hold(feedback_request=fr, on=on, actor=request.user) for fr in queryset
        )
        done = "placed on legal hold" if on else "released from legal hold"
        self.message_user(request, f"{changed} request(s) {done}.", messages.SUCCESS)
        unchanged = len(queryset) - changed
        if unchanged:
            already = "already on legal hold" if on else "not on legal hold"
            self.message_user(request, f"{unchanged} request(s) were {already}.", messages.INFO)

    @admin.action(description="Place on legal hold", permissions=["change"])
    def place_legal_hold(self, request, queryset) -> None:
        self._set_legal_hold(request, queryset, on=True)

    @admin.action(description="Release legal hold", permissions=["change"])
    def release_legal_hold(self, request, queryset) -> None:
        self._set_legal_hold(request, queryset, on=False)


class AreaAnswerInline(admin.TabularInline):
    model = AreaAnswer
    extra = 0
    readonly_fields = ["area", "rating", "comment", "released_comment"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeedbackResponse)
class FeedbackResponseAdmin(admin.ModelAdmin):
    list_display = ["feedback_request", "kind", "submitted_at", "released_at"]
    list_filter = ["kind"]
    readonly_fields = [
        "uuid",
        "feedback_request",
        "routing",
        "kind",
        "summary",
        "consider_for_other_roles",
        "decline_reason",
        "answered_by_recruiter",
        "submitted_at",
        "released_summary",
        "released_at",
        "released_by",
    ]
    inlines = [AreaAnswerInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "feedback_request", "kind", "actor", "actor_label", "to_state"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LinkToken)
class LinkTokenAdmin(admin.ModelAdmin):
    list_display = ["routing", "created_at"]
    readonly_fields = ["routing", "token_hash", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(NextStep)
class NextStepAdmin(admin.ModelAdmin):
    """The library of next steps the release page suggests, per area and rating (blank: any)."""

    list_display = ["title", "area", "rating", "is_active", "position"]
    list_filter = ["area", "rating", "is_active"]
    list_editable = ["is_active", "position"]
    search_fields = ["title", "description", "url"]
    fields = ["area", "rating", "title", "description", "url", "position", "is_active"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name != "url":
            return super().formfield_for_dbfield(db_field, request, **kwargs)
        # A bare address gets https://; one message for every address that is no web page.
        field = super().formfield_for_dbfield(db_field, request, assume_scheme="https", **kwargs)
        field.error_messages["invalid"] = http_url.message
        return field


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["routing", "step", "created_at"]
    readonly_fields = ["routing", "step", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RecruiterDigest)
class RecruiterDigestAdmin(admin.ModelAdmin):
    list_display = ["recruiter", "day", "created_at"]
    list_filter = ["day"]
    readonly_fields = ["recruiter", "day", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    """Read-only: a follow-up moves on through the services, which write its Events."""

    list_display = ["feedback_request", "state", "asked_at", "answered_at"]
    list_filter = ["state"]
    list_select_related = ["feedback_request"]
    readonly_fields = [f.name for f in FollowUp._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# The portal's user admin, with the export of everything stored about a candidate: their
# requests live here, so this app adds the action to the admin feedback_portal registers.
admin.site.unregister(User)


@admin.register(User)
class UserWithExportAdmin(UserAdmin):
    actions = [*UserAdmin.actions, "subject_access_export"]

    @admin.action(description="Subject-access export (JSON, originals included)", permissions=["change"])
    def subject_access_export(self, request, queryset):
        # One person per file: the file is sent to that person, so it never mixes two.
        chosen = list(queryset[:2])
        if len(chosen) != 1 or not chosen[0].is_candidate:
            self.message_user(request, "Choose exactly one candidate to export.", messages.WARNING)
            return None
        [candidate] = chosen
        now = timezone.now()
        data = exports.subject_access_export(candidate=candidate, actor=request.user, now=now)
        self.log_change(request, candidate, "Subject-access export downloaded.")
        return exports.json_attachment(
            data, filename=exports.export_filename(f"subject-access-{candidate.pk}", now)
        )
