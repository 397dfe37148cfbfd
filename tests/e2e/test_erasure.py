"""Erasure in a real browser: the candidate asks on their account page, an admin erases, and the
candidate's own browser is signed out. Each page is checked by axe (WCAG 2.1 AA), laid out at a
phone's width, validated by the Nu HTML checker and screenshotted, as the accessibility tests do."""

import re

import pytest
from playwright.sync_api import expect

from feedback_portal.models import ErasureRequest, User
from tests.factories import PASSWORD

from . import nu_checker
from .test_accessibility import Audit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(bypass_csp=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def audit():
    nu_checker.available()
    return Audit()


def test_a_candidate_asks_for_erasure_and_an_admin_carries_it_out(
    live_server,
    sign_in,
    audit,
    candidate_factory,
    recruiter_factory,
    application_factory,
    hiring_manager_factory,
):
    me = candidate_factory(name="Zebedee Quonsetworth", email="zebedee@example.test")
    application = application_factory(candidate=me, role_title="Data Analyst")
    manager = hiring_manager_factory(client=application.client, name="Ottoline Brackenbury")
    admin = recruiter_factory(role=User.Role.ADMIN, name="Ada Admin", email="ada@agency.test")

    page = sign_in(me.email)
    audit.watch(page)
    page.get_by_role("link", name="Account", exact=True).click()
    expect(page.get_by_role("heading", name="Erase my data")).to_be_visible()
    ask = page.get_by_role("button", name="Ask for my data to be erased")
    ask.click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_focused()
    expect(page.get_by_role("link", name="Enter your password to confirm it is you.")).to_be_visible()
    audit.check(page, "account, erasure with errors")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label(re.compile("^I understand that my account")).check()
    page.get_by_role("button", name="Ask for my data to be erased").click()
    expect(page.get_by_text("Your request to erase your data is recorded.")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel my request")).to_be_visible()
    audit.check(page, "account, erasure requested")

    admin_page = sign_in(admin.email)
    audit.watch(admin_page)
    admin_page.get_by_role("link", name="Erasures", exact=True).click()
    expect(admin_page.get_by_role("heading", name="Erasure requests")).to_be_visible()
    expect(admin_page.get_by_role("cell", name=re.compile("zebedee@example.test"))).to_be_visible()
    audit.check(admin_page, "erasure requests")
    admin_page.get_by_role("link", name=re.compile("^Review and erase")).click()
    admin_page.get_by_role("button", name="Erase now").click()
    expect(
        admin_page.get_by_role("alert").filter(has_text="Tick the box to confirm the erasure.")
    ).to_be_focused()
    audit.check(admin_page, "erasure request, with errors")
    admin_page.get_by_label(re.compile("^Erase this person's data now")).check()
    admin_page.get_by_role("button", name="Erase now").click()
    expect(admin_page.get_by_text("Erased. The erasure is recorded as")).to_be_visible()
    expect(admin_page.get_by_text("zebedee@example.test")).to_have_count(0)
    audit.check(admin_page, "erasure request, erased")

    page.goto(f"{live_server.url}/account/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert not User.objects.filter(email=me.email).exists()
    assert ErasureRequest.objects.get().state == ErasureRequest.State.ERASED

    admin_page.goto(f"{live_server.url}/dashboard/clients/{application.client.uuid}/")
    admin_page.get_by_role("link", name="Erase personal data of Ottoline Brackenbury").click()
    expect(
        admin_page.get_by_role("heading", name="Erase Ottoline Brackenbury's personal data")
    ).to_be_visible()
    audit.check(admin_page, "erase a hiring manager's data")
    admin_page.get_by_label(re.compile("^Erase this person's data now")).check()
    admin_page.get_by_role("button", name="Erase now").click()
    expect(admin_page.get_by_text("The hiring manager's personal data is erased.")).to_be_visible()
    manager.refresh_from_db()
    assert manager.name == "Erased hiring manager"

    audit.assert_clean()
