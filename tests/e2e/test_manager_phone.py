"""The hiring manager on a phone: the asked areas and the candidate's questions first, the
other areas behind one disclosure, decline in one step from the top, within a budget.

Budget, for a request with two asked areas and two questions, at 375 px with JavaScript off:
the top of "Rate other areas (optional)" within two 667 px screens of the page's top, and the
page's HTML with every stylesheet it loads within 30,000 bytes.
"""

import pytest
from playwright.sync_api import expect

from candidates.models import Client
from requests_app import services, tokens
from requests_app.models import Area, FeedbackRequest

from .test_accessibility import Audit, nu_checker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # Whitenoise looks for STATIC_ROOT, which only collectstatic makes.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 375, "height": 667}
TWO_SCREENS = 2 * PHONE["height"]
PAGE_BUDGET = 30_000  # bytes: the HTML and every stylesheet it loads
QUESTIONS = [
    "Was my portfolio the right level of detail for a data role?",
    "Should I have asked more about the team's data stack?",
]


@pytest.fixture
def asked(recruiter_factory, client_factory, hiring_manager_factory, candidate_factory, application_factory):
    """A request for two areas with two questions, routed to a manager: returns (request, link)."""

    def make(policy: str = Client.FeedbackPolicy.FULL) -> tuple[FeedbackRequest, str]:
        recruiter = recruiter_factory(name="Riley Recruiter")
        client = client_factory(name="Acme Analytics Ltd", owner=recruiter, feedback_policy=policy)
        manager = hiring_manager_factory(client=client, name="Morgan Blackwood")
        candidate = candidate_factory(name="Casey Jones")
        feedback_request = services.submit_request(
            candidate=candidate,
            application=application_factory(candidate=candidate, client=client, role_title="Data Analyst"),
            areas=[Area.EXPERIENCE, Area.SKILLS],
            questions=QUESTIONS,
            consent_to_forward=True,
        )
        routing = services.route_request(
            feedback_request=feedback_request, hiring_manager=manager, message="", actor=recruiter
        )
        return feedback_request, tokens.mint(routing)

    return make


def _page_bytes(page) -> int:
    """The page's HTML as served plus every stylesheet it links, in bytes."""
    html = page.request.get(page.url)
    sheets = page.eval_on_selector_all('link[rel="stylesheet"]', "links => links.map(l => l.href)")
    assert sheets, "the page loads no stylesheet"
    return len(html.body()) + sum(len(page.request.get(href).body()) for href in sheets)


def test_the_managers_page_fits_two_phone_screens_and_the_budget_with_javascript_off(
    live_server, new_context, asked, csp_violations
):
    feedback_request, link = asked()
    phone = csp_violations(new_context(java_script_enabled=False, viewport=PHONE).new_page())
    phone.goto(f"{live_server.url}/respond/{link}/")
    expect(phone.get_by_role("heading", name="Feedback for Casey Jones")).to_be_visible()

    # Decline in one step is offered at the top, before anything to fill in.
    decline = phone.get_by_role("link", name="Can't give feedback? Decline in one step")
    expect(decline).to_be_in_viewport()

    # The asked areas and the questions are open; the other five wait behind one disclosure.
    other = phone.locator("details.other-areas")
    expect(other.locator("summary")).to_have_text("Rate other areas (optional)")
    expect(other).not_to_have_attribute("open", "")
    expect(phone.get_by_role("group", name="Relevant experience")).to_be_visible()
    expect(phone.get_by_role("group", name="Skills")).to_be_visible()
    expect(phone.get_by_role("group", name="CV / résumé")).to_be_hidden()
    for n, question in enumerate(QUESTIONS, start=1):
        expect(phone.get_by_label(f"Question {n}: {question}")).to_be_visible()

    top = phone.evaluate(
        "() => document.querySelector('details.other-areas').getBoundingClientRect().top + scrollY"
    )
    assert top <= TWO_SCREENS, f"the other areas start {top:.0f}px down, over two screens ({TWO_SCREENS}px)"
    size = _page_bytes(phone)
    assert size <= PAGE_BUDGET, f"the page and its stylesheets weigh {size} bytes, over {PAGE_BUDGET}"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The decline link leads to the one-step form, on the same page, without a script.
    decline.click()
    expect(phone.get_by_role("button", name="Decline")).to_be_in_viewport()

    # Answering works without JavaScript: the asked areas, the questions, one optional area.
    phone.get_by_role("group", name="Relevant experience").get_by_label("Room to improve").check()
    phone.get_by_label("Your comment on Relevant experience").fill("No pipeline built from end to end yet.")
    phone.get_by_role("group", name="Skills").get_by_label("Met the bar").check()
    phone.get_by_label(f"Question 1: {QUESTIONS[0]}").fill("Yes: one page per project was right.")
    other.locator("summary").click()  # a <details> opens without JavaScript
    phone.get_by_role("group", name="CV / résumé").get_by_label("Strength").check()
    phone.get_by_role("button", name="Send feedback").click()

    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(phone.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(phone.get_by_text("The recruiter reviews your answer")).to_be_visible()
    response = feedback_request.responses.get()
    assert response.question_answers == [
        {"question": QUESTIONS[0], "answer": "Yes: one page per project was right."},
        {"question": QUESTIONS[1], "answer": ""},
    ]
    assert response.answers.get(area=Area.CV).rating == "strength"
    assert csp_violations.seen == []


@pytest.mark.browser_context_args(bypass_csp=True)
def test_the_managers_page_meets_wcag_21_aa_and_is_valid_html(live_server, new_context, asked):
    nu_checker.available()
    audit = Audit()
    _, link = asked()
    page = new_context().new_page()
    page.goto(f"{live_server.url}/respond/{link}/")
    audit.check(page, "manager on a phone, two areas and two questions")

    # A rating of an optional area lost (a browser that dropped it): the disclosure opens on
    # its error, so the manager sees what to fix.
    page.get_by_role("group", name="Relevant experience").get_by_label("Strength").check()
    page.locator('details.other-areas input[name="rating_fit"]').evaluate_all(
        "radios => radios.forEach(r => { r.checked = false; })"
    )
    page.get_by_role("button", name="Send feedback").click()
    other = page.locator("details.other-areas")
    expect(other).to_have_attribute("open", "")
    expect(page.get_by_role("group", name="Team and culture fit")).to_be_visible()
    expect(page.get_by_role("link", name="Choose a rating for team and culture fit.")).to_be_visible()
    audit.check(page, "manager on a phone, an error among the other areas")
    audit.assert_clean()


@pytest.mark.browser_context_args(bypass_csp=True)
def test_a_ratings_only_client_is_not_shown_the_questions_and_is_told_why(live_server, new_context, asked):
    nu_checker.available()
    audit = Audit()
    feedback_request, link = asked(Client.FeedbackPolicy.RATINGS_ONLY)
    page = new_context().new_page()
    page.goto(f"{live_server.url}/respond/{link}/")
    expect(page.get_by_text("the candidate's questions are not shown")).to_be_visible()
    for question in QUESTIONS:
        expect(page.locator("body")).not_to_contain_text(question)
    expect(page.get_by_role("textbox")).to_have_count(1)  # only the decline's "anything to add"
    audit.check(page, "manager on a phone, ratings only")

    page.get_by_role("group", name="Skills").get_by_label("Met the bar").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert feedback_request.responses.get().question_answers == []
    audit.assert_clean()
