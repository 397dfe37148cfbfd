"""The admin's list of feedback requests: the fixed reference `make bench` measures the queue against.

A fair reference reads its rows in one query however many there are, filters on state and
client, searches the candidate's name and e-mail, and never counts the whole table.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.models import FeedbackRequest

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/requests_app/feedbackrequest/"


def queries_for(admin_client, params=None) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        page = admin_client.get(CHANGELIST, params or {})
    assert page.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_the_list_costs_the_same_queries_for_three_rows_and_for_twelve(
    admin_client, feedback_request_factory
):
    feedback_request_factory.create_batch(3)
    queries_for(admin_client)  # the first page also fills caches (content types, settings)
    few = queries_for(admin_client)
    feedback_request_factory.create_batch(9)

    many = queries_for(admin_client)

    assert len(many) == len(few)
    # No count of the whole table beside the filtered one (show_full_result_count off).
    assert sum("COUNT(" in sql for sql in many) == 1


def test_the_list_filters_by_state_and_by_client(admin_client, feedback_request_factory):
    answered = feedback_request_factory(state=FeedbackRequest.State.ANSWERED)
    closed = feedback_request_factory(state=FeedbackRequest.State.CLOSED)

    by_state = admin_client.get(CHANGELIST, {"state__exact": "answered"}).content.decode()
    by_client = admin_client.get(
        CHANGELIST, {"application__client__id__exact": closed.application.client_id}
    ).content.decode()

    assert str(answered.uuid) in by_state and str(closed.uuid) not in by_state
    assert str(closed.uuid) in by_client and str(answered.uuid) not in by_client


def test_search_finds_the_candidate_by_part_of_their_name_or_e_mail(admin_client, feedback_request_factory):
    okafor = feedback_request_factory(
        application__candidate_name="Ada Okafor",
        application__candidate_email="ada.o@example.test",
    )
    other = feedback_request_factory(
        application__candidate_name="Bo Nowak",
        application__candidate_email="bo@example.test",
    )

    by_name = admin_client.get(CHANGELIST, {"q": "okaf"}).content.decode()
    by_email = admin_client.get(CHANGELIST, {"q": "ada.o@"}).content.decode()

    for html in (by_name, by_email):
        assert str(okafor.uuid) in html
        assert str(other.uuid) not in html
