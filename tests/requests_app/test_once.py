"""Every state-changing form of a request's life acts once: a double click, a resent form or ten
parallel POSTs do the thing once (feedback_portal/once.py)."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client as Browser

from feedback_portal.models import FormSubmission, OutboundEmail
from requests_app.models import Event, FeedbackRequest, Routing
from tests.parallel import post_at_once

ONCE = re.compile(r'name="once" value="([0-9a-f]{32})"')


class PostForms(HTMLParser):
    """The forms of a page that POST, each with the names of its inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.forms.append((attrs.get("action", ""), set()))
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            self.forms[-1][1].add(attrs["name"])

    def handle_endtag(self, tag):
        pass


def post_forms(html: str) -> list[tuple[str, set[str]]]:
    parser = PostForms()
    parser.feed(html)
    return [(action, names) for action, names in parser.forms if "logout" not in action]


def route_data(html: str, manager) -> dict:
    return {
        "once": ONCE.findall(html)[-1],
        "hiring_manager": manager.pk,
        "message": "How could I have prepared better?",
        "expires_in_days": 14,
    }


@pytest.mark.django_db
def test_every_form_that_changes_a_request_carries_a_one_time_key(
    candidate,
    recruiter,
    routing,
    granted,
    route,
    application_factory,
    feedback_request_factory,
    released_request,
):
    as_candidate, as_recruiter = Browser(), Browser()
    as_candidate.force_login(candidate)
    as_recruiter.force_login(recruiter)
    unasked = application_factory(candidate=candidate)
    awaiting = route(feedback_request_factory(application__candidate=candidate))
    pages = [
        as_candidate.get(f"/requests/{awaiting.feedback_request.uuid}/"),  # withdraw
        as_candidate.get(f"/requests/{released_request.uuid}/"),  # follow-up question, close
        as_candidate.get(f"/applications/{unasked.uuid}/request/"),  # the ask
        as_recruiter.get(f"/dashboard/requests/{awaiting.feedback_request.uuid}/"),  # route, extend, decline…
        granted(awaiting).get(f"/respond/answer/{awaiting.uuid}/"),  # the manager's answer and decline
    ]
    forms = [form for page in pages for form in post_forms(page.content.decode())]
    actions = {action.rstrip("/").rsplit("/", 1)[-1] for action, _ in forms}
    assert {"follow-up", "acknowledge", "route", "extend", "decline", "interviewers", "answer"} <= actions
    # Asking once first: the candidate's withdrawal and the release have pages of their own.
    confirm = as_candidate.get(f"/requests/{awaiting.feedback_request.uuid}/withdraw/")
    release = as_recruiter.get(f"/dashboard/requests/{released_request.uuid}/correct/")
    editor = [form for form in post_forms(release.content.decode()) if form[0] == ""]  # not the preview's
    for action, names in post_forms(confirm.content.decode()) + editor:
        assert "once" in names, action
    for action, names in forms:
        assert "once" in names, action


@pytest.mark.django_db
def test_a_double_click_on_send_routes_once(recruiter_client, submitted_request, hiring_manager_factory):
    manager = hiring_manager_factory(client=submitted_request.application.client)
    page = recruiter_client.get(f"/dashboard/requests/{submitted_request.uuid}/").content.decode()
    data = route_data(page, manager)
    url = f"/dashboard/requests/{submitted_request.uuid}/route/"

    first = recruiter_client.post(url, data, follow=True)
    second = recruiter_client.post(url, data, follow=True)

    assert "Sent to" in first.content.decode()
    assert "That was done already: here is where things stand." in second.content.decode()
    assert Routing.objects.filter(feedback_request=submitted_request).count() == 1
    assert OutboundEmail.objects.filter(kind="manager_request").count() == 1
    assert Event.objects.filter(feedback_request=submitted_request, kind=Event.Kind.ROUTED).count() == 1


@pytest.mark.django_db
def test_a_refused_form_can_be_sent_again_once_put_right(
    recruiter_client, submitted_request, hiring_manager_factory
):
    """Refused, nothing was done: the key is not spent."""
    manager = hiring_manager_factory(client=submitted_request.application.client)
    page = recruiter_client.get(f"/dashboard/requests/{submitted_request.uuid}/").content.decode()
    data = route_data(page, manager)
    url = f"/dashboard/requests/{submitted_request.uuid}/route/"
    FeedbackRequest.objects.filter(pk=submitted_request.pk).update(state=FeedbackRequest.State.RELEASED)
    refused = recruiter_client.post(url, data, follow=True)
    assert "it cannot be routed now" in refused.content.decode()
    assert not FormSubmission.objects.exists()

    FeedbackRequest.objects.filter(pk=submitted_request.pk).update(state=FeedbackRequest.State.SUBMITTED)
    recruiter_client.post(url, data)
    assert Routing.objects.filter(feedback_request=submitted_request).count() == 1


@pytest.mark.django_db
def test_the_manager_sending_the_answer_twice_sees_the_thank_you_page(routing, granted, answer_form):
    browser = granted(routing)
    page = browser.get(f"/respond/answer/{routing.uuid}/").content.decode()
    data = {**answer_form(rating_experience="strength"), "once": ONCE.findall(page)[0]}

    first = browser.post(f"/respond/answer/{routing.uuid}/", data, follow=True)
    second = browser.post(f"/respond/answer/{routing.uuid}/", data, follow=True)

    assert first.status_code == second.status_code == 200
    assert "Thank you" in second.content.decode()
    assert routing.responses.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_posts_of_send_route_once(
    live_server, recruiter, submitted_request, hiring_manager_factory
):
    """Real parallel requests, each in its own thread of the live server, on PostgreSQL."""
    manager = hiring_manager_factory(client=submitted_request.application.client)
    page = f"/dashboard/requests/{submitted_request.uuid}/"

    statuses = post_at_once(
        live_server.url, recruiter, page=page, to=page + "route/", data=lambda html: route_data(html, manager)
    )

    assert statuses == [302] * 10  # each told where things stand; none failed
    assert Routing.objects.filter(feedback_request=submitted_request).count() == 1
    assert OutboundEmail.objects.filter(kind="manager_request").count() == 1
    assert FormSubmission.objects.count() == 1
