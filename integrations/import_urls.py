"""The CSV import's pages, for recruiters, under /dashboard/applications/import/."""

from django.urls import path

from . import import_views

app_name = "integrations"

urlpatterns = [
    path("dashboard/applications/import/", import_views.import_applications, name="import"),
    path("dashboard/applications/import/template.csv", import_views.import_template, name="import_template"),
    path("dashboard/applications/import/<uuid:batch_uuid>/", import_views.import_batch, name="import_batch"),
    path(
        "dashboard/applications/import/<uuid:batch_uuid>/confirm/",
        import_views.confirm_import,
        name="confirm_import",
    ),
    path(
        "dashboard/applications/import/<uuid:batch_uuid>/cancel/",
        import_views.cancel_import,
        name="cancel_import",
    ),
    path(
        "dashboard/applications/import/<uuid:batch_uuid>/errors.csv",
        import_views.import_errors,
        name="import_errors",
    ),
]
