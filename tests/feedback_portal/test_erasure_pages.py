"""The erasure pages: the candidate's "Erase my data" on /account/, the admins' /dashboard/erasures/."""

import re
import uuid

import pytest

from feedback_portal import erasure
from feedback_portal.models import ErasureRequest, User
from requests_app.retention import set_legal_hold
from tests.factories import PASSWORD
from tests.parallel import post_at_once

pytestmark = pytest.mark.django_db

ACCOUNT = "/account/"
ERASE = "/account/erase/"
CANCEL = "/account/erase/cancel/"
LIST = "/dashboard/erasures/"
ONCE = re.compile(r'name="once" value="([0-9a-f]{32})"')


def once(html: str, index: int = -1) -> str:
    return ONCE.findall(html)[index]


def test_the_account_page_says_what_is_erased_kept_and_may_hold_it_up(
    portal_settings, candidate_client, django_assert_num_queries
):
    # 1. the signed-in user, 2. their second factor (none), 3. a pending erasure request (none)
    with django_assert_num_queries(3):
        html = candidate_client.get(ACCOUNT).content.decode()

    assert '<h2 id="erase">Erase my data</h2>' in html
    assert "<h3>What is erased</h3>" in html and "<h3>What is kept</h3>" in html
    assert "Counts with nothing that identifies you" in html
    assert "must keep some records for a legal reason" in html
    assert 'type="password"' in html and 'name="confirm"' in html
    assert "Ask for my data to be erased" in html


def test_someone_who_signs_in_by_code_is_asked_to_set_a_password_first(candidate_client, candidate):
    candidate.set_unusable_password()
    candidate.save()
    candidate_client.force_login(candidate)

    html = candidate_client.get(ACCOUNT).content.decode()

    assert "set a password</a>, then come back here." in html
    assert "Ask for my data to be erased" not in html
    page = candidate_client.post(ERASE, {"password": "", "confirm": "on"}, follow=True)
    assert "Set a password first: we ask for it to confirm it is you." in page.content.decode()
    assert not ErasureRequest.objects.exists()


def test_a_recruiter_is_not_offered_erasure(recruiter_client):
    html = recruiter_client.get(ACCOUNT).content.decode()
    assert "Erase my data" not in html
    assert recruiter_client.post(ERASE, {"password": PASSWORD, "confirm": "on"}).status_code == 404


def test_asking_with_the_password_and_the_box_ticked_records_the_request(candidate_client, candidate):
    form = candidate_client.get(ACCOUNT).content.decode()

    page = candidate_client.post(
        ERASE, {"once": once(form), "password": PASSWORD, "confirm": "on"}, follow=True
    )

    html = page.content.decode()
    assert page.redirect_chain == [(f"{ACCOUNT}#erase", 302)]
    assert "Your request to erase your data is recorded." in html
    assert "You asked for your data to be erased on" in html
    assert "Cancel my request" in html
    assert "legal reason. It will erase" not in html  # nothing held
    [row] = ErasureRequest.objects.all()
    assert row.user == candidate and row.state == ErasureRequest.State.PENDING


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"confirm": "on"}, "Enter your password to confirm it is you."),
        ({"password": "not-my-password", "confirm": "on"}, "That is not your password."),
        ({"password": PASSWORD}, "Tick the box to confirm you want your data erased."),
        ({"password": "\x00", "confirm": "on"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_says_why_and_records_nothing(candidate_client, data, message):
    page = candidate_client.post(ERASE, data)

    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html and message in html
    assert 'aria-invalid="true"' in html
    assert not ErasureRequest.objects.exists()


def test_the_erase_address_opened_again_leads_back_to_the_account_page(candidate_client):
    page = candidate_client.get(ERASE)

    assert page.status_code == 302 and page["Location"] == f"{ACCOUNT}#erase"
    assert not ErasureRequest.objects.exists()


def test_a_double_submit_records_one_request(candidate_client):
    key = once(candidate_client.get(ACCOUNT).content.decode())
    data = {"once": key, "password": PASSWORD, "confirm": "on"}

    candidate_client.post(ERASE, data)
    again = candidate_client.post(ERASE, data, follow=True)

    assert "That was done already" in again.content.decode()
    assert ErasureRequest.objects.count() == 1


def test_the_candidate_cancels_while_it_waits(candidate_client, candidate):
    erasure.request_erasure(user=candidate)
    form = candidate_client.get(ACCOUNT).content.decode()

    page = candidate_client.post(CANCEL, {"once": once(form)}, follow=True)

    html = page.content.decode()
    assert "Your request to erase your data is cancelled. Nothing was erased." in html
    assert "Ask for my data to be erased" in html
    assert ErasureRequest.objects.get().state == ErasureRequest.State.CANCELLED
    again = candidate_client.post(CANCEL, {}, follow=True)
    assert "There was no request waiting to cancel." in again.content.decode()


def test_a_held_request_is_said_without_its_details(
    candidate_client, candidate, feedback_request_factory, admin_user
):
    held = feedback_request_factory(application__candidate=candidate, state="released")
    set_legal_hold(feedback_request=held, on=True, actor=admin_user)
    erasure.request_erasure(user=candidate)

    html = candidate_client.get(ACCOUNT).content.decode()

    assert "The agency must keep some of your records for now, for a legal reason." in html
    assert str(held.uuid) not in html and held.application.role_title not in html


# --- The admins' pages --------------------------------------------------------------------


@pytest.fixture
def waiting(candidate):
    return erasure.request_erasure(user=candidate)


@pytest.mark.parametrize("who", ["recruiter_client", "candidate_client"])
def test_only_admins_reach_the_erasure_pages(who, request, waiting):
    browser = request.getfixturevalue(who)
    detail = f"{LIST}{waiting.uuid}/"

    assert browser.get(LIST).status_code == 404
    assert browser.get(detail).status_code == 404
    assert browser.post(detail, {"confirm": "on"}).status_code == 404
    assert User.objects.filter(pk=waiting.user_id).exists()


def test_an_unknown_erasure_answers_404(admin_client):
    assert admin_client.get(f"{LIST}00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_admin_sees_each_request_with_the_holds_that_block_it(
    admin_client, admin_user, candidate, waiting, feedback_request_factory
):
    held = feedback_request_factory(application__candidate=candidate, state="declined")
    set_legal_hold(feedback_request=held, on=True, actor=admin_user)

    html = admin_client.get(LIST).content.decode()

    assert candidate.email in html
    assert "1 on legal hold" in html
    assert f'href="/dashboard/requests/{held.uuid}/"' in html
    detail = admin_client.get(f"{LIST}{waiting.uuid}/").content.decode()
    assert "On legal hold: this erasure must wait" in detail

    page = admin_client.post(f"{LIST}{waiting.uuid}/", {"confirm": "on"})

    assert page.status_code == 200
    assert "Records about this candidate are on legal hold: nothing was erased." in page.content.decode()
    assert User.objects.filter(pk=candidate.pk).exists()


def test_the_list_reads_the_same_few_queries_however_many_wait(
    portal_settings,
    admin_client,
    candidate_factory,
    feedback_request_factory,
    admin_user,
    django_assert_num_queries,
):
    for _ in range(3):
        someone = candidate_factory()
        erasure.request_erasure(user=someone)
        held = feedback_request_factory(application__candidate=someone, state="closed")
        set_legal_hold(feedback_request=held, on=True, actor=admin_user)
    admin_client.get(LIST)  # content types and the like, read once per process

    # 1. the signed-in user, 2. the erasure requests with their accounts, 3. the held requests
    with django_assert_num_queries(3):
        page = admin_client.get(LIST)

    assert page.content.decode().count("1 on legal hold") == 3


def test_the_request_page_reads_a_fixed_few_queries(
    portal_settings, admin_client, waiting, django_assert_num_queries
):
    # 1. the signed-in user, 2. the erasure request with its account, 3. the held requests
    with django_assert_num_queries(3):
        page = admin_client.get(f"{LIST}{waiting.uuid}/")

    assert page.status_code == 200 and "Erase now" in page.content.decode()


def test_erase_now_asks_for_the_confirmation_first(admin_client, waiting, candidate):
    page = admin_client.post(f"{LIST}{waiting.uuid}/", {})

    assert page.status_code == 200
    assert "Tick the box to confirm the erasure." in page.content.decode()
    assert User.objects.filter(pk=candidate.pk).exists()


def test_erase_now_erases_and_the_page_keeps_only_the_record(admin_client, waiting, candidate):
    form = admin_client.get(f"{LIST}{waiting.uuid}/").content.decode()

    page = admin_client.post(f"{LIST}{waiting.uuid}/", {"once": once(form), "confirm": "on"}, follow=True)

    html = page.content.decode()
    assert f"Erased. The erasure is recorded as {waiting.uuid}" in html
    assert candidate.email not in html and candidate.name not in html
    assert "<dt>Accounts</dt><dd>1</dd>" in html and "<dt>Sessions</dt>" in html
    assert not User.objects.filter(pk=candidate.pk).exists()
    listed = admin_client.get(LIST).content.decode()
    assert candidate.email not in listed and f"erased: {waiting.uuid}" in listed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_erase_now_erase_once(waiting, candidate, admin_user, live_server):
    detail = f"{LIST}{waiting.uuid}/"

    statuses = post_at_once(
        live_server.url,
        admin_user,
        page=detail,
        to=detail,
        data=lambda html: {"once": once(html), "confirm": "on"},
    )

    assert sorted(set(statuses)) == [302]

    waiting.refresh_from_db()
    assert waiting.state == ErasureRequest.State.ERASED
    assert not User.objects.filter(pk=candidate.pk).exists()
    assert ErasureRequest.objects.count() == 1


# --- A hiring manager, from their client's page ------------------------------------------


def manager_erase_page(manager) -> str:
    return f"/dashboard/clients/{manager.client.uuid}/managers/{manager.uuid}/erase/"


def test_a_recruiter_can_neither_see_nor_reach_the_managers_erasure(recruiter_client, hiring_manager_factory):
    manager = hiring_manager_factory(name="Ottoline Brackenbury")

    client_page = recruiter_client.get(f"/dashboard/clients/{manager.client.uuid}/").content.decode()

    assert "Erase personal data" not in client_page
    assert recruiter_client.get(manager_erase_page(manager)).status_code == 404
    assert recruiter_client.post(manager_erase_page(manager), {"confirm": "on"}).status_code == 404
    manager.refresh_from_db()
    assert manager.name == "Ottoline Brackenbury"


def test_an_admin_erases_a_manager_from_the_clients_page(
    portal_settings, admin_client, hiring_manager_factory, django_assert_num_queries
):
    manager = hiring_manager_factory(name="Ottoline Brackenbury", email="ottoline@client.test")
    client_page = admin_client.get(f"/dashboard/clients/{manager.client.uuid}/").content.decode()
    assert f'href="{manager_erase_page(manager)}"' in client_page
    # 1. the signed-in user, 2. the manager with their client, 3. the held requests routed to them
    with django_assert_num_queries(3):
        form = admin_client.get(manager_erase_page(manager)).content.decode()

    unconfirmed = admin_client.post(manager_erase_page(manager), {"once": once(form)})
    assert "Tick the box to confirm the erasure." in unconfirmed.content.decode()
    page = admin_client.post(manager_erase_page(manager), {"once": once(form), "confirm": "on"}, follow=True)

    html = page.content.decode()
    assert "The hiring manager&#x27;s personal data is erased." in html
    assert "Ottoline" not in html and "ottoline@client.test" not in html
    manager.refresh_from_db()
    assert manager.name == "Erased hiring manager" and not manager.is_active
    [record] = ErasureRequest.objects.all()
    assert record.kind == ErasureRequest.Kind.HIRING_MANAGER and record.decided_by.role == "admin"


def test_a_manager_on_a_held_request_is_not_erased_and_the_admin_sees_why(
    admin_client, admin_user, hiring_manager_factory, feedback_request_factory, routing_factory
):
    manager = hiring_manager_factory(name="Ottoline Brackenbury")
    held = feedback_request_factory(application__client=manager.client, state="released")
    routing_factory(feedback_request=held, hiring_manager=manager)
    set_legal_hold(feedback_request=held, on=True, actor=admin_user)

    form = admin_client.get(manager_erase_page(manager)).content.decode()
    assert "On legal hold: this erasure must wait" in form
    assert f'href="/dashboard/requests/{held.uuid}/"' in form
    page = admin_client.post(manager_erase_page(manager), {"once": once(form), "confirm": "on"})

    assert "on legal hold: nothing was erased." in page.content.decode()
    manager.refresh_from_db()
    assert manager.name == "Ottoline Brackenbury"


# --- The user admin -------------------------------------------------------------------------


def test_in_the_admin_a_candidate_leaves_through_erasure_not_deletion(admin_client, candidate, recruiter):
    change = admin_client.get(f"/admin/feedback_portal/user/{candidate.pk}/change/").content.decode()
    assert f"/admin/feedback_portal/user/{candidate.pk}/delete/" not in change
    assert (
        admin_client.post(f"/admin/feedback_portal/user/{candidate.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )

    page = admin_client.post(
        "/admin/feedback_portal/user/",
        {"action": "record_erasure_request", "_selected_action": [candidate.pk, recruiter.pk]},
        follow=True,
    )

    html = page.content.decode()
    assert "Recorded 1 request(s) to erase." in html and 'href="/dashboard/erasures/"' in html
    assert "Only candidates are erased on request" in html
    assert User.objects.filter(pk=candidate.pk).exists()
    [row] = ErasureRequest.objects.all()
    assert row.user == candidate and row.state == ErasureRequest.State.PENDING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_asking_from_two_tabs_at_once_records_one_request(candidate, live_server):
    # Each POST carries a fresh one-time key, as ten different tabs would.
    statuses = post_at_once(
        live_server.url,
        candidate,
        page=ACCOUNT,
        to=ERASE,
        data=lambda html: {"once": uuid.uuid4().hex, "password": PASSWORD, "confirm": "on"},
    )

    assert sorted(set(statuses)) == [302]
    assert ErasureRequest.objects.filter(user=candidate).count() == 1
