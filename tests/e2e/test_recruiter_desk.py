"""The recruiter's desk at volume, in a real browser: find a candidate, see what is overdue first,
hand work over for a holiday, extend three links at once and read what was done."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from feedback_portal.models import PortalSettings
from requests_app import services
from requests_app.models import Area, FeedbackRequest, Handover

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def desk(
    recruiter_factory, client_factory, hiring_manager_factory, application_factory, feedback_request_factory,
    candidate_factory, time_machine,
):  # fmt: skip
    PortalSettings.load()
    riley = recruiter_factory(name="Riley Recruiter")
    cole = recruiter_factory(name="Cole League")
    acme = client_factory(name="Acme Analytics", owner=riley)
    # Sixty requests besides: old ones first, so some are overdue.
    time_machine.move_to(timezone.now() - timedelta(days=20))
    for n in range(60):
        feedback_request_factory(
            application=application_factory(client=acme, candidate_name=f"Person {n:02d}")
        )
        time_machine.move_to(timezone.now() + timedelta(hours=7))
    time_machine.move_to(timezone.now() + timedelta(days=1))
    zoe = candidate_factory(name="Zoe Whitmore")
    feedback_request_factory(
        application=application_factory(client=acme, candidate=zoe, candidate_name="Zoe Whitmore")
    )
    # Three requests waiting for hiring managers, routed through the service.
    routed = []
    for n in range(3):
        candidate = candidate_factory(name=f"Awaiting {n}")
        request = services.submit_request(
            candidate=candidate,
            application=application_factory(client=acme, candidate=candidate, candidate_name=f"Awaiting {n}"),
            areas=[Area.EXPERIENCE],
            questions=[],
            consent_to_forward=False,
        )
        manager = hiring_manager_factory(client=acme, name=f"Manager {n}", email=f"manager{n}@acme.test")
        routed.append(
            services.route_request(feedback_request=request, hiring_manager=manager, message="", actor=riley)
        )
    time_machine.move_to(timezone.now())
    return {"riley": riley, "cole": cole, "routed": routed}


def test_find_triage_hand_over_and_extend_three_links_at_once(desk, live_server, sign_in):
    riley, cole = desk["riley"], desk["cole"]
    page = sign_in(riley.email)
    page.goto(f"{live_server.url}/dashboard/")

    # What waits for a recruiter, the longest waiting first, with its age and overdue marked.
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Person 00")
    expect(first_row).to_contain_text("working days")
    expect(first_row).to_contain_text("overdue")
    expect(page.locator("tbody tr")).to_have_count(50)  # a page of 50, and a link to the next
    expect(page.get_by_role("link", name="Next page →")).to_be_visible()
    shoot(page, "queue-needs-you")

    # Part of a surname finds the candidate.
    page.get_by_role("textbox", name="Search").fill("whitm")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("Zoe Whitmore")
    assert "q=whitm" in page.url  # shareable, back-button safe

    # Next week's holiday: Cole covers Riley's work.
    page.get_by_role("link", name="Hand over work").click()
    page.get_by_label("To whom").select_option(label="Cole League")
    page.get_by_role("radio", name=re.compile("For dates")).check()
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    page.get_by_label("From").fill(monday.isoformat())
    page.get_by_label("Until (the last day of cover)").fill((monday + timedelta(days=4)).isoformat())
    shoot(page, "handover")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_text("Cole League covers Riley Recruiter's work from")).to_be_visible()
    assert Handover.objects.get().to_recruiter == cole

    # Extend the three managers' links at once.
    page.goto(f"{live_server.url}/dashboard/?view=awaiting_manager")
    expect(page.locator("tbody tr")).to_have_count(3)
    for checkbox in page.get_by_role("checkbox", name=re.compile("^Choose Awaiting")).all():
        checkbox.check()
    mail.outbox.clear()
    page.get_by_label("With the ticked requests").select_option(label="Extend the hiring manager's link")
    page.get_by_label("Extend links by (days)").fill("7")
    page.get_by_role("button", name="Do it").click()
    expect(page.get_by_role("heading", name="Extend the hiring manager's link")).to_be_visible()
    expect(page.get_by_text("3 done")).to_be_visible()
    shoot(page, "queue-bulk-result")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "manager0@acme.test",
        "manager1@acme.test",
        "manager2@acme.test",
    ]
    assert all("now works until" in m.body for m in mail.outbox)
    for routing in desk["routed"]:
        assert (
            FeedbackRequest.objects.get(pk=routing.feedback_request_id).state
            == FeedbackRequest.State.AWAITING_MANAGER
        )
