"""The portal's own middleware: the agency's time zone, pages kept out of caches, input made visible."""

from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from .models import PortalSettings
from .text import INVISIBLE, visible


class AgencyTimeZoneMiddleware:
    """Activate the portal settings' time zone, so pages and reminders agree on local time.

    The row is read through the cache (invalidated when the admin saves it), so a page pays
    for it only when the cache is cold.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with PortalSettings.for_this_request() as portal:
            timezone.activate(portal.zone)
            try:
                return self.get_response(request)
            finally:
                timezone.deactivate()


class PrivatePagesMiddleware:
    """Every page the portal writes is kept out of shared and browser caches (`no-store`).

    Most pages carry someone's name, feedback or a manager's answer; a shared computer's back
    button or a proxy must not show them to the next person. Responses that say how they may be
    cached (the static files, the brand's stylesheet and logo) keep what they say.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        elif "public" in response["Cache-Control"]:
            _same_for_everyone(response)
        return response


def _same_for_everyone(response) -> None:
    """A response its view says any cache may keep: not varied by the session cookie (the
    session is read for every request, the response does not depend on it), and never with a
    cookie of someone's in it: then it is theirs alone."""
    if response.cookies:
        response["Cache-Control"] = response["Cache-Control"].replace("public", "private")
        return
    kept = [
        v.strip() for v in response.get("Vary", "").split(",") if v.strip() and v.strip().lower() != "cookie"
    ]
    if kept:
        response["Vary"] = ", ".join(kept)
    elif response.has_header("Vary"):
        del response["Vary"]


class VisibleInputMiddleware:
    """What anyone types reaches the portal without the characters that reorder or hide text.

    Every form and address is cleaned here, once, before a view reads it (text.py says which
    characters and why), so no name, search or comment can carry a right-to-left override into a
    page or an e-mail. Passwords are left exactly as typed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _cleaned(request.GET)
        if request.method == "POST":
            request.POST = _cleaned(request.POST)
        return self.get_response(request)


def _cleaned(data):
    dirty = [
        key
        for key, values in data.lists()
        if "password" not in key and any(INVISIBLE.search(value) for value in values)
    ]
    if not dirty:
        return data
    data = data.copy()
    for key in dirty:
        data.setlist(key, [visible(value) for value in data.getlist(key)])
    data._mutable = False
    return data
