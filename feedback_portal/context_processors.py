from django.conf import settings

from .models import PortalSettings


def portal(request) -> dict:
    """DEBUG, and the agency's settings row (its name, logo and colour for every page's frame).

    Read through the cache, as the time-zone middleware already read it for this request.
    """
    return {"DEBUG": settings.DEBUG, "portal": PortalSettings.load()}
