"""Fixtures for the request pages: requests built through the services, and manager browsers.

The shared fixtures (factories, signed-in clients) live in tests/conftest.py.
"""

import pytest
from django.test import Client as Browser

from requests_app import services, tokens
from requests_app.models import Area, FeedbackRequest, Rating


@pytest.fixture
def manager_browser():
    """The hiring manager's own browser: no account, no session yet."""
    return Browser()


@pytest.fixture
def submitted_request(candidate, application_factory, portal_settings):
    """A request the candidate submitted through the service, with its timeline and e-mails."""
    application = application_factory(candidate=candidate)
    return services.submit_request(
        candidate=candidate,
        application=application,
        areas=[Area.EXPERIENCE, Area.ANSWERS],
        questions=["How could I have prepared better?"],
        consent_to_forward=True,
    )


@pytest.fixture
def route(hiring_manager_factory):
    """Route a request through the service, to a (new) manager at the application's client."""

    def _route(feedback_request: FeedbackRequest, hiring_manager=None, **kwargs):
        application = feedback_request.application
        return services.route_request(
            feedback_request=feedback_request,
            hiring_manager=hiring_manager or hiring_manager_factory(client=application.client),
            message=kwargs.pop("message", "How could I have prepared better?"),
            actor=application.recruiter,
            **kwargs,
        )

    return _route


@pytest.fixture
def routing(submitted_request, route):
    return route(submitted_request)


@pytest.fixture
def answer():
    """The manager's answer through the service: experience to improve, answers a strength."""

    def _answer(routing, **overrides):
        answers = {
            Area.EXPERIENCE: (
                Rating.IMPROVE,
                "Less hands-on time with dbt than the role needs; one modelling project would close it.",
            ),
            Area.ANSWERS: (Rating.STRENGTH, "Clear STAR stories about the pricing dashboard."),
        }
        return services.submit_manager_response(
            routing=routing,
            answers=overrides.pop("answers", answers),
            summary=overrides.pop("summary", "Build one end-to-end modelling project."),
            consider_for_other_roles=overrides.pop("consider_for_other_roles", "yes"),
        )

    return _answer


@pytest.fixture
def open_link():
    """Mint a fresh link for a routing and open it in a browser, as the e-mail would."""

    def _open(routing, browser):
        return browser.get(f"/respond/{tokens.mint(routing)}/")

    return _open


@pytest.fixture
def granted(open_link, manager_browser):
    """A manager browser that has opened the routing's link: it may use the answer page."""

    def _granted(routing):
        opened = open_link(routing, manager_browser)
        assert opened.status_code == 302, opened
        return manager_browser

    return _granted


@pytest.fixture
def answer_form():
    """What the manager's answer form posts: every area rated (not assessed unless given)."""

    def _form(**fields):
        data = {f"rating_{area.value}": Rating.NOT_ASSESSED for area in Area}
        data.update(fields)
        return data

    return _form


@pytest.fixture
def released_request(routing, answer):
    """Answered by the manager, reviewed and released by the recruiter: the candidate may follow up."""
    response = answer(routing)
    services.release_response(
        response=response,
        actor=routing.feedback_request.application.recruiter,
        released_summary="One modelling project would make the difference.",
        released_comments={
            Area.EXPERIENCE: "The team wanted more hands-on dbt modelling.",
            Area.ANSWERS: "Your examples were clear and well structured.",
        },
    )
    return FeedbackRequest.objects.get(pk=routing.feedback_request_id)


@pytest.fixture
def ask_follow_up():
    """The candidate asks their follow-up question through the service."""

    def _ask(feedback_request: FeedbackRequest, question: str = "Which modelling tool should I learn first?"):
        return services.ask_follow_up(
            feedback_request=feedback_request, candidate=feedback_request.candidate, question=question
        )

    return _ask


@pytest.fixture
def forward_follow_up():
    """The recruiter forwards the follow-up question to the manager through the service."""

    def _forward(follow_up, message: str = ""):
        recruiter = follow_up.feedback_request.application.recruiter
        return services.forward_follow_up(follow_up=follow_up, actor=recruiter, message=message)

    return _forward
