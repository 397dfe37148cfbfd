"""The legal-safety check on what a candidate will read.

`check_feedback` is pure: it reads only the text, ratings and terms it is given, so the
release page and the tests call it alike. It flags two things, each with the place
("Summary" or an area), the words found and why:

- legal terms and proxy phrases from the portal settings' list, each tied to one of the
  characteristics the Equality Act 2010 protects (feedback_portal.equality holds them, the
  default list and the parser). One flag per place and characteristic, naming it and saying
  why in one sentence: "young team" and "too old" in the summary are one age flag.
- unactionable text: an area rated "room to improve" whose comment is too short to act
  on, or is nothing but stock phrases.

How a legal term is matched (the admin's help text says the same):

- whole words only, in any case ("age" never inside "manage"); a phrase's words across any
  whitespace (a line break too) or hyphen; curly and straight apostrophes alike;
- each word of three letters or more also with its common endings: -s, -es, -ed, -ing,
  -er, -ers, -est, with the final consonant doubled, a final "e" dropped or a final "y"
  turned into "i" before them ("plan a family" finds "planned a family" and "planning a
  family", "retire" finds "retiring", "marry" finds "married"). Endings are only added, so
  the list holds plain forms;
- a phrase written in double quotes exactly as written, without endings (`"age"`: not
  "ages", "ageing");
- where a find lies inside a longer find for another characteristic ("gender" inside
  "gender reassignment"), only the longer one counts.

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

from feedback_portal.equality import Characteristic, Term, characteristic_by_key, parse_terms

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
    IDENTITY = "identity"  # a name or contact detail (requests_app.identity): edited away, never let through

    @property
    def label(self) -> str:
        return {
            "legal": "possible legal risk",
            "unactionable": "not actionable",
            "identity": "names someone",
        }[self.value]


@dataclass(frozen=True)
class Flag:
    """One thing to resolve before release, in one place (the summary or an area)."""

    slot: str  # "summary" or an Area value: which field of the release form it concerns
    place: str  # what the recruiter reads: "Summary" or the area's label
    kind: Kind
    rule: str  # "terms", "stock" or "short"
    words: tuple[str, ...]  # as found in the text; for a short comment, the comment itself
    why: str
    characteristic: str = ""  # a legal flag's Characteristic.key ("age"); empty for the others

    @property
    def key(self) -> str:
        """Stable within a form: one flag of each kind per place, a legal one per characteristic.

        "summary_unactionable", "experience_legal_age", "summary_legal_pregnancy".
        """
        if self.characteristic:
            return f"{self.slot}_{self.kind}_{self.characteristic}"
        if self.kind == Kind.IDENTITY:  # one per finding: "summary_identity_3f9a2c1d"
            found = "\n".join([self.rule, *(w.lower() for w in self.words)])
            return f"{self.slot}_{self.kind}_{hashlib.sha256(found.encode()).hexdigest()[:8]}"
        return f"{self.slot}_{self.kind}"

    @property
    def characteristic_label(self) -> str:
        """The Act's name for a legal flag's characteristic ("pregnancy and maternity"); else empty."""
        return characteristic_by_key(self.characteristic).label if self.characteristic else ""

    @property
    def label(self) -> str:
        """What the recruiter reads as the flag's kind: "possible legal risk (age)", "not actionable"."""
        if self.characteristic:
            return f"{self.kind.label} ({self.characteristic_label})"
        return self.kind.label

    @property
    def signature(self) -> str:
        """What a "release anyway" was given for: new words found later need a new decision.

        A short comment's rewording keeps its signature: the decision was about its length.
        """
        parts = [self.rule] if self.rule == "short" else [self.rule, *sorted({w.lower() for w in self.words})]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]

    def describe(self) -> str:
        words = ", ".join(f"“{w}”" for w in self.words) or "no comment"
        return f"{self.place} — {self.label}: {words}"


class Acknowledged(NamedTuple):
    """A flag the recruiter released anyway, and why."""

    flag: Flag
    reason: str


def portal_terms() -> list[Term]:
    """The agency's current list of (phrase, characteristic) terms, from the (cached) settings row."""
    from feedback_portal.models import PortalSettings

    return list(_parsed(PortalSettings.load().legal_terms))


@lru_cache(maxsize=4)
def _parsed(text: str) -> tuple[Term, ...]:
    return tuple(parse_terms(text))


@lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str]:
    """A stock phrase: whole words, any case, any whitespace or hyphen between words, a plural "s"."""
    words = [re.escape(w) for w in re.split(r"[\s\-]+", term.translate(_APOSTROPHES)) if w]
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(words) + r"s?(?!\w)", re.IGNORECASE)


def _found(text: str, phrases: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, words as written) for every stock phrase found, in reading order.

    Overlapping finds ("just not right for us" and "not right for us") are named as one.
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


def _word_count(text: str) -> int:
    return len(_WORD.findall(text.translate(_APOSTROPHES)))


# Endings a word of a legal term may take (see the module docstring); after a doubled final
# consonant or a dropped "e" only those starting with a vowel, after "y" turned to "i" only
# those that spell so ("married", "ladies"; "marrying" keeps its "y").
_ENDINGS = "s|es|ed|ing|er|ers|est"
_ENDINGS_AFTER_CHANGE = "ed|ing|er|ers|est"
_ENDINGS_AFTER_I = "es|ed|er|ers|est"


def _word_forms(word: str) -> str:
    """A regular expression for one word of a legal term and its common endings."""
    if len(word) < 3 or not word.isalpha():
        return re.escape(word)  # "a", "to", "gen z"'s "z", "o'clock": as written
    word = word.lower()
    forms = [f"{word}(?:{_ENDINGS})?"]
    last = word[-1]
    if last not in "aeiouwxy":
        forms.append(f"{word}{last}(?:{_ENDINGS_AFTER_CHANGE})")  # plan → planned, planning
    if last == "e":
        forms.append(f"{word[:-1]}(?:{_ENDINGS_AFTER_CHANGE})")  # retire → retiring
    if last == "y" and word[-2] not in "aeiou":
        forms.append(f"{word[:-1]}i(?:{_ENDINGS_AFTER_I})")  # marry → married, lady → ladies
    return "(?:" + "|".join(forms) + ")"


@lru_cache(maxsize=4096)
def _legal_pattern(phrase: str, exact: bool) -> re.Pattern[str]:
    """One legal term's pattern: whole words, any case, any whitespace or hyphen between words."""
    words = [w for w in re.split(r"[\s\-]+", phrase.translate(_APOSTROPHES)) if w]
    parts = [re.escape(w) for w in words] if exact else [_word_forms(w) for w in words]
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(parts) + r"(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=16)
def _legal_table(terms: tuple[Term, ...]) -> tuple[tuple[Characteristic, re.Pattern[str]], ...]:
    """The check's table: each term's compiled pattern beside its characteristic.

    Cached by the whole list, which the portal settings hand over unchanged until the admin
    edits it.
    """
    return tuple(
        (term.characteristic, _legal_pattern(term.phrase, term.exact))
        for term in terms
        if term.phrase.strip()
    )


def _legal_flags(
    slot: str, place: str, text: str, table: tuple[tuple[Characteristic, re.Pattern[str]], ...]
) -> list[Flag]:
    """One flag per characteristic whose terms are found in `text`, in the order they are first found."""
    # Curly apostrophes match straight ones; the translation keeps every offset in place.
    plain = text.translate(_APOSTROPHES)
    finds = sorted(
        ((m.start(), m.end(), c) for c, pattern in table for m in pattern.finditer(plain)),
        key=lambda find: find[:2],  # in reading order; the same words in the list's order
    )
    # Overlapping finds for one characteristic ("too young" and "young team" in "too young
    # team") are named as one.
    spans: dict[Characteristic, list[list[int]]] = {}
    for start, end, characteristic in finds:
        mine = spans.setdefault(characteristic, [])
        if mine and start < mine[-1][1]:
            mine[-1][1] = max(mine[-1][1], end)
        else:
            mine.append([start, end])

    def inside_another(start: int, end: int, characteristic: Characteristic) -> bool:
        # "gender" inside "gender reassignment" is about reassignment, not sex.
        return any(
            other != characteristic and o_start <= start and end <= o_end and o_end - o_start > end - start
            for other, theirs in spans.items()
            for o_start, o_end in theirs
        )

    flags = []
    for characteristic, found in spans.items():
        kept = [(start, end) for start, end in found if not inside_another(start, end, characteristic)]
        if kept:
            flag = Flag(
                slot=slot,
                place=place,
                kind=Kind.LEGAL,
                rule="terms",
                words=_distinct(" ".join(text[start:end].split()) for start, end in kept),
                why=characteristic.why,
                characteristic=characteristic.key,
            )
            flags.append((kept[0][0], flag))
    return [flag for _, flag in sorted(flags, key=lambda pair: pair[0])]


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
    terms: Iterable[Term],
    comments_expected: bool = True,
) -> list[Flag]:
    """Flags for the text a candidate will read: the summary, and each area's (rating, comment).

    `terms` are the (phrase, characteristic) terms of the legal list (`portal_terms()`).
    `comments_expected` is False when the client gives ratings only: an empty comment on an
    area to improve is then what the policy promises, not a gap.
    """
    table = _legal_table(tuple(terms))
    flags = _legal_flags("summary", "Summary", summary, table)
    for area in Area:
        if area.value not in answers:
            continue
        rating, comment = answers[area.value]
        flags.extend(_legal_flags(area.value, area.label, comment, table))
        if rating == Rating.IMPROVE and (
            flag := _unactionable_flag(area.value, area.label, comment, comments_expected=comments_expected)
        ):
            flags.append(flag)
    return flags


def check_text(*, slot: str, place: str, text: str, terms: Iterable[Term]) -> list[Flag]:
    """Legal-safety flags for one free text outside the areas: an answer to a candidate's question."""
    return _legal_flags(slot, place, text, _legal_table(tuple(terms)))
