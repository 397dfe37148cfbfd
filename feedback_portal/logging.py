"""A logging filter that keeps hiring managers' links out of every log."""

import logging
import re

# /respond/<token>/ carries a secret; /respond/answer/<uuid>/ does not.
TOKEN_PATH = re.compile(r"/respond/(?!answer/)[^/\s\"'?#]+")
REDACTED = "/respond/[redacted]"


def redact(text: str) -> str:
    return TOKEN_PATH.sub(REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """Rewrites the message and its arguments before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # Django's "Not Found" warnings carry the request; its repr prints the path.
            record.request = _RedactedRequest(request)
        return True


class _RedactedRequest:
    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        value = getattr(self._request, name)
        return redact(value) if name in ("path", "path_info") and isinstance(value, str) else value

    def __repr__(self) -> str:
        return redact(repr(self._request))

    def __str__(self) -> str:
        return redact(str(self._request))
