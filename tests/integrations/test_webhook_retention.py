"""Retention and erasure of webhook payloads: they name an application, so they do not stay."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import webhooks
from integrations.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery_about(application_factory):
    endpoint = WebhookEndpoint.objects.create(name="ATS", url="https://93.184.215.14/hook", events=[])

    def make(*, state="sent", days_old=0, application=None):
        application = application or application_factory(external_id="")
        return WebhookDelivery.objects.create(
            endpoint=endpoint,
            event="application.outcome_recorded",
            idempotency_key=uuid.uuid4(),
            application=application,
            payload={"data": {"application": {"uuid": str(application.uuid)}}},
            state=state,
            created_at=timezone.now() - timedelta(days=days_old),
        )

    return make


def test_payloads_older_than_the_period_are_blanked_and_the_rows_kept(delivery_about, settings):
    settings.WEBHOOK_PAYLOAD_DAYS = 30
    old_sent = delivery_about(days_old=31)
    old_failed = delivery_about(state="failed", days_old=40)
    recent = delivery_about(days_old=29)
    still_waiting = delivery_about(state="pending", days_old=31)  # its payload is still to send

    assert webhooks.forget_old_payloads(now=timezone.now()) == 2

    for delivery in (old_sent, old_failed):
        delivery.refresh_from_db()
        assert (delivery.payload, delivery.application_id) == ({}, None)
        assert delivery.forgotten_at is not None and delivery.state in ("sent", "failed")
    for delivery in (recent, still_waiting):
        delivery.refresh_from_db()
        assert delivery.payload and delivery.forgotten_at is None
    assert webhooks.forget_old_payloads(now=timezone.now()) == 0


def test_erasing_an_application_deletes_every_delivery_about_it(delivery_about, application_factory):
    erased = application_factory()
    other = application_factory()
    delivery_about(application=erased)
    delivery_about(application=erased, state="pending")
    kept = delivery_about(application=other)

    assert webhooks.forget_application(erased.pk) == 2

    assert list(WebhookDelivery.objects.all()) == [kept]


def test_erasing_a_candidate_deletes_the_deliveries_about_their_applications(
    delivery_about, application_factory, candidate, recruiter_factory
):
    from feedback_portal import erasure

    linked = application_factory(candidate=candidate)
    # Filed under their address before they had an account: found by the address, which the
    # candidates app blanks, so the deliveries go first.
    by_address = application_factory(candidate=None, candidate_email=candidate.email.upper())
    someone_else = application_factory()
    delivery_about(application=linked)
    delivery_about(application=by_address, state="pending")
    kept = delivery_about(application=someone_else)
    admin = recruiter_factory(role="admin")

    done = erasure.erase_account(erasure_request=erasure.request_erasure(user=candidate), actor=admin)

    assert list(WebhookDelivery.objects.all()) == [kept]
    assert done.counts["webhook_deliveries"] == 2
