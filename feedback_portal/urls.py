from django.contrib import admin
from django.urls import include, path

from . import sessions, views

handler500 = views.server_error

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("brand.css", views.brand_css, name="brand_css"),
    path("brand/logo", views.brand_logo, name="brand_logo"),
    path("account/", views.account, name="account"),
    path("account/erase/", views.request_erasure, name="request_erasure"),
    path("account/erase/cancel/", views.cancel_erasure, name="cancel_erasure"),
    path("dashboard/erasures/", views.erasures, name="erasures"),
    path("dashboard/erasures/<uuid:erasure_uuid>/", views.erasure_detail, name="erasure_detail"),
    path("accounts/", include("allauth.urls")),
    # One door in: the admin's own sign-in and password pages lead to allauth's.
    path("admin/login/", sessions.admin_login, name="admin_login"),
    path("admin/password_change/", sessions.admin_password_change, name="admin_password_change"),
    path("admin/", admin.site.urls),
    path("dev/mailbox/", views.mailbox, name="dev_mailbox"),
    path("dev/mailbox/<str:message_id>/html/", views.mailbox_html, name="dev_mailbox_html"),
    # The REST API (the integrations app: included by name, so nothing here imports it).
    path("api/v1/", include("integrations.urls")),
    path("", include("candidates.urls")),
    path("", include("requests_app.urls")),
    path("", include("integrations.import_urls")),
]
