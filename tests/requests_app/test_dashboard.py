"""/dashboard/: the recruiter's triage queue."""

import pytest

from requests_app import services
from requests_app.models import FeedbackRequest, FollowUp

pytestmark = pytest.mark.django_db

S = FeedbackRequest.State


def test_recruiter_sees_open_requests_with_their_counts(recruiter_client, feedback_request_factory):
    waiting = feedback_request_factory(application__candidate_name="Ada Waiting")
    feedback_request_factory(application__candidate_name="Bo Released", state=S.RELEASED)

    page = recruiter_client.get("/dashboard/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ada Waiting" in html
    assert f"/dashboard/requests/{waiting.uuid}/" in html
    assert "Bo Released" not in html  # ended requests are not in the open queue
    assert '<a href="?state=released">Feedback released</a> <span class="count">1</span>' in html


def test_recruiter_filters_the_queue_by_state(recruiter_client, feedback_request_factory):
    feedback_request_factory(application__candidate_name="Ada Waiting")
    feedback_request_factory(application__candidate_name="Bo Released", state=S.RELEASED)

    html = recruiter_client.get("/dashboard/?state=released").content.decode()
    assert "Bo Released" in html
    assert "Ada Waiting" not in html


@pytest.mark.parametrize("state", ["bogus", "a\x00b"])
def test_a_bad_filter_value_shows_the_open_queue_and_says_why(
    recruiter_client, application_factory, feedback_request_factory, state
):
    feedback_request_factory(application=application_factory(candidate_name="Ada Open"))
    feedback_request_factory(
        application=application_factory(candidate_name="Bo Ended"), state=FeedbackRequest.State.CLOSED
    )

    page = recruiter_client.get("/dashboard/", {"state": state})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Ada Open" in html
    assert "Bo Ended" not in html
    assert "Select a valid choice" in html


def test_a_candidate_on_the_dashboard_gets_404(candidate_client):
    assert candidate_client.get("/dashboard/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    page = client.get("/dashboard/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [3, 30])
def test_dashboard_query_count_does_not_grow_with_rows(
    portal_settings, recruiter_client, feedback_request_factory, django_assert_num_queries, rows
):
    requests = feedback_request_factory.create_batch(rows)
    # 1. the signed-in user (the session comes from the cache)
    # 2. the queue's rows, with application, client and recruiter joined in
    # 3. the counts per state, in one aggregate
    with django_assert_num_queries(3):
        page = recruiter_client.get("/dashboard/")
    html = page.content.decode()
    assert all(f"/dashboard/requests/{fr.uuid}/" in html for fr in requests)


def test_open_follow_up_questions_have_their_own_view(
    recruiter_client, application_factory, feedback_request_factory
):
    released = feedback_request_factory(
        application=application_factory(candidate_name="Fay Followup"), state=FeedbackRequest.State.RELEASED
    )
    FollowUp.objects.create(feedback_request=released, question="Which course would you suggest?")
    feedback_request_factory(
        application=application_factory(candidate_name="Gus Quiet"), state=FeedbackRequest.State.RELEASED
    )

    default = recruiter_client.get("/dashboard/").content.decode()
    follow_ups = recruiter_client.get("/dashboard/", {"state": "follow_ups"}).content.decode()

    assert "Fay Followup" not in default  # released requests leave the open queue…
    assert "Fay Followup" in follow_ups  # …but an open follow-up brings them back here
    assert "Gus Quiet" not in follow_ups


def badge(feedback_request, words: str) -> str:
    return f'<span class="badge state-{feedback_request.state}">{words}</span>'


def test_a_managers_decline_waits_to_be_confirmed_and_an_answer_to_be_reviewed(
    portal_settings,
    recruiter_client,
    routing_factory,
    answer,
    route,
    django_assert_num_queries,
):
    declined = routing_factory().feedback_request
    services.submit_manager_decline(routing=declined.routings.get(), reason="Company policy.")
    answered = routing_factory().feedback_request
    answer(answered.routings.get())
    # Declined first, then routed to another manager who answered: the latest answer counts.
    rerouted = routing_factory().feedback_request
    services.submit_manager_decline(routing=rerouted.routings.get(), reason="Not my team.")
    answer(route(FeedbackRequest.objects.get(pk=rerouted.pk)))
    rows = FeedbackRequest.objects.filter(pk__in=[declined.pk, answered.pk, rerouted.pk])
    assert set(rows.values_list("state", flat=True)) == {S.ANSWERED}

    # The same queries as any dashboard: the latest answer's kind is a subquery of the rows' query.
    with django_assert_num_queries(3):
        html = recruiter_client.get("/dashboard/").content.decode()

    assert html.count("Declined by the manager — confirm") == 1
    assert badge(declined, "Declined by the manager — confirm") in html
    assert html.count(badge(answered, "Answered, awaiting review")) == 2


def test_a_request_read_on_its_own_still_names_a_managers_decline(routing_factory, django_assert_num_queries):
    routing = routing_factory()
    services.submit_manager_decline(routing=routing, reason="Company policy.")
    feedback_request = FeedbackRequest.objects.get(pk=routing.feedback_request_id)

    # Without for_dashboard()'s annotation it asks for the latest answer's kind itself.
    with django_assert_num_queries(1):
        assert feedback_request.recruiter_state_label == "Declined by the manager — confirm"
