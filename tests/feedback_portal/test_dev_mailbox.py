"""The development mailbox shows each e-mail as its reader would: quoted-printable and 8-bit parts
decoded, encoded subjects and sender names readable, and who it came from."""

import pytest
from django.core.mail import EmailMultiAlternatives

pytestmark = pytest.mark.django_db

SEPARATOR = b"\n" + b"-" * 79 + b"\n"

QUOTED_PRINTABLE = b"""\
Content-Type: multipart/alternative; boundary="b1"
MIME-Version: 1.0
Subject: =?utf-8?q?Zo=C3=AB=E2=80=99s_feedback_is_ready?=
From: =?utf-8?q?Nordstr=C3=B6m_Talent?= <feedback@portal.test>
To: zoe@example.test
Date: Fri, 04 Dec 2026 10:00:00 -0000

--b1
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

Hello Zo=C3=AB =E2=80=94 your feedback from Caf=C3=A9 Lumi=C3=A8re is ready: a long line that=
 a mail program wraps with a soft break.
--b1
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

<p>Hello Zo=C3=AB =E2=80=94 read it <a href=3D"http://127.0.0.1:8123/requests/">here</a>.</p>
--b1--
"""

EIGHT_BIT = """\
Content-Type: text/plain; charset="utf-8"
MIME-Version: 1.0
Content-Transfer-Encoding: 8bit
Subject: Łódź, Zürich and São Paulo
From: Northwind Talent <feedback@portal.test>
To: jo@example.test
Date: Fri, 04 Dec 2026 11:00:00 -0000

Dear Jo — ﬁve áreas rated. Ångström, naïve, 東京.
""".encode()


@pytest.fixture
def mailbox(settings, tmp_path, client):
    settings.DEBUG = True
    settings.MAIL_DIR = tmp_path
    return tmp_path


def test_a_quoted_printable_message_reads_decoded_with_its_sender_name(mailbox, client):
    (mailbox / "20261204-100000-1.log").write_bytes(QUOTED_PRINTABLE + SEPARATOR)

    page = client.get("/dev/mailbox/").content.decode()

    assert "Zoë’s feedback is ready" in page
    assert (
        "Hello Zoë — your feedback from Café Lumière is ready: a long line that a mail program wraps" in page
    )
    assert "Nordström Talent &lt;feedback@portal.test&gt;" in page
    assert "=C3" not in page
    html = client.get("/dev/mailbox/20261204-100000-1.0/html/").content.decode()
    assert '<p>Hello Zoë — read it <a href="http://127.0.0.1:8123/requests/">here</a>.</p>' in html


def test_an_8_bit_message_reads_as_written_beside_others_in_the_same_file(mailbox, client):
    (mailbox / "20261204-110000-1.log").write_bytes(EIGHT_BIT + SEPARATOR + QUOTED_PRINTABLE + SEPARATOR)

    page = client.get("/dev/mailbox/?id=20261204-110000-1.0").content.decode()

    assert "Łódź, Zürich and São Paulo" in page
    assert "Dear Jo — ﬁve áreas rated. Ångström, naïve, 東京." in page
    assert "Ã" not in page  # no UTF-8 read as Latin-1
    assert "Zoë’s feedback is ready" in page  # the list shows the second message too


def test_what_djangos_file_backend_writes_reads_back_as_sent(mailbox, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = mailbox
    message = EmailMultiAlternatives(
        subject="Rückmeldung für Zoë",
        body="Hello Zoë — here is your feedback.\n" + "A long line. " * 100,
        from_email='"Nordström & Co" <feedback@portal.test>',
        to=["zoe@example.test"],
    )
    message.attach_alternative("<p>Hello Zoë — here is your feedback.</p>", "text/html")
    message.send()

    page = client.get("/dev/mailbox/").content.decode()

    assert "Rückmeldung für Zoë" in page
    assert "Hello Zoë — here is your feedback." in page
    assert "Nordström &amp; Co" in page
