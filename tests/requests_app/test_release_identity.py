"""The identity check at release: names and contact details are edited away, never released anyway."""

import re

import pytest
from django.test import Client as Browser

from candidates.models import HiringManager
from requests_app.models import Area, Event, FeedbackRequest, FeedbackResponse, Rating

pytestmark = pytest.mark.django_db

HIDDEN = re.compile(r'name="(previewed|once|seen_[a-z0-9_]+)" value="([0-9a-f]+)"')
EXPERIENCE = "More hands-on dbt: one modelling project from raw data to a dashboard would close it."


def url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/release/"


def send(client, feedback_request, data: dict, **kwargs):
    """Preview `data`, then release what was previewed, as the page's two buttons do."""
    shown = dict(
        HIDDEN.findall(client.post(url(feedback_request), {**data, "action": "preview"}).content.decode())
    )
    return client.post(url(feedback_request), {**data, **shown, "action": "send"}, **kwargs)


@pytest.fixture
def leaky(routing, answer, hiring_manager_factory):
    """The manager (Dana Whitfield) names herself, a colleague (Mark Ellis), an address and a number."""
    HiringManager.objects.filter(pk=routing.hiring_manager_id).update(name="Dana Whitfield")
    hiring_manager_factory(client=routing.hiring_manager.client, name="Mark Ellis")
    answer(
        routing,
        summary="Dana Whitfield thinks so. Ask Mark's team, or call 020 7946 0018.",
        answers={
            Area.EXPERIENCE: (Rating.IMPROVE, EXPERIENCE + " Write to dana@acme.test."),
            Area.ANSWERS: (Rating.STRENGTH, "Clear STAR stories."),
        },
    )
    return routing.feedback_request


def test_each_name_and_contact_detail_is_one_flag_beside_its_text(recruiter_client, leaky):
    html = recruiter_client.get(url(leaky)).content.decode()

    assert "The checks flagged 4 things below." in html
    assert html.count("Check: names someone</strong>") == 4
    for found in ("“Dana Whitfield”", "“Mark&#x27;s”", "“020 7946 0018”", "“dana@acme.test”"):
        assert found in html
    # Never "release anyway": a name can only be marked as not a name; an address or number only edited away.
    assert "Release anyway" not in html
    assert html.count("Not a person&#x27;s name here") == 2


def test_a_name_left_in_is_refused_with_the_words_to_edit(recruiter_client, leaky):
    page = send(
        recruiter_client,
        leaky,
        {"released_summary": "Dana Whitfield thinks so.", "comment_experience": EXPERIENCE},
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "Not released: 1 flag needs a decision." in html
    assert "Edit “Dana Whitfield” away: the candidate must not read it, or tick" in html
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.ANSWERED


def test_a_word_that_is_not_a_name_here_is_marked_and_noted_for_recruiters(
    recruiter_client, leaky, candidate
):
    text = "Mark the areas you want to grow; build one modelling project."
    page = send(
        recruiter_client,
        leaky,
        {
            "released_summary": text,
            "comment_experience": EXPERIENCE,
            "comment_answers": "Clear STAR stories.",
        },
    )
    assert page.status_code == 400  # "Mark" is the colleague's name, capitalised: flagged
    mark = re.search(r'name="(mark_summary_identity_[0-9a-f]+)"', page.content.decode()).group(1)

    released = send(
        recruiter_client,
        leaky,
        {"released_summary": text, "comment_experience": EXPERIENCE, mark: "on"},
        follow=True,
    )

    assert "Released. The candidate has been e-mailed." in released.content.decode()
    assert FeedbackResponse.objects.get().released_summary == text
    note = Event.objects.get(kind=Event.Kind.NOTE, visible_to_candidate=False)
    assert "Summary — names someone: “Mark”. Reason: Not a person's name here" in note.message
    me = Browser()
    me.force_login(candidate)
    assert "Not a person" not in me.get(f"/requests/{leaky.uuid}/").content.decode()


def test_interviewers_listed_on_the_request_are_looked_for_too(recruiter_client, answered_by, routing):
    answered_by(routing, summary="Priya thought the SQL was strong.")
    fr = routing.feedback_request
    assert "names someone" not in recruiter_client.get(url(fr)).content.decode()

    saved = recruiter_client.post(
        f"/dashboard/requests/{fr.uuid}/interviewers/",
        {"interviewers": "  Priya   Shah \n\n Tom Berg"},
        follow=True,
    )

    assert "Saved. The release check looks for these names too." in saved.content.decode()
    fr.application.refresh_from_db()
    assert fr.application.interviewers == "Priya Shah\nTom Berg"
    assert "Check: names someone</strong> — “Priya”." in recruiter_client.get(url(fr)).content.decode()


@pytest.fixture
def answered_by(answer):
    def _answer(routing, summary):
        return answer(routing, summary=summary, answers={Area.ANSWERS: (Rating.STRENGTH, "Clear.")})

    return _answer
