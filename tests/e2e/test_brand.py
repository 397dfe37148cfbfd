"""The agency's brand in a real browser: its logo, name and colour on the candidate's feedback page under
the strict Content-Security-Policy, and that page printed black on white without navigation or buttons."""

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from playwright.sync_api import expect

from feedback_portal.models import PortalSettings
from requests_app.models import FeedbackRequest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
DEMO_PASSWORD = "demo-pass-2026"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain one-colour PNG, made here so the test needs no image file or library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def branded_demo():
    """The demo's data under another agency's name, colour and logo; the candidate's released request."""
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    portal = PortalSettings.load()
    portal.agency_name = "Southwind Careers"
    portal.agency_contact_email = "help@southwind.test"
    portal.brand_colour = "#8a1538"
    portal.set_logo(png(120, 40, (20, 90, 50)))
    portal.save()
    return FeedbackRequest.objects.filter(
        candidate__email="candidate@demo.test", state=FeedbackRequest.State.RELEASED
    ).first()


def test_the_candidates_feedback_page_wears_the_agencys_brand_and_prints_black_on_white(
    live_server, sign_in, csp_violations, branded_demo
):
    page = csp_violations(sign_in("candidate@demo.test", DEMO_PASSWORD))
    page.goto(f"{live_server.url}/requests/{branded_demo.uuid}/")

    expect(page).to_have_title(re.compile(r" · Southwind Careers$"))
    header = page.locator("header.top")
    expect(header.get_by_text("Southwind Careers")).to_be_visible()
    logo = header.locator("img.brand-logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 120
    # The colour comes from the generated stylesheet, which the policy lets load.
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(138, 21, 56)"
    expect(page.locator("footer")).to_contain_text("help@southwind.test")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 720})
        page.screenshot(path=SCREENSHOTS / f"brand-candidate-feedback-{width}.png", full_page=True)

    page.emulate_media(media="print")

    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    expect(header.get_by_role("navigation").get_by_role("list")).to_be_hidden()
    assert page.evaluate(
        "[...document.querySelectorAll('main button, main .button, main form')]"
        ".every(el => !el.checkVisibility())"
    )
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # An outside link prints its address after it, so the paper still says where it leads.
    after = page.evaluate(
        """() => {
            const link = document.createElement('a');
            link.href = 'https://example.test/cv-guide';
            link.textContent = 'CV guide';
            document.querySelector('main').append(link);
            return getComputedStyle(link, '::after').content;
        }"""
    )
    assert after == '" (" attr(href) ")"' or "https://example.test/cv-guide" in after
    page.screenshot(path=SCREENSHOTS / "brand-candidate-feedback-print.png", full_page=True)

    assert not csp_violations.seen, csp_violations.seen
