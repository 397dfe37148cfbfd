from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("applications/", views.applications, name="applications"),
    path("applications/describe/", views.describe_application, name="describe_application"),
    path("applications/export/", views.export, name="export"),
    path("dashboard/applications/", views.recruiter_applications, name="recruiter_applications"),
    path("dashboard/applications/new/", views.new_application, name="new_application"),
    path(
        "dashboard/applications/<uuid:application_uuid>/outcome/", views.record_outcome, name="record_outcome"
    ),
]
