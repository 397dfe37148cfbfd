"""Who is calling the API, what they may do and how often: API keys, their scopes, a rate per key.

The one place the API decides access: every view names the scope it needs (`required_scope`),
and `HasScope` checks it against the key the caller presented.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from feedback_portal.cache import CacheUnavailable

from . import services
from .models import ApiKey

SCHEMES = ("bearer", "api-key")


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>` (or `Api-Key <key>`); an unknown or revoked key is a 401.

    The caller is the key, not a person: `request.auth` is the ApiKey and `request.user` stays
    anonymous, so nothing a signed-in browser holds (its session) ever counts here.
    """

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").strip()
        if not header:
            return None
        scheme, _, raw = header.partition(" ")
        if scheme.lower() not in SCHEMES or not raw.strip():
            raise exceptions.AuthenticationFailed("Send the key as `Authorization: Bearer <key>`.")
        key = ApiKey.objects.for_raw(raw.strip())
        if key is None:
            raise exceptions.AuthenticationFailed("This API key is not known, or has been revoked.")
        services.note_key_used(key=key)
        return AnonymousUser(), key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class HasScope(permissions.BasePermission):
    """The key must carry the scope the view names (`required_scope`): else 403 (401 with no key)."""

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            raise exceptions.NotAuthenticated("Send an API key: `Authorization: Bearer <key>`.")
        scope = getattr(view, "required_scope", None)
        if scope is None:
            # A method the view does not offer answers 405 next; one it offers without naming a
            # scope is refused, so a view can never be opened by forgetting to name one.
            method = request.method.lower()
            return method == "options" or not hasattr(view, method)
        if not key.allows(scope):
            raise exceptions.PermissionDenied(
                f"This API key may not do this: it needs the scope {str(scope)!r}. An admin can make a key "
                "with it."
            )
        return True


class PerKeyThrottle(throttling.SimpleRateThrottle):
    """At most API_RATE_LIMIT calls per key (e.g. "120/min"), counted in the shared cache.

    Counted in windows of the rate's length with the cache's atomic add and incr, so calls
    made at the same moment on several workers are each counted (DRF's own throttle reads a
    list of times and writes it back: two calls at once count as one). While the cache cannot
    be reached the calls go through: the key itself is the secret, the limit only spreads load.
    """

    scope = "api_key"

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        counter = f"{self.key}:{window}"
        self.cache.add(counter, 0, self.duration + 5)
        try:
            calls = self.cache.incr(counter)
        except ValueError:  # the window's count expired between the two calls
            self.cache.add(counter, 1, self.duration + 5)
            calls = 1
        except CacheUnavailable:
            return True
        return calls <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self.window_ends - self.now)

    def get_rate(self) -> str:
        # Read at each call, so the setting can be changed without touching DRF's own settings.
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view) -> str | None:
        key = request.auth
        if not isinstance(key, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.pk}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the schema describes the key: a bearer token in the Authorization header."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key an agency admin made in the admin: `Authorization: Bearer fpk_…`.",
        }
