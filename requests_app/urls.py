from django.urls import path

from .views import analytics, candidate, desk, manager, recruiter, release

app_name = "requests_app"

urlpatterns = [
    path("applications/", candidate.applications, name="applications"),
    path("applications/export/", candidate.export, name="export"),
    path("applications/<uuid:application_uuid>/request/", candidate.new_request, name="new_request"),
    path("requests/<uuid:request_uuid>/", candidate.candidate_request_page, name="candidate_request"),
    path("requests/<uuid:request_uuid>/withdraw/", candidate.withdraw, name="withdraw"),
    path("requests/<uuid:request_uuid>/acknowledge/", candidate.acknowledge, name="acknowledge"),
    path("requests/<uuid:request_uuid>/follow-up/", candidate.ask_follow_up, name="ask_follow_up"),
    path("dashboard/", desk.dashboard, name="dashboard"),
    path("dashboard/bulk/", desk.bulk, name="bulk"),
    path("dashboard/bulk/<uuid:run_uuid>/", desk.bulk_result, name="bulk_result"),
    path("dashboard/handover/", desk.handover, name="handover"),
    path("dashboard/analytics/", analytics.analytics, name="analytics"),
    path("dashboard/requests/<uuid:request_uuid>/", recruiter.dashboard_request, name="dashboard_request"),
    path("dashboard/requests/<uuid:request_uuid>/route/", recruiter.route, name="route"),
    path(
        "dashboard/requests/<uuid:request_uuid>/confirm-application/",
        recruiter.confirm_application,
        name="confirm_application",
    ),
    path("dashboard/requests/<uuid:request_uuid>/extend/", recruiter.extend, name="extend"),
    path("dashboard/requests/<uuid:request_uuid>/resend-link/", recruiter.resend_link, name="resend_link"),
    path("dashboard/requests/<uuid:request_uuid>/reassign/", desk.reassign, name="reassign"),
    path("dashboard/requests/<uuid:request_uuid>/answer/", recruiter.record_answer, name="record_answer"),
    path("dashboard/requests/<uuid:request_uuid>/release/", release.release, name="release"),
    path("dashboard/requests/<uuid:request_uuid>/correct/", release.correct, name="correct"),
    path("dashboard/requests/<uuid:request_uuid>/interviewers/", recruiter.interviewers, name="interviewers"),
    path("dashboard/requests/<uuid:request_uuid>/decline/", recruiter.decline, name="decline"),
    path(
        "dashboard/requests/<uuid:request_uuid>/follow-up/forward/",
        recruiter.forward_follow_up,
        name="forward_follow_up",
    ),
    path(
        "dashboard/requests/<uuid:request_uuid>/follow-up/answer/",
        recruiter.answer_follow_up,
        name="answer_follow_up",
    ),
    # The answer page comes first so that "answer" is never read as a token.
    path("respond/answer/<uuid:routing_uuid>/", manager.respond_answer, name="respond_answer"),
    path("respond/answer/<uuid:routing_uuid>/decline/", manager.respond_decline, name="respond_decline"),
    # A follow-up question's page: under /respond/answer/ too, an address that holds no secret
    # (the log filter redacts every other /respond/ path).
    path(
        "respond/answer/<uuid:routing_uuid>/follow-up/", manager.respond_follow_up, name="respond_follow_up"
    ),
    path(
        "respond/answer/<uuid:routing_uuid>/follow-up/decline/",
        manager.respond_follow_up_decline,
        name="respond_follow_up_decline",
    ),
    path("respond/<str:token>/", manager.respond_entry, name="respond_entry"),
]
