"""The candidates' and recruiters' forms outside a request act once too: a double click, a form
sent again from history or ten parallel POSTs add one application, send one invitation, add one
client or hiring manager (feedback_portal/once.py)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.models import Application, Client, HiringManager
from feedback_portal.models import FormSubmission, OutboundEmail
from tests.parallel import post_at_once

ONCE = re.compile(r'name="once" value="([0-9a-f]{32})"')
DONE = "That was done already: here is where things stand."


def once(html: str) -> str:
    [key] = ONCE.findall(html)
    return key


def new_application(html: str, company) -> dict:
    return {
        "once": once(html),
        "client": company.pk,
        "candidate_name": "Robin Hart",
        "candidate_email": "robin.hart@example.test",
        "role_title": "Product Analyst",
        "stage": Application.Stage.FINAL,
        "interviewed_on": (timezone.localdate() - timedelta(days=4)).isoformat(),
        "outcome": Application.Outcome.NOT_SELECTED,
        "invite": "on",
    }


def outcome_with_invitation(html: str) -> dict:
    return {"once": once(html), "outcome": Application.Outcome.NOT_SELECTED, "invite": "on"}


def described(html: str) -> dict:
    return {
        "once": once(html),
        "company": "Acme",
        "role_title": "Junior Data Engineer",
        "stage": Application.Stage.FIRST,
        "outcome": Application.Outcome.NOT_SELECTED,
    }


def invitations() -> int:
    return OutboundEmail.objects.filter(kind="feedback_invitation").count()


@pytest.mark.django_db
def test_adding_an_application_twice_adds_it_and_invites_once(recruiter_client, client_factory):
    company = client_factory()
    data = new_application(recruiter_client.get("/dashboard/applications/new/").content.decode(), company)

    first = recruiter_client.post("/dashboard/applications/new/", data, follow=True)
    second = recruiter_client.post("/dashboard/applications/new/", data, follow=True)

    assert "Added Robin Hart" in first.content.decode()
    assert DONE in second.content.decode()
    assert Application.objects.count() == 1
    assert invitations() == 1


@pytest.mark.django_db
def test_recording_an_outcome_twice_invites_once(recruiter_client, application_factory):
    application = application_factory(outcome=Application.Outcome.PENDING)
    url = f"/dashboard/applications/{application.uuid}/outcome/"
    data = outcome_with_invitation(recruiter_client.get(url).content.decode())

    recruiter_client.post(url, data)
    second = recruiter_client.post(url, data, follow=True)

    assert DONE in second.content.decode()
    assert invitations() == 1


@pytest.mark.django_db
def test_describing_an_application_twice_files_it_once(candidate_client, candidate, recruiter):
    data = described(candidate_client.get("/applications/describe/").content.decode())

    candidate_client.post("/applications/describe/", data)
    second = candidate_client.post("/applications/describe/", data, follow=True)

    assert DONE in second.content.decode()
    assert Application.objects.filter(candidate_email=candidate.email).count() == 1


@pytest.mark.django_db
def test_adding_a_client_and_a_manager_twice_adds_each_once(recruiter_client, recruiter):
    # Their forms check names and addresses first: the repeat is told the client or manager exists.
    page = recruiter_client.get("/dashboard/clients/new/").content.decode()
    policy = Client.FeedbackPolicy.FULL
    data = {"once": once(page), "name": "Globex", "owner": recruiter.pk, "feedback_policy": policy}
    recruiter_client.post("/dashboard/clients/new/", data)
    again = recruiter_client.post("/dashboard/clients/new/", data).content.decode()
    assert "There is already a client called “Globex”" in again
    globex = Client.objects.get(name="Globex")

    page = recruiter_client.get(f"/dashboard/clients/{globex.uuid}/").content.decode()
    data = {"once": once(page), "name": "Dana Whitfield", "email": "dana@globex.test", "title": ""}
    url = f"/dashboard/clients/{globex.uuid}/managers/new/"
    recruiter_client.post(url, data)
    assert "dana@globex.test" in recruiter_client.post(url, data).content.decode()
    assert HiringManager.objects.filter(client=globex).count() == 1


@pytest.mark.django_db
def test_a_refused_form_keeps_its_key_for_the_corrected_one(recruiter_client, client_factory):
    company = client_factory()
    data = new_application(recruiter_client.get("/dashboard/applications/new/").content.decode(), company)

    wrong = {**data, "candidate_email": "not-an-address"}
    refused = recruiter_client.post("/dashboard/applications/new/", wrong)
    assert refused.status_code == 200
    recruiter_client.post("/dashboard/applications/new/", data)

    assert Application.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_posts_of_add_and_invite_add_one_and_invite_once(live_server, recruiter, client_factory):
    company = client_factory()
    page = "/dashboard/applications/new/"

    statuses = post_at_once(
        live_server.url, recruiter, page=page, to=page, data=lambda html: new_application(html, company)
    )

    assert statuses == [302] * 10
    assert Application.objects.count() == 1
    assert invitations() == 1
    assert FormSubmission.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_posts_of_an_outcome_invite_once(live_server, recruiter, application_factory):
    application = application_factory(outcome=Application.Outcome.PENDING)
    page = f"/dashboard/applications/{application.uuid}/outcome/"

    statuses = post_at_once(live_server.url, recruiter, page=page, to=page, data=outcome_with_invitation)

    assert statuses == [302] * 10
    assert invitations() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_descriptions_file_one_application(live_server, candidate, recruiter):
    page = "/applications/describe/"

    statuses = post_at_once(live_server.url, candidate, page=page, to=page, data=described)

    assert statuses == [302] * 10
    assert Application.objects.filter(candidate_email=candidate.email).count() == 1
