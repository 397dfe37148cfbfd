"""/applications/describe/: a candidate describes an application the portal does not list."""

import re

import pytest

from candidates.models import HOLDING_CLIENT_NAME, Application, Client
from feedback_portal.models import User

pytestmark = pytest.mark.django_db

URL = "/applications/describe/"


def _form(**overrides):
    data = {
        "company": "acme analytics",
        "role_title": "Junior Data Engineer",
        "stage": Application.Stage.FIRST,
        "interviewed_on": "",
        "outcome": Application.Outcome.NOT_SELECTED,
    }
    return {**data, **overrides}


def test_described_application_is_unconfirmed_and_can_be_asked_about(
    candidate_client, candidate, client_factory
):
    acme = client_factory(name="Acme Analytics")

    response = candidate_client.post(URL, _form(company="acme analytics ltd"))

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.uuid}/request/"
    assert application.client == acme
    assert application.company_as_described == "acme analytics ltd"
    assert application.candidate == candidate
    assert application.recruiter == acme.owner  # the client's recruiter triages it
    assert application.source == Application.Source.CANDIDATE
    assert not application.is_confirmed
    page = candidate_client.get(response["Location"])
    assert page.status_code == 200
    assert "Junior Data Engineer" in page.content.decode()


def test_a_first_word_finds_the_one_client_it_starts(candidate_client, client_factory):
    acme = client_factory(name="Acme Analytics")
    client_factory(name="Globex Ltd")

    candidate_client.post(URL, _form(company="Acme"))

    assert Application.objects.get().client == acme


def test_a_first_word_two_clients_share_waits_for_the_recruiter(candidate_client, client_factory):
    client_factory(name="Acme Analytics")
    client_factory(name="Acme Logistics")

    candidate_client.post(URL, _form(company="Acme"))

    application = Application.objects.get()
    assert application.client.name == HOLDING_CLIENT_NAME
    assert application.company_as_described == "Acme"


def test_an_unknown_company_is_accepted_for_the_recruiter_to_confirm(
    candidate_client, candidate, client_factory, recruiter_factory
):
    client_factory(name="Acme Analytics")
    admin = recruiter_factory(role=User.Role.ADMIN)

    response = candidate_client.post(URL, _form(company="Hooli Ltd"))

    application = Application.objects.get()
    assert response["Location"] == f"/applications/{application.uuid}/request/"
    assert application.client.is_holding
    assert application.client.owner == admin  # an admin looks after what matched no client
    assert application.recruiter == admin
    assert application.company_as_described == "Hooli Ltd"
    assert not application.is_confirmed
    # A second unknown company waits with the first: one holding client.
    candidate_client.post(URL, _form(company="Initrode"))
    assert Client.objects.filter(name=HOLDING_CLIENT_NAME).count() == 1


def _as_read(html: str) -> str:
    """A page as the candidate reads it, without what differs on every rendering or application."""
    html = re.sub(r'name="(csrfmiddlewaretoken|once)" value="[^"]*"', "", html)
    html = re.sub(r'value="[0-9a-f]{32,}"', "", html)
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", html)


def test_the_candidate_cannot_tell_a_client_from_a_company_we_do_not_recruit_for(
    candidate_client, candidate, client_factory
):
    client_factory(name="Acme Analytics", feedback_policy=Client.FeedbackPolicy.RATINGS_ONLY)
    seen = []
    for company in ("Acme", "Hooli"):
        response = candidate_client.post(URL, _form(company=company), follow=True)
        pages = [response]
        pages.append(candidate_client.get("/applications/"))
        seen.append(
            (
                [r[1] for r in response.redirect_chain],
                [_as_read(p.content.decode()).replace(company, "<company>") for p in pages],
            )
        )
        Application.objects.all().delete()
    assert seen[0] == seen[1]
    html = seen[0][1][0]
    assert "Your recruiter will confirm the details" in html
    assert "at <company>" in html  # the company as they wrote it
    assert "Acme Analytics" not in html
    assert "ratings only" not in html  # the client's policy would say it is a client
    assert "recruit for" not in html


def test_the_describe_page_lists_no_clients(candidate_client, client_factory):
    client_factory(name="Acme Analytics")
    html = candidate_client.get(URL).content.decode()
    assert "Acme Analytics" not in html


def test_a_company_is_still_required(candidate_client):
    response = candidate_client.post(URL, _form(company="  "))
    assert "Enter the company&#x27;s name." in response.content.decode()
    assert not Application.objects.exists()


def test_recruiters_do_not_describe_applications(recruiter_client):
    assert recruiter_client.get(URL).status_code == 404


def test_with_no_recruiter_yet_the_candidate_is_told_and_keeps_what_they_typed(candidate_client):
    assert not User.objects.filter(role__in=[User.Role.RECRUITER, User.Role.ADMIN]).exists()

    response = candidate_client.post(URL, _form(company="Brand New Ltd", role_title="Night Porter"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "nobody set up to look after it yet" in page
    assert 'value="Brand New Ltd"' in page and 'value="Night Porter"' in page
    assert not Application.objects.exists() and not Client.objects.exists()
