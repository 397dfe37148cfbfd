"""The API's addresses, under /api/v1/. Every view is reached with an API key, never a session."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import problems, views

app_name = "api"


def _open(view):
    # The key, not a signed-in session, decides (authentication.py): the portal's sign-in
    # redirect must not answer an integration with an HTML page.
    return login_not_required(view)


urlpatterns = [
    path("applications", _open(views.ApplicationList.as_view()), name="applications"),
    path("applications/<str:external_id>", _open(views.ApplicationDetail.as_view()), name="application"),
    path(
        "applications/<str:external_id>/outcome",
        _open(views.ApplicationOutcome.as_view()),
        name="application_outcome",
    ),
    path("requests/<uuid:request_uuid>", _open(views.FeedbackRequestDetail.as_view()), name="request"),
    path("schema", _open(SpectacularAPIView.as_view()), name="schema"),
    path("docs", _open(views.ApiDocs.as_view(url_name="api:schema")), name="docs"),
    re_path(r"^.*$", _open(problems.not_found)),
]
