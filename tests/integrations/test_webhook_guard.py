"""The guard against server-side request forgery: webhooks go only to public http(s) addresses,
checked when the admin saves the endpoint and again at each sending, after DNS resolution."""

import socket
import time

import pytest
from django.db import transaction

from candidates import services as candidate_services
from candidates.models import Application
from integrations import addresses
from integrations.models import WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:8000/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("https://192.168.0.10/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:9000/hook", "loopback"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://224.0.0.1/hook", "multicast"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://[::ffff:10.0.0.1]/hook", "private"),
        ("http://100.64.0.1/hook", "not a public address"),
        # A host name is resolved: localhost is 127.0.0.1 (and ::1) on every machine.
        ("http://localhost:8000/hook", "loopback"),
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url, why):
    with pytest.raises(addresses.UnsafeAddress, match=why):
        addresses.safe_addresses(url)


def test_a_host_name_resolving_to_a_public_and_a_private_address_is_refused_whole(monkeypatch):
    # Public DNS cannot be reached here: the resolver's answer is stood in for.
    def resolve(host, port, *args, **kwargs):
        assert host == "hooks.ats.example"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(addresses.UnsafeAddress, match=r"private address \(10\.0\.0\.7\)"):
        addresses.safe_addresses("https://hooks.ats.example/portal")


def test_a_public_address_passes():
    parts, found = addresses.safe_addresses("https://93.184.215.14/portal")
    assert (parts.hostname, found) == ("93.184.215.14", ["93.184.215.14"])
    assert addresses.refusal("2606:4700:4700::1111") == ""


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://93.184.215.14/hook", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("https://user:pw@93.184.215.14/hook", "user name and password"),
        ("https:///hook", "no host name"),
    ],
)
def test_only_plain_http_and_https_addresses(url, message):
    with pytest.raises(addresses.UnsafeAddress, match=message):
        addresses.safe_addresses(url)


def test_the_setting_lets_a_local_receiver_through(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    _, found = addresses.safe_addresses("http://127.0.0.1:8000/hook")
    assert found == ["127.0.0.1"]
    # The form of the address is still checked.
    with pytest.raises(addresses.UnsafeAddress):
        addresses.safe_addresses("gopher://127.0.0.1/")


def test_at_sending_an_endpoint_that_turned_private_is_not_called(
    receiver, endpoint_for, application_factory, settings, django_capture_on_commit_callbacks
):
    # Saved while allowed (or its name resolved elsewhere then); now the guard is on.
    endpoint_for(receiver)
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        candidate_services.record_outcome(application=application, outcome=Application.Outcome.HIRED)

    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending"
    assert "UnsafeAddress" in delivery.last_error and "loopback" in delivery.last_error
    time.sleep(0.2)
    assert receiver.received == []
