from django.urls import path

from . import views

app_name = "requests_app"

urlpatterns = [
    path("applications/<uuid:application_uuid>/request/", views.new_request, name="new_request"),
    path("requests/<uuid:request_uuid>/", views.candidate_request_page, name="candidate_request"),
    path("requests/<uuid:request_uuid>/withdraw/", views.withdraw, name="withdraw"),
    path("requests/<uuid:request_uuid>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("requests/<uuid:request_uuid>/follow-up/", views.ask_follow_up, name="ask_follow_up"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/requests/<uuid:request_uuid>/", views.dashboard_request, name="dashboard_request"),
    path("dashboard/requests/<uuid:request_uuid>/route/", views.route, name="route"),
    path(
        "dashboard/requests/<uuid:request_uuid>/confirm-application/",
        views.confirm_application,
        name="confirm_application",
    ),
    path("dashboard/requests/<uuid:request_uuid>/extend/", views.extend, name="extend"),
    path("dashboard/requests/<uuid:request_uuid>/answer/", views.record_answer, name="record_answer"),
    path("dashboard/requests/<uuid:request_uuid>/release/", views.release, name="release"),
    path("dashboard/requests/<uuid:request_uuid>/decline/", views.decline, name="decline"),
    path(
        "dashboard/requests/<uuid:request_uuid>/follow-up/forward/",
        views.forward_follow_up,
        name="forward_follow_up",
    ),
    path(
        "dashboard/requests/<uuid:request_uuid>/follow-up/answer/",
        views.answer_follow_up,
        name="answer_follow_up",
    ),
    # The answer page comes first so that "answer" is never read as a token.
    path("respond/answer/<uuid:routing_uuid>/", views.respond_answer, name="respond_answer"),
    path("respond/answer/<uuid:routing_uuid>/decline/", views.respond_decline, name="respond_decline"),
    # A follow-up question's page: under /respond/answer/ too, an address that holds no secret
    # (the log filter redacts every other /respond/ path).
    path("respond/answer/<uuid:routing_uuid>/follow-up/", views.respond_follow_up, name="respond_follow_up"),
    path(
        "respond/answer/<uuid:routing_uuid>/follow-up/decline/",
        views.respond_follow_up_decline,
        name="respond_follow_up_decline",
    ),
    path("respond/<str:token>/", views.respond_entry, name="respond_entry"),
]
