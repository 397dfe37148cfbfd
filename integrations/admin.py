from django.contrib import admin

from .models import ImportBatch, ImportRow

# CSV imports: the record of each, for admins to read; imports are made on the recruiters' page.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "created_by", "created_at", "state", "rows_total", "created", "failed"]
    list_filter = ["state", "create_clients", "invite"]
    list_select_related = ["created_by"]
    search_fields = ["file_name", "created_by__email"]
    date_hierarchy = "created_at"


@admin.register(ImportRow)
class ImportRowAdmin(ReadOnlyAdmin):
    list_display = ["batch", "number", "action", "result", "application"]
    list_filter = ["action", "result"]
    list_select_related = ["batch", "application"]
    raw_id_fields = ["batch", "application"]
    search_fields = ["batch__file_name", "application__external_id"]
