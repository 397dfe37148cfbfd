"""Pages of the portal as a whole: home, the account page, health check and the development mailbox."""

import email
import email.policy
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .forms import NameForm
from .services import rename_user


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Signed out: what the portal is. Signed in: the home page for the user's role."""
    if request.user.is_authenticated:
        if request.user.is_recruiter:
            return redirect("requests_app:dashboard")
        return redirect("requests_app:applications")
    return render(request, "home.html")


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own account: their name to edit, where to change e-mail and password.

    It reads and writes only `request.user`: there is no one else's account to reach from here.
    """
    user = request.user
    if request.method == "POST":
        form = NameForm(request.POST)
        if form.is_valid():
            rename_user(user=user, name=form.cleaned_data["name"])
            messages.success(request, "Your name is saved.")
            return redirect("account")
    else:
        form = NameForm(initial={"name": user.name})
    return render(request, "account/account.html", {"form": form})


def _check_broker() -> None:
    from feedback_portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache and broker reachable: 200, or 503 naming what is not."""
    checks = {}
    for name, check in (
        ("database", lambda: connection.cursor().execute("SELECT 1")),
        ("cache", lambda: cache.set("healthz", "ok", 10) or cache.get("healthz") == "ok" or 1 / 0),
        ("broker", _check_broker),
    ):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # any failure means unhealthy, never a 500
            checks[name] = f"unreachable: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", **checks}, status=200 if healthy else 503
    )


# --- Development mailbox: only when DEBUG ------------------------------------------

SEPARATOR = "\n" + "-" * 79 + "\n"


def _mailbox() -> list[dict]:
    """Every message the file backend wrote to var/mail/, newest first."""
    messages = []
    folder = Path(settings.MAIL_DIR)
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True):
        chunks = [c for c in path.read_bytes().decode("utf-8", "replace").split(SEPARATOR) if c.strip()]
        for index, chunk in reversed(list(enumerate(chunks))):
            msg = email.message_from_string(chunk.lstrip("\n"), policy=email.policy.default)
            text = msg.get_body(preferencelist=("plain",))
            html = msg.get_body(preferencelist=("html",))
            messages.append(
                {
                    "id": f"{path.stem}.{index}",
                    "subject": msg["subject"],
                    "to": msg["to"],
                    "reply_to": msg["reply-to"],
                    "date": msg["date"],
                    "text": text.get_content() if text else "",
                    "has_html": html is not None,
                    "html": html.get_content() if html else "",
                }
            )
    return messages


@login_not_required
@require_GET
def mailbox(request: HttpRequest) -> HttpResponse:
    if not settings.DEBUG:
        raise Http404
    messages = _mailbox()
    selected = next((m for m in messages if m["id"] == request.GET.get("id")), None)
    if selected is None and messages:
        selected = messages[0]
    return render(request, "dev/mailbox.html", {"mail": messages, "selected": selected})


@login_not_required
@require_GET
def mailbox_html(request: HttpRequest, message_id: str) -> HttpResponse:
    """One message's HTML part, as the recipient's mail program would show it."""
    if not settings.DEBUG:
        raise Http404
    message = next((m for m in _mailbox() if m["id"] == message_id and m["has_html"]), None)
    if message is None:
        raise Http404
    response = HttpResponse(message["html"])
    # The e-mail's own inline styles are allowed here, and nothing else.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response
