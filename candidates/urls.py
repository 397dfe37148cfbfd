from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("applications/", views.applications, name="applications"),
    path("applications/describe/", views.describe_application, name="describe_application"),
    path("applications/export/", views.export, name="export"),
    path("dashboard/applications/new/", views.new_application, name="new_application"),
]
