"""The whole path in a real browser: ask, route, answer by e-mailed link, release, read.

The candidate asks about two areas with two questions; the hiring manager answers on a 375 px
phone with JavaScript off; the recruiter edits and releases; the candidate reads each area
beside their own view, and the answers to their questions."""

import pytest
from playwright.sync_api import expect

from candidates.models import Client
from requests_app import tokens
from requests_app.models import FeedbackRequest

from .test_accessibility import Audit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # Whitenoise looks for STATIC_ROOT, which only collectstatic makes.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

MANAGER_NAME = "Morgan Blackwood"
MANAGER_TITLE = "Head of Data Platforms"
MANAGER_EMAIL = "morgan.blackwood@acme.test"
CLIENT_NAME = "Acme Analytics Ltd"
EXPERIENCE_COMMENT = (
    "They had not yet built a reporting pipeline end to end, which this role does every week."
)
RELEASED_COMMENT = (
    "The team wanted more hands-on experience of building a reporting pipeline from end to end."
)
QUESTION_1 = "Was my portfolio the right level of detail for a data role?"
QUESTION_2 = "Should I have asked more about the team's data stack?"
ANSWER_1 = "Yes. One page per project, with the result first, was just right; Morgan liked it."
RELEASED_ANSWER_1 = "Yes. One page per project, with the result first, was just right."
PHONE = {"width": 375, "height": 667}


@pytest.fixture
def people(
    candidate_factory,
    recruiter_factory,
    client_factory,
    hiring_manager_factory,
    application_factory,
    next_step_library,
):
    recruiter = recruiter_factory(name="Riley Recruiter")
    client = client_factory(name=CLIENT_NAME, owner=recruiter, feedback_policy=Client.FeedbackPolicy.FULL)
    manager = hiring_manager_factory(
        client=client, name=MANAGER_NAME, title=MANAGER_TITLE, email=MANAGER_EMAIL
    )
    candidate = candidate_factory(name="Casey Jones")
    application = application_factory(candidate=candidate, client=client, role_title="Data Analyst")
    return {
        "candidate": candidate,
        "recruiter": recruiter,
        "manager": manager,
        "application": application,
    }


def test_candidate_asks_recruiter_routes_manager_answers_and_candidate_reads_released_feedback(
    people, live_server, new_context, sign_in, outbox, csp_violations
):
    candidate, recruiter = people["candidate"], people["recruiter"]

    # The candidate asks for feedback on the application their recruiter recorded.
    me = csp_violations(sign_in(candidate.email))
    me.goto(f"{live_server.url}/applications/")
    me.get_by_role("link", name="Ask for feedback on Data Analyst").click()
    expect(me.get_by_role("heading", name="Ask for feedback")).to_be_visible()
    me.get_by_role("checkbox", name="Relevant experience").check()
    me.get_by_role("checkbox", name="Answers to interview questions").check()
    me.get_by_role("combobox", name="Relevant experience").select_option(label="Strength")
    me.get_by_label("Question 1 (optional)").fill(QUESTION_1)
    me.get_by_label("Question 2 (optional)").fill(QUESTION_2)
    me.get_by_role("checkbox", name="Pass my questions to the interview team").check()
    me.get_by_role("button", name="Send my request").click()
    expect(me.get_by_text("Your request is on its way to your recruiter.")).to_be_visible()
    expect(me.get_by_role("heading", name="Feedback on Data Analyst")).to_be_visible()
    outbox.one(recruiter.email)

    # The recruiter finds it on the dashboard and routes it to the hiring manager.
    desk = csp_violations(sign_in(recruiter.email))
    expect(desk.get_by_role("heading", name="Feedback requests")).to_be_visible()
    desk.get_by_role("link", name="Casey Jones").click()
    expect(desk.get_by_role("heading", name="Casey Jones")).to_be_visible()
    expect(desk.get_by_role("listitem").filter(has_text=QUESTION_1)).to_be_visible()
    expect(desk.get_by_role("listitem").filter(has_text=QUESTION_2)).to_be_visible()
    desk.get_by_role("combobox", name="Hiring manager").select_option(label=f"{MANAGER_NAME} ({CLIENT_NAME})")
    desk.get_by_role("button", name="Send to the hiring manager").click()
    expect(desk.get_by_text(f"Sent to {MANAGER_NAME}.")).to_be_visible()

    # The hiring manager opens the personal link from their e-mail, in a browser of their own.
    invitation = outbox.one(MANAGER_EMAIL)
    assert invitation.reply_to == [recruiter.email]
    link = outbox.link(invitation, "/respond/")
    # On a phone, with JavaScript off: the asked areas and the questions come first.
    manager = csp_violations(new_context(java_script_enabled=False, viewport=PHONE).new_page())
    manager.goto(link)
    expect(manager).to_have_url(
        f"{live_server.url}/respond/answer/{FeedbackRequest.objects.get().routings.get().uuid}/"
    )
    expect(manager.get_by_role("heading", name="Feedback for Casey Jones")).to_be_visible()
    expect(manager.get_by_role("link", name="Decline in one step")).to_be_visible()
    experience = manager.get_by_role("group", name="Relevant experience")
    experience.get_by_label("Room to improve").check()
    manager.get_by_label("Your comment on Relevant experience").fill(EXPERIENCE_COMMENT)
    manager.get_by_role("group", name="Answers to interview questions").get_by_label("Met the bar").check()
    manager.get_by_label(f"Question 1: {QUESTION_1}").fill(ANSWER_1)  # the second left unanswered
    expect(manager.get_by_role("group", name="Skills")).to_be_hidden()  # behind "Rate other areas"
    manager.get_by_label("Overall, what should the candidate work on?").fill(
        "Show a finished project that takes raw data all the way to a dashboard people use."
    )
    manager.get_by_label("Would you consider them for other roles?").select_option(label="Yes")
    assert manager.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    manager.get_by_role("button", name="Send feedback").click()
    expect(manager.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(manager.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(manager.get_by_text(EXPERIENCE_COMMENT)).to_be_visible()
    expect(manager.get_by_text(ANSWER_1)).to_be_visible()

    # The recruiter reviews the answer, rewords a comment, previews the candidate's page and releases it.
    desk.reload()
    expect(desk.get_by_role("heading", name="The manager's answer (original)")).to_be_visible()
    desk.get_by_role("link", name="Review and release").click()
    preview = desk.get_by_role("region", name="What Casey Jones will see")
    expect(preview).to_contain_text(EXPERIENCE_COMMENT)  # the original, until edited
    desk.get_by_label("Relevant experience — Room to improve").fill(RELEASED_COMMENT)
    # The answer names the manager: the identity check flags it until it is edited away.
    answer_1 = desk.get_by_role("textbox", name="Answer to question 1")
    expect(answer_1).to_have_value(ANSWER_1)
    name_flag = desk.locator('input[name^="mark_question_1_identity"]')
    expect(name_flag).to_have_count(1)
    answer_1.fill(RELEASED_ANSWER_1)
    desk.get_by_role("button", name="Update the preview").click()
    expect(name_flag).to_have_count(0)
    expect(preview).to_contain_text(RELEASED_COMMENT)
    expect(preview).not_to_contain_text(EXPERIENCE_COMMENT)
    expect(preview).to_contain_text(RELEASED_ANSWER_1)
    Audit.screenshot(desk, "journey, the recruiter releases the answers")
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.ANSWERED  # nothing sent yet
    desk.get_by_role("button", name="Release to the candidate").click()
    expect(desk.get_by_text("Released. The candidate has been e-mailed.")).to_be_visible()
    # The version kept is what was released: the edited answer, the unanswered one blank.
    version = FeedbackRequest.objects.get().responses.get().versions.get()
    assert version.question_answers == [
        {"question": QUESTION_1, "answer": RELEASED_ANSWER_1},
        {"question": QUESTION_2, "answer": ""},
    ]

    # The candidate follows the e-mail to their feedback: the reviewed words, from the team.
    released = outbox.one(candidate.email, subject_contains="is ready")
    me.goto(outbox.link(released, "/requests/"))
    feedback = me.get_by_role("region", name=f"Feedback from the interview team at {CLIENT_NAME}")
    expect(feedback).to_be_visible()
    expect(feedback).to_contain_text(RELEASED_COMMENT)
    expect(feedback).to_contain_text("Room to improve")
    expect(feedback).to_contain_text("Met the bar")
    # Each asked area side by side: how the candidate saw it, how the team saw it.
    experience_card = feedback.get_by_role("article").filter(has_text="Relevant experience")
    expect(experience_card.get_by_role("definition").first).to_have_text("Strength")
    expect(experience_card.get_by_role("definition").nth(1)).to_have_text("Room to improve")
    # With next steps for what the team rated, from the agency's library, as the recruiter released them.
    expect(experience_card.get_by_role("heading", name="Next steps")).to_be_visible()
    expect(experience_card.get_by_role("listitem").first).to_contain_text("Aim one step closer")
    # Their questions, each with the released answer, or said plainly that none came.
    expect(feedback.get_by_role("heading", name="Your questions")).to_be_visible()
    expect(feedback.get_by_role("term").filter(has_text=QUESTION_1)).to_be_visible()
    expect(feedback.get_by_role("definition").filter(has_text=RELEASED_ANSWER_1)).to_be_visible()
    expect(feedback.get_by_role("term").filter(has_text=QUESTION_2)).to_be_visible()
    expect(feedback.get_by_text("The interview team did not answer this one.")).to_be_visible()
    Audit.screenshot(me, "journey, the candidate reads the answers")
    expect(me.locator("body")).not_to_contain_text(EXPERIENCE_COMMENT)
    for secret in (MANAGER_NAME, "Blackwood", MANAGER_TITLE, MANAGER_EMAIL):
        expect(me.locator("body")).not_to_contain_text(secret)
    me.goto(f"{live_server.url}/applications/")
    expect(me.get_by_text("Feedback ready")).to_be_visible()
    expect(me.locator("body")).not_to_contain_text("Blackwood")

    # The manager's link is closed once the feedback is released.
    manager.goto(link)
    expect(manager.get_by_role("heading", name="This link is closed")).to_be_visible()

    assert csp_violations.seen == []


def test_manager_answers_on_a_phone_without_javascript(
    live_server, new_context, routing_factory, csp_violations
):
    routing = routing_factory(
        feedback_request__application__candidate_name="Sam Rivera",
        feedback_request__application__role_title="Backend Engineer",
        feedback_request__areas=["skills"],
    )
    raw = tokens.mint(routing)
    context = new_context(java_script_enabled=False, viewport={"width": 375, "height": 667})
    phone = csp_violations(context.new_page())

    phone.goto(f"{live_server.url}/respond/{raw}/")
    expect(phone.get_by_role("heading", name="Feedback for Sam Rivera")).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    send = phone.get_by_role("button", name="Send feedback")
    box = send.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375

    skills = phone.get_by_role("group", name="Skills")
    skills.get_by_label("Room to improve").check()
    phone.get_by_label("Comment on skills").fill(
        "Their SQL was solid but they struggled to reason about indexes under load."
    )
    send.click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(phone.get_by_text("they struggled to reason about indexes under load")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    routing.feedback_request.refresh_from_db()
    assert routing.feedback_request.state == FeedbackRequest.State.ANSWERED
    answer = routing.responses.get().answers.get(area="skills")
    assert answer.rating == "improve"
    assert csp_violations.seen == []
