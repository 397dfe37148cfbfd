"""A form that changes something is acted on once, however often it is sent.

Each such form carries a fresh random key (`{% once_field %}`, next to the CSRF token). The
view claims the key in the same transaction as the change it makes (`done_once`): a double
click, a form sent again from the browser's history or ten parallel POSTs find the key
claimed and change nothing more. The database decides: the key is unique, so a second POST
waits for the first to commit and is then told it was done already. A refused change rolls
its claim back with it, so the form can be sent again once corrected.

A POST without a key (a page from before keys, a script) is acted on as before: the
request's guarded moves still refuse what its state no longer allows.
"""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import FormSubmission

T = TypeVar("T")

FIELD = "once"
# How long a key is remembered: far longer than anyone resends a form.
KEEP = timedelta(days=2)
# A form sent twice (a double click, a resent page): the first did it; this one changes nothing.
ALREADY_DONE = "That was done already: here is where things stand."


class AlreadyDone(Exception):
    """This form was acted on before: nothing more is done."""


def new_key() -> str:
    return uuid.uuid4().hex


def _key(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def was_done(request: HttpRequest) -> bool:
    """Was this form acted on already? For a page that would otherwise refuse the repeat (a
    hiring manager's link, closed by their own answer) and can show what was done instead."""
    key = _key(request)
    return key is not None and FormSubmission.objects.filter(key=key).exists()


def done_once(request: HttpRequest, change: Callable[[], T]) -> T:
    """Make the change unless this form's key was claimed already (then raise AlreadyDone).

    The claim and the change commit together, or neither does.
    """
    key = _key(request)
    with transaction.atomic():
        if key is not None:
            try:
                with transaction.atomic():
                    FormSubmission.objects.create(key=key)
            except IntegrityError:
                raise AlreadyDone from None
        return change()


def already_done(request: HttpRequest, to: str, *args) -> HttpResponse:
    """The answer to a form acted on before: say so, and show where things stand."""
    messages.info(request, ALREADY_DONE)
    return redirect(to, *args)


def forget_old(*, now: datetime) -> int:
    """Drop the keys of forms acted on long ago; how many were dropped."""
    deleted, _ = FormSubmission.objects.filter(created_at__lt=now - KEEP).delete()
    return deleted
