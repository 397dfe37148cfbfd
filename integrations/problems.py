"""Every error the API answers, as RFC 9457 problem details (`application/problem+json`).

`{"type", "title", "status", "detail"}`, plus `errors` (field → list of messages) when the input
was wrong; never a stack trace.
"""

import logging
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def problem(status_code: int, detail: str, *, errors: dict | None = None) -> dict:
    """A problem of the plain kind RFC 9457 calls "about:blank": its title is the status's phrase,
    its detail says what went wrong in words, `errors` which fields were wrong."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def _field_errors(detail) -> dict[str, list[str]]:
    """DRF's nested error detail as field → messages ("non_field_errors" kept as "_")."""
    if isinstance(detail, list):
        return {"_": [str(message) for message in detail]}
    errors: dict[str, list[str]] = {}
    for field, messages in detail.items():
        name = "_" if field == "non_field_errors" else field
        if isinstance(messages, dict):
            for inner, inner_messages in _field_errors(messages).items():
                errors[f"{name}.{inner}"] = inner_messages
        elif isinstance(messages, list):
            errors[name] = [str(m) for m in messages]
        else:
            errors[name] = [str(messages)]
    return errors


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request's body is too large: send one application at a time."
    default_code = "too_large"


def exception_handler(exc, context) -> Response:
    """DRF's handler, reshaped: every failure of an API view answers problem+json."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Nothing is here with this id.")
    elif isinstance(exc, RequestDataTooBig):
        exc = TooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError("The request could not be read.")
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        return Response(
            problem(500, "The portal could not do this just now. Try again in a minute."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            content_type=PROBLEM_JSON,
        )
    if isinstance(exc, exceptions.ValidationError):
        body = problem(400, "Some fields are not valid: see `errors`.", errors=_field_errors(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = problem(response.status_code, str(detail))
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(int(exc.wait) or 1)
    response.data = body
    response.content_type = PROBLEM_JSON
    return response


def not_found(request, *args, **kwargs) -> JsonResponse:
    """An address under /api/v1/ that names no endpoint: a problem, not the portal's HTML page."""
    return JsonResponse(
        problem(404, "No endpoint at this address: see /api/v1/schema."),
        status=404,
        content_type=PROBLEM_JSON,
    )
