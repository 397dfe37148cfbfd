"""In a real browser: a recruiter changes a hiring manager's e-mail; the agency's admin finds who,
when, and the address before and after in the audit trail, and the recruiter cannot open it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from feedback_portal.models import User
from tests.factories import ClientFactory, HiringManagerFactory, RecruiterFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def test_the_admin_finds_who_changed_a_managers_e_mail_and_the_recruiter_cannot_look(
    live_server, sign_in, csp_violations
):
    recruiter = RecruiterFactory(name="Riley Recruiter", email="riley@agency.test")
    UserFactory(
        email="ada@agency.test", name="Ada Admin", role=User.Role.ADMIN, is_staff=True, is_superuser=True
    )
    manager = HiringManagerFactory(
        client=ClientFactory(name="Acme Ltd", owner=recruiter), name="Morgan Blake", email="morgan@acme.test"
    )

    desk = csp_violations(sign_in(recruiter.email))
    desk.goto(f"{live_server.url}/dashboard/clients/{manager.client.uuid}/managers/{manager.uuid}/edit/")
    desk.get_by_label("E-mail").fill("morgan.blake@elsewhere.test")
    desk.get_by_role("button", name="Save changes").click()
    expect(desk.get_by_text("Saved Morgan Blake.")).to_be_visible()

    admin = csp_violations(sign_in("ada@agency.test"))
    admin.goto(f"{live_server.url}/admin/")
    admin.get_by_role("link", name="Log entries").click()
    admin.get_by_role("link", name="Changed", exact=True).click()
    row = admin.get_by_role("row").filter(has_text="morgan.blake@elsewhere.test")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("riley@agency.test")
    expect(row).to_contain_text("Hiring manager")
    expect(row).to_contain_text("email: morgan@acme.test → morgan.blake@elsewhere.test")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        admin.set_viewport_size({"width": width, "height": 800})
        admin.screenshot(path=SCREENSHOTS / f"audit-trail-{width}.png", full_page=True)

    row.get_by_role("link").first.click()
    expect(admin.get_by_role("cell", name="morgan@acme.test", exact=True)).to_be_visible()
    admin.screenshot(path=SCREENSHOTS / "audit-trail-entry-1280.png", full_page=True)

    # The sign-ins are there too, the recruiter's first.
    admin.goto(f"{live_server.url}/admin/auditlog/logentry/?what=signed_in")
    expect(admin.get_by_role("row").filter(has_text="riley@agency.test")).to_have_count(1)

    response = desk.goto(f"{live_server.url}/admin/auditlog/logentry/")
    assert response.status == 404
    assert csp_violations.seen == []
