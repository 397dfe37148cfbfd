"""/applications/: the candidate's own applications, each with its feedback request."""

from datetime import UTC, date, datetime, time

import pytest

from candidates.models import OUTCOME_FOR_CANDIDATES, Application
from requests_app.models import FeedbackRequest

pytestmark = pytest.mark.django_db


def test_candidate_sees_only_their_own_applications(candidate_client, candidate, application_factory):
    mine = application_factory(candidate=candidate, role_title="Data Analyst")
    application_factory(role_title="Secret Role Elsewhere")
    application_factory(candidate=None, candidate_email="someone@example.test", role_title="Unlinked Role")

    page = candidate_client.get("/applications/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Data Analyst" in html
    assert mine.client.name in html
    assert "Secret Role Elsewhere" not in html
    assert "Unlinked Role" not in html


def test_a_turned_down_candidate_is_invited_to_ask(candidate_client, candidate, application_factory):
    turned_down = application_factory(candidate=candidate)
    pending = application_factory(candidate=candidate, outcome=Application.Outcome.PENDING)

    html = candidate_client.get("/applications/").content.decode()

    assert f"/applications/{turned_down.uuid}/request/" in html
    assert f"/applications/{pending.uuid}/request/" not in html


def test_an_asked_application_shows_its_request_instead(
    candidate_client, candidate, application_factory, feedback_request_factory
):
    application = application_factory(candidate=candidate)
    feedback_request = feedback_request_factory(
        application=application, state=FeedbackRequest.State.AWAITING_MANAGER
    )

    html = candidate_client.get("/applications/").content.decode()

    assert "With the interview team" in html
    assert f"/requests/{feedback_request.uuid}/" in html
    assert f"/applications/{application.uuid}/request/" not in html


def test_a_candidate_without_applications_is_told_how_they_appear(candidate_client, candidate):
    html = candidate_client.get("/applications/").content.decode()
    assert "No applications yet." in html
    assert candidate.email in html


def test_a_recruiter_gets_404(recruiter_client):
    assert recruiter_client.get("/applications/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    page = client.get("/applications/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [1, 12])
def test_applications_page_renders_in_a_fixed_number_of_queries(
    portal_settings,
    candidate_client,
    candidate,
    application_factory,
    feedback_request_factory,
    django_assert_num_queries,
    rows,
):
    for application in application_factory.create_batch(rows, candidate=candidate):
        feedback_request_factory(application=application)
    # 1. the signed-in user (the session comes from the cache)
    # 2. the candidate's applications, with their clients
    # 3. the candidate's feedback requests
    with django_assert_num_queries(3):
        page = candidate_client.get("/applications/")
    assert page.content.decode().count("View request") == rows


@pytest.mark.parametrize("outcome", Application.Outcome.values)
@pytest.mark.parametrize(
    ("outcome_on", "today"),
    [
        (date(2026, 1, 1), date(2026, 7, 1)),  # the window's last day (6 months, the setting)
        (date(2026, 1, 1), date(2026, 7, 2)),  # the day after
        (date(2026, 8, 31), date(2027, 2, 28)),  # no 31 February: its month's last day
        (date(2026, 8, 31), date(2027, 3, 1)),
        (date(2025, 1, 1), date(2026, 2, 5)),  # 400 days on
        (None, date(2026, 2, 5)),  # an outcome without a date
    ],
)
def test_the_list_offers_asking_exactly_when_the_ask_page_accepts_it(
    client, candidate, application_factory, portal_settings, time_machine, outcome, outcome_on, today
):
    """The list and the ask page ask the same question, so they agree on every outcome and date."""
    application = application_factory(candidate=candidate, outcome=outcome, outcome_on=outcome_on)
    time_machine.move_to(datetime.combine(today, time(12, 0), tzinfo=UTC), tick=False)
    client.force_login(candidate)

    offered = f"/applications/{application.uuid}/request/" in client.get("/applications/").content.decode()
    ask_page = client.get(f"/applications/{application.uuid}/request/")
    client.post(f"/applications/{application.uuid}/request/", {"areas": ["cv"]})

    accepted = FeedbackRequest.objects.filter(application=application).exists()
    assert offered == (ask_page.status_code == 200) == accepted
    # Only a negative outcome within the window (or without a date) may be asked about.
    in_window = (
        outcome_on is None
        or today
        <= {
            date(2026, 1, 1): date(2026, 7, 1),
            date(2026, 8, 31): date(2027, 2, 28),
            date(2025, 1, 1): date(2025, 7, 1),
        }[outcome_on]
    )
    assert accepted == (outcome in Application.NEGATIVE_OUTCOMES and in_window)


def test_the_list_and_the_ask_page_say_the_same_once_asked(
    candidate_client, candidate, application_factory, feedback_request_factory
):
    application = application_factory(candidate=candidate)
    feedback_request_factory(application=application, state=FeedbackRequest.State.DECLINED)

    html = candidate_client.get("/applications/").content.decode()
    refused = candidate_client.get(f"/applications/{application.uuid}/request/", follow=True)

    assert f"/applications/{application.uuid}/request/" not in html
    assert "You have already asked for feedback on this application." in refused.content.decode()


@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        ("not_selected", "The company chose another candidate this time."),
        ("role_withdrawn", "The company withdrew the role — this says nothing about you."),
        ("reposted", "The company decided to advertise the role again."),
    ],
)
def test_each_outcome_is_explained_in_its_own_kind_words(
    candidate_client, candidate, application_factory, portal_settings, outcome, words
):
    application_factory(candidate=candidate, outcome=outcome)
    html = candidate_client.get("/applications/").content.decode()
    assert words in html
    assert sum(w in html for w in OUTCOME_FOR_CANDIDATES.values()) == 1
