"""Authenticator-app codes computed here, as a phone's app computes them (RFC 6238), so the tests
check allauth's TOTP against an independent implementation."""

import base64
import hashlib
import hmac
import struct
import time

# A base32 secret, as an authenticator app stores it.
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp(secret: str, *, step: int = 0) -> str:
    """The 6-digit code an authenticator app shows now (HMAC-SHA1, 30-second steps); `step` moves
    to the code before or after."""
    counter = int(time.time()) // 30 + step
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def not_a_code_now(secret: str) -> str:
    """Six digits the app does not show around now: a wrong code that is surely wrong."""
    near = {totp(secret, step=s) for s in (-1, 0, 1)}
    return next(code for code in ("123456", "654321", "111111", "000000") if code not in near)
