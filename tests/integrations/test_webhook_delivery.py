"""Webhook deliveries: written with the event, signed, sent to a real HTTP receiver, retried with
backoff, marked failed after the limit. Tasks run in this process (eagerly) after commit; the
real worker on Redis is in test_webhook_worker.py."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Application
from integrations import webhooks
from integrations.models import WebhookDelivery, WebhookEvent

from .conftest import verify_signature

pytestmark = pytest.mark.django_db

NOT_SELECTED = Application.Outcome.NOT_SELECTED


@pytest.fixture
def application(application_factory):
    return application_factory(
        outcome=Application.Outcome.PENDING,
        outcome_on=None,
        external_id="BH-77812",
        candidate_name="Robin Castellano",
        candidate=None,
        candidate_email="robin@example.test",
    )


def record_not_selected(application, capture):
    with capture(execute=True):
        candidate_services.record_outcome(application=application, outcome=NOT_SELECTED)


def test_recording_an_outcome_posts_a_signed_webhook_the_ats_can_verify(
    receiver, endpoint_for, application, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(receiver)

    record_not_selected(application, django_capture_on_commit_callbacks)

    [got] = receiver.wait_for(1)
    assert got.headers["X-Portal-Event"] == "application.outcome_recorded"
    assert got.headers["Content-Type"] == "application/json"
    assert verify_signature(endpoint.secret, got.headers["X-Portal-Signature"], got.body, now=got.at)
    payload = got.json
    assert payload["type"] == "application.outcome_recorded"
    assert payload["id"] == got.headers["X-Portal-Delivery"]
    assert payload["data"] == {
        "application": {
            "uuid": str(application.uuid),
            "external_id": "BH-77812",
            "outcome": "not_selected",
            "outcome_on": timezone.localdate().isoformat(),
        }
    }
    assert payload["occurred_at"].endswith("Z")
    # Minimal personal data: neither the candidate's name nor their address.
    assert b"Robin" not in got.body and b"robin@" not in got.body
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("sent", 1, 200)
    assert delivery.sent_at is not None


def test_the_signature_fails_with_another_secret_a_changed_body_or_outside_the_replay_window(
    receiver, endpoint_for, application, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(receiver)
    record_not_selected(application, django_capture_on_commit_callbacks)
    [got] = receiver.wait_for(1)
    header = got.headers["X-Portal-Signature"]

    assert verify_signature(endpoint.secret, header, got.body, now=got.at)
    assert not verify_signature(endpoint.secret + "x", header, got.body, now=got.at)
    assert not verify_signature(
        endpoint.secret, header, got.body.replace(b"not_selected", b"hired"), now=got.at
    )
    # Replayed six minutes later: refused; four minutes later: still inside the window.
    assert not verify_signature(endpoint.secret, header, got.body, now=got.at + 6 * 60)
    assert verify_signature(endpoint.secret, header, got.body, now=got.at + 4 * 60)


def test_recording_the_same_outcome_again_announces_nothing_new(
    receiver, endpoint_for, application, django_capture_on_commit_callbacks
):
    endpoint_for(receiver)
    record_not_selected(application, django_capture_on_commit_callbacks)
    record_not_selected(application, django_capture_on_commit_callbacks)

    assert WebhookDelivery.objects.count() == 1


def test_a_request_moving_on_is_announced_with_its_state_and_never_the_managers_name(
    receiver, endpoint_for, submit, route, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(receiver, events=[WebhookEvent.REQUEST_ASKED, WebhookEvent.REQUEST_ROUTED])

    with django_capture_on_commit_callbacks(execute=True):
        feedback_request = submit(external_id="VN-5521")
    with django_capture_on_commit_callbacks(execute=True):
        route(feedback_request)

    asked, routed = receiver.wait_for(2)
    assert [asked.json["type"], routed.json["type"]] == ["request.asked", "request.routed"]
    assert routed.headers["X-Portal-Event"] == "request.routed"
    assert routed.json["data"] == {
        "request": {"uuid": str(feedback_request.uuid), "state": "awaiting_manager"},
        "application": {"uuid": str(feedback_request.application.uuid), "external_id": "VN-5521"},
    }
    assert asked.json["data"]["request"]["state"] == "submitted"
    assert asked.json["id"] != routed.json["id"]
    for got in (asked, routed):
        assert verify_signature(endpoint.secret, got.headers["X-Portal-Signature"], got.body, now=got.at)
        assert b"Dana" not in got.body and b"Whitfield" not in got.body and b"Robin" not in got.body


def test_an_endpoint_hears_only_the_events_it_wants_and_an_inactive_one_nothing(
    receiver, another_receiver, endpoint_for, submit, django_capture_on_commit_callbacks
):
    endpoint_for(receiver, events=[WebhookEvent.OUTCOME_RECORDED])
    endpoint_for(another_receiver, name="Old ATS", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        submit()

    assert WebhookDelivery.objects.count() == 0
    assert receiver.received == [] and another_receiver.received == []


def test_the_delivery_rolls_back_with_the_event(receiver, endpoint_for, application, submit):
    endpoint_for(receiver)

    with pytest.raises(RuntimeError), transaction.atomic():
        candidate_services.record_outcome(application=application, outcome=NOT_SELECTED)
        submit()
        assert WebhookDelivery.objects.count() == 2  # written with the events, in their transaction
        raise RuntimeError("the page failed after the change")

    assert WebhookDelivery.objects.count() == 0
    time.sleep(0.2)
    assert receiver.received == []


def test_a_500_is_retried_after_a_growing_pause_with_the_same_idempotency_key(
    receiver, endpoint_for, application, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_RETRY_SECONDS = 30
    endpoint = endpoint_for(receiver)
    receiver.answers = [500, 503]

    started = timezone.now()
    record_not_selected(application, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    # Waiting 15 to 30 s (30 s with up to half of it taken off at random), not sent before then.
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert "receiver says no" in delivery.last_error
    assert (
        started + timedelta(seconds=15) <= delivery.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    )
    assert webhooks.sweep(now=timezone.now()) == 0

    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=True):
        second_try_at = timezone.now()
        assert webhooks.sweep(now=timezone.now()) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 2, 503)
    # The second pause doubles: 30 to 60 s.
    assert delivery.next_attempt_at - second_try_at >= timedelta(seconds=30)
    assert delivery.next_attempt_at - second_try_at <= timedelta(seconds=61)

    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=True):
        webhooks.sweep(now=timezone.now())
        signed_at = time.time()

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "sent",
        3,
        200,
        "",
    )
    attempts = receiver.wait_for(3)
    assert {got.headers["X-Portal-Delivery"] for got in attempts} == {str(delivery.idempotency_key)}
    assert {got.body for got in attempts} == {attempts[0].body}  # the same payload each time
    last = attempts[-1]
    assert verify_signature(endpoint.secret, last.headers["X-Portal-Signature"], last.body, now=signed_at)


def test_after_the_last_attempt_the_delivery_is_marked_failed_and_left_alone(
    receiver, endpoint_for, application, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.answers = [500] * 10
    endpoint_for(receiver)

    record_not_selected(application, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    for _ in range(2):
        with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=True):
            webhooks.sweep(now=timezone.now())
        delivery.refresh_from_db()

    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("failed", 3, 500)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert webhooks.sweep(now=timezone.now()) == 0
    assert len(receiver.wait_for(3)) == 3


def test_a_receiver_slower_than_the_timeout_counts_as_a_failure(
    receiver, endpoint_for, application, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    receiver.delay = 2
    endpoint_for(receiver)

    record_not_selected(application, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "timed out" in delivery.last_error.lower()


def test_a_redirect_is_not_followed(
    receiver, another_receiver, endpoint_for, application, django_capture_on_commit_callbacks
):
    receiver.answers = [307]
    receiver.location = another_receiver.url
    endpoint_for(receiver)

    record_not_selected(application, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.last_status_code) == ("pending", 307)
    time.sleep(0.2)
    assert another_receiver.received == []


def test_one_attempt_is_claimed_by_one_worker_and_taken_again_only_after_its_lease(
    receiver, endpoint_for, application, settings
):
    endpoint_for(receiver)
    with transaction.atomic():  # enqueued on commit: not here, the test sends it itself
        candidate_services.record_outcome(application=application, outcome=NOT_SELECTED)
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()

    assert webhooks.claim(delivery.pk, now=now)
    assert not webhooks.claim(delivery.pk, now=now)  # a second worker: nothing to send
    assert not webhooks.deliver(delivery.pk, now=now)
    assert webhooks.due_ids(now=now) == []
    # The first worker died: once its lease is over, the sweep finds it and it is sent.
    later = now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS + 1)
    assert webhooks.due_ids(now=later) == [delivery.pk]
    assert webhooks.deliver(delivery.pk, now=later)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert len(receiver.wait_for(1)) == 1


def test_the_worker_that_lost_its_lease_does_not_overwrite_the_new_attempt(
    receiver, endpoint_for, application
):
    endpoint_for(receiver)
    with transaction.atomic():
        candidate_services.record_outcome(application=application, outcome=NOT_SELECTED)
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()
    assert webhooks.claim(delivery.pk, now=now)
    stale = WebhookDelivery.objects.get(pk=delivery.pk)  # the first worker's copy: attempt 1
    assert webhooks.deliver(delivery.pk, now=now + timedelta(hours=1))  # attempt 2 sent

    webhooks._record_failure(stale, "late timeout", status=None, now=now)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("sent", 2, "")


def test_pauses_double_up_to_a_day_with_jitter(settings):
    settings.WEBHOOK_RETRY_SECONDS = 30
    for attempts, full in [(1, 30), (2, 60), (3, 120), (10, 30 * 512), (20, 86400)]:
        pauses = [webhooks.pause_after(attempts).total_seconds() for _ in range(50)]
        assert all(full / 2 <= p <= full for p in pauses), (attempts, min(pauses), max(pauses))
        assert len(set(pauses)) > 1  # jittered


def test_a_local_receiver_named_localhost_is_reached_whichever_address_answers(
    receiver, endpoint_for, application, django_capture_on_commit_callbacks
):
    # localhost is ::1 and 127.0.0.1; the receiver listens on 127.0.0.1 only.
    endpoint = endpoint_for(receiver)
    endpoint.url = receiver.url.replace("127.0.0.1", "localhost")
    endpoint.save()

    record_not_selected(application, django_capture_on_commit_callbacks)

    [got] = receiver.wait_for(1)
    assert got.headers["Host"] == endpoint.url.split("/")[2]
    assert WebhookDelivery.objects.get().state == "sent"


def test_an_import_announces_each_turned_down_application_in_a_fixed_number_of_queries(
    receiver, endpoint_for, client_factory, recruiter, django_assert_num_queries
):
    endpoint_for(receiver, events=[WebhookEvent.OUTCOME_RECORDED])
    client = client_factory(owner=recruiter)

    def items(first: int, count: int) -> list[dict]:
        return [
            {
                "client": client,
                "recruiter": recruiter,
                "candidate_name": f"Candidate {n}",
                "candidate_email": f"c{n}@example.test",
                "role_title": "Analyst",
                "outcome": NOT_SELECTED,
                "outcome_on": timezone.localdate(),
                "source": Application.Source.IMPORT,
                "external_id": f"ATS-{n}",
            }
            for n in range(first, first + count)
        ]

    # savepoint, verified candidates, applications, endpoints, deliveries, release: one of each
    for first, count in ((0, 3), (100, 40)):
        with django_assert_num_queries(6):
            candidate_services.create_applications(items=items(first, count))

    deliveries = WebhookDelivery.objects.filter(event=WebhookEvent.OUTCOME_RECORDED)
    assert deliveries.count() == 43
    assert len({d.idempotency_key for d in deliveries}) == 43  # an event each
    assert {d.payload["data"]["application"]["external_id"] for d in deliveries} >= {"ATS-0", "ATS-139"}
