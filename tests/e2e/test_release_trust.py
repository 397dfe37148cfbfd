"""A release the agency can trust, in a real browser: every name, address, number and risky word is
flagged before the candidate reads anything; the preview shows their page; a correction later is
kept beside the original."""

import re
from datetime import timedelta

import pytest
from django.test import Client as Browser
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import Client
from requests_app import services, tokens
from requests_app.models import Area

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LEAKY_SUMMARY = (
    "Dana Whitfield and Tom Berg agreed: we want someone young. "
    "Write to dana@acme.test or call 020 7946 0018 to talk it over."
)
EDITED_SUMMARY = "The panel agreed: we want someone young. Your recruiter can tell you more."
CORRECTED_SUMMARY = "The panel agreed: we want someone young. Your recruiter will talk it through with you."
EXPERIENCE = "They had not built a reporting pipeline end to end, which this role does every week."


@pytest.fixture
def routed(recruiter_factory, client_factory, hiring_manager_factory, candidate_factory, application_factory):
    recruiter = recruiter_factory(name="Riley Recruiter")
    client = client_factory(
        name="Acme Analytics", owner=recruiter, feedback_policy=Client.FeedbackPolicy.FULL
    )
    dana = hiring_manager_factory(client=client, name="Dana Whitfield", email="dana@acme.test")
    hiring_manager_factory(client=client, name="Tom Berg")
    candidate = candidate_factory(name="Casey Jones")
    application = application_factory(candidate=candidate, client=client, role_title="Data Analyst")
    feedback_request = services.submit_request(
        candidate=candidate,
        application=application,
        areas=[Area.EXPERIENCE],
        questions=[],
        consent_to_forward=False,
    )
    routing = services.route_request(
        feedback_request=feedback_request, hiring_manager=dana, message="", actor=recruiter
    )
    return routing


def test_five_findings_five_flags_edited_or_acknowledged_then_a_correction_kept_beside_the_original(
    routed, live_server, new_context, sign_in, time_machine, admin_user
):
    feedback_request = routed.feedback_request
    recruiter = feedback_request.application.recruiter

    # The manager answers through her link, naming herself and a colleague, an address, a number,
    # and a word about age.
    manager = new_context().new_page()
    manager.goto(f"{live_server.url}/respond/{tokens.mint(routed)}/")
    manager.get_by_role("group", name="Relevant experience").get_by_label("Room to improve").check()
    manager.get_by_label("Comment on relevant experience").fill(EXPERIENCE)
    manager.get_by_label("Overall, what should the candidate work on?").fill(LEAKY_SUMMARY)
    manager.get_by_role("button", name="Send feedback").click()
    expect(manager.get_by_role("heading", name="Thank you")).to_be_visible()

    # The recruiter opens the release page: five flags, one per finding, beside the summary.
    desk = sign_in(recruiter.email)
    desk.goto(f"{live_server.url}/dashboard/requests/{feedback_request.uuid}/")
    desk.get_by_role("link", name="Review and release").click()
    expect(desk.get_by_text("The checks flagged 5 things below.")).to_be_visible()
    flags = desk.locator(".flag")
    expect(flags).to_have_count(5)
    for found in ("Dana Whitfield", "Tom Berg", "dana@acme.test", "020 7946 0018", "someone young"):
        expect(desk.locator(".flag", has_text=f"“{found}”")).to_have_count(1)
    preview = desk.get_by_role("region", name="What Casey Jones will see")
    expect(preview).to_contain_text("dana@acme.test")  # the preview shows what would be sent

    # The four identity findings are edited away; the age flag is let through with a reason.
    desk.get_by_label("Summary for the candidate").fill(EDITED_SUMMARY)
    desk.get_by_role("button", name="Update the preview").click()
    expect(desk.locator(".flag")).to_have_count(1)
    expect(preview).to_contain_text(EDITED_SUMMARY)
    expect(preview).not_to_contain_text("Dana")
    desk.get_by_label(re.compile("^Release anyway")).check()
    desk.get_by_label(re.compile("^Why it is fine to release")).fill(
        "The client's own words about the team's make-up; I will discuss them with the candidate."
    )
    desk.get_by_role("button", name="Release to the candidate").click()
    expect(desk.get_by_text("Released. The candidate has been e-mailed.")).to_be_visible()

    # The candidate reads the edited text: no name, no address, no number.
    me = sign_in(feedback_request.candidate.email)
    me.goto(f"{live_server.url}/requests/{feedback_request.uuid}/")
    feedback = me.get_by_role("region", name="Feedback from the interview team at Acme Analytics")
    expect(feedback).to_contain_text(EDITED_SUMMARY)
    for secret in ("Dana", "Whitfield", "Tom Berg", "dana@acme.test", "020 7946 0018"):
        expect(me.locator("body")).not_to_contain_text(secret)
    expect(feedback).not_to_contain_text("Updated on")

    # The next day the recruiter (signed in again: a recruiter's session lasts 12 hours at most)
    # corrects one sentence.
    time_machine.move_to(timezone.now() + timedelta(days=1))
    desk = sign_in(recruiter.email)
    desk.goto(f"{live_server.url}/dashboard/requests/{feedback_request.uuid}/")
    desk.get_by_role("link", name="Correct the released text").click()
    desk.get_by_label("Summary for the candidate").fill(CORRECTED_SUMMARY)
    desk.get_by_label("Why is it corrected?").fill("A warmer last sentence.")
    desk.get_by_role("button", name="Update the preview").click()
    expect(desk.get_by_role("region", name="What Casey Jones will see")).to_contain_text(CORRECTED_SUMMARY)
    desk.get_by_label(re.compile("^Release anyway|^Publish anyway")).check()
    desk.get_by_label(re.compile("^Why it is fine to")).fill("Still the client's words; discussed by phone.")
    desk.get_by_role("button", name="Publish the correction").click()
    expect(desk.get_by_text("Corrected.")).to_be_visible()

    me.reload()
    expect(feedback).to_contain_text(CORRECTED_SUMMARY)
    expect(feedback).to_contain_text(f"Updated on {timezone.localdate():%-d %b %Y}")

    # The subject-access export holds the manager's original and both released versions.
    admin = Browser()
    admin.force_login(admin_user)
    export = admin.post(
        "/admin/feedback_portal/user/",
        {"action": "subject_access_export", "_selected_action": [feedback_request.candidate_id]},
    ).json()
    [answer] = export["applications"][0]["feedback_requests"][0]["responses"]
    assert answer["summary"] == LEAKY_SUMMARY
    assert [v["summary"] for v in answer["released_versions"]] == [EDITED_SUMMARY, CORRECTED_SUMMARY]
    assert answer["released_versions"][1]["reason_for_correction"] == "A warmer last sentence."
