from django.contrib import admin

from .models import Application, CandidateProfile, Client, HiringManager


class HiringManagerInline(admin.TabularInline):
    model = HiringManager
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "feedback_policy"]
    list_filter = ["feedback_policy"]
    search_fields = ["name"]
    inlines = [HiringManagerInline]


@admin.register(HiringManager)
class HiringManagerAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "title", "client", "is_active"]
    list_select_related = ["client"]
    search_fields = ["name", "email", "client__name"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["candidate_name", "role_title", "client", "stage", "outcome", "recruiter", "is_confirmed"]
    list_filter = ["outcome", "stage", "source", "is_confirmed"]
    list_select_related = ["client", "recruiter"]
    search_fields = ["candidate_name", "candidate_email", "role_title", "job_reference"]
    raw_id_fields = ["candidate"]


@admin.register(CandidateProfile)
class CandidateProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "phone", "created_at"]
    search_fields = ["user__email", "user__name"]
