"""One door in: the admin signs in through the portal's own pages; staff sessions are short."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, user, *, remember: bool):
    data = {"login": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "on"
    response = client.post("/accounts/login/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def test_the_admins_sign_in_page_leads_to_the_portals_and_back(client):
    response = client.get("/admin/login/", {"next": "/admin/requests_app/feedbackrequest/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Frequests_app%2Ffeedbackrequest%2F"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_password_posted_to_the_admins_own_form_signs_nobody_in(client, recruiter_factory):
    admin = recruiter_factory(role="admin", is_staff=True, is_superuser=True)

    client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_link_elsewhere_is_not_followed_after_signing_in(client):
    response = client.get("/admin/login/", {"next": "https://evil.example/"})
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_signed_in_candidate_asking_for_the_admin_is_not_sent_round_in_circles(candidate_client):
    assert candidate_client.get("/admin/login/", {"next": "/admin/"}).status_code == 404


def test_the_admins_password_page_is_the_portals(client, recruiter_factory):
    admin = recruiter_factory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get("/admin/password_change/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"


def test_an_admin_signs_in_through_the_portal_and_reaches_the_admin(client, recruiter_factory):
    admin = recruiter_factory(role="admin", is_staff=True, is_superuser=True)

    sign_in(client, admin, remember=False)

    assert client.get("/admin/").status_code == 200


def test_a_recruiters_session_ends_with_the_browser_even_when_remembered(client, recruiter):
    sign_in(client, recruiter, remember=True)
    client.get("/dashboard/")

    assert client.session.get_expire_at_browser_close()


def test_a_candidate_who_asks_to_be_remembered_is(client, candidate):
    sign_in(client, candidate, remember=True)
    client.get("/applications/")

    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() > 24 * 3600


def test_a_recruiter_is_signed_out_twelve_hours_after_signing_in(client, recruiter):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, recruiter, remember=True)
    with time_machine.travel(start + timedelta(hours=11, minutes=59), tick=False):
        assert client.get("/dashboard/").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fdashboard%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 12 hours" in page
