"""Next steps in a real browser: the recruiter picks and edits the library's suggestions on the
release page, sees them in the preview, releases them; the candidate reads them under each area,
and the answers to their questions below.
Both pages pass axe (WCAG 2.1 A/AA) and the Nu HTML checker, with screenshots at 1280 and 375 px
(the audit of tests/e2e/test_accessibility.py)."""

import re

import pytest
from playwright.sync_api import expect

from candidates.models import Client
from requests_app import services
from requests_app.models import Area, AreaAnswer, Rating

from . import nu_checker
from .test_accessibility import Audit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(bypass_csp=True),  # axe is injected as a script
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

OWN_LINK = "https://www.open.edu/openlearn/"
# Casey's questions ride along: the release page edits the answer, the candidate page shows both.
QUESTION = "Was my portfolio the right level of detail for a data role?"
ANSWER = "Yes: one page per project, with the result first."


@pytest.fixture
def audit():
    nu_checker.available()
    return Audit()


@pytest.fixture
def answered(
    recruiter_factory,
    client_factory,
    hiring_manager_factory,
    candidate_factory,
    application_factory,
    next_step_library,
):
    """Casey's request, answered: experience to improve, the CV met the bar."""
    recruiter = recruiter_factory(name="Riley Recruiter")
    client = client_factory(
        name="Acme Analytics", owner=recruiter, feedback_policy=Client.FeedbackPolicy.FULL
    )
    manager = hiring_manager_factory(client=client, name="Dana Whitfield")
    candidate = candidate_factory(name="Casey Jones")
    application = application_factory(candidate=candidate, client=client, role_title="Data Analyst")
    feedback_request = services.submit_request(
        candidate=candidate,
        application=application,
        areas=[Area.EXPERIENCE, Area.CV],
        questions=[QUESTION, "Should I have asked more about the team's data stack?"],
        consent_to_forward=True,
    )
    routing = services.route_request(
        feedback_request=feedback_request, hiring_manager=manager, message="", actor=recruiter
    )
    services.submit_manager_response(
        routing=routing,
        answers={
            Area.EXPERIENCE: (
                Rating.IMPROVE,
                "No reporting pipeline built end to end yet, which this role does every week.",
            ),
            Area.CV: (Rating.MET, "Clear and well laid out."),
        },
        summary="One end-to-end project would make the difference.",
        consider_for_other_roles="yes",
        question_answers=[{"answer": ANSWER}, {"answer": ""}],
    )
    return feedback_request


def test_the_recruiter_picks_and_edits_next_steps_and_the_candidate_reads_them(
    answered, live_server, sign_in, audit
):
    desk = sign_in(answered.application.recruiter.email)
    desk.goto(f"{live_server.url}/dashboard/requests/{answered.uuid}/release/")
    steps = desk.get_by_role("region", name="Next steps for the candidate")
    experience = steps.get_by_role("group", name=re.compile("^Relevant experience"))
    expect(experience.get_by_label("Suggest “Aim one step closer”")).to_be_checked()
    expect(steps.get_by_role("group", name=re.compile("^CV"))).to_contain_text("Keep it to two pages")
    preview = desk.get_by_role("region", name="What Casey Jones will see")
    expect(preview).to_contain_text("Show it through a project")
    expect(desk.get_by_role("textbox", name="Answer to question 1")).to_have_value(ANSWER)
    expect(preview).to_contain_text(ANSWER)
    audit.check(desk, "release page, next steps suggested and an answer to a question")

    # Untick one, reword another, add one of their own, with a link typed wrongly at first.
    experience.get_by_label("Suggest “Show it through a project”").uncheck()
    experience.locator("summary", has_text="Relevant experience, step 1").click()
    first = experience.get_by_role("group", name="Relevant experience, step 1")
    first.get_by_label("Title").fill("Aim one step closer, within data")
    experience.locator("summary", has_text="Add a step of your own").click()
    own = experience.get_by_role("group", name="Relevant experience, your own step")
    own.get_by_label("Title").fill("Build one reporting pipeline")
    own.get_by_label("Description (one line)").fill("From raw data to a dashboard, written up in a page.")
    own.get_by_label("Link (optional)").fill("javascript:alert(1)")
    desk.get_by_role("button", name="Update the preview").click()

    summary = desk.locator(".error-summary")
    expect(summary).to_contain_text(
        "Relevant experience, your own step: "
        "enter a link starting with https:// (or http://), or leave it empty."
    )
    # What was typed is kept, the step's words open beside the message.
    expect(own.get_by_label("Link (optional)")).to_have_value("javascript:alert(1)")
    expect(own.get_by_label("Title")).to_have_value("Build one reporting pipeline")
    expect(first.get_by_label("Title")).to_have_value("Aim one step closer, within data")
    expect(experience.get_by_label("Suggest “Show it through a project”")).not_to_be_checked()
    audit.check(desk, "release page, a step's link refused")

    own.get_by_label("Link (optional)").fill(OWN_LINK)
    desk.get_by_role("button", name="Update the preview").click()
    expect(preview).to_contain_text("Aim one step closer, within data")
    expect(preview).to_contain_text("Build one reporting pipeline")
    expect(preview).not_to_contain_text("Show it through a project")
    expect(
        preview.get_by_role("link", name="Build one reporting pipeline (another website)")
    ).to_have_attribute("href", OWN_LINK)
    desk.get_by_role("button", name="Release to the candidate").click()
    expect(desk.get_by_text("Released. The candidate has been e-mailed.")).to_be_visible()

    # The candidate reads the steps as released, under each area.
    me = sign_in(answered.candidate.email)
    me.goto(f"{live_server.url}/requests/{answered.uuid}/")
    area = me.locator("article.area-compare", has=me.get_by_role("heading", name="Relevant experience"))
    expect(area.get_by_role("heading", name="Next steps")).to_be_visible()
    expect(area).to_contain_text("Aim one step closer, within data")
    expect(area).to_contain_text("From raw data to a dashboard, written up in a page.")
    expect(area).not_to_contain_text("Show it through a project")
    link = area.get_by_role("link", name="Build one reporting pipeline (another website)")
    expect(link).to_have_attribute("href", OWN_LINK)
    expect(link).not_to_have_attribute("target", "_blank")  # it opens as any link does
    cv = me.locator("article.area-compare", has=me.get_by_role("heading", name=re.compile("^CV")))
    expect(cv).to_contain_text("Keep it to two pages")
    questions = me.get_by_role("heading", name="Your questions")
    expect(questions).to_be_visible()
    expect(me.get_by_role("definition").filter(has_text=ANSWER)).to_be_visible()
    expect(me.get_by_text("The interview team did not answer this one.")).to_be_visible()
    audit.check(me, "candidate page, next steps released and the answers to questions")

    # On paper the link's address is written out after it, so the step still says where to go.
    me.emulate_media(media="print")
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert after == '" (" attr(href) ")"' or OWN_LINK in after  # chromium reports the rule or its value
    me.emulate_media(media="screen")

    assert [s["title"] for s in AreaAnswer.objects.get(area=Area.EXPERIENCE).released_steps][-1] == (
        "Build one reporting pipeline"
    )
    audit.assert_clean()
