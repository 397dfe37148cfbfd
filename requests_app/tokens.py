"""The hiring manager's link: how a token is made, stored (as a hash) and checked."""

import hashlib
import secrets

from .models import LinkToken, Routing

TOKEN_BYTES = 32  # 256 bits from the operating system's generator


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def mint(routing: Routing) -> str:
    """A fresh token for the routing. Only its hash is stored; the caller e-mails it."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    LinkToken.objects.create(routing=routing, token_hash=digest(raw))
    return raw


def find_routing(raw: str) -> Routing | None:
    """The routing a token belongs to, whatever its state, or None for an unknown token."""
    if not raw or len(raw) > 100:
        return None
    # Opening a link changes nothing (mail scanners open links too): a read only.
    token = (
        LinkToken.objects.select_related("routing__feedback_request", "routing__follow_up")
        .filter(token_hash=digest(raw))
        .first()
    )
    return token.routing if token else None
