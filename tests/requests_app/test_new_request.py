"""/applications/<uuid>/request/: the candidate asks for feedback on one application."""

import uuid
from datetime import UTC, date, datetime, time

import pytest

from candidates.models import Application, Client
from feedback_portal.models import OutboundEmail
from requests_app.models import Event, FeedbackRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(candidate, application_factory, portal_settings):
    return application_factory(candidate=candidate, role_title="Data Analyst")


def url(application) -> str:
    return f"/applications/{application.uuid}/request/"


def assert_nothing_stored():
    assert not FeedbackRequest.objects.exists()
    assert not Event.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_candidate_sees_the_clients_policy_before_writing(candidate_client, application):
    Client.objects.filter(pk=application.client_id).update(feedback_policy=Client.FeedbackPolicy.RATINGS_ONLY)
    page = candidate_client.get(url(application))
    assert page.status_code == 200
    assert "This client gives ratings only, without comments." in page.content.decode()


def test_asking_stores_the_request_and_shows_it(candidate_client, application):
    page = candidate_client.post(
        url(application),
        {
            "areas": ["cv", "fit"],
            "question_1": "Was my CV too long?",
            "question_2": "",
            "question_3": " Did my portfolio help? ",
            "consent_to_forward": "on",
        },
        follow=True,
    )
    feedback_request = FeedbackRequest.objects.get()
    assert page.redirect_chain == [(f"/requests/{feedback_request.uuid}/", 302)]
    html = page.content.decode()
    assert "Your request is on its way to your recruiter." in html
    assert feedback_request.areas == ["cv", "fit"]
    # Each question kept as its own, in order, the blank one left out.
    assert feedback_request.question_list == ["Was my CV too long?", "Did my portfolio help?"]
    assert feedback_request.consent_to_forward
    assert "<li>Was my CV too long?</li>" in html  # "What you asked" on their page


def test_asking_without_an_area_says_so_and_keeps_what_was_typed(candidate_client, application):
    page = candidate_client.post(
        url(application),
        {"question_2": "Was my portfolio too long?", "consent_to_forward": "on", "self_cv": "strength"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Choose at least one area you would like feedback on." in html
    assert "Was my portfolio too long?" in html
    assert '<option value="strength" selected>' in html
    assert_nothing_stored()


def test_questions_without_consent_are_not_stored(candidate_client, application):
    page = candidate_client.post(url(application), {"areas": ["skills"], "question_1": "Too junior for SQL?"})
    html = page.content.decode()
    assert "Tick this box so we may pass your questions on, or leave the questions empty." in html
    assert "Too junior for SQL?" in html
    assert 'value="skills" id="id_areas_3" checked' in html
    assert_nothing_stored()


def test_overlong_questions_are_refused_with_a_message(candidate_client, application):
    page = candidate_client.post(
        url(application), {"areas": ["cv"], "question_3": "x" * 1001, "consent_to_forward": "on"}
    )
    html = page.content.decode()
    assert "Ensure this value has at most 1000 characters (it has 1001)." in html
    assert 'href="#id_question_3"' in html  # the summary leads to the third question
    assert_nothing_stored()


def test_an_unknown_area_is_refused_with_a_message(candidate_client, application):
    page = candidate_client.post(url(application), {"areas": ["astrology"]})
    assert "Select a valid choice. astrology is not one of the available choices." in page.content.decode()
    assert_nothing_stored()


def test_a_null_character_is_refused_not_a_server_error(candidate_client, application):
    page = candidate_client.post(
        url(application), {"areas": ["cv"], "question_1": "a\x00b", "consent_to_forward": "on"}
    )
    assert page.status_code == 200
    assert "Null characters are not allowed." in page.content.decode()
    assert_nothing_stored()


def test_candidate_cannot_ask_on_another_candidates_application(
    candidate_client, application_factory, portal_settings
):
    theirs = application_factory()
    assert candidate_client.get(url(theirs)).status_code == 404
    assert candidate_client.post(url(theirs), {"areas": ["cv"]}).status_code == 404
    assert_nothing_stored()


def test_an_unknown_or_malformed_application_id_is_404(candidate_client, application):
    assert candidate_client.get(f"/applications/{uuid.uuid4()}/request/").status_code == 404
    assert candidate_client.get("/applications/not-a-uuid/request/").status_code == 404


def test_a_recruiter_cannot_ask_on_a_candidates_behalf(recruiter_client, application):
    assert recruiter_client.get(url(application)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, application):
    page = client.get(url(application))
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


def test_asking_twice_on_one_application_is_refused_kindly(candidate_client, application):
    candidate_client.post(url(application), {"areas": ["cv"]})
    page = candidate_client.post(url(application), {"areas": ["fit"]}, follow=True)
    assert page.redirect_chain == [("/applications/", 302)]
    assert "You have already asked for feedback on this application." in page.content.decode()
    assert FeedbackRequest.objects.get().areas == ["cv"]


def test_no_asking_before_the_outcome_is_known(candidate_client, application):
    Application.objects.filter(pk=application.pk).update(outcome=Application.Outcome.PENDING)
    page = candidate_client.get(url(application), follow=True)
    assert page.redirect_chain == [("/applications/", 302)]
    assert "once the outcome of this application is known" in page.content.decode()


def test_form_page_renders_in_a_fixed_number_of_queries(
    candidate_client, application, django_assert_num_queries
):
    # 1. the signed-in user (the session comes from the cache)
    # 2. the application, with its client, owned by this candidate
    # 3. has this application been asked about already?
    # (the portal settings come from the cache)
    with django_assert_num_queries(3):
        page = candidate_client.get(url(application))
    assert page.status_code == 200


def test_form_page_with_errors_renders_in_a_fixed_number_of_queries(
    candidate_client, application, django_assert_num_queries
):
    # The same three as the blank form: nothing is written.
    with django_assert_num_queries(3):
        page = candidate_client.post(url(application), {"question_1": "Why?"})
    assert "Choose at least one area" in page.content.decode()


@pytest.mark.parametrize(
    ("outcome_on", "today", "allowed"),
    [
        (date(2026, 1, 31), date(2026, 7, 31), True),  # six months to the day
        (date(2026, 1, 31), date(2026, 8, 1), False),
        (date(2026, 1, 1), date(2026, 7, 1), True),
        # Six months and thirty days: counting whole calendar months called this "6".
        (date(2026, 1, 1), date(2026, 7, 31), False),
        (date(2026, 8, 31), date(2027, 2, 28), True),  # no 31 February: its month's last day
        (date(2026, 8, 31), date(2027, 3, 1), False),
    ],
)
def test_asking_is_open_for_the_settings_months_after_the_outcome_and_no_longer(
    client, candidate, application, portal_settings, time_machine, outcome_on, today, allowed
):
    assert portal_settings.ask_window_months == 6
    Application.objects.filter(pk=application.pk).update(outcome_on=outcome_on)
    time_machine.move_to(datetime.combine(today, time(12, 0), tzinfo=UTC), tick=False)
    client.force_login(candidate)  # on that day, so the session has not run out
    candidate_client = client

    page = candidate_client.get(url(application), follow=True)

    if allowed:
        assert page.redirect_chain == []
        assert "Send my request" in page.content.decode()
    else:
        assert page.redirect_chain == [("/applications/", 302)]
        assert "Feedback can be asked for up to 6 months after the outcome." in page.content.decode()
    page = candidate_client.post(url(application), {"areas": ["cv"]})
    assert FeedbackRequest.objects.exists() == allowed


def test_the_form_says_what_happens_next_and_how_long_from_the_agencys_settings(
    candidate_client, application, portal_settings
):
    portal_settings.triage_sla_business_days, portal_settings.link_expiry_days = 3, 10
    portal_settings.save()  # as the admin saves it: pages read the new values
    html = candidate_client.get(url(application)).content.decode()
    assert "What happens next" in html
    assert "usually within 3 working days" in html
    assert "up to 10 days to answer" in html
    assert "It usually takes up to 3 weeks" in html  # 3 working days and 10 days: under 3 weeks


def test_the_self_assessment_offers_prefer_not_to_say_for_the_scales_not_assessed(
    candidate_client, application
):
    html = candidate_client.get(url(application)).content.decode()
    assert '<option value="not_assessed" selected>Prefer not to say</option>' in html
    assert "Not assessed" not in html


def test_only_the_areas_rated_are_stored_as_a_self_assessment(candidate_client, application):
    candidate_client.post(
        url(application),
        {"areas": ["cv"], "self_cv": "strength", "self_fit": "not_assessed", "self_skills": ""},
    )
    assert FeedbackRequest.objects.get().self_assessment == {"cv": "strength"}


def test_without_questions_no_consent_is_stored(candidate_client, application):
    candidate_client.post(
        url(application), {"areas": ["cv"], "question_1": "  ", "question_2": "", "consent_to_forward": "on"}
    )
    assert FeedbackRequest.objects.get().consent_to_forward is False


def test_consent_sits_right_under_the_questions(candidate_client, application):
    html = candidate_client.get(url(application)).content.decode()
    first, last = html.index('name="question_1"'), html.index('name="question_3"')
    consent = html.index('name="consent_to_forward"')
    assert first < html.index('name="question_2"') < last < consent
    assert "<fieldset" not in html[first:consent]  # nothing in between but the fields' own markup
    assert "Only if you wrote questions above." in html
    for n in (1, 2, 3):
        assert f'<label class="label" for="id_question_{n}">Question {n} (optional)</label>' in html


def test_more_than_three_questions_cannot_be_stored(candidate, application):
    from requests_app import services

    feedback_request = services.submit_request(
        candidate=candidate,
        application=application,
        areas=["cv"],
        questions=["One?", " ", "Two?", "Three?", "Four?"],
        consent_to_forward=True,
    )
    assert feedback_request.question_list == ["One?", "Two?", "Three?"]


def test_the_form_explains_the_outcome_kindly(candidate_client, application):
    Application.objects.filter(pk=application.pk).update(outcome=Application.Outcome.WITHDRAWN)
    html = candidate_client.get(url(application)).content.decode()
    assert "The company withdrew the role — this says nothing about you." in html
