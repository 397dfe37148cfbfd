"""The mail server stops: allauth's e-mails (sent at once, since they carry a code or a link that
must not be stored) fail gracefully. The page says the e-mail could not be sent, never a 500, and
nothing half-done blocks a second try. The aiosmtpd sink really stops; then it starts again."""

import re
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.utils import timezone

from feedback_portal.adapter import NOT_SENT
from feedback_portal.models import User

from .conftest import SmtpInbox

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def mail_server(settings, free_port):
    """An SMTP sink on a port of its own, Django's SMTP backend pointed at it: `stop()`, `start()`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5

    class Server:
        inbox = SmtpInbox()
        controller = None

        def start(self):
            self.controller = Controller(self.inbox, hostname="127.0.0.1", port=free_port)
            self.controller.start()

        def stop(self):
            if self.controller is not None:
                self.controller.stop()
                self.controller = None

    server = Server()
    server.start()
    yield server
    server.stop()


def shown(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def test_signing_up_while_mail_is_down_says_so_and_the_code_can_be_sent_again(mail_server, client):
    mail_server.stop()

    page = client.post(
        "/accounts/signup/",
        {
            "name": "Nia Newcomer",
            "email": "nia@example.test",
            "password1": "a-long-new-password-2026",
            "password2": "a-long-new-password-2026",
        },
        follow=True,
    )

    assert page.status_code == 200
    assert NOT_SENT in shown(page)
    assert "Send a new code" in shown(page)
    assert User.objects.filter(email="nia@example.test").exists()

    mail_server.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):  # "wait a few minutes"
        again = client.post(page.request["PATH_INFO"], {"action": "resend"}, follow=True)

    assert again.status_code == 200
    [message] = mail_server.inbox.messages
    assert message["To"] == "nia@example.test"
    code = re.search(r"address:\s+(\S+)", message.get_body(("plain",)).get_content()).group(1)
    confirmed = client.post(page.request["PATH_INFO"], {"code": code}, follow=True)
    assert confirmed.status_code == 200
    assert User.objects.get(email="nia@example.test").emailaddress_set.get().verified


def test_a_password_reset_while_mail_is_down_says_so(mail_server, client, candidate):
    mail_server.stop()

    page = client.post("/accounts/password/reset/", {"email": candidate.email}, follow=True)

    assert page.status_code == 200
    assert NOT_SENT in shown(page)


def test_signing_in_by_code_while_mail_is_down_says_so(mail_server, client, candidate):
    mail_server.stop()

    page = client.post("/accounts/login/code/", {"email": candidate.email}, follow=True)

    assert page.status_code == 200
    assert NOT_SENT in shown(page)
