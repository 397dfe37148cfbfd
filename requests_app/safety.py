"""The legal-safety check on what a candidate will read.

`check_feedback` is pure: it reads only the text, ratings and terms it is given, so the
release page and the tests call it alike. It flags two things, each with the place
("Summary" or an area), the words found and why:

- legal terms and proxy phrases from the portal settings' list, matched as whole words
  and case-insensitively ("age" never inside "manage"), multi-word phrases across any
  whitespace or hyphen;
- unactionable text: an area rated "room to improve" whose comment is too short to act
  on, or is nothing but stock phrases.

The recruiter resolves each flag by editing the words away or by releasing anyway with a
reason, which is noted on the request's timeline for recruiters only.
"""

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from .models import Area, Rating

# A comment on an area rated "room to improve" needs at least this many words to say what
# was missing and what would help; fewer is flagged.
MIN_IMPROVE_WORDS = 8

# Phrases that tell the candidate nothing they can act on.
STOCK_PHRASES = (
    "not a fit",
    "not a good fit",
    "not the right fit",
    "not a culture fit",
    "not a great fit",
    "poor fit",
    "didn't click",
    "did not click",
    "just not right",
    "not right for us",
    "not right for the role",
    "not what we were looking for",
    "not what we are looking for",
    "not for us",
    "no spark",
    "gut feeling",
    "not quite there",
    "not strong enough",
    "other candidates were stronger",
    "went with another candidate",
)

# Words that carry no advice of their own: a comment made only of these and stock phrases
# ("Honestly, we all felt they were just not a fit for the team.") is still only a stock phrase.
FILLER_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
        a all an and at but candidate do felt feel for he her here him honestly i in it just
        of on our overall quite really role she simply so sadly sorry team that the them there
        they think this thought to unfortunately us very was we were with
        """,
    )
)

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


class Kind(StrEnum):
    LEGAL = "legal"
    UNACTIONABLE = "unactionable"

    @property
    def label(self) -> str:
        return {"legal": "possible legal risk", "unactionable": "not actionable"}[self.value]


@dataclass(frozen=True)
class Flag:
    """One thing to resolve before release, in one place (the summary or an area)."""

    slot: str  # "summary" or an Area value: which field of the release form it concerns
    place: str  # what the recruiter reads: "Summary" or the area's label
    kind: Kind
    rule: str  # "terms", "stock" or "short"
    words: tuple[str, ...]  # as found in the text; for a short comment, the comment itself
    why: str

    @property
    def key(self) -> str:
        """Stable within a form: one flag of each kind per place."""
        return f"{self.slot}_{self.kind}"

    @property
    def signature(self) -> str:
        """What a "release anyway" was given for: new words found later need a new decision.

        A short comment's rewording keeps its signature: the decision was about its length.
        """
        parts = [self.rule] if self.rule == "short" else [self.rule, *sorted({w.lower() for w in self.words})]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]

    def describe(self) -> str:
        words = ", ".join(f"“{w}”" for w in self.words) or "no comment"
        return f"{self.place} — {self.kind.label}: {words}"


class Acknowledged(NamedTuple):
    """A flag the recruiter released anyway, and why."""

    flag: Flag
    reason: str


def parse_terms(text: str) -> list[str]:
    """The settings' list, one term per line; blank lines and "#" comments skipped, no repeats."""
    seen: dict[str, str] = {}
    for line in text.splitlines():
        term = " ".join(line.split())
        if term and not term.startswith("#"):
            seen.setdefault(term.lower(), term)
    return list(seen.values())


def portal_terms() -> list[str]:
    """The agency's current list, from the (cached) portal settings row."""
    from feedback_portal.models import PortalSettings

    return parse_terms(PortalSettings.load().legal_terms)


@lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str]:
    """Whole words only, any case, any whitespace or hyphen between a phrase's words, a plural "s"."""
    words = [re.escape(w) for w in re.split(r"[\s\-]+", term.translate(_APOSTROPHES)) if w]
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(words) + r"s?(?!\w)", re.IGNORECASE)


def _found(text: str, phrases: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, words as written) for every phrase found, in reading order.

    Overlapping finds ("too young" and "young team" in "too young team") are named as one.
    """
    # Curly apostrophes match straight ones; the translation keeps every offset in place.
    plain = text.translate(_APOSTROPHES)
    spans = sorted(
        m.span() for phrase in phrases if phrase.strip() for m in _term_pattern(phrase).finditer(plain)
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end, " ".join(text[start:end].split())) for start, end in merged]


def _distinct(words: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for word in words:
        seen.setdefault(word.lower(), word)
    return tuple(seen.values())


def find_terms(text: str, terms: Iterable[str]) -> tuple[str, ...]:
    """The terms found in `text`, as written there, each once, in reading order."""
    return _distinct(words for _, _, words in _found(text, terms))


def _word_count(text: str) -> int:
    return len(_WORD.findall(text.translate(_APOSTROPHES)))


def _legal_flag(slot: str, place: str, text: str, terms: list[str]) -> Flag | None:
    words = find_terms(text, terms)
    if not words:
        return None
    return Flag(
        slot=slot,
        place=place,
        kind=Kind.LEGAL,
        rule="terms",
        words=words,
        why="Words like these can point to a characteristic the law protects (such as age, sex, "
        "race or origin, religion, disability, pregnancy or family). Describe behaviour and "
        "skills instead.",
    )


def _unactionable_flag(slot: str, place: str, comment: str, *, comments_expected: bool) -> Flag | None:
    comment = comment.strip()
    if not comment and not comments_expected:
        return None  # the client gives ratings only: no comment is what the candidate expects
    hits = _found(comment, STOCK_PHRASES)
    if hits:
        rest = comment.translate(_APOSTROPHES)
        for start, end, _ in reversed(hits):
            rest = rest[:start] + " " + rest[end:]
        if all(w.lower() in FILLER_WORDS for w in _WORD.findall(rest)):
            return Flag(
                slot=slot,
                place=place,
                kind=Kind.UNACTIONABLE,
                rule="stock",
                words=_distinct(words for _, _, words in hits),
                why="A stock phrase gives the candidate nothing to act on. Say what was missing "
                "and what would close the gap.",
            )
    count = _word_count(comment)
    if count >= MIN_IMPROVE_WORDS:
        return None
    return Flag(
        slot=slot,
        place=place,
        kind=Kind.UNACTIONABLE,
        rule="short",
        words=(" ".join(comment.split()),) if comment else (),
        why=(
            f"Only {count} word{'s' if count != 1 else ''} for an area rated “Room to improve”"
            if comment
            else "No comment for an area rated “Room to improve”"
        )
        + ": the candidate cannot tell what to work on. Say what was missing and what would help, "
        "ideally with an example.",
    )


def check_feedback(
    *,
    summary: str,
    answers: Mapping[str, tuple[str, str]],
    terms: Iterable[str],
    comments_expected: bool = True,
) -> list[Flag]:
    """Flags for the text a candidate will read: the summary, and each area's (rating, comment).

    `comments_expected` is False when the client gives ratings only: an empty comment on an
    area to improve is then what the policy promises, not a gap.
    """
    terms = list(terms)
    flags = []
    if flag := _legal_flag("summary", "Summary", summary, terms):
        flags.append(flag)
    for area in Area:
        if area.value not in answers:
            continue
        rating, comment = answers[area.value]
        if flag := _legal_flag(area.value, area.label, comment, terms):
            flags.append(flag)
        if rating == Rating.IMPROVE and (
            flag := _unactionable_flag(area.value, area.label, comment, comments_expected=comments_expected)
        ):
            flags.append(flag)
    return flags
