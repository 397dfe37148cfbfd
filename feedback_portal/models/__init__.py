"""The portal's own models: users, outbound e-mail, the portal settings row, the keys of forms
that act once, and erasure requests."""

from .erasure import ErasureRequest
from .outbox import OutboundEmail
from .portal_settings import PortalSettings, mfa_required_by_default
from .submissions import FormSubmission
from .users import User, UserManager, user_display

__all__ = [
    "ErasureRequest",
    "FormSubmission",
    "OutboundEmail",
    "PortalSettings",
    "User",
    "UserManager",
    "mfa_required_by_default",
    "user_display",
]
