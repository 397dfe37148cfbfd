"""The API's docs page in a real browser: Swagger UI from the portal's own static files, drawn under the
strict Content-Security-Policy, asking nothing of any other site."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def test_the_api_docs_render_with_no_csp_error_and_nothing_from_elsewhere(
    live_server, new_context, csp_violations
):
    page = csp_violations(new_context().new_page())
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/api/v1/docs")

    expect(page.get_by_role("heading", name="Feedback Portal API")).to_be_visible()
    expect(page.get_by_text("/api/v1/applications/{external_id}/outcome")).to_be_visible()
    page.get_by_text("/api/v1/applications/{external_id}/outcome").click()
    expect(page.get_by_text("invite", exact=True).first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 720})
        page.screenshot(path=SCREENSHOTS / f"api-docs-{width}.png", full_page=True)

    assert not csp_violations.seen, csp_violations.seen
    assert not errors, errors
    assert hosts == {urlsplit(live_server.url).netloc}


def test_an_admin_makes_a_key_in_the_admin_and_the_api_answers_it(live_server, sign_in, csp_violations):
    from feedback_portal.models import User
    from tests.factories import RecruiterFactory

    admin = RecruiterFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    page = csp_violations(sign_in(admin.email))

    page.goto(f"{live_server.url}/admin/integrations/apikey/add/")
    page.get_by_label("Name").fill("Bullhorn sync")
    page.get_by_label("Read applications").check()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("shown only this once")).to_be_visible()
    key = page.locator("#api-key").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 720})
        page.screenshot(path=SCREENSHOTS / f"api-key-made-{width}.png", full_page=True)
    answer = page.request.get(
        f"{live_server.url}/api/v1/applications", headers={"Authorization": f"Bearer {key}"}
    )
    assert answer.status == 200
    assert answer.json()["results"] == []
    # Back on the list, the key is known by its first characters only.
    page.goto(f"{live_server.url}/admin/integrations/apikey/")
    expect(page.get_by_text(key[:12])).to_be_visible()
    assert key not in page.content()
    assert not csp_violations.seen, csp_violations.seen
