"""/dashboard/clients/ and /dashboard/clients/new/: the agency's clients, and adding one."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.forms import ClientForm
from candidates.models import Client
from feedback_portal.models import User
from requests_app.models import FeedbackRequest

pytestmark = pytest.mark.django_db

LIST = "/dashboard/clients/"
NEW = "/dashboard/clients/new/"


def _form(owner, **overrides):
    data = {"name": "Globex Corporation", "owner": owner.pk, "feedback_policy": Client.FeedbackPolicy.FULL}
    return {**data, **overrides}


def _options(html: str, name: str) -> list[str]:
    """The labels a <select> offers, as the person choosing reads them."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def _row(html: str, client_name: str) -> list[str]:
    """The cells of the list's row for a client, as text."""
    row = next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if f">{client_name}</a>" in r)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


# The list


def test_the_list_shows_each_clients_owner_policy_managers_and_open_requests(
    recruiter_client,
    recruiter_factory,
    client_factory,
    hiring_manager_factory,
    feedback_request_factory,
):
    owner = recruiter_factory(name="Riley Owner")
    acme = client_factory(
        name="Acme Analytics", owner=owner, feedback_policy=Client.FeedbackPolicy.RATINGS_ONLY
    )
    hiring_manager_factory(client=acme)
    hiring_manager_factory(client=acme)
    hiring_manager_factory(client=acme, is_active=False)  # not counted: cannot be routed to
    for state in (FeedbackRequest.State.SUBMITTED, FeedbackRequest.State.AWAITING_MANAGER):
        feedback_request_factory(application__client=acme, state=state)
    feedback_request_factory(application__client=acme, state=FeedbackRequest.State.RELEASED)  # ended
    client_factory(name="Initech", feedback_policy=Client.FeedbackPolicy.NONE)

    html = recruiter_client.get(LIST).content.decode()

    assert _row(html, "Acme Analytics") == ["Acme Analytics", "Riley Owner", "Ratings only", "2", "2"]
    assert _row(html, "Initech")[2:] == ["No feedback", "0 — none to route to", "0"]
    assert f'href="/dashboard/clients/{acme.uuid}/"' in html
    assert 'href="/dashboard/clients/new/">Add a client</a>' in html


def test_the_list_is_alphabetical_ignoring_capitals_or_newest_first(recruiter_client, client_factory):
    now = timezone.now()
    client_factory(name="beta Labs", created_at=now - timedelta(days=3))
    client_factory(name="Zeta Group", created_at=now - timedelta(days=2))
    client_factory(name="Alpha Works", created_at=now - timedelta(days=1))

    def names(**params) -> list[str]:
        html = recruiter_client.get(LIST, params).content.decode()
        return re.findall(r'<a href="/dashboard/clients/[0-9a-f-]{36}/">([^<]+)</a>', html)

    assert names() == ["Alpha Works", "beta Labs", "Zeta Group"]
    assert names(order="newest") == ["Alpha Works", "Zeta Group", "beta Labs"]
    assert names(order="no such order\x00") == ["Alpha Works", "beta Labs", "Zeta Group"]


def test_an_agency_without_clients_is_told_what_to_do(recruiter_client):
    html = recruiter_client.get(LIST).content.decode()
    assert "No clients yet." in html
    assert "<table" not in html


def test_the_applications_page_links_to_the_clients(recruiter_client):
    assert 'href="/dashboard/clients/"' in recruiter_client.get("/dashboard/applications/").content.decode()


@pytest.mark.parametrize("how_many", [2, 20])
def test_the_list_keeps_its_query_budget_whatever_the_number_of_clients(
    portal_settings,
    recruiter_client,
    client_factory,
    hiring_manager_factory,
    feedback_request_factory,
    django_assert_num_queries,
    how_many,
):
    for _ in range(how_many):
        company = client_factory()
        hiring_manager_factory(client=company)
        hiring_manager_factory(client=company, is_active=False)
        feedback_request_factory(application__client=company)
    # 1. the signed-in user (the session and portal settings come from the cache)
    # 2. the clients, with owner, active managers and open requests counted in subqueries
    with django_assert_num_queries(2):
        response = recruiter_client.get(LIST)
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == how_many + 1  # the header's row too


# Adding a client


def test_recruiter_adds_a_client_and_owns_it_unless_they_choose_someone_else(
    recruiter_client, recruiter, recruiter_factory
):
    form = recruiter_client.get(NEW).content.decode()
    assert f'<option value="{recruiter.pk}" selected>' in form
    assert 'value="full" required id="id_feedback_policy_0" checked' in form

    response = recruiter_client.post(
        NEW, _form(recruiter, name="  Globex   Corporation ", feedback_policy="ratings_only"), follow=True
    )

    client = Client.objects.get()
    assert response.redirect_chain[-1][0] == f"/dashboard/clients/{client.uuid}/"
    html = response.content.decode()
    assert "Added Globex Corporation. Now add the hiring managers" in html
    assert "No hiring managers yet" in html
    assert client.name == "Globex Corporation"  # spaces tidied, as the duplicate check compares it
    assert client.owner == recruiter
    assert client.feedback_policy == Client.FeedbackPolicy.RATINGS_ONLY

    colleague = recruiter_factory()
    recruiter_client.post(NEW, _form(colleague, name="Initech"))
    assert Client.objects.get(name="Initech").owner == colleague


def test_the_form_explains_each_policy(recruiter_client):
    html = recruiter_client.get(NEW).content.decode()
    assert "<legend>Feedback policy:</legend>" in html
    assert "rates each area and writes comments and a summary" in html
    assert "rates each area, with no comment boxes" in html
    assert "only asked to confirm the policy" in html


def test_only_recruiters_and_admins_who_can_sign_in_may_own_a_client(
    recruiter_client, recruiter, recruiter_factory, candidate_factory, user_admin
):
    recruiter_factory(name="Gone Recruiter", is_active=False)
    candidate = candidate_factory(name="Casey Candidate")

    html = recruiter_client.get(NEW).content.decode()

    offered = _options(html, "owner")
    assert f"{recruiter.name} ({recruiter.email})" in offered
    assert f"{user_admin.name} ({user_admin.email})" in offered
    assert not any("Casey Candidate" in o or "Gone Recruiter" in o for o in offered)

    response = recruiter_client.post(NEW, _form(candidate))
    assert "Choose one of the agency&#x27;s recruiters." in response.content.decode()
    assert not Client.objects.exists()


@pytest.fixture
def user_admin(recruiter_factory):
    return recruiter_factory(name="Ada Admin", role=User.Role.ADMIN)


def test_an_admin_may_add_a_client_too(client, user_admin):
    client.force_login(user_admin)
    response = client.post(NEW, _form(user_admin))
    assert response.status_code == 302
    assert Client.objects.get().owner == user_admin


def test_a_name_in_use_whatever_its_capitals_is_refused_with_a_clear_message(
    recruiter_client, recruiter, client_factory
):
    client_factory(name="Acme Analytics")

    response = recruiter_client.post(NEW, _form(recruiter, name=" acme  ANALYTICS", feedback_policy="none"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is already a client called “acme ANALYTICS”" in html
    assert 'value=" acme  ANALYTICS"' in html  # what was typed, to correct
    assert 'value="none" required id="id_feedback_policy_2" checked' in html
    assert Client.objects.count() == 1


def test_a_client_added_by_someone_else_meanwhile_is_a_message_not_an_error_page(
    recruiter_client, recruiter, client_factory, monkeypatch
):
    # The form checked before the other recruiter's client was stored: the constraint decides.
    monkeypatch.setattr(ClientForm, "clean_name", lambda form: form.cleaned_data["name"])
    client_factory(name="Acme Analytics")

    response = recruiter_client.post(NEW, _form(recruiter, name="ACME Analytics"))

    assert response.status_code == 200
    assert "There is already a client called “ACME Analytics”" in response.content.decode()
    assert Client.objects.count() == 1


def test_bad_input_gets_a_message_by_each_field_keeps_what_was_typed_and_stores_nothing(
    recruiter_client, recruiter
):
    response = recruiter_client.post(NEW, {"name": "   ", "owner": "999999", "feedback_policy": "sometimes"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Please check the highlighted fields below." in html
    assert '<ul class="errorlist" id="id_name_error"><li>Enter the client&#x27;s name.</li></ul>' in html
    assert "Choose one of the agency&#x27;s recruiters." in html
    assert "Choose one of the three policies." in html
    assert not Client.objects.exists()

    long_name = "Acme " * 41
    html = recruiter_client.post(NEW, _form(recruiter, name=long_name)).content.decode()
    assert "Keep the name to 200 characters or fewer (it has 204)." in html
    assert f'value="{long_name}"' in html
    assert f'<option value="{recruiter.pk}" selected>' in html
    assert not Client.objects.exists()


def test_the_form_keeps_its_query_budget(
    portal_settings, recruiter_client, recruiter_factory, django_assert_num_queries
):
    for _ in range(5):
        recruiter_factory()
    # 1. the signed-in user (the session comes from the cache)
    # 2. the recruiters who may own the client
    with django_assert_num_queries(2):
        assert recruiter_client.get(NEW).status_code == 200


def test_candidates_get_404_and_add_nothing(candidate_client, candidate, client_factory):
    client_factory()

    assert candidate_client.get(LIST).status_code == 404
    assert candidate_client.get(NEW).status_code == 404
    assert candidate_client.post(NEW, _form(candidate, name="Mine Ltd")).status_code == 404
    assert not Client.objects.filter(name="Mine Ltd").exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
