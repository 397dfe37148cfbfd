"""Webhooks in the Django admin: an agency admin registers an endpoint (its secret shown), sees
deliveries by state, event and endpoint, and resends them; nobody else sees any of it."""

import uuid

import pytest
from django.utils import timezone
from django.utils.html import escape

from candidates import services as candidate_services
from candidates.models import Application
from integrations.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

from .conftest import verify_signature

pytestmark = pytest.mark.django_db

ENDPOINTS = "/admin/integrations/webhookendpoint/"
DELIVERIES = "/admin/integrations/webhookdelivery/"


def test_an_admin_registers_an_endpoint_and_is_shown_its_secret(admin_client, admin_user, receiver):
    page = admin_client.post(
        f"{ENDPOINTS}add/",
        {
            "name": "Bullhorn",
            "url": receiver.url,
            "events": ["application.outcome_recorded"],
            "is_active": "on",
        },
        follow=True,
    )

    assert page.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) == 70
    # Straight to its page, the secret on it to copy.
    assert page.redirect_chain[-1][0] == f"{ENDPOINTS}{endpoint.pk}/change/"
    html = page.content.decode()
    assert "The endpoint is saved. Give the ATS its signing secret, below." in html
    assert endpoint.secret in html
    assert (endpoint.events, endpoint.is_active, endpoint.created_by) == (
        ["application.outcome_recorded"],
        True,
        admin_user,
    )
    assert "checked" in html.split('value="application.outcome_recorded"')[1].split(">")[0]


def test_a_private_address_is_refused_on_the_form_with_what_was_typed_kept(admin_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False

    page = admin_client.post(
        f"{ENDPOINTS}add/",
        {"name": "Metadata", "url": "http://169.254.169.254/latest/", "events": ["request.asked"]},
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "169.254.169.254 is a link-local address (169.254.169.254): webhooks go only to public addresses."
        in html
    )
    assert 'value="Metadata"' in html and 'value="http://169.254.169.254/latest/"' in html
    assert WebhookEndpoint.objects.count() == 0


def test_an_endpoint_needs_at_least_one_event(admin_client, receiver):
    page = admin_client.post(f"{ENDPOINTS}add/", {"name": "ATS", "url": receiver.url})

    assert "Choose at least one event to send." in page.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_a_new_secret_replaces_the_old_one(admin_client, receiver, endpoint_for):
    endpoint = endpoint_for(receiver)
    old = endpoint.secret

    admin_client.post(ENDPOINTS, {"action": "new_secret", "_selected_action": [endpoint.pk]}, follow=True)

    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")


@pytest.fixture
def deliveries(receiver, endpoint_for, application_factory, settings, django_capture_on_commit_callbacks):
    """Two deliveries to one endpoint: one failed after its attempts, one sent."""
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    endpoint = endpoint_for(receiver)
    receiver.answers = [500]
    for outcome in (Application.Outcome.NOT_SELECTED, Application.Outcome.HIRED):
        application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)
        with django_capture_on_commit_callbacks(execute=True):
            candidate_services.record_outcome(application=application, outcome=outcome)
    failed, sent = WebhookDelivery.objects.order_by("pk")
    assert (failed.state, sent.state) == ("failed", "sent")
    return endpoint, failed, sent


def test_the_deliveries_list_filters_by_state(admin_client, deliveries):
    endpoint, failed, sent = deliveries

    page = admin_client.get(DELIVERIES, {"state": "failed"})

    html = page.content.decode()
    assert page.status_code == 200
    assert f"{DELIVERIES}{failed.pk}/change/" in html
    assert f"{DELIVERIES}{sent.pk}/change/" not in html
    assert admin_client.get(DELIVERIES, {"event": "request.asked"}).context["cl"].result_count == 0
    assert admin_client.get(DELIVERIES, {"endpoint__id__exact": endpoint.pk}).context["cl"].result_count == 2


def test_resending_a_failed_delivery_sends_it_again_with_the_same_key(
    admin_client, deliveries, receiver, django_capture_on_commit_callbacks
):
    endpoint, failed, _ = deliveries

    with django_capture_on_commit_callbacks(execute=True):
        page = admin_client.post(
            DELIVERIES, {"action": "resend", "_selected_action": [failed.pk]}, follow=True
        )

    assert "1 delivery(ies) will be sent again." in page.content.decode()
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_status_code) == ("sent", 1, 200)
    got = receiver.wait_for(3)[-1]
    assert got.headers["X-Portal-Delivery"] == str(failed.idempotency_key)
    assert verify_signature(endpoint.secret, got.headers["X-Portal-Signature"], got.body, now=got.at)


def test_a_blanked_payload_is_not_resent(admin_client, deliveries):
    _, failed, _ = deliveries
    WebhookDelivery.objects.filter(pk=failed.pk).update(payload={}, forgotten_at=timezone.now())

    page = admin_client.post(DELIVERIES, {"action": "resend", "_selected_action": [failed.pk]}, follow=True)

    assert "1 left as they are" in page.content.decode()
    failed.refresh_from_db()
    assert failed.state == "failed"


@pytest.mark.parametrize("path", [ENDPOINTS, DELIVERIES])
def test_a_recruiter_with_staff_access_sees_no_webhooks(client, recruiter_factory, path):
    recruiter = recruiter_factory(is_staff=True, is_superuser=True)  # even with every permission
    client.force_login(recruiter)

    assert client.get(path).status_code == 403
    assert "Webhook" not in client.get("/admin/").content.decode()


def test_the_events_to_choose_from_are_every_announced_event(admin_client):
    html = admin_client.get(f"{ENDPOINTS}add/").content.decode()
    for value, label in WebhookEvent.choices:
        assert value in html and escape(label) in html


@pytest.mark.parametrize("rows", [2, 40])
def test_the_deliveries_list_renders_in_a_fixed_number_of_queries(
    admin_client, rows, django_assert_num_queries
):
    endpoint = WebhookEndpoint.objects.create(name="ATS", url="https://93.184.215.14/hook", events=[])
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event="request.asked", idempotency_key=uuid.uuid4(), payload={})
        for _ in range(rows)
    )
    admin_client.get(DELIVERIES)  # the session and settings row as on a portal in use
    # 1. the admin (the session comes from the cache)
    # 2. the endpoints, for the endpoint filter
    # 3-4. the count of the list, and of all deliveries (the admin's "n total")
    # 5. whether the portal's settings row exists
    # 6. the page of deliveries, with their endpoints
    with django_assert_num_queries(6):
        page = admin_client.get(DELIVERIES)
    assert page.context["cl"].result_count == rows
