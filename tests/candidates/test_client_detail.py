"""/dashboard/clients/<uuid>/: one client, its hiring managers, and every change made from there."""

import re
import uuid

import pytest

from candidates import services
from candidates.forms import HiringManagerForm
from candidates.models import Client, HiringManager
from requests_app.models import FeedbackRequest, Routing

pytestmark = pytest.mark.django_db


def page(client) -> str:
    return f"/dashboard/clients/{client.uuid}/"


def manager_url(manager, action: str) -> str:
    return f"/dashboard/clients/{manager.client.uuid}/managers/{manager.uuid}/{action}/"


def _options(html: str, name: str) -> list[str]:
    """The labels a <select> offers, as the person choosing reads them."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


@pytest.fixture
def acme(client_factory, recruiter_factory):
    return client_factory(
        name="Acme Analytics",
        owner=recruiter_factory(name="Riley Owner", email="riley@agency.test"),
        feedback_policy=Client.FeedbackPolicy.RATINGS_ONLY,
    )


@pytest.fixture
def morgan(acme, hiring_manager_factory):
    return hiring_manager_factory(
        client=acme, name="Morgan Blake", email="morgan@acme.test", title="Head of Data"
    )


# The page


def test_the_page_shows_the_client_and_its_managers_active_first(
    recruiter_client, acme, morgan, hiring_manager_factory, routing_factory, feedback_request_factory
):
    hiring_manager_factory(client=acme, name="Alex Former", title="", is_active=False)
    routing_factory(feedback_request__application__client=acme, hiring_manager=morgan)
    feedback_request_factory(application__client=acme)  # submitted, not yet routed

    html = recruiter_client.get(page(acme)).content.decode()

    assert "<h1>Acme Analytics</h1>" in html
    assert 'Riley Owner <span class="muted">(riley@agency.test)</span>' in html
    assert "<strong>Ratings only</strong>" in html
    assert "rates each area, with no comment boxes" in html
    assert "<dt>Open feedback requests</dt><dd>2</dd>" in html
    assert html.index("Morgan Blake") < html.index("Alex Former")
    assert "Head of Data" in html
    assert "morgan@acme.test" in html
    assert "1 routed<br><strong>1 waiting for their answer</strong>" in html
    assert '<span class="badge state-withdrawn">Deactivated</span>' in html
    assert f'action="{manager_url(morgan, "deactivate")}"' in html
    assert f'href="/dashboard/clients/{acme.uuid}/edit/">Edit the client</a>' in html
    assert "Add a hiring manager" in html


def test_a_client_without_managers_says_its_requests_cannot_be_routed(recruiter_client, acme):
    html = recruiter_client.get(page(acme)).content.decode()
    assert "No hiring managers yet: this client's requests cannot be routed" in html


@pytest.mark.parametrize("how_many", [2, 20])
def test_the_page_keeps_its_query_budget_whatever_the_number_of_managers(
    portal_settings,
    recruiter_client,
    acme,
    hiring_manager_factory,
    routing_factory,
    django_assert_num_queries,
    how_many,
):
    for n in range(how_many):
        manager = hiring_manager_factory(client=acme, is_active=n % 3 != 0)
        routing_factory(feedback_request__application__client=acme, hiring_manager=manager)
    # 1. the signed-in user (the session and portal settings come from the cache)
    # 2. the client, with its owner and its open requests counted
    # 3. its managers, with the requests routed to them and those waiting counted
    with django_assert_num_queries(3):
        response = recruiter_client.get(page(acme))
    assert response.status_code == 200
    assert response.content.decode().count(" routed") == how_many


def test_an_unknown_or_malformed_client_id_is_404(recruiter_client, morgan):
    unknown = uuid.uuid4()
    assert recruiter_client.get(f"/dashboard/clients/{unknown}/").status_code == 404
    assert recruiter_client.get(f"/dashboard/clients/{unknown}/edit/").status_code == 404
    assert recruiter_client.post(f"/dashboard/clients/{unknown}/managers/new/", {}).status_code == 404
    assert recruiter_client.get("/dashboard/clients/not-a-uuid/").status_code == 404


def test_a_manager_is_found_only_under_their_own_client(recruiter_client, morgan, client_factory):
    other = client_factory()
    for action in ("edit", "deactivate"):
        wrong = f"/dashboard/clients/{other.uuid}/managers/{morgan.uuid}/{action}/"
        assert recruiter_client.post(wrong, {}).status_code == 404
    assert (
        recruiter_client.get(
            f"/dashboard/clients/{morgan.client.uuid}/managers/{uuid.uuid4()}/edit/"
        ).status_code
        == 404
    )
    morgan.refresh_from_db()
    assert morgan.is_active


def test_candidates_get_404_everywhere_and_change_nothing(candidate_client, acme, morgan):
    assert candidate_client.get(page(acme)).status_code == 404
    assert candidate_client.get(f"{page(acme)}edit/").status_code == 404
    assert candidate_client.post(f"{page(acme)}edit/", {"name": "Mine"}).status_code == 404
    assert (
        candidate_client.post(f"{page(acme)}managers/new/", {"name": "Me", "email": "me@x.test"}).status_code
        == 404
    )
    assert candidate_client.get(manager_url(morgan, "edit")).status_code == 404
    assert candidate_client.post(manager_url(morgan, "deactivate")).status_code == 404
    acme.refresh_from_db()
    morgan.refresh_from_db()
    assert acme.name == "Acme Analytics"
    assert morgan.is_active
    assert HiringManager.objects.count() == 1


# Editing the client


def test_recruiter_renames_the_client_and_hands_it_to_a_colleague(recruiter_client, acme, recruiter_factory):
    colleague = recruiter_factory(name="Sam Colleague")
    form = recruiter_client.get(f"{page(acme)}edit/").content.decode()
    assert 'value="Acme Analytics"' in form
    assert f'<option value="{acme.owner_id}" selected>' in form

    response = recruiter_client.post(
        f"{page(acme)}edit/",
        {"name": "Acme Analytics Group", "owner": colleague.pk, "feedback_policy": "ratings_only"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == page(acme)
    assert "Saved Acme Analytics Group." in response.content.decode()
    acme.refresh_from_db()
    assert acme.name == "Acme Analytics Group"
    assert acme.owner == colleague


def test_a_new_policy_shows_on_the_triage_page_at_once(recruiter_client, acme, feedback_request_factory):
    feedback_request = feedback_request_factory(application__client=acme)
    triage = f"/dashboard/requests/{feedback_request.uuid}/"
    assert "Client policy: <strong>Ratings only</strong>" in recruiter_client.get(triage).content.decode()

    response = recruiter_client.post(
        f"{page(acme)}edit/",
        {"name": acme.name, "owner": acme.owner_id, "feedback_policy": "none"},
        follow=True,
    )

    assert "Its policy is now “No feedback”" in response.content.decode()
    assert "Client policy: <strong>No feedback</strong>" in recruiter_client.get(triage).content.decode()


def test_changing_only_the_capitals_of_the_name_is_allowed(recruiter_client, acme):
    recruiter_client.post(
        f"{page(acme)}edit/", {"name": "ACME Analytics", "owner": acme.owner_id, "feedback_policy": "full"}
    )
    acme.refresh_from_db()
    assert acme.name == "ACME Analytics"


def test_another_clients_name_is_refused_and_nothing_changes(recruiter_client, acme, client_factory):
    client_factory(name="Initech")

    response = recruiter_client.post(
        f"{page(acme)}edit/", {"name": "initech", "owner": acme.owner_id, "feedback_policy": "none"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is already a client called “initech”" in html
    assert "<h1>Edit Acme Analytics</h1>" in html
    assert 'value="initech"' in html
    acme.refresh_from_db()
    assert (acme.name, acme.feedback_policy) == ("Acme Analytics", Client.FeedbackPolicy.RATINGS_ONLY)


def test_bad_input_on_the_client_keeps_what_was_typed_and_stores_nothing(recruiter_client, acme, candidate):
    response = recruiter_client.post(
        f"{page(acme)}edit/", {"name": "", "owner": candidate.pk, "feedback_policy": "none"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the client&#x27;s name." in html
    assert "Choose one of the agency&#x27;s recruiters." in html
    assert 'value="none" required id="id_feedback_policy_2" checked' in html
    acme.refresh_from_db()
    assert acme.feedback_policy == Client.FeedbackPolicy.RATINGS_ONLY


def test_the_edit_page_keeps_its_query_budget(
    portal_settings, recruiter_client, acme, django_assert_num_queries
):
    # 1. the signed-in user  2. the client with its owner and counts  3. the recruiters who may own it
    with django_assert_num_queries(3):
        assert recruiter_client.get(f"{page(acme)}edit/").status_code == 200


# Adding a hiring manager


def test_recruiter_adds_a_hiring_manager_who_can_then_be_routed_to(
    recruiter_client, acme, feedback_request_factory
):
    response = recruiter_client.post(
        f"{page(acme)}managers/new/",
        {"name": " Dana  Whitfield ", "email": "Dana.Whitfield@Acme.test", "title": "Head of People"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"{page(acme)}#managers"
    assert "Added Dana Whitfield. They can be chosen when routing requests." in response.content.decode()
    dana = HiringManager.objects.get()
    assert (dana.client, dana.name, dana.email, dana.title, dana.is_active) == (
        acme,
        "Dana Whitfield",
        "dana.whitfield@acme.test",
        "Head of People",
        True,
    )
    feedback_request = feedback_request_factory(application__client=acme)
    triage = recruiter_client.get(f"/dashboard/requests/{feedback_request.uuid}/").content.decode()
    assert "Dana Whitfield (Acme Analytics)" in _options(triage, "hiring_manager")


def test_an_address_already_at_this_client_is_refused_whatever_its_capitals(recruiter_client, acme, morgan):
    response = recruiter_client.post(
        f"{page(acme)}managers/new/", {"name": "Morgan B.", "email": "MORGAN@acme.test", "title": "CTO"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "morgan@acme.test is already a hiring manager at Acme Analytics." in html
    assert 'value="Morgan B."' in html
    assert 'value="MORGAN@acme.test"' in html
    assert 'value="CTO"' in html
    assert HiringManager.objects.count() == 1


def test_the_same_person_may_be_a_manager_at_another_client(recruiter_client, morgan, client_factory):
    other = client_factory()
    response = recruiter_client.post(
        f"{page(other)}managers/new/", {"name": "Morgan Blake", "email": "morgan@acme.test"}
    )
    assert response.status_code == 302
    assert HiringManager.objects.filter(email="morgan@acme.test").count() == 2


def test_a_deactivated_managers_address_points_to_reactivating_them(recruiter_client, acme, morgan):
    services.set_hiring_manager_active(manager=morgan, active=False)

    html = recruiter_client.post(
        f"{page(acme)}managers/new/", {"name": "Morgan Blake", "email": "morgan@acme.test"}
    ).content.decode()

    assert "(Morgan Blake, deactivated): reactivate them in the list instead." in html


def test_a_manager_added_by_someone_else_meanwhile_is_a_message_not_an_error_page(
    recruiter_client, acme, morgan, monkeypatch
):
    monkeypatch.setattr(HiringManagerForm, "clean_email", lambda form: form.cleaned_data["email"].lower())

    response = recruiter_client.post(f"{page(acme)}managers/new/", {"name": "M", "email": "Morgan@Acme.test"})

    assert response.status_code == 200
    assert "morgan@acme.test is already a hiring manager at Acme Analytics." in response.content.decode()
    assert HiringManager.objects.count() == 1


def test_bad_manager_input_shows_the_client_page_with_messages_by_the_fields(recruiter_client, acme, morgan):
    response = recruiter_client.post(
        f"{page(acme)}managers/new/", {"name": "", "email": "dana at acme", "title": "T" * 151}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Acme Analytics</h1>" in html  # the client's page, with its managers, around the form
    assert "Morgan Blake" in html
    assert (
        '<ul class="errorlist" id="id_name_error"><li>'
        '<span class="visually-hidden">Error: </span>Enter the hiring manager&#x27;s name.</li></ul>' in html
    )
    assert "Enter a valid e-mail address, like name@example.com." in html
    assert "Keep the title to 150 characters or fewer (it has 151)." in html
    assert 'value="dana at acme"' in html
    assert 'aria-invalid="true"' in html
    assert f'action="/dashboard/clients/{acme.uuid}/managers/new/#add-manager"' in html
    assert HiringManager.objects.count() == 1


def test_adding_is_a_post(recruiter_client, acme):
    assert recruiter_client.get(f"{page(acme)}managers/new/").status_code == 405


# Editing a hiring manager


def test_recruiter_corrects_a_managers_details(recruiter_client, acme, morgan):
    form = recruiter_client.get(manager_url(morgan, "edit")).content.decode()
    assert 'value="morgan@acme.test"' in form
    assert 'value="Head of Data"' in form

    response = recruiter_client.post(
        manager_url(morgan, "edit"),
        {"name": "Morgan Blake-Reid", "email": "Morgan.Reid@acme.test", "title": ""},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"{page(acme)}#managers"
    assert "Saved Morgan Blake-Reid." in response.content.decode()
    morgan.refresh_from_db()
    assert (morgan.name, morgan.email, morgan.title) == ("Morgan Blake-Reid", "morgan.reid@acme.test", "")


def test_keeping_their_own_address_is_not_a_duplicate(recruiter_client, morgan):
    response = recruiter_client.post(
        manager_url(morgan, "edit"), {"name": "Morgan Blake", "email": "MORGAN@acme.test", "title": "CTO"}
    )
    assert response.status_code == 302
    morgan.refresh_from_db()
    assert morgan.title == "CTO"


def test_a_colleagues_address_is_refused_and_nothing_changes(
    recruiter_client, acme, morgan, hiring_manager_factory
):
    hiring_manager_factory(client=acme, email="dana@acme.test")

    response = recruiter_client.post(
        manager_url(morgan, "edit"),
        {"name": "Morgan Blake", "email": "Dana@acme.test", "title": "Head of Data"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "dana@acme.test is already a hiring manager at Acme Analytics." in html
    assert "<h1>Edit Morgan Blake</h1>" in html
    assert 'value="Dana@acme.test"' in html
    morgan.refresh_from_db()
    assert morgan.email == "morgan@acme.test"


def test_bad_input_on_a_manager_keeps_what_was_typed_and_stores_nothing(recruiter_client, morgan):
    response = recruiter_client.post(
        manager_url(morgan, "edit"), {"name": "Morgan", "email": "", "title": "CTO"}
    )

    html = response.content.decode()
    assert "Enter the hiring manager&#x27;s e-mail address." in html
    assert 'value="CTO"' in html
    morgan.refresh_from_db()
    assert (morgan.name, morgan.title) == ("Morgan Blake", "Head of Data")


def test_the_manager_page_keeps_its_query_budget(
    portal_settings, recruiter_client, morgan, django_assert_num_queries
):
    # 1. the signed-in user  2. the manager, with their client and history
    with django_assert_num_queries(2):
        assert recruiter_client.get(manager_url(morgan, "edit")).status_code == 200


# Deactivating and reactivating


def _route_select(recruiter_client, feedback_request) -> list[str]:
    html = recruiter_client.get(f"/dashboard/requests/{feedback_request.uuid}/").content.decode()
    return _options(html, "hiring_manager")


def test_a_deactivated_manager_is_not_offered_when_routing_and_keeps_their_history(
    recruiter_client, acme, morgan, hiring_manager_factory, routing_factory, feedback_request_factory
):
    hiring_manager_factory(client=acme, name="Dana Whitfield")
    routed = routing_factory(feedback_request__application__client=acme, hiring_manager=morgan)
    waiting = feedback_request_factory(application__client=acme)
    assert "Morgan Blake (Acme Analytics)" in _route_select(recruiter_client, waiting)

    response = recruiter_client.post(manager_url(morgan, "deactivate"), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{page(acme)}#managers"
    assert "Morgan Blake is deactivated: no longer offered when routing requests." in html
    assert "Requests still waiting for their answer: 1." in html
    assert "1 routed" in html  # their history stays on the page
    offered = _route_select(recruiter_client, waiting)
    assert "Morgan Blake (Acme Analytics)" not in offered
    assert "Dana Whitfield (Acme Analytics)" in offered
    # The request already routed to them is theirs still, and its page names them.
    assert Routing.objects.get(pk=routed.pk).hiring_manager == morgan
    routed_page = recruiter_client.get(
        f"/dashboard/requests/{routed.feedback_request.uuid}/"
    ).content.decode()
    assert "Morgan Blake, Head of Data" in routed_page

    response = recruiter_client.post(manager_url(morgan, "reactivate"), follow=True)

    assert (
        "Morgan Blake is active again and can be chosen when routing requests." in response.content.decode()
    )
    assert "Morgan Blake (Acme Analytics)" in _route_select(recruiter_client, waiting)


def test_deactivating_twice_says_so(recruiter_client, morgan):
    recruiter_client.post(manager_url(morgan, "deactivate"))
    html = recruiter_client.post(manager_url(morgan, "deactivate"), follow=True).content.decode()
    assert "Morgan Blake was already deactivated." in html
    morgan.refresh_from_db()
    assert not morgan.is_active


def test_deactivating_is_a_post(recruiter_client, morgan):
    assert recruiter_client.get(manager_url(morgan, "deactivate")).status_code == 405
    assert recruiter_client.get(manager_url(morgan, "reactivate")).status_code == 405
    morgan.refresh_from_db()
    assert morgan.is_active


def test_a_deactivated_manager_can_still_be_edited(recruiter_client, morgan):
    services.set_hiring_manager_active(manager=morgan, active=False)
    html = recruiter_client.get(manager_url(morgan, "edit")).content.decode()
    assert "Hiring manager at Acme Analytics · deactivated." in html


def test_the_ended_request_of_a_deactivated_manager_is_not_waiting(
    recruiter_client, acme, morgan, routing_factory
):
    routing_factory(
        feedback_request__application__client=acme,
        feedback_request__state=FeedbackRequest.State.RELEASED,
        hiring_manager=morgan,
    )
    html = recruiter_client.post(manager_url(morgan, "deactivate"), follow=True).content.decode()
    assert "Requests still waiting" not in html
