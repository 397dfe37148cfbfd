"""The agency's brand, checked and served: its colour's contrast, its logo's type and size, the
small stylesheet that carries the colour, and the sender name on every e-mail.

The values themselves live on `PortalSettings` (edited in the admin); this module only checks
and renders them, so it imports no model.
"""

import hashlib
import re
from email.utils import formataddr, parseaddr

from django.core.exceptions import ValidationError

from .text import one_line

DEFAULT_COLOUR = "#1f4e8c"
# WCAG 2.1 AA for normal text (1.4.3): the colour carries white text (the header, buttons) and
# is itself text on white (links), so it must reach this against white both ways.
MIN_CONTRAST = 4.5
MAX_LOGO_BYTES = 200 * 1024

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# The first bytes of each accepted image type. SVG is refused: it is a document that can carry
# scripts and outside references, not just a picture.
LOGO_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP"}


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour: 0 for black, 1 for white."""
    r, g, b = (_channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """`colour` moved `share` (0 to 1) of the way towards `other`, as #rrggbb."""
    mixed = (round(a + (b - a) * share) for a, b in zip(_rgb(colour), _rgb(other), strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def validate_brand_colour(value: str) -> None:
    """A #rrggbb colour that white text can sit on, and that reads as text on white (AA)."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            "Enter the colour as # followed by six hexadecimal digits, for example #1f4e8c.",
            code="format",
        )
    ratio = contrast(value, "#ffffff")
    if ratio < MIN_CONTRAST:
        darker = value
        while contrast(darker, "#ffffff") < MIN_CONTRAST:
            darker = mix(darker, "#000000", 0.05)
        # Rounded down, so a colour just short of the bar never reads as meeting it.
        shown = int(ratio * 100) / 100
        raise ValidationError(
            f"{value} has a contrast of {shown:.2f}:1 against white; the header's white text and "
            f"links need at least {MIN_CONTRAST}:1 (WCAG AA). Choose a darker shade, such as {darker}.",
            code="contrast",
        )


def logo_type(data: bytes) -> str | None:
    """The image type the bytes really are (PNG, JPEG or WebP), whatever the file was called."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_logo_size(size: int) -> None:
    """Asked before the upload is read: a logo is shown on every page and e-mail, so it stays small."""
    if size == 0:
        raise ValidationError("The chosen file is empty.", code="empty")
    if size > MAX_LOGO_BYTES:
        raise ValidationError(
            f"The logo is {_kb(size)}; it can be at most {_kb(MAX_LOGO_BYTES)}. "
            "Save it smaller: 400 pixels wide is plenty for the header.",
            code="size",
        )


def validate_logo(data: bytes) -> str:
    """The logo's content type, or a ValidationError saying what is wrong with the file."""
    check_logo_size(len(data))
    found = logo_type(data)
    if found is None:
        raise ValidationError(
            "The logo must be a PNG, JPEG or WebP image, and this file is none of them. "
            "SVG is not accepted, as it can carry scripts.",
            code="type",
        )
    return found


def _kb(size: int) -> str:
    return f"{-(-size // 1024)} KB"  # rounded up: 200 KB and one byte is too big, and says 201


def version(data: bytes | str) -> str:
    """A short fingerprint of what is served: it names the version in addresses and the ETag."""
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()[:16]


def stylesheet(colour: str) -> str:
    """The brand's stylesheet: the colour and two shades made from it, as the tokens base.css reads."""
    # Not for print: a printed page is black on white, with base.css's print tokens.
    return (
        "/* The agency's brand colour, from its portal settings. */\n"
        "@media not print {\n"
        "  :root {\n"
        f"    --brand: {colour};\n"
        f"    --brand-dark: {mix(colour, '#000000', 0.25)};\n"
        f"    --brand-tint: {mix(colour, '#ffffff', 0.9)};\n"
        "  }\n"
        "}\n"
    )


def sender(agency_name: str, from_email: str) -> str:
    """The From header of every e-mail: the agency's name before the address the portal sends from."""
    address = parseaddr(from_email)[1] or from_email
    name = one_line(agency_name)
    return formataddr((name, address)) if name else address
