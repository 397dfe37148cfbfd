"""The recruiter's desk: reassigning, handing work over, bulk actions, and who sees what."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client as Browser
from django.utils import timezone

from candidates.models import Client
from feedback_portal.models import PortalSettings
from requests_app import services
from requests_app.access import desk_of
from requests_app.models import BulkRun, Event, FeedbackRequest, Handover
from requests_app.services.desk import covered_by

pytestmark = pytest.mark.django_db

ONCE = re.compile(r'name="once" value="([0-9a-f]{32})"')


@pytest.fixture
def colleague(recruiter_factory):
    return recruiter_factory(name="Cole League")


def signed_in(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def test_a_request_is_owned_by_its_applications_recruiter_when_asked(submitted_request):
    assert submitted_request.owner == submitted_request.application.recruiter


def test_reassigning_one_request_is_on_its_timeline(
    recruiter_client, recruiter, submitted_request, colleague
):
    page = recruiter_client.post(
        f"/dashboard/requests/{submitted_request.uuid}/reassign/", {"owner": str(colleague.uuid)}, follow=True
    )
    assert "Now looked after by Cole League." in page.content.decode()
    assert FeedbackRequest.objects.get().owner == colleague
    event = Event.objects.filter(feedback_request=submitted_request, kind=Event.Kind.NOTE).last()
    assert event.message == "Now looked after by Cole League." and event.actor == recruiter
    assert not event.visible_to_candidate


def test_a_holiday_cover_puts_the_work_under_the_colleagues_mine_for_those_dates(
    submitted_request, colleague, time_machine
):
    owner = submitted_request.owner
    today = timezone.localdate()
    services.hand_over(
        from_recruiter=owner,
        to_recruiter=colleague,
        actor=owner,
        starts_on=today + timedelta(days=7),
        ends_on=today + timedelta(days=13),
    )
    assert covered_by(colleague) == [colleague.pk]  # not yet
    time_machine.move_to(timezone.now() + timedelta(days=8))
    assert covered_by(colleague) == [colleague.pk, owner.pk]
    assert FeedbackRequest.objects.get().owner == owner  # the request stays theirs
    note = Event.objects.filter(message__startswith="Cole League covers").get()
    assert "from" in note.message
    time_machine.move_to(timezone.now() + timedelta(days=7))
    assert covered_by(colleague) == [colleague.pk]


def test_handing_over_for_good_moves_every_open_request_and_client(
    recruiter, colleague, feedback_request_factory, client_factory, application_factory
):
    acme = client_factory(owner=recruiter)
    waiting = feedback_request_factory(
        application=application_factory(client=acme, recruiter=recruiter), owner=recruiter
    )
    ended = feedback_request_factory(
        application=application_factory(client=acme, recruiter=recruiter),
        owner=recruiter,
        state=FeedbackRequest.State.DECLINED,
    )

    services.hand_over(
        from_recruiter=recruiter, to_recruiter=colleague, actor=recruiter, starts_on=timezone.localdate()
    )

    assert FeedbackRequest.objects.get(pk=waiting.pk).owner == colleague
    assert FeedbackRequest.objects.get(pk=ended.pk).owner == recruiter  # its work is done
    assert Client.objects.get(pk=acme.pk).owner == colleague
    assert Event.objects.filter(feedback_request=waiting, message__contains="Handed over for good").exists()


def test_the_handover_page_refuses_bad_dates_and_keeps_what_was_typed(recruiter_client, colleague):
    page = recruiter_client.get("/dashboard/handover/")
    data = {
        "once": ONCE.search(page.content.decode()).group(1),
        "to_recruiter": str(colleague.uuid),
        "how_long": "dates",
        "starts_on": "2099-01-10",
        "ends_on": "2099-01-03",
    }
    refused = recruiter_client.post("/dashboard/handover/", data)
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "The cover must end on or after the day it starts." in html
    assert 'value="2099-01-10"' in html
    assert not Handover.objects.exists()


def test_a_recruiter_hands_over_only_their_own_work(
    recruiter_client, recruiter, colleague, recruiter_factory
):
    other = recruiter_factory()
    page = recruiter_client.get("/dashboard/handover/").content.decode()
    assert str(other.uuid) not in page.split('name="to_recruiter"')[0]  # "whose work" offers only them
    data = {
        "once": ONCE.search(page).group(1),
        "from_recruiter": str(other.uuid),
        "to_recruiter": str(colleague.uuid),
        "how_long": "good",
    }
    assert recruiter_client.post("/dashboard/handover/", data).status_code == 400
    assert not Handover.objects.exists()


@pytest.fixture
def three_awaiting(route, feedback_request_factory):
    return [route(feedback_request_factory()) for _ in range(3)]


def test_bulk_extend_does_each_once_emails_each_manager_and_lists_what_was_refused(
    recruiter_client,
    three_awaiting,
    answer,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    answer(three_awaiting[2])  # answered meanwhile: its link is not extended
    chosen = [str(r.feedback_request.uuid) for r in three_awaiting]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = recruiter_client.post(
            "/dashboard/bulk/", {"requests": chosen, "action": "extend", "days": 7, "once": "a" * 32}
        )
    run = BulkRun.objects.get()
    assert done["Location"] == f"/dashboard/bulk/{run.uuid}/"
    # 1. the signed-in user  2. the bulk run (the session comes from the cache)
    with django_assert_max_num_queries(8):
        page = recruiter_client.get(done["Location"])
    html = page.content.decode()
    assert "2 done, 1 not done" in html
    assert "This request is answered, awaiting review; it cannot be extended now." in html
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.hiring_manager.email for r in three_awaiting[:2])
    # The same form sent again does nothing more.
    again = recruiter_client.post(
        "/dashboard/bulk/", {"requests": chosen, "action": "extend", "days": 7, "once": "a" * 32}
    )
    assert again["Location"] == "/dashboard/"
    assert BulkRun.objects.count() == 1


def test_bulk_needs_a_choice_and_what_the_action_needs(recruiter_client, three_awaiting):
    page = recruiter_client.post("/dashboard/bulk/", {"action": "decline"}, follow=True)
    assert "Tick the requests to act on first." in page.content.decode()
    chosen = [str(three_awaiting[0].feedback_request.uuid)]
    page = recruiter_client.post("/dashboard/bulk/", {"requests": chosen, "action": "decline"}, follow=True)
    assert "Write the note each candidate will read." in page.content.decode()
    # One bulk action takes at most 500: it runs within the recruiter's own request.
    many = [str(uuid.uuid4()) for _ in range(501)]
    page = recruiter_client.post("/dashboard/bulk/", {"requests": many, "action": "remind"}, follow=True)
    assert "Tick at most 500 requests at a time." in page.content.decode()
    assert not BulkRun.objects.exists()


def test_only_its_author_sees_a_bulk_result(recruiter_client, recruiter, colleague, three_awaiting):
    run = BulkRun.objects.create(action="remind", created_by=recruiter)
    assert recruiter_client.get(f"/dashboard/bulk/{run.uuid}/").status_code == 200
    assert signed_in(colleague).get(f"/dashboard/bulk/{run.uuid}/").status_code == 404


def test_where_recruiters_see_their_own_clients_another_desks_request_answers_404(
    portal_settings, recruiter_factory, feedback_request_factory, client_factory, application_factory
):
    PortalSettings.objects.filter(pk=1).update(recruiters_see=PortalSettings.Visibility.OWN_CLIENTS)
    PortalSettings.objects.get().save()  # drops the cached row
    mine, theirs = recruiter_factory(), recruiter_factory()
    my_request = feedback_request_factory(application=application_factory(client=client_factory(owner=mine)))
    their_request = feedback_request_factory(
        application=application_factory(client=client_factory(owner=theirs))
    )
    browser = signed_in(mine)

    assert browser.get(f"/dashboard/requests/{my_request.uuid}/").status_code == 200
    assert browser.get(f"/dashboard/requests/{their_request.uuid}/").status_code == 404
    # Covering for them, their desk is visible too.
    Handover.objects.create(
        from_recruiter=theirs, to_recruiter=mine, starts_on=timezone.localdate(), ends_on=timezone.localdate()
    )
    assert signed_in(mine).get(f"/dashboard/requests/{their_request.uuid}/").status_code == 200


def test_desk_of_is_read_once_per_request(rf, recruiter, django_assert_num_queries):
    request = rf.get("/")
    request.user = recruiter
    with django_assert_num_queries(1):
        assert desk_of(request) == desk_of(request) == [recruiter.pk]


def test_after_a_reassignment_the_new_recruiter_gets_the_requests_emails(
    routing, answer, colleague, recruiter, django_capture_on_commit_callbacks
):
    services.reassign(feedback_request=routing.feedback_request, to=colleague, actor=recruiter)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer(routing)
    [told] = [m for m in mail.outbox if "answer" in m.subject.lower() or "review" in m.subject.lower()]
    assert told.to == [colleague.email]


@pytest.mark.parametrize("rows", [1, 60])
def test_a_bulk_result_page_keeps_its_query_budget_however_many_it_lists(
    recruiter_client, recruiter, colleague, feedback_request_factory, django_assert_num_queries, rows
):
    chosen = feedback_request_factory.create_batch(rows)
    run = services.run_bulk(
        action=BulkRun.Action.REASSIGN,
        requests=chosen,
        actor=recruiter,
        parameters={"to": str(colleague.uuid)},
    )
    recruiter_client.get(f"/dashboard/bulk/{run.uuid}/")  # fills the caches, as on a running portal
    # 1. the signed-in user  2. the bulk run (the session comes from the cache)
    with django_assert_num_queries(2):
        page = recruiter_client.get(f"/dashboard/bulk/{run.uuid}/")
    assert f"{rows} done" in page.content.decode()
