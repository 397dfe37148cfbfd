"""What every button on a request does after its form is valid: run one service, say how it went."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .. import services


def act(
    request: HttpRequest,
    run: Callable[[], Any],
    success: str | Callable[[Any], str],
    *,
    back_to: str,
    request_uuid,
) -> HttpResponse:
    """Run the service; on success say so, on a refused transition (someone acted first) say why.

    Either way the person lands back on the request's page, which shows its true state.
    """
    try:
        result = run()
    except services.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(back_to, request_uuid)
