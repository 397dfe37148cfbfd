"""One door in, and how long staff stay signed in.

Everyone signs in through allauth's pages (its rate limits and lockout apply to all): the admin's
own sign-in and password pages lead there instead. A recruiter's or admin's session ends when the
browser closes and, at the latest, twelve hours after signing in, whatever "Remember me" said;
candidates keep the choice "Remember me" gives them.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

STAFF_SESSION = timedelta(hours=12)
SIGNED_IN_AT = "signed_in_at"


def is_staff_session(user) -> bool:
    return user.is_authenticated and (user.is_staff or user.is_recruiter)


@receiver(user_logged_in, dispatch_uid="feedback_portal.sessions.note_sign_in")
def note_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = timezone.now().timestamp()
        if is_staff_session(user):
            # allauth may still apply "Remember me" after this; the middleware then undoes it, once.
            request.session.set_expiry(0)


class StaffSessionMiddleware:
    """Ends a recruiter's or admin's session twelve hours after they signed in, and keeps it only
    while the browser is open."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_staff_session(request.user):
            session, now = request.session, timezone.now().timestamp()
            started = session.setdefault(SIGNED_IN_AT, now)
            if now - started > STAFF_SESSION.total_seconds():
                logout(request)
                messages.info(request, "You were signed out after 12 hours. Sign in again to go on.")
                return _sign_in_then(request.path)
            if session.get("_session_expiry") != 0:
                session.set_expiry(0)  # until the browser closes
        return self.get_response(request)


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in page leads to the portal's own, and back to the admin after it."""
    if request.user.is_authenticated:
        raise Http404("The admin is for the agency's admins.")  # no loop back to sign in
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return _sign_in_then(target or reverse("admin:index"))


def _sign_in_then(target: str) -> HttpResponse:
    return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")


def admin_password_change(request: HttpRequest) -> HttpResponse:
    """Passwords change on the portal's own page, with its checks and its e-mail to the owner."""
    return redirect("account_change_password")
