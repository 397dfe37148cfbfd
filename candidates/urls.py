from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("applications/describe/", views.describe_application, name="describe_application"),
    path("dashboard/applications/", views.recruiter_applications, name="recruiter_applications"),
    path("dashboard/applications/new/", views.new_application, name="new_application"),
    path(
        "dashboard/applications/<uuid:application_uuid>/outcome/", views.record_outcome, name="record_outcome"
    ),
    path("dashboard/clients/", views.clients, name="clients"),
    path("dashboard/clients/new/", views.new_client, name="new_client"),
    path("dashboard/clients/<uuid:client_uuid>/", views.client_detail, name="client"),
    path("dashboard/clients/<uuid:client_uuid>/edit/", views.edit_client, name="edit_client"),
    path(
        "dashboard/clients/<uuid:client_uuid>/managers/new/",
        views.add_hiring_manager,
        name="add_hiring_manager",
    ),
    path(
        "dashboard/clients/<uuid:client_uuid>/managers/<uuid:manager_uuid>/edit/",
        views.edit_hiring_manager,
        name="edit_hiring_manager",
    ),
    path(
        "dashboard/clients/<uuid:client_uuid>/managers/<uuid:manager_uuid>/deactivate/",
        views.deactivate_hiring_manager,
        name="deactivate_hiring_manager",
    ),
    path(
        "dashboard/clients/<uuid:client_uuid>/managers/<uuid:manager_uuid>/reactivate/",
        views.reactivate_hiring_manager,
        name="reactivate_hiring_manager",
    ),
    path(
        "dashboard/clients/<uuid:client_uuid>/managers/<uuid:manager_uuid>/erase/",
        views.erase_hiring_manager,
        name="erase_hiring_manager",
    ),
]
