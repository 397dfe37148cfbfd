"""Fixtures for the security tests: HTTPS clients, a routed request and its e-mailed link,
and the portal's real log output.

The suite's settings (tests/conftest.py) turn the HTTPS redirect off; these clients
speak HTTPS anyway, so secure cookies, HSTS and the CSRF origin checks behave as in
production. Tests of the redirect itself turn it back on.
"""

import io
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from feedback_portal.logging import RedactTokensFilter
from requests_app import services
from requests_app.models import Area, FeedbackRequest, FollowUp, Rating, Routing

LINK = re.compile(r"https?://\S+/respond/[^/\s]+/")


@dataclass
class EmailedLink:
    routing: Routing
    raw: str  # the token, as the e-mail carries it
    path: str  # /respond/<token>/


class HttpsClient(Client):
    """Django's test client, always over HTTPS as the portal runs in production."""

    def generic(self, method, path, *args, secure=True, **kwargs):
        return super().generic(method, path, *args, secure=True, **kwargs)


@pytest.fixture
def client():
    """Overrides pytest-django's `client` (and so candidate_client, recruiter_client)."""
    return HttpsClient()


@pytest.fixture
def csrf_client():
    """A browser-like client: CSRF is enforced, and it sends its Origin like a browser."""
    return HttpsClient(enforce_csrf_checks=True, headers={"Origin": "https://testserver"})


@pytest.fixture
def routed(candidate, application_factory, hiring_manager_factory, django_capture_on_commit_callbacks):
    """A request the candidate asked, routed by the recruiter, its e-mail sent to the manager."""
    mail.outbox.clear()
    application = application_factory(candidate=candidate)
    manager = hiring_manager_factory(client=application.client, email="pat.manager@client.test")
    with django_capture_on_commit_callbacks(execute=True):
        feedback_request = services.submit_request(
            candidate=candidate,
            application=application,
            areas=[Area.EXPERIENCE, Area.ANSWERS],
            questions=["Was my SQL answer the problem?"],
            consent_to_forward=True,
        )
    with django_capture_on_commit_callbacks(execute=True):
        routing = services.route_request(
            feedback_request=feedback_request,
            hiring_manager=manager,
            message="Was my SQL answer the problem?",
            actor=application.recruiter,
        )
    [invitation] = [m for m in mail.outbox if manager.email in m.to]
    path = urlsplit(LINK.search(invitation.body)[0]).path
    return EmailedLink(routing=routing, raw=path.removeprefix("/respond/").rstrip("/"), path=path)


class LogCapture:
    """What the portal's configured log handler writes, and the records it handled."""

    def __init__(self):
        self.stream = io.StringIO()
        self.records: list[logging.LogRecord] = []

    @property
    def text(self) -> str:
        return self.stream.getvalue()


class _Keep(logging.Handler):
    def __init__(self, records):
        super().__init__()
        self.records = records

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def portal_log():
    """Redirects the handler settings.LOGGING installs (the one with the redacting filter).

    The same handler serves django, django.server, gunicorn.* and the root logger, so
    whatever it writes is what would reach the process's log. A second handler, added
    after it, keeps the records as the filter left them.
    """
    console = next(
        h
        for h in logging.getLogger("django").handlers
        if any(isinstance(f, RedactTokensFilter) for f in h.filters)
    )
    capture = LogCapture()
    keep = _Keep(capture.records)
    loggers = [logging.getLogger(name) for name in ("django", "django.server", "gunicorn.access")]
    previous = console.setStream(capture.stream)
    for logger in loggers:
        logger.addHandler(keep)
    try:
        yield capture
    finally:
        console.setStream(previous)
        for logger in loggers:
            logger.removeHandler(keep)


@dataclass
class FollowedUp:
    """A released request whose follow-up question was forwarded to the manager."""

    feedback_request: FeedbackRequest
    follow_up: FollowUp
    routing: Routing  # the follow-up's own routing


@pytest.fixture
def followed_up(candidate, application_factory, hiring_manager_factory) -> FollowedUp:
    application = application_factory(candidate=candidate)
    recruiter = application.recruiter
    feedback_request = services.submit_request(
        candidate=candidate,
        application=application,
        areas=[Area.SKILLS],
        questions=[],
        consent_to_forward=False,
    )
    routing = services.route_request(
        feedback_request=feedback_request,
        hiring_manager=hiring_manager_factory(client=application.client),
        message="",
        actor=recruiter,
    )
    response = services.submit_manager_response(
        routing=routing, answers={Area.SKILLS: (Rating.STRENGTH, "Strong SQL.")}, summary="Well done."
    )
    services.release_response(response=response, actor=recruiter, released_summary="", released_comments={})
    follow_up = services.ask_follow_up(
        feedback_request=feedback_request, candidate=candidate, question="Which tool first?"
    )
    return FollowedUp(
        feedback_request=feedback_request,
        follow_up=follow_up,
        routing=services.forward_follow_up(follow_up=follow_up, actor=recruiter),
    )
