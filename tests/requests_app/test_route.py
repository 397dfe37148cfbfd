"""/dashboard/requests/<uuid>/route/: the recruiter sends the request to a hiring manager."""

import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections

from candidates.models import Application
from feedback_portal.models import OutboundEmail
from requests_app import services
from requests_app.models import Event, FeedbackRequest, LinkToken, Routing

pytestmark = pytest.mark.django_db


def url(feedback_request) -> str:
    return f"/dashboard/requests/{feedback_request.uuid}/route/"


@pytest.fixture
def manager(submitted_request, hiring_manager_factory):
    return hiring_manager_factory(client=submitted_request.application.client, name="Morgan Blake")


@pytest.fixture
def unchanged(submitted_request):
    """Asserts, when called, that nothing about the request was stored since the fixture ran."""
    events = Event.objects.count()
    emails = OutboundEmail.objects.count()

    def check():
        assert FeedbackRequest.objects.get(pk=submitted_request.pk).state == FeedbackRequest.State.SUBMITTED
        assert not Routing.objects.exists()
        assert Event.objects.count() == events
        assert OutboundEmail.objects.count() == emails

    return check


def test_routing_emails_the_manager_a_personal_link(
    recruiter_client, recruiter, submitted_request, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = recruiter_client.post(
            url(submitted_request),
            {"hiring_manager": manager.pk, "message": "Was the CV too long?", "expires_in_days": 7},
            follow=True,
        )

    assert "Sent to Morgan Blake. They will get an e-mail with a personal link." in page.content.decode()
    routing = Routing.objects.get()
    assert routing.routed_by == recruiter
    assert routing.message == "Was the CV too long?"
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.AWAITING_MANAGER
    assert Event.objects.filter(kind=Event.Kind.ROUTED).count() == 1
    message = next(m for m in mail.outbox if manager.email in m.to)
    assert "/respond/" in message.body
    assert message.reply_to == [recruiter.email]
    assert LinkToken.objects.filter(routing=routing).count() == 1


@pytest.mark.parametrize(
    ("days", "error"),
    [
        ("0", "The link must work for at least 1 day."),
        ("61", "The link can work for at most 60 days."),
        ("two weeks", "Enter a whole number of days."),
        ("", "Say how many days the link should work."),
    ],
)
def test_a_bad_expiry_says_so_and_keeps_the_message(
    recruiter_client, submitted_request, manager, unchanged, days, error
):
    page = recruiter_client.post(
        url(submitted_request),
        {"hiring_manager": manager.pk, "message": "Reworded: was the CV too long?", "expires_in_days": days},
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert error in html
    assert "Reworded: was the CV too long?" in html
    assert f'<option value="{manager.pk}" selected>' in html
    unchanged()


def test_routing_without_a_manager_says_so(recruiter_client, submitted_request, manager, unchanged):
    page = recruiter_client.post(
        url(submitted_request), {"hiring_manager": "", "message": "Kept.", "expires_in_days": "14"}
    )
    assert page.status_code == 400
    assert "Choose the hiring manager to ask." in page.content.decode()
    assert "Kept." in page.content.decode()
    unchanged()


def test_a_manager_at_another_client_cannot_be_chosen(
    recruiter_client, submitted_request, hiring_manager_factory, unchanged
):
    elsewhere = hiring_manager_factory(name="Elsewhere Person")
    page = recruiter_client.post(
        url(submitted_request), {"hiring_manager": elsewhere.pk, "message": "", "expires_in_days": "14"}
    )
    assert page.status_code == 400
    assert "Select a valid choice." in page.content.decode()
    unchanged()


def test_an_ended_request_cannot_be_routed(recruiter_client, recruiter, submitted_request, manager):
    services.decline_request(feedback_request=submitted_request, actor=recruiter, message="Sorry.")
    events = Event.objects.count()

    page = recruiter_client.post(
        url(submitted_request),
        {"hiring_manager": manager.pk, "message": "", "expires_in_days": "14"},
        follow=True,
    )
    assert "This request is declined; it cannot be routed now." in page.content.decode()
    assert not Routing.objects.exists()
    assert Event.objects.count() == events


def test_an_unconfirmed_application_is_confirmed_before_it_is_routed(
    recruiter_client, submitted_request, manager, unchanged
):
    """The candidate described it themselves: no client's manager is asked until a recruiter confirms it."""
    Application.objects.filter(pk=submitted_request.application_id).update(
        source=Application.Source.CANDIDATE, is_confirmed=False
    )
    page = recruiter_client.get(f"/dashboard/requests/{submitted_request.uuid}/")
    assert "Send to the hiring manager" not in page.content.decode()

    page = recruiter_client.post(
        url(submitted_request),
        {"hiring_manager": manager.pk, "message": "", "expires_in_days": "14"},
        follow=True,
    )

    assert "Confirm the application before sending it to a hiring manager." in page.content.decode()
    unchanged()
    assert not mail.outbox


def test_a_candidate_cannot_route(candidate_client, submitted_request, manager, unchanged):
    page = candidate_client.post(
        url(submitted_request), {"hiring_manager": manager.pk, "message": "", "expires_in_days": "14"}
    )
    assert page.status_code == 404
    unchanged()


def test_form_errors_page_renders_in_a_fixed_number_of_queries(
    recruiter_client, submitted_request, manager, django_assert_num_queries
):
    # 1. the signed-in user (the session comes from the cache)
    # 2. the request, with application, client, recruiter and candidate
    # 3. validating the chosen manager against the client's managers
    # 4. the latest routing (none yet)
    # 5. the latest response (none yet, so no answers to prefetch)
    # 6. the client's hiring managers, for the form's choices
    # 7. the timeline, with each event's actor
    with django_assert_num_queries(7):
        page = recruiter_client.post(
            url(submitted_request), {"hiring_manager": manager.pk, "message": "", "expires_in_days": "0"}
        )
    assert page.status_code == 400


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_recruiters_routing_at_once_leave_one_live_link(submitted_request, hiring_manager_factory):
    """Both clicks succeed, one after the other: no IntegrityError (a 500), one live routing."""
    managers = [hiring_manager_factory(client=submitted_request.application.client) for _ in range(2)]
    ready = threading.Barrier(2)
    errors = []

    def hold_after_creating_the_routing(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('INSERT INTO "requests_app_routing"'):
            time.sleep(0.5)  # the other click runs meanwhile, inside the same window
        return result

    def click(manager) -> None:
        try:
            ready.wait(timeout=10)
            with connection.execute_wrapper(hold_after_creating_the_routing):
                services.route_request(
                    feedback_request=FeedbackRequest.objects.get(pk=submitted_request.pk),
                    hiring_manager=manager,
                    message="",
                    actor=submitted_request.application.recruiter,
                )
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=click, args=(m,)) for m in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == [], errors
    assert Routing.objects.count() == 2
    assert Routing.objects.filter(revoked_at__isnull=True).count() == 1
    assert FeedbackRequest.objects.get().state == FeedbackRequest.State.AWAITING_MANAGER
