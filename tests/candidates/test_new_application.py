"""/dashboard/applications/new/: a recruiter records a candidate put forward for a role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.models import Application

pytestmark = pytest.mark.django_db

URL = "/dashboard/applications/new/"


def _form(client_company, **overrides):
    data = {
        "client": client_company.pk,
        "candidate_name": "Robin Hart",
        "candidate_email": "Robin.Hart@Example.test",
        "role_title": "Product Analyst",
        "job_reference": "PA-77",
        "stage": Application.Stage.FINAL,
        "interviewed_on": (timezone.localdate() - timedelta(days=4)).isoformat(),
        "outcome": Application.Outcome.NOT_SELECTED,
        "outcome_on": "",
    }
    return {**data, **overrides}


def test_recruiter_adds_an_application_the_candidate_then_sees(
    recruiter_client, recruiter, client_factory, candidate_factory, client
):
    company = client_factory(owner=recruiter)
    robin = candidate_factory(email="robin.hart@example.test", name="Robin Hart")

    response = recruiter_client.post(URL, _form(company), follow=True)

    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert "Added Robin Hart for Product Analyst" in response.content.decode()
    application = Application.objects.get()
    assert application.candidate == robin  # the verified address matched, whatever its case
    assert application.recruiter == recruiter
    assert application.outcome_on == timezone.localdate()  # a turned-down outcome is dated today
    client.force_login(robin)
    assert "Product Analyst" in client.get("/applications/").content.decode()


def test_bad_input_keeps_what_was_typed_and_stores_nothing(recruiter_client, recruiter, client_factory):
    company = client_factory(owner=recruiter)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = recruiter_client.post(
        URL, _form(company, candidate_email="not-an-address", role_title="", interviewed_on=tomorrow)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid e-mail address" in html
    assert "Enter the role." in html
    assert "The interview date cannot be in the future." in html
    assert 'value="Robin Hart"' in html
    assert 'value="not-an-address"' in html
    assert not Application.objects.exists()


def test_candidates_cannot_add_applications(candidate_client, client_factory):
    company = client_factory()

    assert candidate_client.get(URL).status_code == 404
    assert candidate_client.post(URL, _form(company)).status_code == 404
    assert not Application.objects.exists()


def test_the_form_page_keeps_its_query_budget(
    portal_settings, recruiter_client, client_factory, django_assert_num_queries
):
    for _ in range(5):
        client_factory()
    # the user, the clients for the select (the session is read from the cache)
    with django_assert_num_queries(2):
        assert recruiter_client.get(URL).status_code == 200


def test_a_turned_down_candidate_without_an_account_is_invited_to_sign_up_and_ask(
    recruiter_client, recruiter, client_factory, django_capture_on_commit_callbacks, mailoutbox
):
    company = client_factory(owner=recruiter, name="Acme Analytics")

    with django_capture_on_commit_callbacks(execute=True):
        recruiter_client.post(URL, _form(company, invite="on"))

    [invitation] = mailoutbox
    assert invitation.to == ["robin.hart@example.test"]
    assert invitation.reply_to == [recruiter.email]
    assert "You can ask Acme Analytics why" in invitation.subject
    assert "/accounts/signup/" in invitation.body
    assert "Create your account with this e-mail address (robin.hart@example.test)" in invitation.body


def test_a_candidate_with_an_account_is_invited_straight_to_their_applications(
    recruiter_client,
    recruiter,
    client_factory,
    candidate_factory,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    company = client_factory(owner=recruiter)
    candidate_factory(email="robin.hart@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        recruiter_client.post(URL, _form(company, invite="on"))

    [invitation] = mailoutbox
    assert "/applications/" in invitation.body
    assert "/accounts/signup/" not in invitation.body


@pytest.mark.parametrize(
    "overrides",
    [
        {"invite": ""},  # the recruiter unticked the box
        {"invite": "on", "outcome": Application.Outcome.PENDING},  # nothing to ask about yet
        {"invite": "on", "outcome": Application.Outcome.HIRED},
    ],
)
def test_no_invitation_unless_asked_for_and_turned_down(
    recruiter_client, recruiter, client_factory, django_capture_on_commit_callbacks, mailoutbox, overrides
):
    company = client_factory(owner=recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        response = recruiter_client.post(URL, _form(company, **overrides))

    assert response.status_code == 302
    assert Application.objects.count() == 1
    assert mailoutbox == []
