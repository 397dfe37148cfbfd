from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("dashboard/applications/import/", views.import_applications, name="import"),
    path("dashboard/applications/import/template.csv", views.import_template, name="import_template"),
    path("dashboard/applications/import/<uuid:batch_uuid>/", views.import_batch, name="import_batch"),
    path(
        "dashboard/applications/import/<uuid:batch_uuid>/confirm/",
        views.confirm_import,
        name="confirm_import",
    ),
    path(
        "dashboard/applications/import/<uuid:batch_uuid>/cancel/", views.cancel_import, name="cancel_import"
    ),
    path(
        "dashboard/applications/import/<uuid:batch_uuid>/errors.csv",
        views.import_errors,
        name="import_errors",
    ),
]
