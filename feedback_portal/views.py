"""Pages of the portal as a whole: home, the account page, health check, the brand's logo and
stylesheet, and the development mailbox."""

import email
import email.policy
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import quote_etag
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    condition,
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from . import brand, erasure, once
from .access import admin_required, candidate_required, erasure_for_admin
from .forms import EraseNowForm, ErasureForm, NameForm
from .mfa import has_second_factor
from .models import ErasureRequest, PortalSettings
from .services import rename_user


def server_error(request: HttpRequest) -> HttpResponse:
    """Something broke: a plain page in the agency's name, if the settings can still be read.

    It must not fail itself, so it renders without the context processors, and names the portal
    when the database or cache (perhaps the cause) cannot say the agency's name.
    """
    try:
        name = PortalSettings.load().agency_name
    except Exception:  # whatever broke the page may break this too: the page must still answer
        name = "Feedback Portal"
    return HttpResponseServerError(render_to_string("500.html", {"agency_name": name}))


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
    """The signed-in user's own account: their name to edit, where to change e-mail and password, and
    whether two-factor authentication is on.

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
    return _account_page(request, form=form)


def _account_page(request: HttpRequest, *, form=None, erasure_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    context = {
        "form": form or NameForm(initial={"name": user.name}),
        "has_second_factor": has_second_factor(user),
    }
    if user.is_candidate:
        pending = erasure.pending_for(user)
        context.update(
            erasure_request=pending,
            # The candidate learns only that records must be kept for now, never which or why.
            erasure_held=bool(pending and erasure.account_holds(user)),
            erasure_form=erasure_form or ErasureForm(user=user),
        )
    return render(request, "account/account.html", context, status=status)


@candidate_required
@require_http_methods(["GET", "POST"])
def request_erasure(request: HttpRequest) -> HttpResponse:
    """The candidate asks for everything about them to be erased: recorded, for an admin to carry out.

    A form with errors is answered at this address: opened again (a reload), it leads back to
    the account page."""
    if request.method == "GET":
        return redirect(f"{reverse('account')}#erase")
    if not request.user.has_usable_password():
        messages.info(request, "Set a password first: we ask for it to confirm it is you.")
        return redirect(f"{reverse('account')}#erase")
    form = ErasureForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account_page(request, erasure_form=form)
    try:
        once.done_once(request, lambda: erasure.request_erasure(user=request.user))
    except once.AlreadyDone:
        return once.already_done(request, "account")
    messages.success(
        request,
        "Your request to erase your data is recorded. The agency will carry it out; "
        "until then you can cancel it here.",
    )
    return redirect(f"{reverse('account')}#erase")


@candidate_required
@require_POST
def cancel_erasure(request: HttpRequest) -> HttpResponse:
    """The candidate withdraws their request while it still waits."""
    try:
        cancelled = once.done_once(request, lambda: erasure.cancel_erasure(user=request.user))
    except once.AlreadyDone:
        return once.already_done(request, "account")
    if cancelled:
        messages.success(request, "Your request to erase your data is cancelled. Nothing was erased.")
    else:
        messages.info(request, "There was no request waiting to cancel.")
    return redirect(f"{reverse('account')}#erase")


# --- Erasure requests, for the agency's admins ----------------------------------------------


@admin_required
@require_GET
def erasures(request: HttpRequest) -> HttpResponse:
    """Every erasure request, those waiting first, each with the legal holds that block it."""
    rows = list(
        ErasureRequest.objects.select_related("user", "decided_by").order_by(
            Case(When(state=ErasureRequest.State.PENDING, then=0), default=1), "requested_at"
        )[:200]
    )
    waiting = [row.user_id for row in rows if row.state == ErasureRequest.State.PENDING and row.user_id]
    holds = erasure.holds_of(erasure.ACCOUNT, waiting)
    for row in rows:
        row.holds = holds.get(row.user_id, []) if row.state == ErasureRequest.State.PENDING else []
    return render(request, "erasure/list.html", {"rows": rows})


@admin_required
@require_http_methods(["GET", "POST"])
def erasure_detail(request: HttpRequest, erasure_uuid) -> HttpResponse:
    """One erasure request: what will go, what blocks it, and "Erase now" with a confirmation."""
    row = erasure_for_admin(request, erasure_uuid)
    form = EraseNowForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done = once.done_once(
                request, lambda: erasure.erase_account(erasure_request=row, actor=request.user)
            )
        except once.AlreadyDone:
            return once.already_done(request, "erasure_detail", row.uuid)
        except erasure.ErasureBlocked:
            form.add_error(None, "Records about this candidate are on legal hold: nothing was erased.")
        except erasure.NotErasable as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"Erased. The erasure is recorded as {done.uuid}, without the person's data."
            )
            return redirect("erasure_detail", done.uuid)
        row.refresh_from_db()
    pending = row.state == ErasureRequest.State.PENDING and row.user is not None
    return render(
        request,
        "erasure/detail.html",
        {
            "row": row,
            "form": form,
            "pending": pending,
            "holds": erasure.account_holds(row.user) if pending else [],
        },
    )


def _check_cache() -> None:
    """Raise unless the cache answers: Redis's own ping (the portal's Redis cache hides outages
    from pages), else a value written and read back."""
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
    elif not (cache.set("healthz", "ok", 10) or cache.get("healthz") == "ok"):
        raise ConnectionError("the cache did not keep a value")


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
        ("cache", _check_cache),
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


# --- The brand: served from the settings row, cached by browsers until it changes ---------

# A versioned address (?v= the current version) never changes content, so browsers keep it for
# a year; any other asks again each time and gets a 304 while the ETag still matches.
FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"


def _cache_headers(response: HttpResponse, request: HttpRequest, current: str) -> HttpResponse:
    response["Cache-Control"] = FOREVER if request.GET.get("v") == current else REVALIDATE
    return response


def _css_version(request: HttpRequest) -> str:
    return brand.version(PortalSettings.load().brand_css)


def _logo_version(request: HttpRequest) -> str | None:
    return PortalSettings.load().logo_version or None


@login_not_required
@require_safe
@condition(etag_func=_css_version)
def brand_css(request: HttpRequest) -> HttpResponse:
    """The brand colour as CSS custom properties: a file, since the CSP allows no inline style."""
    css = PortalSettings.load().brand_css
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    return _cache_headers(response, request, brand.version(css))


@login_not_required
@require_safe
@condition(etag_func=_logo_version)
def brand_logo(request: HttpRequest) -> HttpResponse:
    """The agency's logo, from the database (every web machine sees it); 404 without one."""
    row = PortalSettings.objects.filter(pk=1).values("logo", "logo_type", "logo_version").first()
    if not row or not row["logo"]:
        raise Http404("The agency has no logo.")
    response = HttpResponse(bytes(row["logo"]), content_type=row["logo_type"])
    response["ETag"] = quote_etag(row["logo_version"])  # what is sent, should the admin just have changed it
    return _cache_headers(response, request, row["logo_version"])


# --- Development mailbox: only when DEBUG ------------------------------------------

# How Django's file backend ends each message it appends to a file.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def _mailbox() -> list[dict]:
    """Every message the file backend wrote to var/mail/, newest first.

    Read as bytes and parsed with the modern policy, so every part comes out decoded as its
    headers say: 8-bit UTF-8, quoted-printable and base64 bodies, and encoded subjects and names.
    """
    messages = []
    folder = Path(settings.MAIL_DIR)
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True):
        chunks = [c for c in path.read_bytes().split(SEPARATOR) if c.strip()]
        for index, chunk in reversed(list(enumerate(chunks))):
            msg = email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default)
            text = msg.get_body(preferencelist=("plain",))
            html = msg.get_body(preferencelist=("html",))
            messages.append(
                {
                    "id": f"{path.stem}.{index}",
                    "subject": msg["subject"],
                    "from": msg["from"],
                    "to": msg["to"],
                    "reply_to": msg["reply-to"],
                    "date": msg["date"],
                    "text": _content(text),
                    "has_html": html is not None,
                    "html": _content(html),
                }
            )
    return messages


def _content(part) -> str:
    """A part's text, decoded; a part that cannot be decoded says so rather than break the page."""
    if part is None:
        return ""
    try:
        return part.get_content()
    except (LookupError, ValueError) as exc:  # an unknown charset, a damaged encoding
        return f"(This part could not be decoded: {exc})"


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
    # The e-mail's own inline styles are allowed here, and its images from the portal (the logo).
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"
    )
    return response
