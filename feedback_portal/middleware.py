"""Pages show times in the agency's own time zone, from the portal settings row."""

from django.utils import timezone

from .models import PortalSettings


class AgencyTimeZoneMiddleware:
    """Activate the portal settings' time zone, so pages and reminders agree on local time.

    The row is read through the cache (invalidated when the admin saves it), so a page pays
    for it only when the cache is cold.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(PortalSettings.load().zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
