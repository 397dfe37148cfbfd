"""Text as people read it: the invisible characters that can disguise it taken out.

A right-to-left override (U+202E) makes "gpj.exe" read "exe.jpg"; zero-width characters make two
names that look the same differ. `visible` removes, from anything typed into the portal, the
characters that reorder or hide text and the control characters a keyboard never types. It keeps
what writing needs: line breaks and tabs, accents, the joiners of emoji and of Indic and Persian
scripts (U+200C, U+200D) and the plain left-to-right and right-to-left marks.
"""

import re

INVISIBLE = re.compile(
    "["
    # control characters other than tab, line breaks and NUL (which forms refuse, with a message)
    "\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u200b"  # zero-width space
    "\u202a-\u202e"  # bidirectional embeddings and overrides
    "\u2060-\u2064"  # word joiner and invisible operators
    "\u2066-\u2069"  # bidirectional isolates
    "\ufeff"  # zero-width no-break space (byte-order mark)
    "\ufff9-\ufffb"  # interlinear annotation
    "]"
)


def visible(text: str) -> str:
    """The text without characters that reorder or hide it."""
    return INVISIBLE.sub("", text)


def one_line(text: str) -> str:
    """Visible text on one line, spaces collapsed: for e-mail headers and other single lines."""
    return " ".join(visible(text).replace("\x00", "").split())
