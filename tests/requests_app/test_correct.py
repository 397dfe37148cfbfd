"""/dashboard/requests/<uuid>/correct/: released text corrected for 14 days, every version kept."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client as Browser
from django.utils import timezone

from requests_app import services
from requests_app.models import Event, FeedbackRequest, FeedbackResponse, ReleasedVersion

pytestmark = pytest.mark.django_db

HIDDEN = re.compile(r'name="(previewed|once)" value="([0-9a-f]+)"')
RELEASED = "One modelling project would make the difference."
EXPERIENCE = "The team wanted more hands-on dbt modelling."


def url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/correct/"


def kept_steps(feedback_request) -> dict:
    """The next steps as the page shows them, ticked: what a browser sends when they are left alone."""
    data = {}
    for answer in feedback_request.responses.get().answers.all():
        for number, step in enumerate(answer.released_steps, start=1):
            prefix = f"step_{answer.area}_{number}"
            data |= {f"{prefix}_keep": "on", **{f"{prefix}_{part}": step[part] for part in step}}
    return data


def publish(client, feedback_request, data: dict, **kwargs):
    """Preview the correction, then publish what was previewed."""
    data = {**kept_steps(feedback_request), **data}
    shown = dict(
        HIDDEN.findall(client.post(url(feedback_request), {**data, "action": "preview"}).content.decode())
    )
    return client.post(url(feedback_request), {**data, **shown, "action": "send"}, **kwargs)


def corrected(**changes) -> dict:
    return {
        "released_summary": RELEASED,
        "comment_experience": EXPERIENCE,
        "comment_answers": "Your examples were clear and well structured.",
        "reason": "A typo in the summary.",
        **changes,
    }


@pytest.fixture
def candidate_browser(candidate):
    browser = Browser()
    browser.force_login(candidate)
    return browser


def test_the_page_starts_from_what_the_candidate_reads_now(recruiter_client, released_request):
    html = recruiter_client.get(url(released_request)).content.decode()
    assert "Correct the released feedback" in html
    assert f">\n{RELEASED}</textarea>" in html
    assert "Publish the correction" in html
    assert "What Casey" in html or "will see" in html


def test_a_typo_fix_updates_the_page_keeps_both_versions_and_sends_no_email(
    recruiter_client, recruiter, released_request, candidate_browser, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(
            recruiter_client,
            released_request,
            corrected(released_summary="Build one end-to-end dbt project."),
            follow=True,
        )

    assert (
        "Corrected. The candidate&#x27;s page says it was updated; no e-mail was sent."
        in page.content.decode()
    )
    assert mail.outbox == []
    response = FeedbackResponse.objects.get()
    assert response.released_summary == "Build one end-to-end dbt project."
    assert [v.summary for v in ReleasedVersion.objects.order_by("number")] == [
        RELEASED,
        "Build one end-to-end dbt project.",
    ]
    event = Event.objects.get(kind=Event.Kind.CORRECTED)
    assert event.actor == recruiter and not event.visible_to_candidate
    assert (
        event.message
        == "Version 2 of the released feedback. Changed: Summary. Reason: A typo in the summary."
    )
    mine = candidate_browser.get(f"/requests/{released_request.uuid}/").content.decode()
    assert re.search(rf"Updated on <time [^>]+>{timezone.localdate():%-d %b %Y}</time>", mine)
    assert "Build one end-to-end dbt project." in mine
    assert "A typo in the summary." not in mine
    # Recruiters see every version on the request.
    request_page = recruiter_client.get(f"/dashboard/requests/{released_request.uuid}/").content.decode()
    assert "Correction</strong> on" in request_page and "A typo in the summary." in request_page


def test_a_material_correction_emails_the_candidate(
    recruiter_client, released_request, candidate, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish(
            recruiter_client,
            released_request,
            corrected(comment_experience=EXPERIENCE + " Python matters more than dbt.", material="on"),
        )
    [message] = mail.outbox
    assert message.to == [candidate.email]
    assert "has been updated" in message.subject
    assert Event.objects.filter(
        kind=Event.Kind.NOTE, visible_to_candidate=True, message="Your feedback was updated."
    )


def test_a_closed_request_can_still_be_corrected_within_14_days(
    recruiter_client, released_request, candidate
):
    services.acknowledge_feedback(feedback_request=released_request, candidate=candidate)
    publish(recruiter_client, released_request, corrected(released_summary="Build one dbt project."))
    assert FeedbackResponse.objects.get().released_summary == "Build one dbt project."
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.CLOSED


def test_after_14_days_correction_is_refused_with_a_clear_message(
    recruiter_client, released_request, time_machine
):
    time_machine.move_to(timezone.now() + timedelta(days=14, minutes=1))
    recruiter_client.force_login(released_request.application.recruiter)
    page = recruiter_client.get(url(released_request), follow=True)
    html = page.content.decode()
    assert "Released feedback can be corrected for 14 days; this was released on" in html
    assert "Correct the released text" not in html

    refused = publish(recruiter_client, released_request, corrected(released_summary="Late."), follow=True)
    assert "so that time has passed" in refused.content.decode()
    assert ReleasedVersion.objects.count() == 1


def test_a_correction_needs_a_reason_and_a_change(recruiter_client, released_request):
    no_reason = publish(recruiter_client, released_request, corrected(released_summary="X.", reason=""))
    assert no_reason.status_code == 400
    assert "Say why the released text is corrected." in no_reason.content.decode()
    assert ">\nX.</textarea>" in no_reason.content.decode()

    unchanged = publish(recruiter_client, released_request, corrected(), follow=True)
    assert "Nothing was changed: the candidate reads the same text already." in unchanged.content.decode()
    assert ReleasedVersion.objects.count() == 1


def test_a_correction_passes_the_same_checks(recruiter_client, released_request):
    page = publish(
        recruiter_client,
        released_request,
        corrected(released_summary="Call me on 07700 900123 to talk it over."),
    )
    assert page.status_code == 400
    assert "Edit “07700 900123” away" in page.content.decode()
    assert ReleasedVersion.objects.count() == 1


def test_every_version_and_the_original_are_in_the_subject_access_export(
    recruiter_client, released_request, candidate, admin_client
):
    publish(recruiter_client, released_request, corrected(released_summary="Build one dbt project."))
    response = admin_client.post(
        "/admin/feedback_portal/user/",
        {"action": "subject_access_export", "_selected_action": [candidate.pk]},
    )
    data = response.json()
    [answer] = data["applications"][0]["feedback_requests"][0]["responses"]
    assert answer["summary"] == "Build one end-to-end modelling project."  # the manager's original
    assert [v["summary"] for v in answer["released_versions"]] == [RELEASED, "Build one dbt project."]
    assert answer["released_versions"][1]["reason_for_correction"] == "A typo in the summary."


def test_candidates_cannot_correct(candidate_browser, released_request):
    assert candidate_browser.get(url(released_request)).status_code == 404
    assert candidate_browser.post(url(released_request), corrected(action="send")).status_code == 404


def test_the_correction_page_renders_in_a_fixed_number_of_queries(
    recruiter_client, released_request, django_assert_num_queries
):
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with application, client, recruiter, candidate and follow-up
    # 3. the released response
    # 4. its area answers (prefetched)
    # 5. the names the identity check looks for
    # 6. the candidate's timeline, for the preview
    # (the next steps start from those released, kept on the answers: no query of the library)
    with django_assert_num_queries(6):
        page = recruiter_client.get(url(released_request))
    assert page.status_code == 200
