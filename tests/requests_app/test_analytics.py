"""/dashboard/analytics/: what the recruiters read about requests, areas, usefulness and clients.

Each test builds requests with the factories, counts them into the monthly roll-up as the
pipeline does (`recount`: the management command a new installation runs; beat's task is
tested in test_analytics_rollup.py), then reads the page: its figures must be what the
requests say.
"""

import io
import uuid
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from candidates.models import Client
from requests_app.models import Area, AreaAnswer, FeedbackRequest, FeedbackResponse, Rating

pytestmark = pytest.mark.django_db

S = FeedbackRequest.State
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
URL = "/dashboard/analytics/"


class Tables(HTMLParser):
    """The page's tables as a reader sees them: caption → {row heading → the row's other cells}."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self._caption = self._cell = None
        self._row: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self._caption = ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._caption is not None:
            self._caption += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self._current = self.tables.setdefault(" ".join(self._caption.split()), {})
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row:
            self._current[self._row[0]] = self._row[1:]
            self._row = None


def tables(page) -> dict[str, dict[str, list[str]]]:
    assert page.status_code == 200, page
    return Tables(page.content.decode()).tables


FUNNEL = "What happened to the requests asked"
AREAS = "Feedback areas: asked about, managers' ratings and self-assessment gaps"
USEFULNESS = "Candidates' usefulness ratings"
CLIENTS = "Requests, answers and declines by client"


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def recount(now, portal_settings):
    """Count every month into the roll-up, as `manage.py rollup_analytics --all` does."""

    def _recount():
        call_command("rollup_analytics", "--all", stdout=io.StringIO())

    return _recount


@pytest.fixture
def ask(now, feedback_request_factory):
    """A request asked `days_ago`, at `client`, about `areas`, with the candidate's own ratings."""

    def _ask(client, *, days_ago=10, areas=(Area.EXPERIENCE,), own=None, state=S.SUBMITTED, usefulness=""):
        return feedback_request_factory(
            application__client=client,
            created_at=now - timedelta(days=days_ago),
            areas=list(areas),
            self_assessment=own or {},
            state=state,
            usefulness=usefulness,
        )

    return _ask


@pytest.fixture
def answer(routing_factory):
    """Route the request a day after it was asked; the manager answers `days` later, with
    `ratings`; the recruiter releases it `released_after` days after asking (if given)."""

    def _answer(feedback_request, *, days=2, ratings=None, released_after=None, kind="feedback"):
        # A re-route revokes the earlier routing's links, as services.route_request does.
        feedback_request.routings.update(revoked_at=feedback_request.created_at)
        routing = routing_factory(
            feedback_request=feedback_request, routed_at=feedback_request.created_at + timedelta(days=1)
        )
        response = FeedbackResponse.objects.create(
            feedback_request=feedback_request,
            routing=routing,
            kind=kind,
            submitted_at=routing.routed_at + timedelta(days=days),
            released_at=(
                feedback_request.created_at + timedelta(days=released_after) if released_after else None
            ),
        )
        AreaAnswer.objects.bulk_create(
            AreaAnswer(response=response, area=area, rating=rating)
            for area, rating in (ratings or {}).items()
        )
        return response

    return _answer


@pytest.fixture
def acme(client_factory):
    return client_factory(name="Acme Analytics Ltd", feedback_policy=Client.FeedbackPolicy.FULL)


@pytest.fixture
def globex(client_factory):
    return client_factory(name="Globex Corp", feedback_policy=Client.FeedbackPolicy.NONE)


@pytest.fixture
def agency_year(ask, answer, acme, globex, recount):
    """A small, hand-built year: six requests in the last 90 days, and one from long ago.

    Acme: two released (the candidates saw themselves a strength / meeting the bar on
    experience, the managers saw room to improve), one answered but not yet released (the
    candidate thought their answers needed work, the manager called them a strength), one
    not yet routed. Globex, whose policy is no feedback: one declined, one withdrawn.
    """
    released = ask(
        acme,
        areas=[Area.EXPERIENCE, Area.ANSWERS],
        own={Area.EXPERIENCE: Rating.STRENGTH},
        state=S.RELEASED,
        usefulness="very",
    )
    answer(
        released,
        days=3,
        ratings={Area.EXPERIENCE: Rating.IMPROVE, Area.ANSWERS: Rating.STRENGTH},
        released_after=5,
    )
    closed = ask(acme, own={Area.EXPERIENCE: Rating.MET}, state=S.CLOSED, usefulness="not")
    answer(
        closed,
        days=1,
        ratings={Area.EXPERIENCE: Rating.IMPROVE, Area.ANSWERS: Rating.MET},
        released_after=9,
    )
    answered = ask(acme, areas=[Area.CV, Area.ANSWERS], own={Area.ANSWERS: Rating.IMPROVE}, state=S.ANSWERED)
    answer(answered, days=5, ratings={Area.ANSWERS: Rating.STRENGTH, Area.CV: Rating.NOT_ASSESSED})
    ask(acme, areas=[Area.CV, Area.SKILLS])
    declined = ask(globex, areas=[Area.FIT], state=S.DECLINED)
    answer(declined, kind="decline")
    ask(globex, areas=[Area.FIT], state=S.WITHDRAWN)
    # Long ago: only "all time" shows it.
    old = ask(acme, days_ago=400, own={Area.EXPERIENCE: Rating.STRENGTH}, state=S.CLOSED)
    answer(old, days=30, ratings={Area.EXPERIENCE: Rating.IMPROVE}, released_after=40)
    recount()


def test_recruiter_reads_what_happened_to_the_requests_of_the_last_12_months(recruiter_client, agency_year):
    page = recruiter_client.get(URL)

    html = " ".join(page.content.decode().split())
    assert "Last 12 months, all clients: the requests asked from 1 April 2025 to today" in html
    funnel = tables(page)[FUNNEL]
    assert funnel == {
        "Step": ["Requests", "Share of those asked"],
        "Asked for feedback": ["6", "100%"],
        "Sent to a hiring manager": ["4", "67%"],
        "Answered with feedback": ["3", "50%"],
        "Feedback released to the candidate": ["2", "33%"],
        "Declined": ["1", "17%"],
        "Withdrawn by the candidate": ["1", "17%"],
    }
    assert "<dt>Answer rate</dt> <dd>50%" in html
    # Released 5 and 9 days after asking; managers answered 3, 1 and 5 days after routing. Whole
    # and half days are the centres of their duration bands, so the medians read from the bands
    # are exact here.
    assert "<dt>Median time from asking to release</dt> <dd>7.0 days" in html
    assert "(over 2 released requests)" in html
    assert "<dt>Median time from routing to the hiring manager's answer</dt> <dd>3.0 days" in html
    assert "(over 3 answers)" in html


def test_areas_show_what_was_asked_how_managers_rated_it_and_the_self_assessment_gap(
    recruiter_client, agency_year
):
    areas = tables(recruiter_client.get(URL))[AREAS]

    assert list(areas) == [
        "Area",
        *(area.label for area in Area),  # the fixed areas, in code order
    ]
    assert areas["Area"] == [
        "Asked about",
        "Strength",
        "Met the bar",
        "Room to improve",
        "Not assessed",
        "Saw themselves higher",
        "Saw themselves lower",
    ]
    # Two candidates rated their experience a strength or met, where the managers saw room to improve.
    assert areas[Area.EXPERIENCE.label] == ["2 33%", "0", "0", "2", "0", "2", "0"]
    # One candidate thought their answers needed work; the manager called them a strength.
    assert areas[Area.ANSWERS.label] == ["2 33%", "2", "1", "0", "0", "0", "1"]
    assert areas[Area.CV.label] == ["2 33%", "0", "0", "0", "1", "0", "0"]
    assert areas[Area.SKILLS.label] == ["1 17%", "0", "0", "0", "0", "0", "0"]
    assert areas[Area.FIT.label] == ["2 33%", "0", "0", "0", "0", "0", "0"]
    assert areas[Area.PREPARATION.label] == ["0 0%", "0", "0", "0", "0", "0", "0"]


def test_usefulness_ratings_from_candidates(recruiter_client, agency_year):
    page = recruiter_client.get(URL)

    assert "2 of 2 requests with released feedback rated by the candidate." in page.content.decode()
    assert tables(page)[USEFULNESS] == {
        "Rating": ["Candidates", "Share of ratings"],
        "Very useful": ["1", "50%"],
        "Somewhat useful": ["0", "0%"],
        "Not useful": ["1", "50%"],
    }


def test_each_client_shows_requests_answers_declines_and_time_to_answer(recruiter_client, agency_year):
    clients = tables(recruiter_client.get(URL))[CLIENTS]

    assert clients == {
        "Client": [
            "Feedback policy",
            "Requests",
            "Answered",
            "Answer rate",
            "Declined",
            "Managers declined",
            "Median days to answer",
        ],
        "Acme Analytics Ltd": ["Full feedback", "4", "3", "75%", "0", "0", "3.0"],
        "Globex Corp": ["No feedback", "2", "0", "0%", "1", "1", "none yet"],
    }


def test_all_time_includes_requests_from_long_ago(recruiter_client, agency_year):
    page = recruiter_client.get(URL, {"period": "all"})

    assert "All time, all clients" in page.content.decode()
    found = tables(page)
    assert found[FUNNEL]["Asked for feedback"] == ["7", "100%"]
    assert found[AREAS][Area.EXPERIENCE.label][-2] == "3"  # saw themselves higher


def test_the_last_3_months_are_this_month_and_the_two_before(
    recruiter_client, ask, acme, agency_year, recount
):
    ask(acme, days_ago=200)
    ask(acme, days_ago=61)  # 31 December 2025: the month before the last 3
    recount()

    assert tables(recruiter_client.get(URL))[FUNNEL]["Asked for feedback"] == ["8", "100%"]
    page = recruiter_client.get(URL, {"period": "3m"})
    html = " ".join(page.content.decode().split())
    assert "Last 3 months, all clients: the requests asked from 1 January 2026 to today" in html
    assert tables(page)[FUNNEL]["Asked for feedback"] == ["6", "100%"]


def test_an_address_saved_with_the_former_90_days_shows_the_last_3_months(recruiter_client, agency_year):
    page = recruiter_client.get(URL, {"period": "90d"})

    html = page.content.decode()
    assert "Last 3 months, all clients" in html
    assert '<option value="3m" selected>Last 3 months</option>' in html
    assert "We do not know that period" not in html


def test_the_page_says_what_period_it_counts_when_and_how_exact_its_medians_are(
    recruiter_client, agency_year
):
    html = " ".join(recruiter_client.get(URL).content.decode().split())

    assert "Periods are whole calendar months in the agency's time zone (Europe/London)" in html
    assert "Last counted 2 March 2026, 12:00." in html
    assert "Medians are read from bands of durations" in html


def test_a_request_asked_after_the_last_count_shows_once_counted(
    recruiter_client, ask, acme, agency_year, recount
):
    ask(acme, days_ago=0)

    assert tables(recruiter_client.get(URL))[FUNNEL]["Asked for feedback"] == ["6", "100%"]
    recount()
    assert tables(recruiter_client.get(URL))[FUNNEL]["Asked for feedback"] == ["7", "100%"]


def test_one_client_at_a_time(recruiter_client, agency_year, globex):
    page = recruiter_client.get(URL, {"period": "12m", "client": str(globex.uuid)})

    html = page.content.decode()
    assert "Last 12 months, Globex Corp" in html
    assert f'<option value="{globex.uuid}" selected>Globex Corp</option>' in html
    found = tables(page)
    assert found[FUNNEL]["Asked for feedback"] == ["2", "100%"]
    assert found[FUNNEL]["Declined"] == ["1", "50%"]
    assert list(found[CLIENTS]) == ["Client", "Globex Corp"]
    assert "Nothing released yet" in html


def test_a_recruiter_who_sees_only_their_clients_reads_only_their_figures(
    portal_settings, recruiter_client, recruiter, recruiter_factory, agency_year, acme, globex
):
    """The agency's setting: recruiters see the clients they own or cover, in analytics too."""
    from feedback_portal.models import PortalSettings

    PortalSettings.objects.filter(pk=1).update(recruiters_see=PortalSettings.Visibility.OWN_CLIENTS)
    PortalSettings.objects.get().save()  # (and the cached copy)
    Client.objects.filter(pk=globex.pk).update(owner=recruiter)
    Client.objects.filter(pk=acme.pk).update(owner=recruiter_factory())

    page = recruiter_client.get(URL, {"period": "12m"})
    found = tables(page)
    assert list(found[CLIENTS]) == ["Client", "Globex Corp"]
    assert found[FUNNEL]["Asked for feedback"] == ["2", "100%"]
    assert "Acme Analytics Ltd" not in page.content.decode()
    # Another desk's client in the address is not known here.
    other = recruiter_client.get(URL, {"client": str(acme.uuid)}).content.decode()
    assert "We do not know that client, so this shows all clients." in other


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "forever"}, "We do not know that period, so this shows the last 12 months."),
        ({"period": "a\x00b"}, "We do not know that period, so this shows the last 12 months."),
        ({"client": "acme"}, "We do not know that client, so this shows all clients."),
        ({"client": str(uuid.uuid4())}, "We do not know that client, so this shows all clients."),
        ({"client": "a\x00b", "period": "all"}, "We do not know that client, so this shows all clients."),
    ],
)
def test_a_bad_filter_value_says_so_and_shows_the_default(recruiter_client, agency_year, params, message):
    page = recruiter_client.get(URL, params)

    html = page.content.decode()
    assert page.status_code == 200
    assert message in html
    expected = "7" if params.get("period") == "all" else "6"
    assert tables(page)[FUNNEL]["Asked for feedback"] == [expected, "100%"]
    # The form shows what the page shows.
    if "period" in params and params["period"] != "all":
        assert '<option value="12m" selected>Last 12 months</option>' in html
    assert '<option value="" selected>All clients</option>' in html


def test_a_request_answered_again_after_a_re_route_counts_its_latest_ratings_once(
    recruiter_client, ask, answer, acme, recount
):
    request = ask(acme, own={Area.EXPERIENCE: Rating.STRENGTH}, state=S.RELEASED)
    answer(request, ratings={Area.EXPERIENCE: Rating.IMPROVE})
    answer(request, days=4, ratings={Area.EXPERIENCE: Rating.MET}, released_after=8)
    recount()

    page = recruiter_client.get(URL)

    # Only the later answer, the one released, counts: met the bar, no gap.
    assert tables(page)[AREAS][Area.EXPERIENCE.label] == ["1 100%", "0", "1", "0", "0", "0", "0"]
    assert tables(page)[FUNNEL]["Answered with feedback"] == ["1", "100%"]


def test_a_period_without_requests_says_so(recruiter_client, ask, acme, recount):
    ask(acme, days_ago=400)
    recount()

    page = recruiter_client.get(URL)

    assert page.status_code == 200
    assert "No requests were asked in this period." in page.content.decode()


def test_the_dashboard_links_to_analytics(recruiter_client):
    assert f'href="{URL}"' in recruiter_client.get("/dashboard/").content.decode()


def test_a_candidate_gets_404(candidate_client):
    assert candidate_client.get(URL).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    page = client.get(URL)
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [1, 60])
def test_analytics_query_count_does_not_grow_with_rows(
    portal_settings, recruiter_client, ask, answer, client_factory, recount, django_assert_num_queries, rows
):
    clients = client_factory.create_batch(3)
    for n in range(rows):
        request = ask(
            clients[n % 3],
            days_ago=n * 7,  # over 14 months at 60 rows
            own={Area.EXPERIENCE: Rating.STRENGTH},
            state=S.RELEASED,
            usefulness="very",
        )
        answer(request, days=n % 5, ratings={Area.EXPERIENCE: Rating.IMPROVE}, released_after=7)
    recount()
    # 1. the signed-in user (the session and the agency's settings come from the cache)
    # 2. the clients, for the filter's list
    # 3. per client, summed over the months: the counts and the histogram of time to answer
    # 4. summed over every month and client: the area figures and the histogram of time to release
    with django_assert_num_queries(4):
        page = recruiter_client.get(URL, {"period": "all"})
    found = tables(page)
    assert found[FUNNEL]["Feedback released to the candidate"][0] == str(rows)
    assert found[AREAS][Area.EXPERIENCE.label][-2] == str(rows)
    assert "<dt>Median time from asking to release</dt> <dd>7.0 days" in " ".join(
        page.content.decode().split()
    )
