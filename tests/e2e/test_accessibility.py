"""WCAG 2.1 A/AA on every page a person reaches, checked by axe-core in a real browser.

axe-core comes bundled in the axe-playwright-python package: no CDN. The strict
Content-Security-Policy would block the injected script, so these browser contexts
bypass it (the journey test checks the real policy). Every page is also laid out at a
phone's width, where nothing may be wider than the screen, and its HTML, as the portal
served it, is checked by the W3C Nu HTML checker (tests/e2e/nu_checker.py).
"""

import io
import re
from importlib.resources import files
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import Application, Client
from requests_app import services, tokens
from requests_app.models import Area, FeedbackRequest, FollowUp, NextStep, Rating

from . import nu_checker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(bypass_csp=True),
    # Whitenoise looks for STATIC_ROOT, which only collectstatic makes.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

AXE_JS = files("axe_playwright_python").joinpath("axe.min.js")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PASSWORD_1 = re.compile(r"^Password:?$")
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 720}
# Full-page screenshots of every page checked, to look at as a person would (git ignores the folder).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


class Audit:
    """Checks pages one by one and reports every problem found, on every page, at the end."""

    def __init__(self):
        self.problems: list[str] = []
        self.pages: list[str] = []
        self.served: dict[str, str] = {}  # what each page is → its HTML as served
        self._documents: dict[int, object] = {}  # per browser page, its latest document response

    def check(self, page, what: str) -> None:
        """Run axe on the page as it is, at a desktop's width and at a phone's; keep its HTML."""
        page.wait_for_load_state()
        self.pages.append(what)
        self.keep_html(page, what)
        self.watch(page)
        page.add_script_tag(path=str(AXE_JS))
        seen = set()
        for where, viewport in (("", DESKTOP), (", on a phone", PHONE)):
            page.set_viewport_size(viewport)
            results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
            for violation in results["violations"]:
                targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
                if (violation["id"], targets) in seen:
                    continue
                seen.add((violation["id"], targets))
                self.problems.append(
                    f"{what}{where} ({page.url}): {violation['id']} [{violation['impact']}] "
                    f"{violation['help']}\n    on: {targets}\n    see: {violation['helpUrl']}"
                )
        # axe 4.12 leaves duplicate ids for a person to judge; two fields sharing one id
        # give one field two labels and the other none.
        duplicates = page.evaluate(
            """() => {
                const ids = [...document.querySelectorAll('[id]')].map(el => el.id);
                return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
            }"""
        )
        if duplicates:
            self.problems.append(f"{what} ({page.url}): duplicate ids {duplicates}")
        # WCAG 1.4.10 Reflow: at 320 CSS pixels nothing scrolls sideways but a data table.
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide = page.evaluate(
                """limit => [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > limit)
                    .slice(0, 5).map(el => el.outerHTML.slice(0, 120))""",
                PHONE["width"],
            )
            self.problems.append(
                f"{what} ({page.url}): {width}px wide on a {PHONE['width']}px screen\n    on: {wide}"
            )
        self.screenshot(page, what)
        page.set_viewport_size(DESKTOP)

    def watch(self, page) -> None:
        """Remember each document the page loads, to check its HTML as the portal served it."""
        if id(page) not in self._documents:
            self._documents[id(page)] = None
            page.on(
                "response",
                lambda r: (
                    r.request.resource_type == "document"
                    and r.frame == page.main_frame
                    and self._documents.__setitem__(id(page), r)
                ),
            )

    def keep_html(self, page, what: str) -> None:
        response = self._documents.get(id(page))
        if response is None:  # not watched before it loaded: read it again, as served
            response = page.request.get(page.url)
        if "text/html" in (response.headers.get("content-type") or ""):
            self.served[what] = response.text()

    @staticmethod
    def screenshot(page, what: str) -> None:
        """The whole page at a desktop's width and at a phone's (375 px)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 720})
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)

    def assert_clean(self) -> None:
        assert self.pages, "no page was checked"
        assert not self.problems, f"{len(self.problems)} accessibility problem(s):\n" + "\n".join(
            self.problems
        )
        invalid = nu_checker.errors(self.served)
        assert not invalid, f"{len(invalid)} HTML error(s) (W3C Nu HTML checker):\n" + "\n".join(invalid)


@pytest.fixture
def audit():
    nu_checker.available()  # before the browser work, not after it
    return Audit()


@pytest.fixture
def recruiter_and_client(recruiter_factory, client_factory):
    recruiter = recruiter_factory(name="Riley Recruiter")
    client = client_factory(
        name="Acme Analytics Ltd", owner=recruiter, feedback_policy=Client.FeedbackPolicy.FULL
    )
    return recruiter, client


@pytest.fixture
def make_request(recruiter_and_client, candidate_factory, application_factory, hiring_manager_factory):
    """A request brought to `state` through the services, so its timeline and answers are real."""
    recruiter, client = recruiter_and_client
    manager = hiring_manager_factory(client=client, name="Morgan Blackwood")

    def make(state: str, *, candidate=None, role_title: str = "Data Analyst", **application):
        candidate = candidate or candidate_factory()
        feedback_request = services.submit_request(
            candidate=candidate,
            application=application_factory(
                candidate=candidate, client=client, role_title=role_title, **application
            ),
            areas=[Area.EXPERIENCE, Area.ANSWERS],
            questions=["Was my portfolio the right level of detail for a data role?"],
            consent_to_forward=True,
            self_assessment={Area.EXPERIENCE: Rating.STRENGTH},
        )
        if state == FeedbackRequest.State.SUBMITTED:
            return feedback_request
        routing = services.route_request(
            feedback_request=feedback_request,
            hiring_manager=manager,
            message="",
            actor=recruiter,
        )
        if state == FeedbackRequest.State.AWAITING_MANAGER:
            return feedback_request
        if state == FeedbackRequest.State.EXPIRED:
            services.expire_routing(routing=routing, now=routing.expires_at)
            return feedback_request
        response = services.submit_manager_response(
            routing=routing,
            answers={
                Area.EXPERIENCE: (Rating.IMPROVE, "No reporting pipeline built end to end yet."),
                Area.ANSWERS: (Rating.MET, "Clear, structured answers."),
                Area.SKILLS: (Rating.STRENGTH, ""),
            },
            summary="Build one project from raw data to a dashboard people use.",
            consider_for_other_roles="yes",
        )
        if state == FeedbackRequest.State.ANSWERED:
            return feedback_request
        services.release_response(
            response=response,
            actor=recruiter,
            released_summary="Build one project from raw data all the way to a dashboard.",
            released_comments={Area.EXPERIENCE: "More hands-on pipeline experience would help."},
        )
        return feedback_request

    return make


def test_signed_out_pages_meet_wcag_21_aa(
    live_server, new_context, audit, routing_factory, candidate_factory, outbox
):
    page = new_context().new_page()

    page.goto(f"{live_server.url}/")
    audit.check(page, "home, signed out")

    page.goto(f"{live_server.url}/accounts/login/")
    audit.check(page, "sign in")
    page.get_by_label("E-mail address").fill("nobody@example.test")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    # The error summary comes first and takes focus; its link moves focus to the field.
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_focused()
    audit.check(page, "sign in, wrong password")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_focused()
    page.get_by_role("link", name="Enter your e-mail address.").click()
    expect(page.get_by_label("E-mail address")).to_be_focused()

    page.goto(f"{live_server.url}/accounts/login/code/")
    audit.check(page, "sign in by code")
    page.get_by_label("E-mail address").fill(candidate_factory().email)
    page.get_by_role("button", name="Send me a code").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/code/confirm/")
    audit.check(page, "sign in by code, enter the code")

    context = new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/password/reset/")
    audit.check(page, "reset password")
    page.get_by_label("E-mail address").fill("nobody@example.test")
    page.get_by_role("button", name="Send me the link").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/password/reset/done/")
    audit.check(page, "reset password, e-mail sent")
    page.goto(f"{live_server.url}/accounts/password/reset/")
    page.get_by_label("E-mail address").fill(candidate_factory().email)
    page.get_by_role("button", name="Send me the link").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/password/reset/done/")
    page.goto(outbox.link(mail.outbox[-1], "/accounts/password/reset/key/"))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    audit.check(page, "reset password, choose a new one")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_focused()
    audit.check(page, "reset password, choose a new one, with errors")

    page.goto(f"{live_server.url}/accounts/signup/")
    audit.check(page, "sign up")
    page.get_by_label("Your name").fill("Casey Jones")
    page.get_by_label("E-mail address").fill("casey.jones@example.test")
    page.get_by_label(PASSWORD_1).fill("a-long-new-password-2026")
    page.get_by_label("Confirm password").fill("a-different-password-2026")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    audit.check(page, "sign up, passwords differ")
    page.get_by_label(PASSWORD_1).fill("a-long-new-password-2026")
    page.get_by_label("Confirm password").fill("a-long-new-password-2026")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/confirm-email/")
    audit.check(page, "confirm e-mail by code")

    context = new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/respond/not-a-real-link/")
    expect(page.get_by_role("heading", name="We don't recognise this link")).to_be_visible()
    audit.check(page, "link unknown")

    revoked = routing_factory(revoked_at=timezone.now())
    page.goto(f"{live_server.url}/respond/{tokens.mint(revoked)}/")
    expect(page.get_by_role("heading", name="This link is closed")).to_be_visible()
    audit.check(page, "link closed")

    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    audit.check(page, "404, signed out")

    audit.assert_clean()


def test_candidate_pages_meet_wcag_21_aa(
    live_server, sign_in, audit, make_request, candidate_factory, application_factory, recruiter_and_client
):
    _, client = recruiter_and_client
    me = candidate_factory(name="Casey Jones")
    released = make_request(FeedbackRequest.State.RELEASED, candidate=me, role_title="Data Analyst")
    NextStep.objects.create(
        area=Area.EXPERIENCE, text="Build a small pipeline and write up what you learned."
    )
    waiting = make_request(FeedbackRequest.State.SUBMITTED, candidate=me, role_title="BI Developer")
    declined = make_request(FeedbackRequest.State.AWAITING_MANAGER, candidate=me, role_title="ML Engineer")
    services.submit_manager_decline(
        routing=declined.routings.get(), reason="Our company policy does not allow detailed feedback"
    )
    services.decline_request(
        feedback_request=declined,
        actor=declined.application.recruiter,
        message="I'm sorry there is no more to share. Shall we talk on Friday?",
    )
    expired = make_request(FeedbackRequest.State.EXPIRED, candidate=me, role_title="Data Platform Lead")
    withdrawn = make_request(FeedbackRequest.State.SUBMITTED, candidate=me, role_title="Analyst")
    services.withdraw_request(feedback_request=withdrawn, candidate=me)
    application_factory(
        candidate=me, client=client, role_title="Analytics Engineer", interviewed_on=timezone.localdate()
    )
    application_factory(candidate=me, client=client, role_title="Data Scientist", is_confirmed=False)
    application_factory(
        candidate=me, client=client, role_title="Data Engineer", outcome=Application.Outcome.PENDING
    )

    page = sign_in(me.email)
    audit.check(page, "home, candidate")

    page.goto(f"{live_server.url}/applications/")
    audit.check(page, "my applications")

    page.goto(f"{live_server.url}/requests/{waiting.uuid}/")
    page.get_by_role("link", name="Withdraw this request").click()
    expect(page.get_by_role("heading", name="Withdraw your request?")).to_be_visible()
    audit.check(page, "withdraw, asked once first")
    page.goto(f"{live_server.url}/applications/")

    page.get_by_role("link", name="Ask for feedback on Analytics Engineer").click()
    expect(page.get_by_role("heading", name="Ask for feedback")).to_be_visible()
    audit.check(page, "ask for feedback")
    page.get_by_label("Question 1 (optional)").fill("What should I practise?")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_focused()
    audit.check(page, "ask for feedback, with errors")

    page.goto(f"{live_server.url}/applications/describe/")
    audit.check(page, "describe an application")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Enter the company's name.").first).to_be_visible()
    audit.check(page, "describe an application, with errors")
    # Any company is accepted as written, client or not: the candidate is never told which.
    page.get_by_label("Company you interviewed with").fill("Nobody We Know Ltd")
    page.get_by_label("Role").fill("Platform Engineer")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Ask for feedback")).to_be_visible()
    expect(page.get_by_text("Platform Engineer at Nobody We Know Ltd")).to_be_visible()
    audit.check(page, "ask for feedback on a described application")

    page.goto(f"{live_server.url}/requests/{released.uuid}/")
    expect(
        page.get_by_role("heading", name="Feedback from the interview team at Acme Analytics Ltd")
    ).to_be_visible()
    expect(page.get_by_text("How the interview team saw it").first).to_be_visible()
    audit.check(page, "request with released feedback")

    # The one follow-up question: asked with a mistake, asked, answered.
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_role("link", name="Write your question before sending it.")).to_be_visible()
    audit.check(page, "request, asking a follow-up question, with errors")
    page.get_by_label("Your follow-up question").fill("Which modelling tool should I learn first?")
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_role("heading", name="Your follow-up question")).to_be_visible()
    audit.check(page, "request, follow-up question asked")
    services.answer_follow_up(
        follow_up=FollowUp.objects.get(feedback_request=released),
        actor=released.application.recruiter,
        answer="Start with dbt: most teams at our clients use it.",
    )
    page.reload()
    expect(page.get_by_role("heading", name="Answer from your recruiter")).to_be_visible()
    audit.check(page, "request, follow-up question answered")

    # Requests that end without feedback lead with kind words and the recruiter's offer.
    for heading, fr in (
        ("No detailed feedback this time", declined),
        ("The interview team hasn't answered yet", expired),
        ("You withdrew this request", withdrawn),
    ):
        page.goto(f"{live_server.url}/requests/{fr.uuid}/")
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        audit.check(page, f"request, {heading.lower()}")

    page.goto(f"{live_server.url}/accounts/email/")
    audit.check(page, "account: e-mail addresses")
    page.goto(f"{live_server.url}/accounts/password/change/")
    audit.check(page, "account: change password")
    page.get_by_role("link", name="Account", exact=True).click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    audit.check(page, "account")
    page.get_by_label("Your name").fill("")
    page.get_by_role("button", name="Save your name").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_focused()
    audit.check(page, "account, with errors")

    page.goto(f"{live_server.url}/requests/00000000-0000-0000-0000-000000000000/")
    audit.check(page, "404, signed in")

    audit.assert_clean()


def test_recruiter_pages_meet_wcag_21_aa(live_server, sign_in, audit, make_request, recruiter_and_client):
    recruiter, _ = recruiter_and_client
    submitted = make_request(FeedbackRequest.State.SUBMITTED, is_confirmed=False)
    answered = make_request(FeedbackRequest.State.ANSWERED)
    expired = make_request(FeedbackRequest.State.EXPIRED)
    make_request(FeedbackRequest.State.AWAITING_MANAGER)
    make_request(FeedbackRequest.State.RELEASED)

    page = sign_in(recruiter.email)
    page.goto(f"{live_server.url}/dashboard/")
    # Needs you lists what waits for a recruiter; the one with the manager is counted, not listed.
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.get_by_text("3 waiting for a recruiter · 4 open in all")).to_be_visible()
    audit.check(page, "queue, needs you")
    page.get_by_role("combobox", name="Show").select_option(label="All open requests")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(4)
    audit.check(page, "queue, all open requests")

    # Analytics: wide tables scroll inside their focusable regions on a phone.
    call_command("rollup_analytics", "--all", stdout=io.StringIO())
    page.goto(f"{live_server.url}/dashboard/analytics/")
    expect(page.get_by_role("heading", name="Feedback areas")).to_be_visible()
    audit.check(page, "analytics")
    page.goto(f"{live_server.url}/dashboard/analytics/?period=forever")
    expect(page.get_by_text("We do not know that period, so this shows the last 12 months.")).to_be_visible()
    audit.check(page, "analytics, with a bad filter value")

    page.goto(f"{live_server.url}/dashboard/requests/{submitted.uuid}/")
    audit.check(page, "request, submitted, application unconfirmed")
    # A described application is routed only once confirmed.
    page.get_by_role("button", name="Confirm the application").click()
    expect(page.get_by_role("heading", name="Route to a hiring manager")).to_be_visible()
    audit.check(page, "request, submitted")
    page.get_by_label("Note for the candidate's timeline").fill("")
    page.get_by_role("button", name="Decline and tell the candidate").click()
    expect(page.get_by_label("Note for the candidate's timeline")).to_have_accessible_description(
        re.compile(r"Error: Write a short note for the candidate\.")
    )
    audit.check(page, "request, submitted, declining with errors")

    page.goto(f"{live_server.url}/dashboard/requests/{answered.uuid}/")
    expect(page.get_by_role("heading", name="Review and release")).to_be_visible()
    audit.check(page, "request, answered")
    page.get_by_role("link", name="Review and release").click()
    expect(
        page.get_by_role("heading", name=f"What {answered.application.candidate_name} will see")
    ).to_be_visible()
    audit.check(page, "review and release, with the candidate's page previewed")
    page.get_by_label("Summary for the candidate").fill("Ask Morgan Blackwood: morgan@acme.test.")
    page.get_by_role("button", name="Release to the candidate").click()
    expect(page.get_by_role("link", name="Edit “morgan@acme.test” away")).to_be_visible()
    audit.check(page, "review and release, names and an address flagged")
    page.get_by_role("link", name="← Back to the request").click()
    page.get_by_label("Note for the candidate's timeline").fill("The team cannot share details this time.")
    page.get_by_role("button", name="Decline and tell the candidate").click()
    expect(page.get_by_role("heading", name="Decline this request?")).to_be_visible()
    audit.check(page, "decline, asked once first")

    corrected = make_request(FeedbackRequest.State.RELEASED)
    page.goto(f"{live_server.url}/dashboard/requests/{corrected.uuid}/")
    page.get_by_role("link", name="Correct the released text").click()
    expect(page.get_by_role("heading", name="Correct the released feedback")).to_be_visible()
    audit.check(page, "correct the released feedback")

    page.goto(f"{live_server.url}/dashboard/requests/{expired.uuid}/")
    expect(page.get_by_role("heading", name="Give the hiring manager more time")).to_be_visible()
    audit.check(page, "request, expired")
    page.get_by_label("Extend the link by (days)").fill("0")
    page.get_by_role("button", name="Extend the link").click()
    expect(page.get_by_role("link", name="Extend by at least 1 day.")).to_be_visible()
    audit.check(page, "request, expired, with errors")

    # A follow-up question: to forward or answer, then a flagged reply to review.
    followed_up = make_request(FeedbackRequest.State.RELEASED)
    follow_up = services.ask_follow_up(
        feedback_request=followed_up,
        candidate=followed_up.candidate,
        question="Which modelling tool should I learn first?",
    )
    page.goto(f"{live_server.url}/dashboard/requests/{followed_up.uuid}/")
    expect(page.get_by_role("heading", name="Forward to the hiring manager")).to_be_visible()
    audit.check(page, "request, follow-up question asked")
    page.get_by_role("button", name="Send the answer to the candidate").click()
    expect(page.get_by_role("link", name="Write the answer the candidate will read.")).to_be_visible()
    audit.check(page, "request, follow-up answer with errors")
    page.get_by_role("button", name="Forward to Morgan Blackwood").click()
    expect(page.get_by_text("Forwarded to Morgan Blackwood.")).to_be_visible()
    audit.check(page, "request, follow-up question forwarded")
    services.reply_to_follow_up(
        routing=follow_up.routings.get(), reply="We wanted someone for a young team who knows dbt."
    )
    page.reload()
    expect(page.get_by_role("heading", name="Review and send the reply")).to_be_visible()
    audit.check(page, "request, follow-up reply flagged by the legal-safety check")
    page.get_by_role("button", name="Send the answer to the candidate").click()
    expect(
        page.get_by_role("link", name="Edit this text, or tick “Send anyway” below and say why.")
    ).to_be_visible()
    audit.check(page, "request, follow-up reply flagged, with errors")

    page.goto(f"{live_server.url}/dashboard/applications/new/")
    audit.check(page, "add an application")
    page.get_by_role("button", name="Add the application").click()
    expect(page.get_by_role("link", name="Enter the candidate's name.")).to_be_visible()
    audit.check(page, "add an application, with errors")

    page.goto(f"{live_server.url}/dashboard/applications/?show=all")
    audit.check(page, "applications")
    page.get_by_role("link", name="Record outcome").first.click()
    audit.check(page, "record an outcome")
    page.get_by_label("Date of the outcome (today if empty)").fill("2099-01-01")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("link", name="The outcome date cannot be in the future.")).to_be_visible()
    audit.check(page, "record an outcome, with errors")

    audit.assert_clean()


def test_recruiter_desk_pages_meet_wcag_21_aa(
    live_server, sign_in, audit, make_request, recruiter_and_client, recruiter_factory
):
    """The queue searched and filtered, a reassignment, a hand-over and a bulk action's result."""
    recruiter, _ = recruiter_and_client
    recruiter_factory(name="Cole League")
    make_request(FeedbackRequest.State.AWAITING_MANAGER)
    submitted = make_request(FeedbackRequest.State.SUBMITTED)

    page = sign_in(recruiter.email)
    page.goto(f"{live_server.url}/dashboard/?q=nobody+by+that+name&view=all&owner=mine&sort=client")
    expect(page.get_by_text("No requests match.")).to_be_visible()
    audit.check(page, "queue, searched with no match")
    page.goto(f"{live_server.url}/dashboard/?view=nonsense&asked_from=31-02-2026")
    expect(page.get_by_text("Some of the filters could not be used")).to_be_visible()
    audit.check(page, "queue, with bad filter values")

    page.goto(f"{live_server.url}/dashboard/requests/{submitted.uuid}/")
    page.get_by_role("link", name="Reassign").click()
    audit.check(page, "reassign a request")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_role("link", name="Choose the recruiter.")).to_be_visible()
    audit.check(page, "reassign a request, with errors")

    page.goto(f"{live_server.url}/dashboard/handover/")
    audit.check(page, "hand over work")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("link", name="Say when the cover starts.")).to_be_visible()
    audit.check(page, "hand over work, with errors")

    page.goto(f"{live_server.url}/dashboard/?view=open")
    for checkbox in page.get_by_role("checkbox", name=re.compile("^Choose ")).all():
        checkbox.check()
    page.get_by_label("With the ticked requests").select_option(label="Reassign")
    page.get_by_label("Reassign to").select_option(label="Cole League")
    page.get_by_role("button", name="Do it").click()
    expect(page.get_by_text("2 done")).to_be_visible()
    audit.check(page, "bulk action, what was done")

    audit.assert_clean()


def test_the_recruiters_request_page_meets_wcag_21_aa_in_every_other_state(
    live_server, sign_in, audit, make_request, recruiter_and_client
):
    """Awaiting the manager, declined and closed: the states the other audits do not reach."""
    recruiter, _ = recruiter_and_client
    awaiting = make_request(FeedbackRequest.State.AWAITING_MANAGER)
    declined = make_request(FeedbackRequest.State.SUBMITTED)
    services.decline_request(
        feedback_request=declined, actor=recruiter, message="The team cannot share details this time."
    )
    closed = make_request(FeedbackRequest.State.RELEASED)
    services.acknowledge_feedback(feedback_request=closed, candidate=closed.candidate, usefulness="very")

    page = sign_in(recruiter.email)
    for feedback_request, state in (
        (awaiting, "awaiting the manager"),
        (declined, "declined"),
        (closed, "closed"),
    ):
        page.goto(f"{live_server.url}/dashboard/requests/{feedback_request.uuid}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            feedback_request.application.candidate_name
        )
        audit.check(page, f"request, {state}")
    audit.assert_clean()


def test_recruiter_client_pages_meet_wcag_21_aa(
    live_server, sign_in, audit, make_request, recruiter_and_client
):
    """The clients list and a client's page, with its hiring managers: each form with and without errors."""
    recruiter, client = recruiter_and_client
    make_request(FeedbackRequest.State.AWAITING_MANAGER)  # Morgan Blackwood has a request waiting

    page = sign_in(recruiter.email)
    page.goto(f"{live_server.url}/dashboard/clients/")
    audit.check(page, "clients")

    page.get_by_role("link", name="Add a client").click()
    audit.check(page, "add a client")
    page.get_by_label("Client's name").fill("acme analytics ltd")
    page.get_by_role("button", name="Add the client").click()
    expect(page.get_by_role("link", name="There is already a client called")).to_be_visible()
    audit.check(page, "add a client, with errors")
    page.get_by_label("Client's name").fill("Globex")
    page.get_by_label("Ratings only").check()
    page.get_by_role("button", name="Add the client").click()
    expect(page.get_by_role("heading", name="Globex", level=1)).to_be_visible()
    audit.check(page, "client without hiring managers")

    page.get_by_role("button", name="Add the hiring manager").click()
    expect(page.get_by_label("Name")).to_have_accessible_description(
        "Error: Enter the hiring manager's name."
    )
    audit.check(page, "client, adding a hiring manager with errors")
    page.get_by_label("Name").fill("Hank Scorpio")
    page.get_by_label("E-mail").fill("hank@globex.test")
    page.get_by_role("button", name="Add the hiring manager").click()
    expect(page.get_by_text("Added Hank Scorpio.")).to_be_visible()
    audit.check(page, "client with a hiring manager")
    page.get_by_role("button", name="Deactivate Hank Scorpio").click()
    expect(page.get_by_text("Hank Scorpio is deactivated")).to_be_visible()
    audit.check(page, "client, hiring manager deactivated")

    page.get_by_role("link", name="Edit Hank Scorpio").click()
    audit.check(page, "edit a hiring manager")
    page.get_by_label("E-mail").fill("hank at globex")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("link", name="Enter a valid e-mail address")).to_be_visible()
    audit.check(page, "edit a hiring manager, with errors")

    page.goto(f"{live_server.url}/dashboard/clients/{client.uuid}/")
    expect(page.get_by_text("1 waiting for their answer")).to_be_visible()
    audit.check(page, "client with a request waiting")
    page.get_by_role("link", name="Edit the client").click()
    audit.check(page, "edit a client")
    page.get_by_label("Client's name").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("link", name="Enter the client's name.")).to_be_visible()
    audit.check(page, "edit a client, with errors")

    audit.assert_clean()


def test_hiring_manager_pages_meet_wcag_21_aa(live_server, new_context, audit, make_request):
    feedback_request = make_request(FeedbackRequest.State.AWAITING_MANAGER)
    routing = feedback_request.routings.get()
    page = new_context().new_page()

    page.goto(f"{live_server.url}/respond/{tokens.mint(routing)}/")
    expect(
        page.get_by_role("heading", name=f"Feedback for {feedback_request.application.candidate_name}")
    ).to_be_visible()
    audit.check(page, "manager's answer page")

    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Rate at least one area, answer a question or write a summary")).to_be_visible()
    audit.check(page, "manager's answer page, with the form's error")

    # A rating left out (a browser that dropped it): the error sits in, and describes, its group.
    page.get_by_role("group", name="Relevant experience").get_by_role("radio").evaluate_all(
        "radios => radios.forEach(r => { r.checked = false; })"
    )
    page.get_by_role("button", name="Send feedback").click()
    experience = page.get_by_role("group", name="Relevant experience")
    expect(experience).to_have_accessible_description("Error: Choose a rating for relevant experience.")
    audit.check(page, "manager's answer page, with a field's error")

    page.get_by_role("group", name="Relevant experience").get_by_label("Room to improve").check()
    page.get_by_label("Comment on relevant experience").fill("No pipeline built end to end yet.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    audit.check(page, "manager's thank-you page")

    audit.assert_clean()


def test_hiring_manager_follow_up_pages_meet_wcag_21_aa(live_server, new_context, audit, make_request):
    feedback_request = make_request(FeedbackRequest.State.RELEASED)
    follow_up = services.ask_follow_up(
        feedback_request=feedback_request,
        candidate=feedback_request.candidate,
        question="Which modelling tool should I learn first?",
    )
    routing = services.forward_follow_up(follow_up=follow_up, actor=feedback_request.application.recruiter)
    page = new_context().new_page()

    page.goto(f"{live_server.url}/respond/{tokens.mint(routing)}/")
    candidate_name = feedback_request.application.candidate_name
    expect(page.get_by_role("heading", name=f"A follow-up question from {candidate_name}")).to_be_visible()
    audit.check(page, "manager's follow-up page")

    page.get_by_role("button", name="Send answer").click()
    expect(
        page.get_by_role("link", name="Write a few lines — or decline below if you cannot add more.")
    ).to_be_visible()
    audit.check(page, "manager's follow-up page, with errors")

    page.get_by_label("Your answer").fill("dbt: it is what our team uses every day.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    audit.check(page, "manager's follow-up thank-you page")

    audit.assert_clean()


FOCUS_STYLE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        focusVisible: el.matches(':focus-visible'),
        outline: [style.outlineStyle, parseFloat(style.outlineWidth), style.outlineColor],
        shadow: style.boxShadow,
    };
}"""


def _luminance(rgb: tuple[int, ...]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_focus_visible(page) -> None:
    """A solid ring, with a colour that stands out 3:1 on the white page (WCAG 2.4.7, 1.4.11)."""
    focus = page.evaluate(FOCUS_STYLE)
    assert focus["focusVisible"], focus
    style, width, _ = focus["outline"]
    assert style != "none" and width >= 2, focus
    colours = [
        tuple(int(n) for n in match)
        for match in re.findall(r"rgba?\((\d+), (\d+), (\d+)", f"{focus['outline'][2]} {focus['shadow']}")
    ]
    white = (255, 255, 255)
    assert max(_contrast(c, white) for c in colours) >= 3, focus


def test_manager_answers_with_the_keyboard_alone_and_sees_where_focus_is(
    live_server, new_context, make_request
):
    feedback_request = make_request(FeedbackRequest.State.AWAITING_MANAGER)
    routing = feedback_request.routings.get()
    page = new_context().new_page()
    page.goto(f"{live_server.url}/respond/{tokens.mint(routing)}/")

    def tab_until(locator, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {locator} in {limit} presses")

    # The first stop lets keyboard users skip the header.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    assert_focus_visible(page)

    # A radio group is one stop for Tab: focus lands on its checked radio ("Not assessed").
    first_group = page.get_by_role("group", name="Relevant experience")
    tab_until(first_group.get_by_role("radio", checked=True))
    assert_focus_visible(page)
    # Arrow keys move within the group and choose; from the last radio, round to the first.
    page.keyboard.press("ArrowDown")
    strength = first_group.get_by_role("radio", name="Strength")
    expect(strength).to_be_focused()
    expect(strength).to_be_checked()

    send = page.get_by_role("button", name="Send feedback")
    tab_until(send)
    assert_focus_visible(page)

    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    answer = routing.responses.get().answers.get(area=Area.EXPERIENCE)
    assert answer.rating == Rating.STRENGTH
