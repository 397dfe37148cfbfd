"""The applications list: filters, a cursor for the next page, and the same queries for any size."""

import base64
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from candidates.models import Application
from requests_app.models import FeedbackRequest
from tests.factories import CandidateFactory, ClientFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/applications"


def _applications(how_many: int, *, client=None, **fields) -> list[Application]:
    """`how_many` applications, each a minute older than the last, with a request on every third."""
    company = client or ClientFactory()
    now = timezone.now()
    rows = Application.objects.bulk_create(
        Application(
            client=company,
            recruiter=company.owner,
            candidate_name=f"Candidate {i:03d}",
            candidate_email=f"c{i}@example.test",
            role_title="Data Analyst",
            external_id=f"{company.pk}-{i}",
            created_at=now - timedelta(minutes=i),
            **fields,
        )
        for i in range(how_many)
    )
    candidate = CandidateFactory()
    FeedbackRequest.objects.bulk_create(
        FeedbackRequest(application=a, candidate=candidate, areas=["cv"]) for a in rows[::3]
    )
    return rows


def _next(response) -> str | None:
    link = response.json()["next"]
    if link is None:
        return None
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_the_list_comes_50_a_page_newest_first_with_a_cursor_to_the_rest(api):
    rows = _applications(60)

    first = api.get(LIST)
    second = api.get(_next(first))

    assert first.status_code == 200
    names = [a["candidate_name"] for a in first.json()["results"]]
    assert names == [f"Candidate {i:03d}" for i in range(50)]
    later = [a["candidate_name"] for a in second.json()["results"]]
    assert later == [f"Candidate {i:03d}" for i in range(50, 60)]
    assert _next(second) is None
    assert first.json()["results"][0]["feedback_requests"] == [
        str(FeedbackRequest.objects.get(application=rows[0]).uuid)
    ]


def test_a_damaged_cursor_is_a_400_problem_not_a_crash(api):
    _applications(2)

    made_up = base64.b64encode(b"p=not-a-date").decode()

    response = api.get(LIST, {"cursor": made_up})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "damaged" in response.json()["errors"]["cursor"][0]


def test_filters_by_client_outcome_external_id_and_time(api, client_factory):
    acme, beta = client_factory(name="Acme"), client_factory(name="Beta")
    _applications(3, client=acme, outcome="pending")
    old = _applications(2, client=beta, outcome="not_selected")
    Application.objects.filter(pk=old[1].pk).update(
        created_at=timezone.now() - timedelta(days=30), updated_at=timezone.now() - timedelta(days=30)
    )

    def names(**params):
        return sorted(a["external_id"] for a in api.get(LIST, params).json()["results"])

    assert len(names(client="acme")) == 3
    assert names(outcome="not_selected") == sorted(a.external_id for a in old)
    assert names(external_id=old[0].external_id) == [old[0].external_id]
    week_ago = (timezone.now() - timedelta(days=7)).isoformat()
    assert len(names(updated_since=week_ago)) == 4
    assert len(names(created_since=week_ago)) == 4
    assert names(client="Nobody") == []


def test_a_bad_filter_is_a_field_error(api):
    response = api.get(LIST, {"outcome": "maybe", "updated_since": "yesterday", "client": "A\x00"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"outcome", "updated_since", "client"}


def _queries_for_a_page(api, django_assert_num_queries, how_many: int, expected: int) -> None:
    Application.objects.all().delete()
    _applications(how_many)
    api.get(LIST)  # the key's "last used" is noted on the first call of the minute
    # 1. the key, by its hash
    # 2. the page of applications with their client and recruiter
    # 3. the page's requests' ids (one prefetch)
    with django_assert_num_queries(expected):
        response = api.get(LIST)
    assert len(response.json()["results"]) == min(how_many, 50)


def test_a_page_of_the_list_costs_the_same_queries_for_1_or_60_applications(api, django_assert_num_queries):
    _queries_for_a_page(api, django_assert_num_queries, 1, 3)
    _queries_for_a_page(api, django_assert_num_queries, 60, 3)
