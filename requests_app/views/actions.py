"""What every button on a request does after its form is valid: run one service, once, and say how it went."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from feedback_portal.once import ALREADY_DONE, AlreadyDone, done_once

from .. import services

__all__ = ["ALREADY_DONE", "act"]


def act(
    request: HttpRequest,
    run: Callable[[], Any],
    success: str | Callable[[Any], str],
    *,
    back_to: str,
    request_uuid,
) -> HttpResponse:
    """Run the service once for this form; on success say so, on a refused transition (someone
    acted first) say why, on a repeat of a form already acted on say that.

    Either way the person lands back on the request's page, which shows its true state.
    """
    try:
        result = done_once(request, run)
    except AlreadyDone:
        messages.info(request, ALREADY_DONE)
    except services.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(back_to, request_uuid)
