"""Recruiters record how an application ended, and may invite the candidate to ask why."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from candidates.models import OUTCOME_FOR_CANDIDATES, Application
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_applications_waiting_for_an_outcome_first(recruiter_client, application_factory):
    application_factory(candidate_name="Pam Pending", outcome=Application.Outcome.PENDING)
    application_factory(candidate_name="Dee Decided", outcome=Application.Outcome.NOT_SELECTED)

    pending = recruiter_client.get("/dashboard/applications/").content.decode()
    everything = recruiter_client.get("/dashboard/applications/", {"show": "all"}).content.decode()

    assert "Pam Pending" in pending
    assert "Dee Decided" not in pending
    assert "Pam Pending" in everything
    assert "Dee Decided" in everything


LIST = "/dashboard/applications/"


def _applications(
    how_many: int, *, outcome: str = Application.Outcome.PENDING, at=None, **fields
) -> list[Application]:
    """`how_many` applications of one client, each a minute older than the last (all at `at` if given)."""
    company = ClientFactory()
    now = at or timezone.now()
    return Application.objects.bulk_create(
        Application(
            client=company,
            recruiter=company.owner,
            candidate_name=f"Candidate {i:03d}",
            candidate_email=f"c{i}@example.test",
            role_title="Data Analyst",
            outcome=outcome,
            created_at=now - timedelta(minutes=i) if at is None else now,
            **fields,
        )
        for i in range(how_many)
    )


def _names(html: str) -> list[str]:
    return re.findall(r"<td>(Candidate \d+)<br>", html)


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', html)
    return LIST + unescape(found.group(1)) if found else None


@pytest.mark.parametrize("how_many", [1, 60])
@pytest.mark.parametrize("show", ["pending", "all"])
def test_the_list_keeps_its_query_budget(
    portal_settings, recruiter_client, django_assert_num_queries, how_many, show
):
    _applications(how_many)
    # 1. the signed-in user (the session is read from the cache)
    # 2. a page of applications (51 at most: one more says there is a next page), with client
    #    and recruiter
    with django_assert_num_queries(2):
        response = recruiter_client.get(LIST, {"show": show})
    assert response.status_code == 200
    assert len(_names(response.content.decode())) == min(how_many, 50)


def test_every_application_is_reachable_50_a_page_newest_first(recruiter_client):
    made = _applications(130)
    _applications(3, outcome=Application.Outcome.HIRED)  # not waiting for an outcome

    address, pages = LIST, []
    while address:
        html = recruiter_client.get(address).content.decode()
        pages.append(_names(html))
        address = _link(html, "next")

    assert [len(p) for p in pages] == [50, 50, 30]
    assert [n for p in pages for n in p] == [a.candidate_name for a in made]  # newest first, none left out
    back = recruiter_client.get(_link(html, "prev")).content.decode()
    assert _names(back) == pages[1]


def test_the_view_is_kept_in_the_page_links_and_ties_are_split(recruiter_client):
    _applications(70, outcome=Application.Outcome.HIRED, at=timezone.now())  # all at the same moment

    first = recruiter_client.get(LIST, {"show": "all"}).content.decode()
    following = _link(first, "next")
    second = recruiter_client.get(following).content.decode()

    assert "show=all" in following
    assert "show=all" in _link(second, "prev")
    assert len(set(_names(first)) | set(_names(second))) == 70
    assert '<strong aria-current="page">All applications</strong>' in second
    # The pending view has none of them, and no page links.
    pending = recruiter_client.get(LIST).content.decode()
    assert "No applications here." in pending
    assert 'rel="next"' not in pending


@pytest.mark.parametrize("cursor", ["garbage", "a\x00b", "W10", "%%%", "x" * 5000])
def test_a_damaged_page_link_shows_the_first_page_with_a_message(recruiter_client, cursor):
    _applications(2)

    for name in ("after", "before"):
        response = recruiter_client.get(LIST, {name: cursor, "show": "all"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "That page link is damaged or out of date" in html
        assert _names(html) == ["Candidate 000", "Candidate 001"]


def test_recording_a_rejection_invites_the_candidate(
    recruiter_client, application_factory, django_capture_on_commit_callbacks, mailoutbox
):
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = recruiter_client.post(
            f"/dashboard/applications/{application.uuid}/outcome/",
            {"outcome": Application.Outcome.NOT_SELECTED, "outcome_on": "", "invite": "on"},
            follow=True,
        )

    application.refresh_from_db()
    assert application.outcome == Application.Outcome.NOT_SELECTED
    assert application.outcome_on == timezone.localdate()
    assert "Recorded: Not selected" in response.content.decode()
    [invitation] = mailoutbox
    assert invitation.to == [application.candidate_email]
    assert "/applications/" in invitation.body


def test_hiring_invites_nobody(
    recruiter_client, application_factory, django_capture_on_commit_callbacks, mailoutbox
):
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)

    with django_capture_on_commit_callbacks(execute=True):
        recruiter_client.post(
            f"/dashboard/applications/{application.uuid}/outcome/",
            {"outcome": Application.Outcome.HIRED, "invite": "on"},
        )

    application.refresh_from_db()
    assert application.outcome == Application.Outcome.HIRED
    assert mailoutbox == []


def test_no_invitation_once_the_candidate_could_no_longer_ask(
    recruiter_client, application_factory, portal_settings, django_capture_on_commit_callbacks, mailoutbox
):
    """An invitation for an outcome older than the asking window would lead to a refusal: the
    form says so and keeps what was typed; unticked, the outcome is recorded without one."""
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)
    long_ago = timezone.localdate() - timedelta(days=400)
    data = {"outcome": Application.Outcome.NOT_SELECTED, "outcome_on": long_ago.isoformat(), "invite": "on"}
    url = f"/dashboard/applications/{application.uuid}/outcome/"

    with django_capture_on_commit_callbacks(execute=True):
        refused = recruiter_client.post(url, data)
    html = refused.content.decode()
    assert "Feedback can be asked for up to 6 months after the outcome, so this candidate could no" in html
    assert f'value="{long_ago.isoformat()}"' in html
    application.refresh_from_db()
    assert application.outcome == Application.Outcome.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        recruiter_client.post(url, {**data, "invite": ""})
    application.refresh_from_db()
    assert (application.outcome, application.outcome_on) == (Application.Outcome.NOT_SELECTED, long_ago)
    assert mailoutbox == []


def test_a_bad_outcome_is_refused_and_nothing_changes(recruiter_client, application_factory):
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)

    response = recruiter_client.post(
        f"/dashboard/applications/{application.uuid}/outcome/", {"outcome": "ghosted", "outcome_on": "soon"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in html
    assert "Enter a date, like 2026-11-20." in html
    application.refresh_from_db()
    assert application.outcome == Application.Outcome.PENDING


def test_candidates_cannot_record_outcomes(candidate_client, candidate, application_factory):
    application = application_factory(candidate=candidate, outcome=Application.Outcome.PENDING)

    assert candidate_client.get("/dashboard/applications/").status_code == 404
    assert (
        candidate_client.post(
            f"/dashboard/applications/{application.uuid}/outcome/", {"outcome": Application.Outcome.HIRED}
        ).status_code
        == 404
    )
    application.refresh_from_db()
    assert application.outcome == Application.Outcome.PENDING


@pytest.mark.parametrize(
    ("outcome", "subject", "words"),
    [
        (
            Application.Outcome.NOT_SELECTED,
            "why — and what to do next",
            "The company chose another candidate this time.",
        ),
        (
            Application.Outcome.WITHDRAWN,
            "how your interview went",
            "The company withdrew the role — this says nothing about you.",
        ),
        (
            Application.Outcome.REPOSTED,
            "how your interview went",
            "The company decided to advertise the role again. That is usually about what the role needs, "
            "not about you",
        ),
    ],
)
def test_the_invitation_explains_each_outcome_in_its_own_kind_words(
    recruiter_client,
    application_factory,
    django_capture_on_commit_callbacks,
    mailoutbox,
    outcome,
    subject,
    words,
):
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)

    with django_capture_on_commit_callbacks(execute=True):
        recruiter_client.post(
            f"/dashboard/applications/{application.uuid}/outcome/",
            {"outcome": outcome, "outcome_on": "", "invite": "on"},
        )

    [invitation] = mailoutbox
    assert subject in invitation.subject
    assert words in invitation.body
    assert words in invitation.alternatives[0][0]
    others = [w for o, w in OUTCOME_FOR_CANDIDATES.items() if o != outcome]
    assert not any(other in invitation.body for other in others)
