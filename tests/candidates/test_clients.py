"""/dashboard/clients/ and /dashboard/clients/new/: the agency's clients, and adding one."""

import re
from datetime import timedelta
from html import unescape

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


@pytest.mark.parametrize("how_many", [1, 60])
def test_the_list_keeps_its_query_budget_whatever_the_number_of_clients(
    portal_settings,
    recruiter_client,
    recruiter,
    client_factory,
    hiring_manager_factory,
    feedback_request_factory,
    django_assert_num_queries,
    how_many,
):
    for _ in range(how_many):
        company = client_factory(owner=recruiter)
        hiring_manager_factory(client=company)
        hiring_manager_factory(client=company, is_active=False)
        feedback_request_factory(application__client=company)
    # 1. the signed-in user (the session and portal settings come from the cache)
    # 2. a page of clients (51 at most: one more says there is a next page), with owner and
    #    active managers counted in a subquery per row
    # 3. the open requests of the page's clients, counted in one grouped query
    with django_assert_num_queries(3):
        response = recruiter_client.get(LIST)
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == min(how_many, 50) + 1  # the header's row too


# Pages of the list


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/dashboard/clients/[0-9a-f-]{36}/">([^<]+)</a>', html)


def _link(html: str, rel: str) -> str | None:
    """The address of the page's rel="next" or rel="prev" link, as a browser would follow it."""
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', html)
    return LIST + unescape(found.group(1)) if found else None


def _walk(recruiter_client, address: str) -> tuple[list[list[str]], list[str]]:
    """Every page from `address` on, following rel="next"; and the last page's HTML."""
    pages = []
    while address:
        html = recruiter_client.get(address).content.decode()
        pages.append(_names(html))
        address = _link(html, "next")
    return pages, html


def test_clients_come_50_a_page_a_to_z_ignoring_capitals_with_next_and_previous_links(
    recruiter_client, recruiter, client_factory
):
    # Names whose order depends on ignoring capitals, across the page boundary.
    names = [f"{'ab'[i % 2].upper() if i % 3 else 'ab'[i % 2]}client {i:03d}" for i in range(120)]
    for name in names:
        client_factory(name=name, owner=recruiter)
    expected = sorted(names, key=str.lower)

    pages, last = _walk(recruiter_client, LIST)

    assert [len(p) for p in pages] == [50, 50, 20]
    assert [n for p in pages for n in p] == expected
    assert _link(last, "next") is None
    first = recruiter_client.get(LIST).content.decode()
    assert _link(first, "prev") is None
    # Back from the last page: the page before it, as it was.
    second = recruiter_client.get(_link(last, "prev")).content.decode()
    assert _names(second) == expected[50:100]
    assert _names(recruiter_client.get(_link(second, "prev")).content.decode()) == expected[:50]


def test_newest_first_pages_keep_their_order_in_the_links_and_split_ties(
    recruiter_client, recruiter, client_factory
):
    same_moment = timezone.now() - timedelta(days=1)
    for i in range(55):  # all added at the same moment: the tie is broken by the id
        client_factory(name=f"Tied {i:02d}", owner=recruiter, created_at=same_moment)
    client_factory(name="Newest Ltd", owner=recruiter)

    first = recruiter_client.get(LIST, {"order": "newest"}).content.decode()
    following = _link(first, "next")
    second = recruiter_client.get(following).content.decode()

    assert "order=newest" in following
    assert _names(first)[0] == "Newest Ltd"
    assert _names(first)[1:] == [f"Tied {i:02d}" for i in range(54, 5, -1)]
    assert _names(second) == [f"Tied {i:02d}" for i in range(5, -1, -1)]
    assert "order=newest" in _link(second, "prev")
    assert '<strong aria-current="page">Newest first</strong>' in second


def test_open_requests_are_counted_for_the_clients_of_each_page(
    recruiter_client, recruiter, client_factory, feedback_request_factory
):
    for i in range(52):
        client_factory(name=f"Client {i:02d}", owner=recruiter)
    late = Client.objects.get(name="Client 51")  # on the second page
    for state in (FeedbackRequest.State.SUBMITTED, FeedbackRequest.State.EXPIRED):
        feedback_request_factory(application__client=late, state=state)
    feedback_request_factory(application__client=late, state=FeedbackRequest.State.CLOSED)

    first = recruiter_client.get(LIST).content.decode()
    second = recruiter_client.get(_link(first, "next")).content.decode()

    assert _row(second, "Client 51")[-1] == "2"
    assert _row(second, "Client 50")[-1] == "0"
    assert _row(first, "Client 00")[-1] == "0"

    # Renamed, the client keeps its open requests (each request keeps its client's name).
    late.name = "Zeta Renamed"
    late.save()
    renamed = recruiter_client.get(_link(first, "next")).content.decode()
    assert _row(renamed, "Zeta Renamed")[-1] == "2"


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "a\x00b", "eyJ0ZXN0IjoxfQ", "W10", "WzEsMl0", "!!!", "x" * 5000, ""],
)
def test_a_damaged_page_link_shows_the_first_page_with_a_message(
    recruiter_client, recruiter, client_factory, cursor
):
    for i in range(3):
        client_factory(name=f"Client {i}", owner=recruiter)

    for name in ("after", "before"):
        response = recruiter_client.get(LIST, {name: cursor})
        html = response.content.decode()
        assert response.status_code == 200
        assert _names(html) == ["Client 0", "Client 1", "Client 2"]
        assert ("That page link is damaged or out of date" in html) == bool(cursor)


def test_a_link_of_the_other_order_is_refused_not_misread(recruiter_client, recruiter, client_factory):
    for i in range(51):
        client_factory(name=f"Client {i:02d}", owner=recruiter)
    by_name = _link(recruiter_client.get(LIST).content.decode(), "next")

    html = recruiter_client.get(by_name + "&order=newest").content.decode()

    assert "That page link is damaged or out of date" in html
    assert len(_names(html)) == 50


def test_a_page_emptied_meanwhile_offers_the_first_page(recruiter_client, recruiter, client_factory):
    for i in range(51):
        client_factory(name=f"Client {i:02d}", owner=recruiter)
    following = _link(recruiter_client.get(LIST).content.decode(), "next")
    Client.objects.filter(name="Client 50").delete()

    html = recruiter_client.get(following).content.decode()

    assert "No more clients this way." in html
    assert 'href="?order=name">Back to the first page</a>' in html
    assert "No clients yet" not in html


def test_the_list_stays_small(recruiter_client, recruiter, client_factory):
    for i in range(120):
        client_factory(name=f"Client {i:03d}", owner=recruiter)
    assert len(recruiter_client.get(LIST).content) < 40_000


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
    assert '<legend class="question-legend">Feedback policy</legend>' in html
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
    assert "There is a problem" in html
    assert '<a href="#id_name">Enter the client&#x27;s name.</a>' in html  # the summary links to the field
    assert (
        '<ul class="errorlist" id="id_name_error"><li>'
        '<span class="visually-hidden">Error: </span>Enter the client&#x27;s name.</li></ul>' in html
    )
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
