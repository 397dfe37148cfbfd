"""/dashboard/: the recruiter's queue — what waits for them, finding anything, a page at a time."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from candidates.models import Application, Client
from feedback_portal.models import PortalSettings, User
from requests_app import lifecycle, queue_kept, services
from requests_app.models import FeedbackRequest, FollowUp

pytestmark = pytest.mark.django_db

S = FeedbackRequest.State
NEXT = re.compile(r'<a rel="next" href="([^"]+)"')
PREVIOUS = re.compile(r'<a rel="prev" href="([^"]+)"')


def names(html: str) -> list[str]:
    """The candidates the queue lists, in order."""
    return re.findall(r'<td data-label="Candidate"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def warm(recruiter_client, portal_settings):
    """Call after making the rows: the queue once, so its filter lists are in the cache, as on a
    running portal (adding a client or a recruiter drops them)."""

    def _warm():
        recruiter_client.get("/dashboard/")
        return recruiter_client

    return _warm


def test_needs_you_lists_what_waits_for_a_recruiter_with_a_count_per_kind(
    recruiter_client, feedback_request_factory, application_factory
):
    feedback_request_factory(application__candidate_name="Ada New")
    feedback_request_factory(application__candidate_name="Uma Unconfirmed", application__is_confirmed=False)
    feedback_request_factory(application__candidate_name="Bo Answered", state=S.ANSWERED)
    feedback_request_factory(application__candidate_name="Cy Expired", state=S.EXPIRED)
    feedback_request_factory(application__candidate_name="Di Awaiting", state=S.AWAITING_MANAGER)
    feedback_request_factory(application__candidate_name="Ed Released", state=S.RELEASED)
    followed = feedback_request_factory(application__candidate_name="Fay Followup", state=S.RELEASED)
    FollowUp.objects.create(feedback_request=followed, question="Which course?")
    lifecycle.note_needs(followed)

    html = recruiter_client.get("/dashboard/").content.decode()

    assert set(names(html)) == {"Ada New", "Uma Unconfirmed", "Bo Answered", "Cy Expired", "Fay Followup"}
    assert "<strong>5</strong> waiting for a recruiter" in html
    for label in (
        "New: send it to a hiring manager",
        "Confirm the application",
        "Answer to review and release",
    ):
        assert f'{label} <span class="count">1</span>' in html
    assert 'Follow-up question to answer <span class="count">1</span>' in html


def test_the_longest_waiting_come_first_with_their_age_and_overdue_marked(
    recruiter_client, feedback_request_factory, portal_settings, time_machine
):
    time_machine.move_to(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))  # a Monday
    feedback_request_factory(application__candidate_name="Old Owen")
    time_machine.move_to(datetime(2026, 11, 5, 10, 0, tzinfo=UTC))  # Thursday
    feedback_request_factory(application__candidate_name="New Nia")
    time_machine.move_to(datetime(2026, 11, 6, 10, 0, tzinfo=UTC))  # Friday: 4 and 1 working days

    html = recruiter_client.get("/dashboard/").content.decode()

    assert names(html) == ["Old Owen", "New Nia"]
    assert '4 working days <strong class="badge overdue-badge">overdue</strong>' in html  # SLA: 2 days
    assert "1 working day</td>" in html.replace("\n", "")


def test_search_finds_part_of_a_surname_an_email_a_role_a_reference_or_a_client(
    recruiter_client, feedback_request_factory, application_factory, client_factory
):
    acme = client_factory(name="Acme Analytics")
    feedback_request_factory(
        application=application_factory(
            client=acme, candidate_name="Zoe Whitmore", candidate_email="zoe.w@example.test",
            role_title="Data Engineer", job_reference="ACME-7",
        )
    )  # fmt: skip
    feedback_request_factory(application__candidate_name="Tom Berg")

    for query in ("whitm", "ZOE.W@", "data eng", "acme-7", "analytics"):
        assert names(recruiter_client.get("/dashboard/", {"q": query}).content.decode()) == [
            "Zoe Whitmore"
        ], query


def test_views_filters_and_sorts_live_in_the_address(
    recruiter_client,
    recruiter,
    recruiter_factory,
    feedback_request_factory,
    application_factory,
    client_factory,
):
    colleague = recruiter_factory(name="Cole League")
    zeta, alpha = client_factory(name="Zeta"), client_factory(name="Alpha")
    mine = feedback_request_factory(
        application=application_factory(client=zeta, candidate_name="Mia Mine"), owner=recruiter
    )
    feedback_request_factory(
        application=application_factory(client=alpha, candidate_name="Col Theirs"), owner=colleague
    )
    nobody = feedback_request_factory(application__candidate_name="Nat Nobody")
    FeedbackRequest.objects.filter(pk=nobody.pk).update(owner=None)
    feedback_request_factory(application__candidate_name="Cal Closed", state=S.CLOSED)

    def shown(**params):
        return names(recruiter_client.get("/dashboard/", params).content.decode())

    assert shown(owner="mine") == ["Mia Mine"]
    assert shown(owner=str(colleague.uuid)) == ["Col Theirs"]
    assert shown(owner="none") == ["Nat Nobody"]
    assert shown(client=str(zeta.uuid)) == ["Mia Mine"]
    assert shown(view="closed") == ["Cal Closed"]
    assert "Cal Closed" in shown(view="all")
    by_client = shown(sort="client")
    assert by_client.index("Col Theirs") < by_client.index("Mia Mine")  # Alpha before Zeta
    assert shown(asked_from=(timezone.localdate() + timedelta(days=1)).isoformat()) == []
    assert mine.uuid  # (the request the first filter found)
    # Each filter offers its "any" choice once, and the labels carry no colon.
    page = recruiter_client.get("/dashboard/").content.decode()
    assert page.count(">Everyone</option>") == 1 and page.count(">Every client</option>") == 1
    assert '<label class="label" for="id_q">Search</label>' in page
    # The filters beyond search and view fold away until one is used.
    assert '<details class="more-filters">' in page
    used = recruiter_client.get("/dashboard/", {"owner": "mine", "sort": "age"}).content.decode()
    assert '<details class="more-filters" open>' in used


def test_sixty_requests_come_fifty_at_a_time_by_cursor_none_lost_none_twice(
    recruiter_client, feedback_request_factory, time_machine
):
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for n in range(60):
        time_machine.move_to(start + timedelta(minutes=n))
        feedback_request_factory(application__candidate_name=f"Person {n:02d}")
    time_machine.move_to(start + timedelta(days=1))

    first = recruiter_client.get("/dashboard/").content.decode()
    second = recruiter_client.get(
        "/dashboard/" + NEXT.search(first).group(1).replace("&amp;", "&")
    ).content.decode()
    back = recruiter_client.get(
        "/dashboard/" + PREVIOUS.search(second).group(1).replace("&amp;", "&")
    ).content.decode()

    assert len(names(first)) == 50 and not PREVIOUS.search(first)
    assert names(first) + names(second) == [f"Person {n:02d}" for n in range(60)]
    assert not NEXT.search(second)
    assert names(back) == names(first)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"view": "bogus"}, "Select a valid choice"),
        ({"q": "a\x00b"}, "Null characters are not allowed"),
        ({"owner": "someone"}, "Select a valid choice"),
        ({"asked_from": "soon"}, "Enter a valid date"),
        ({"after": "not-a-cursor"}, "That page link is damaged or out of date"),
        ({"after": "a\x00b"}, "That page link is damaged or out of date"),
    ],
)
def test_a_bad_value_in_the_address_says_so_and_shows_the_rest(
    recruiter_client, feedback_request_factory, params, message
):
    feedback_request_factory(application__candidate_name="Ada Open")

    page = recruiter_client.get("/dashboard/", params)

    assert page.status_code == 200
    assert message in page.content.decode()
    assert names(page.content.decode()) == ["Ada Open"]


def test_what_people_typed_reaches_the_queue_as_text_never_as_markup(
    recruiter_client, feedback_request_factory, client_factory
):
    feedback_request_factory(
        application__candidate_name='<script>alert("x")</script> Ada',
        application__role_title="Analyst & <b>Lead</b>",
        application__client=client_factory(name="O'Brien <i>Ltd</i>"),
    )

    html = recruiter_client.get("/dashboard/").content.decode()

    assert "<script>alert" not in html and "<b>Lead" not in html and "<i>Ltd" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ada" in html
    assert 'aria-label="Choose &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ada"' in html
    assert "Analyst &amp; &lt;b&gt;Lead&lt;/b&gt; · O&#x27;Brien &lt;i&gt;Ltd&lt;/i&gt;" in html


def test_the_filters_kept_ready_follow_the_address_and_a_new_client(
    warm, feedback_request_factory, client_factory
):
    feedback_request_factory(application__candidate_name="Ada Open")
    client = warm()
    assert 'value="answered" selected' not in client.get("/dashboard/").content.decode()

    assert 'value="answered" selected' in client.get("/dashboard/", {"view": "answered"}).content.decode()
    assert "Brand New Co" not in client.get("/dashboard/").content.decode()
    client_factory(name="Brand New Co")
    assert "Brand New Co" in client.get("/dashboard/").content.decode()


def test_a_candidate_on_the_dashboard_gets_404(candidate_client):
    assert candidate_client.get("/dashboard/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    page = client.get("/dashboard/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [1, 60])
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        ({}, 2),
        ({"q": "person"}, 2),
        ({"view": "answered"}, 2),
        ({"view": "all", "sort": "client"}, 2),
        ({"overdue": "on"}, 2),
        ({"owner": "mine"}, 3),  # and whom the recruiter covers today
    ],
)
def test_every_view_of_the_queue_keeps_its_query_budget(
    warm, feedback_request_factory, django_assert_num_queries, rows, params, queries
):
    feedback_request_factory.create_batch(rows, application__candidate_name="Person")
    client = warm()
    # 1. the signed-in user (the session, the filters' lists and the counts come from the cache)
    # 2. the page's rows, with their application joined in (the client's and owner's names: the cache)
    # (3. for "Mine": whose work the recruiter covers today)
    with django_assert_num_queries(queries):
        page = client.get("/dashboard/", params)
    assert page.status_code == 200


def test_a_late_page_keeps_the_query_budget(warm, feedback_request_factory, django_assert_num_queries):
    feedback_request_factory.create_batch(120)
    client = warm()
    second = NEXT.search(client.get("/dashboard/").content.decode()).group(1).replace("&amp;", "&")
    with django_assert_num_queries(2):
        assert client.get("/dashboard/" + second).status_code == 200


def test_the_counts_kept_ready_follow_every_move_of_a_request(
    warm, recruiter, feedback_request_factory, django_assert_num_queries
):
    first, _second = feedback_request_factory.create_batch(2)
    client = warm()
    assert "<strong>2</strong> waiting for a recruiter" in client.get("/dashboard/").content.decode()

    services.decline_request(feedback_request=first, actor=recruiter, message="The role was withdrawn.")

    # Counted again once (the grouped query of open work), then kept ready again.
    with django_assert_num_queries(3):
        html = client.get("/dashboard/").content.decode()
    assert "<strong>1</strong> waiting for a recruiter" in html
    with django_assert_num_queries(2):
        client.get("/dashboard/")
    feedback_request_factory()  # a new request counts too
    assert "<strong>2</strong> waiting for a recruiter" in client.get("/dashboard/").content.decode()


def test_counts_read_before_a_change_are_not_shown_after_it(feedback_request_factory):
    """Kept counts stand until a change moves their version on (as every move does); then they
    are counted again."""
    waiting = feedback_request_factory.create_batch(3)
    visible = FeedbackRequest.objects.all()
    assert sum(queue_kept.work_counts(visible, every_request=True)["needs"].values()) == 3
    # A change the counts have not heard of yet (as if still being committed): the kept counts stand…
    FeedbackRequest.objects.filter(pk=waiting[0].pk).update(needs="", state=S.DECLINED)
    assert sum(queue_kept.work_counts(visible, every_request=True)["needs"].values()) == 3
    # …until the change says so, as every move does.
    queue_kept.forget_counts()
    assert sum(queue_kept.work_counts(visible, every_request=True)["needs"].values()) == 2
    # A recruiter who sees only some clients is counted on their own, never from the agency's.
    assert sum(queue_kept.work_counts(visible.none(), every_request=False)["needs"].values()) == 0


def test_a_managers_decline_is_named_as_such(recruiter_client, routing_factory, answer):
    declined = routing_factory().feedback_request
    services.submit_manager_decline(routing=declined.routings.get(), reason="Company policy.")
    answered = routing_factory().feedback_request
    answer(answered.routings.get())

    html = recruiter_client.get("/dashboard/").content.decode()

    assert html.count("Declined by the manager: confirm or route again") == 2  # the row, and the count
    assert "Answer to review and release</td>" in html


def test_a_request_read_on_its_own_still_names_a_managers_decline(routing_factory, django_assert_num_queries):
    routing = routing_factory()
    services.submit_manager_decline(routing=routing, reason="Company policy.")
    feedback_request = FeedbackRequest.objects.get(pk=routing.feedback_request_id)

    with django_assert_num_queries(1):
        assert feedback_request.recruiter_state_label == "Declined by the manager — confirm"


def test_the_agency_setting_shows_recruiters_only_their_clients(
    portal_settings,
    recruiter_client,
    recruiter,
    feedback_request_factory,
    application_factory,
    client_factory,
):
    PortalSettings.objects.filter(pk=1).update(recruiters_see=PortalSettings.Visibility.OWN_CLIENTS)
    PortalSettings.objects.get().save()
    feedback_request_factory(
        application=application_factory(client=client_factory(owner=recruiter), candidate_name="Mine Mo")
    )
    feedback_request_factory(application__candidate_name="Other Otto")

    html = recruiter_client.get("/dashboard/").content.decode()

    assert names(html) == ["Mine Mo"]
    assert "<strong>1</strong> waiting for a recruiter" in html


@pytest.mark.django_db(transaction=True)
def test_a_transaction_moving_many_requests_moves_the_counts_on_once(feedback_request_factory, recruiter):
    """A bulk action or a sweep moving many requests in one transaction tells the counts once
    (and once more on commit); counts read in between are still never shown after a later move."""
    waiting = feedback_request_factory.create_batch(3)
    visible = FeedbackRequest.objects.all()
    versions = set()
    with transaction.atomic():
        for fr in waiting[:2]:
            services.decline_request(feedback_request=fr, actor=recruiter, message="The role was withdrawn.")
            versions.add(cache.get(queue_kept.COUNTS_VERSION_KEY))
        assert len(versions) == 1
        assert sum(queue_kept.work_counts(visible, every_request=True)["needs"].values()) == 1
        services.decline_request(feedback_request=waiting[2], actor=recruiter, message="Withdrawn.")
        assert sum(queue_kept.work_counts(visible, every_request=True)["needs"].values()) == 0
        versions.add(cache.get(queue_kept.COUNTS_VERSION_KEY))
    assert len(versions) == 2
    assert cache.get(queue_kept.COUNTS_VERSION_KEY) not in versions  # and once more on commit


def test_rows_name_their_client_and_recruiter_even_when_the_kept_names_have_not_heard_of_them(
    warm, feedback_request_factory, application_factory, client_factory, recruiter_factory
):
    """The rows read the names of clients and recruiters from the cache: a client renamed, a
    recruiter who left or changed role, still show as they are now."""
    leaver = recruiter_factory(name="Lee Leaver")
    fr = feedback_request_factory(application=application_factory(client=client_factory(name="Old Name Ltd")))
    FeedbackRequest.objects.filter(pk=fr.pk).update(owner=leaver)
    client = warm()
    assert "Old Name Ltd" in client.get("/dashboard/").content.decode()

    fr.application.client.name = "New Name Ltd"
    fr.application.client.save()
    leaver.is_active = False
    leaver.save()
    html = client.get("/dashboard/").content.decode()
    assert "New Name Ltd" in html and "Old Name Ltd" not in html
    assert "Lee Leaver" in html

    # Changed behind the portal's back (no signal): looked up, not left blank.
    User.objects.filter(pk=leaver.pk).update(role=User.Role.CANDIDATE, name="Lee Elsewhere")
    cache.delete(queue_kept._choices_key("names"))
    queue_kept.names()  # kept again: the leaver is no longer a recruiter
    newcomer = Client.objects.bulk_create([Client(name="Quiet Newcomer", owner=leaver)])[0]
    Application.objects.filter(pk=fr.application_id).update(client=newcomer)
    html = client.get("/dashboard/").content.decode()
    assert "Quiet Newcomer" in html
    assert "Lee Elsewhere" in html
