"""/dashboard/requests/<uuid>/release/: the recruiter reviews the answer beside a preview of the
candidate's page, then releases it."""

import re

import pytest
from django.core import mail
from django.test import Client as Browser

from feedback_portal.models import OutboundEmail
from requests_app import services
from requests_app.models import Area, Event, FeedbackRequest, FeedbackResponse, Rating

pytestmark = pytest.mark.django_db


# Long enough to act on, for the area rated "room to improve": the check has nothing to flag.
EXPERIENCE = "More hands-on dbt: one modelling project from raw data to a dashboard would close it."


def url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/release/"


def page_url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/"


HIDDEN = re.compile(r'name="(previewed|once)" value="([0-9a-f]+)"')


def preview(client, feedback_request, data: dict):
    """The release page, previewing `data`."""
    return client.post(url(feedback_request), {**data, "action": "preview"})


def send(client, feedback_request, data: dict, **kwargs):
    """Preview `data`, then release what was previewed, as the page's two buttons do."""
    shown = dict(HIDDEN.findall(preview(client, feedback_request, data).content.decode()))
    return client.post(url(feedback_request), {**data, **shown, "action": "send"}, **kwargs)


@pytest.fixture
def answered(routing, answer):
    answer(routing)
    return routing.feedback_request


def nothing_released_since():
    """A check to call later: nothing was released since this moment."""
    events = Event.objects.count()
    emails = OutboundEmail.objects.count()

    def check():
        assert FeedbackRequest.objects.get().state == FeedbackRequest.State.ANSWERED
        response = FeedbackResponse.objects.get()
        assert response.released_at is None
        assert response.released_summary == ""
        assert not response.answers.exclude(released_comment="").exists()
        assert Event.objects.count() == events
        assert OutboundEmail.objects.count() == emails

    return check


@pytest.fixture
def unreleased(answered):
    """Asserts, when called, that nothing was released since the fixture ran."""
    return nothing_released_since()


def test_releasing_tells_the_candidate(
    recruiter_client, answered, recruiter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = send(
            recruiter_client,
            answered,
            {"released_summary": "Edited summary.", "comment_experience": EXPERIENCE},
            follow=True,
        )
    assert "Released. The candidate has been e-mailed." in page.content.decode()
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.RELEASED
    assert Event.objects.filter(kind=Event.Kind.RELEASED, actor=recruiter).exists()
    message = next(m for m in mail.outbox if answered.candidate.email in m.to)
    assert f"/requests/{answered.uuid}/" in message.body


def test_an_overlong_comment_says_so_and_keeps_every_edit(recruiter_client, answered, unreleased):
    page = send(
        recruiter_client,
        answered,
        {
            "released_summary": "My careful edit of the summary.",
            "comment_experience": "x" * 2001,
            "comment_answers": "My careful edit of the answers.",
        },
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "There is a problem" in html
    assert "Ensure this value has at most 2000 characters (it has 2001)." in html
    assert "My careful edit of the summary." in html
    assert "My careful edit of the answers." in html
    unreleased()


def test_a_null_character_is_refused_not_a_server_error(recruiter_client, answered, unreleased):
    page = send(recruiter_client, answered, {"released_summary": "a\x00b"})
    assert page.status_code == 400
    assert "Null characters are not allowed." in page.content.decode()
    unreleased()


def test_a_managers_decline_is_not_released(recruiter_client, routing):
    services.submit_manager_decline(routing=routing, reason="Our policy.")
    page = send(recruiter_client, routing.feedback_request, {"released_summary": "x"}, follow=True)
    assert "A decline is confirmed, not released." in page.content.decode()
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.ANSWERED
    assert not Event.objects.filter(kind=Event.Kind.RELEASED).exists()


def test_nothing_to_release_says_so(recruiter_client, submitted_request):
    page = recruiter_client.get(url(submitted_request), follow=True)
    assert page.redirect_chain == [(page_url(submitted_request), 302)]
    assert "There is no answer to release yet." in page.content.decode()


def test_releasing_twice_is_refused(recruiter_client, answered):
    send(recruiter_client, answered, {"released_summary": "First.", "comment_experience": EXPERIENCE})
    page = send(
        recruiter_client,
        answered,
        {"released_summary": "Second.", "comment_experience": EXPERIENCE},
        follow=True,
    )
    assert "it cannot be released now" in page.content.decode()
    assert FeedbackResponse.objects.get().released_summary == "First."
    assert Event.objects.filter(kind=Event.Kind.RELEASED).count() == 1


def test_a_candidate_cannot_release(candidate_client, answered, unreleased):
    assert candidate_client.get(url(answered)).status_code == 404
    assert (
        candidate_client.post(url(answered), {"released_summary": "x", "action": "send"}).status_code == 404
    )
    unreleased()


def test_form_errors_page_renders_in_a_fixed_number_of_queries(
    recruiter_client, answered, django_assert_num_queries
):
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with application, client, recruiter, candidate and follow-up
    # 3. the latest response
    # 4. its area answers (prefetched)
    # 5. the names the identity check looks for (the client's and the routed hiring managers)
    # 6. the library's next steps, for the preview of the areas to improve
    # 7. the candidate's timeline, for the preview
    with django_assert_num_queries(7):
        page = recruiter_client.post(url(answered), {"released_summary": "x" * 4001, "action": "send"})
    assert page.status_code == 400


# --- The legal-safety check ------------------------------------------------

FLAGGED_SUMMARY = "We manage a young\nteam and the landing page needs energy."
FLAGGED = {
    "released_summary": FLAGGED_SUMMARY,
    "comment_experience": "Not a fit.",
    "comment_answers": "Clear STAR stories, and a native speaker.",
}


@pytest.fixture
def flagged(routing, answer):
    """An answer the check flags in three places: the summary, an area to improve, a strength."""
    answer(
        routing,
        summary=FLAGGED_SUMMARY,
        answers={
            Area.EXPERIENCE: (Rating.IMPROVE, "Not a fit."),
            Area.ANSWERS: (Rating.STRENGTH, "Clear STAR stories, and a native speaker."),
        },
    )
    return routing.feedback_request


@pytest.fixture
def unreleased_flagged(flagged):
    return nothing_released_since()


def seen(html: str) -> dict[str, str]:
    """The hidden fields saying which words each flag on the page was shown for."""
    return dict(re.findall(r'name="(seen_[a-z_]+)" value="([0-9a-f]+)"', html))


def test_flags_are_shown_beside_the_text_they_concern(recruiter_client, flagged):
    html = recruiter_client.get(url(flagged)).content.decode()
    assert "The checks flagged 3 things below." in html
    # The summary: the phrase found across the line break; "manage" and "page" are not "age".
    assert "Check: possible legal risk (age)</strong> — “young team”." in html
    assert "“manage”" not in html and "“page”" not in html
    # The area to improve: only a stock phrase. The strength: a proxy for origin.
    assert "Check: not actionable</strong> — “Not a fit”. A stock phrase gives the candidate" in html
    assert "— “native speaker”." in html
    # Beside its field, and read out with it: the textarea is described by the flag.
    assert html.index('id="id_released_summary"') < html.index('id="flag-summary_legal_age"')
    assert html.index('id="flag-summary_legal_age"') < html.index('id="id_comment_experience"')
    assert 'aria-describedby="flag-experience_unactionable"' in html
    assert 'aria-describedby="flag-answers_legal_race"' in html
    # Each flag can be released anyway, with a reason; the labels say which flag.
    assert '<label for="id_ack_summary_legal_age">Release anyway (Summary: possible legal risk' in html
    assert 'for="id_reason_experience_unactionable">Why it is fine to release' in html
    assert set(seen(html)) == {
        "seen_summary_legal_age",
        "seen_experience_unactionable",
        "seen_answers_legal_race",
    }


def test_clean_feedback_shows_no_flags(recruiter_client, answered):
    assert "Review and release" in recruiter_client.get(page_url(answered)).content.decode()
    html = recruiter_client.get(url(answered)).content.decode()
    assert "The checks found no names, contact details or legally risky words." in html
    assert "Release anyway" not in html


def test_release_with_unresolved_flags_is_refused_keeping_everything_typed(
    recruiter_client, flagged, unreleased_flagged
):
    page = send(
        recruiter_client, flagged, {**FLAGGED, "reason_answers_legal_race": "Kept, though not ticked."}
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "Not released: 3 flags need a decision." in html
    # Each in the error summary at the top, and again above its text.
    assert html.count("Edit this text, or tick “Release anyway” below and say why.") == 6
    # What was typed is all still there.
    assert "We manage a young\nteam" in html
    assert ">\nNot a fit.</textarea>" in html
    assert 'value="Kept, though not ticked."' in html
    # The field is marked invalid and described by its error and its flag.
    assert 'aria-describedby="id_comment_experience_error flag-experience_unactionable"' in html
    unreleased_flagged()


def test_release_succeeds_once_the_words_are_edited_away(
    recruiter_client, flagged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = send(
            recruiter_client,
            flagged,
            {
                "released_summary": "Build one end-to-end modelling project.",
                "comment_experience": EXPERIENCE,
                "comment_answers": "Clear STAR stories about the pricing dashboard.",
            },
            follow=True,
        )
    assert "Released. The candidate has been e-mailed." in page.content.decode()
    response = FeedbackResponse.objects.get()
    assert response.released_summary == "Build one end-to-end modelling project."
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.RELEASED
    # Nothing was released anyway, so nothing is noted.
    assert not Event.objects.filter(kind=Event.Kind.NOTE, visible_to_candidate=False).exists()


def test_release_anyway_with_reasons_is_noted_for_recruiters_only(
    recruiter_client, flagged, recruiter, candidate, django_capture_on_commit_callbacks
):
    shown = seen(recruiter_client.get(url(flagged)).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        page = send(
            recruiter_client,
            flagged,
            {
                **FLAGGED,
                **shown,
                # The summary is edited: "young team" goes, "manage" and "page" stay.
                "released_summary": "We manage a small team; the landing page needs energy.",
                "ack_experience_unactionable": "on",
                "reason_experience_unactionable": "  Explained on a call; I will phone the candidate.  ",
                "ack_answers_legal_race": "on",
                "reason_answers_legal_race": (
                    "The job advert requires native-level Japanese for client calls."
                ),
            },
            follow=True,
        )
    html = page.content.decode()
    assert "Released. The candidate has been e-mailed." in html
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.RELEASED
    by_area = {a.area: a.released_comment for a in FeedbackResponse.objects.get().answers.all()}
    assert by_area["answers"] == "Clear STAR stories, and a native speaker."

    note = Event.objects.get(kind=Event.Kind.NOTE, visible_to_candidate=False)
    released = Event.objects.get(kind=Event.Kind.RELEASED)
    assert note.actor == recruiter
    assert note.created_at == released.created_at  # written with the release, in its transaction
    assert note.message == (
        "Released with flags of the legal-safety check acknowledged:\n"
        "• Relevant experience — not actionable: “Not a fit”. "
        "Reason: Explained on a call; I will phone the candidate.\n"
        "• Answers to interview questions — possible legal risk (race): “native speaker”. "
        "Reason: The job advert requires native-level Japanese for client calls."
    )
    # The recruiter's timeline shows it; the candidate's never does.
    assert "The job advert requires native-level Japanese" in html
    me = Browser()
    me.force_login(candidate)
    mine = me.get(f"/requests/{flagged.uuid}/").content.decode()
    assert "Feedback ready" in mine
    assert "legal-safety" not in mine
    assert "native-level Japanese" not in mine


def test_release_anyway_without_a_reason_is_refused(recruiter_client, flagged, unreleased_flagged):
    shown = seen(recruiter_client.get(url(flagged)).content.decode())
    page = send(
        recruiter_client,
        flagged,
        {
            **FLAGGED,
            **shown,
            "ack_summary_legal_age": "on",
            "reason_summary_legal_age": "Quoted from the client's own team page.",
            "ack_experience_unactionable": "on",
            "reason_experience_unactionable": "   ",
            "ack_answers_legal_race": "on",
            "reason_answers_legal_race": "Required by the role.",
        },
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "Not released: 1 flag needs a decision." in html
    assert "Say why this can be released as it is." in html
    # The ticks and the reasons given are kept.
    assert html.count('type="checkbox" name="ack_') == 3
    assert html.count("checked") == 3
    assert 'value="Quoted from the client&#x27;s own team page."' in html
    unreleased_flagged()


def test_release_anyway_covers_only_the_words_that_were_shown(recruiter_client, flagged, unreleased_flagged):
    shown = seen(recruiter_client.get(url(flagged)).content.decode())
    page = recruiter_client.post(
        url(flagged),
        {
            "action": "send",
            **FLAGGED,
            **shown,
            "comment_answers": "Clear STAR stories, a native speaker, and a strong accent.",
            "ack_summary_legal_age": "on",
            "reason_summary_legal_age": "Quoted.",
            "ack_experience_unactionable": "on",
            "reason_experience_unactionable": "Explained on a call.",
            "ack_answers_legal_race": "on",
            "reason_answers_legal_race": "Required by the role.",
        },
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "The check found other words since you ticked “Release anyway”" in html
    assert "— “native speaker”, “accent”." in html
    assert html.count("checked") == 2  # that flag's tick is taken off, to be given again
    unreleased_flagged()


def test_a_term_added_to_the_portal_settings_is_flagged(recruiter_client, answered, portal_settings):
    portal_settings.legal_terms += "\nmodelling project | age"
    portal_settings.save()
    html = recruiter_client.get(url(answered)).content.decode()
    assert "— “modelling project”." in html


def test_page_with_flags_renders_in_a_fixed_number_of_queries(
    recruiter_client, flagged, django_assert_num_queries
):
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with application, client, recruiter, candidate and follow-up
    # 3. the latest response
    # 4. its area answers (prefetched)
    # 5. the names the identity check looks for (the client's and the routed hiring managers)
    # 6. the library's next steps, for the preview of the areas to improve
    # 7. the candidate's timeline, for the preview
    # (the legal terms come with the cached portal settings)
    with django_assert_num_queries(7):
        page = recruiter_client.post(url(flagged), {**FLAGGED, "action": "send"})
    assert page.status_code == 400
    assert "Not released: 3 flags need a decision." in page.content.decode()
