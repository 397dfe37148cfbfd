"""The REST API, /api/v1/: applications by the applicant-tracking system's id, and requests' states.

Thin views: the key and its scope are checked by `authentication.HasScope` (each view names the
scope per method), input by the serializers, writes by `services`. Errors are problem+json
(`problems.py`).
"""

import re

from django.db.models import Prefetch
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions, generics, pagination, status
from rest_framework.response import Response
from rest_framework.views import APIView

from candidates.models import Application, Client
from requests_app.models import Event, FeedbackRequest

from . import services
from .models import ApiKey
from .serializers import (
    ApplicationFilterSerializer,
    ApplicationSerializer,
    ApplicationWriteSerializer,
    FeedbackRequestSerializer,
    OutcomeResultSerializer,
    OutcomeSerializer,
    ProblemSerializer,
)

READ_APPLICATIONS = ApiKey.Scope.READ_APPLICATIONS
WRITE_APPLICATIONS = ApiKey.Scope.WRITE_APPLICATIONS
READ_REQUESTS = ApiKey.Scope.READ_REQUESTS

# What an external id may be: printable, no spaces or slashes, as the applicant-tracking systems
# we know number their records. Anything else is refused before the database sees it.
EXTERNAL_ID = re.compile(r"[A-Za-z0-9._~:@-]{1,100}")

# Timeline kinds the API never lists: the recruiters' internal notes.
HIDDEN_KINDS = (Event.Kind.NOTE,)


def _problems(*codes: int) -> dict:
    return {(code, "application/problem+json"): ProblemSerializer for code in codes}


COMMON = (401, 403, 429)


class ScopedView(APIView):
    """An API view whose scope depends on the method: `scopes = {"GET": READ_…, "PUT": WRITE_…}`."""

    scopes: dict[str, str] = {}

    @property
    def required_scope(self) -> str | None:
        return self.scopes.get(self.request.method)


DAMAGED_CURSOR = "This cursor is damaged or not one the API made: start again without it."


class ApplicationPagination(pagination.CursorPagination):
    """Newest first, 50 a page, by an opaque cursor: the same cost on the first page and the last."""

    page_size = 50
    ordering = ("-created_at", "-pk")
    cursor_query_param = "cursor"

    def decode_cursor(self, request):
        # The cursor's position is the last row's created_at: anything else (a cursor made up or
        # damaged) is refused here, before the database is asked to compare a date with it.
        damaged = exceptions.ValidationError({"cursor": [DAMAGED_CURSOR]})
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            raise damaged from None
        if (
            cursor is not None
            and cursor.position is not None
            and parse_datetime_safe(cursor.position) is None
        ):
            raise damaged
        return cursor


def parse_datetime_safe(value: str):
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _applications():
    """The applications as the API shows them: their client, recruiter and requests' ids in three
    queries for any page (select_related, then one prefetch)."""
    return Application.objects.select_related("client", "recruiter").prefetch_related(
        Prefetch(
            "feedback_requests", queryset=FeedbackRequest.objects.only("uuid", "created_at", "application")
        )
    )


def _application_or_404(external_id: str) -> Application:
    """The application with this applicant-tracking id, or a 404 (any key with the scope may read it)."""
    if not EXTERNAL_ID.fullmatch(external_id):
        raise exceptions.NotFound("No application has this external id.")
    application = _applications().filter(external_id=external_id).first()
    if application is None:
        raise exceptions.NotFound("No application has this external id.")
    return application


class ApplicationList(ScopedView, generics.ListAPIView):
    scopes = {"GET": READ_APPLICATIONS}
    serializer_class = ApplicationSerializer
    pagination_class = ApplicationPagination

    @extend_schema(
        summary="List applications",
        parameters=[ApplicationFilterSerializer],
        responses={200: ApplicationSerializer(many=True), **_problems(400, *COMMON)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = ApplicationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        rows = _applications()
        if "client" in wanted:
            rows = rows.filter(client__in=Client.objects.named(" ".join(wanted["client"].split())))
        if "outcome" in wanted:
            rows = rows.filter(outcome=wanted["outcome"])
        if "external_id" in wanted:
            rows = rows.filter(external_id=wanted["external_id"])
        if "updated_since" in wanted:
            rows = rows.filter(updated_at__gte=wanted["updated_since"])
        if "created_since" in wanted:
            rows = rows.filter(created_at__gte=wanted["created_since"])
        return rows


EXTERNAL_ID_PARAMETER = OpenApiParameter(
    "external_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The application's id in the applicant-tracking system (letters, digits and . _ ~ : @ -).",
    pattern=EXTERNAL_ID.pattern,
)


class ApplicationDetail(ScopedView):
    scopes = {"GET": READ_APPLICATIONS, "PUT": WRITE_APPLICATIONS}

    @extend_schema(
        summary="Read one application",
        parameters=[EXTERNAL_ID_PARAMETER],
        responses={200: ApplicationSerializer, **_problems(404, *COMMON)},
    )
    def get(self, request, external_id: str):
        return Response(ApplicationSerializer(_application_or_404(external_id)).data)

    @extend_schema(
        summary="Create or update an application by its external id",
        description="The whole application: created when the id is new (201), else brought up to date "
        "(200). Sending the same body again changes nothing and invites nobody twice.",
        parameters=[EXTERNAL_ID_PARAMETER],
        request=ApplicationWriteSerializer,
        responses={200: ApplicationSerializer, 201: ApplicationSerializer, **_problems(400, *COMMON)},
    )
    def put(self, request, external_id: str):
        if not EXTERNAL_ID.fullmatch(external_id):
            raise exceptions.ValidationError(
                {"external_id": ["Use up to 100 letters, digits and . _ ~ : @ - characters."]}
            )
        serializer = ApplicationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.upsert_application(external_id=external_id, data=serializer.validated_data)
        application = _applications().get(pk=result.application.pk)
        return Response(
            ApplicationSerializer(application).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class ApplicationOutcome(ScopedView):
    scopes = {"POST": WRITE_APPLICATIONS}

    @extend_schema(
        summary="Record an application's outcome",
        description="A turn-down with `invite` e-mails the candidate that they can ask for feedback, as "
        "the recruiter's form does. Reporting the outcome it already has changes nothing.",
        parameters=[EXTERNAL_ID_PARAMETER],
        request=OutcomeSerializer,
        responses={200: OutcomeResultSerializer, **_problems(400, 404, *COMMON)},
    )
    def post(self, request, external_id: str):
        application = _application_or_404(external_id)
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.record_outcome(application=application, **serializer.validated_data)
        application = _applications().get(pk=application.pk)
        return Response(
            {
                "changed": result.changed,
                "invited": result.invited,
                "application": ApplicationSerializer(application).data,
            }
        )


class FeedbackRequestDetail(ScopedView):
    scopes = {"GET": READ_REQUESTS}

    @extend_schema(
        summary="Read a feedback request's state and timeline",
        description="What happened when (kinds and dates); never the hiring manager, nor any text.",
        responses={200: FeedbackRequestSerializer, **_problems(404, *COMMON)},
    )
    def get(self, request, request_uuid):
        timeline = Event.objects.exclude(kind__in=HIDDEN_KINDS).order_by("created_at", "id")
        feedback_request = (
            FeedbackRequest.objects.select_related("application")
            .prefetch_related(Prefetch("events", queryset=timeline, to_attr="api_timeline"))
            .filter(uuid=request_uuid)
            .first()
        )
        if feedback_request is None:
            raise exceptions.NotFound("No feedback request has this id.")
        return Response(FeedbackRequestSerializer(feedback_request).data)


class ApiDocs(SpectacularSwaggerSplitView):
    """Swagger UI from the portal's own static files, with no inline style or script (strict CSP)."""

    template_name = "integrations/api_docs.html"
