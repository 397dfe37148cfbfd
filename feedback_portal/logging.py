"""A logging filter that keeps hiring managers' links out of every log."""

import copy
import logging
import re
from functools import wraps

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
            # A copy of the same type: gunicorn's access atoms are a dict subclass that answers
            # "-" for a missing atom and matches {Header}i case-insensitively.
            args = copy.copy(record.args)
            for key, value in args.items():
                if isinstance(value, str):
                    args[key] = redact(value)
            record.args = args
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # Django's "Not Found" warnings carry the request; its repr prints the path.
            record.request = _RedactedRequest(request)
        return True


class _RedactedRequest:
    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        # Handlers that report the request (Django's error e-mails, for one) read the path
        # through attributes, META and methods such as get_full_path(): redact them all.
        value = getattr(self._request, name)
        if isinstance(value, str):
            return redact(value)
        if name == "META":
            return {k: redact(v) if isinstance(v, str) else v for k, v in value.items()}
        if callable(value):

            @wraps(value)
            def redacted(*args, **kwargs):
                result = value(*args, **kwargs)
                return redact(result) if isinstance(result, str) else result

            return redacted
        return value

    def __repr__(self) -> str:
        return redact(repr(self._request))

    def __str__(self) -> str:
        return redact(str(self._request))
