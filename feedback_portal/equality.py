"""The characteristics the Equality Act 2010 protects, and the words in feedback that point at them.

The legal-safety check (requests_app.safety) flags such words before a candidate reads them.
This module holds what the agency's settings need to store and validate the list: it lives
here, not in requests_app, because `PortalSettings` needs the default list and the parser, and
feedback_portal imports no domain app.

The list, as the admin edits it (`PortalSettings.legal_terms`), has one term per line:

    plan a family | pregnancy and maternity
    "age" | age

- The part after the "|" is the protected characteristic, by name or key, in any case
  ("religion or belief" or "religion"). A line without one, or with an unknown one, is
  refused when the settings are saved (`term_problems`) and skipped when read (`parse_terms`).
- Blank lines and lines starting with "#" are skipped.
- Each word is matched whole, in any case, with its common endings added: -s, -es, -ed,
  -ing, -er, -ers, -est, with the final consonant doubled, a final "e" dropped or a final
  "y" turned into "i" before them ("plan" finds "plans", "planned", "planning"; "retire"
  finds "retiring"; "marry" finds "married" and "marries"). Words of one or two letters
  ("a", "to") take no endings. Endings are only ever added, never taken off: write words in
  their plain form, since "planning a family" finds only "planning a family".
- A phrase in double quotes is matched exactly, without endings: `"age"` finds "age" but not
  "ages" or "ageing", which mostly mean something else in feedback.
- The words of a phrase may be separated by any whitespace (a line break too) or a hyphen;
  curly and straight apostrophes are the same.
"""

import re
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class Characteristic:
    """One protected characteristic: a stable key, the Act's name for it, and why its words are risky."""

    key: str  # in flag keys and form field names: "summary_legal_age"
    label: str  # the Equality Act 2010's name, as the admin and the recruiter read it
    why: str  # one plain sentence, shown with every flag for it

    def __str__(self) -> str:
        return self.label


# In the Act's order (section 4).
CHARACTERISTICS: tuple[Characteristic, ...] = (
    Characteristic(
        "age",
        "age",
        "Comments on youth, maturity, energy or length of career can read as choosing by age; "
        "describe skills and behaviour instead.",
    ),
    Characteristic(
        "disability",
        "disability",
        "Comments on health, illness, sick leave or a condition can read as turning someone down "
        "for a disability; describe what the role needs and what the candidate showed.",
    ),
    Characteristic(
        "gender_reassignment",
        "gender reassignment",
        "Comments on gender identity or transitioning can read as choosing by gender "
        "reassignment; keep to what the candidate showed at interview.",
    ),
    Characteristic(
        "marriage",
        "marriage and civil partnership",
        "Comments on a spouse, partner, wedding or marital status can read as choosing by "
        "marriage or civil partnership; leave personal life out of feedback.",
    ),
    Characteristic(
        "pregnancy",
        "pregnancy and maternity",
        "Comments on pregnancy, maternity leave, children or family plans can read as choosing "
        "by pregnancy or maternity; keep to the skills and evidence the role needs.",
    ),
    Characteristic(
        "race",
        "race",
        "Comments on accent, nationality, ethnicity or origin can read as choosing by race; if "
        "language matters, name the level the role needs and what was missing.",
    ),
    Characteristic(
        "religion",
        "religion or belief",
        "Comments on faith, worship, religious dress or observance can read as choosing by "
        "religion or belief; leave them out and describe skills instead.",
    ),
    Characteristic(
        "sex",
        "sex",
        "Comments on someone's sex, or on women or men as a group, can read as choosing by sex; "
        "describe skills and behaviour instead.",
    ),
    Characteristic(
        "sexual_orientation",
        "sexual orientation",
        "Comments on sexual orientation or on who someone dates can read as choosing by sexual "
        "orientation; leave personal life out of feedback.",
    ),
)

_BY_NAME = {name: c for c in CHARACTERISTICS for name in (c.key.replace("_", " "), c.label)}


def _name(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


def characteristic(name: str) -> Characteristic | None:
    """The characteristic called `name` (its label or its key, any case), or None."""
    return _BY_NAME.get(_name(name))


def characteristic_by_key(key: str) -> Characteristic:
    """The characteristic with this key; a KeyError for any other."""
    for c in CHARACTERISTICS:
        if c.key == key:
            return c
    raise KeyError(key)


class Term(NamedTuple):
    """One line of the list: a phrase and the characteristic it points at."""

    phrase: str  # whitespace tidied, without the quotes of an exact phrase
    characteristic: Characteristic
    exact: bool = False  # written in double quotes: no endings added

    def line(self) -> str:
        """The term as the admin writes it."""
        phrase = f'"{self.phrase}"' if self.exact else self.phrase
        return f"{phrase} | {self.characteristic.label}"


# The default list, by characteristic. Plain forms, since endings are added ("plan a family"
# finds "planning a family"); exact phrases in quotes. Left out on purpose, because they
# mostly mean something else in feedback: "young" alone ("a young company"), "mature"
# ("mature engineering practices"), "retire" ("retired the old service"), "transition"
# ("moved from finance into data"), "foreign" ("foreign key"), "race" ("race condition"),
# "first language" ("Python was their first language"), "faith" ("in good faith"),
# "partner" ("client partner"), "blind" ("blind spot"), "child" ("child process"), and
# "culture fit", which the check treats as a stock phrase rather than a legal risk.
DEFAULT_VOCABULARY: dict[str, tuple[str, ...]] = {
    "age": (
        '"age"',
        "too old",
        "too young",
        "young team",
        "someone young",
        "young person",
        "young blood",
        "someone older",
        "youthful",
        "energetic",
        "overqualified",
        "over qualified",
        "too experienced",
        "digital native",
        "recent graduate",
        "older candidate",
        "mature candidate",
        "mature student",
        "set in their ways",
        "retirement",
        "millennial",
        "boomer",
        "gen z",
    ),
    "disability": (
        "disability",
        "disabled",
        "wheelchair",
        "mental health",
        "sick leave",
        "sickness",
        "illness",
        "medical condition",
        "health condition",
        "reasonable adjustment",
        "autism",
        "autistic",
        "adhd",
        "dyslexia",
        "dyslexic",
        "neurodivergent",
        "deaf",
        "hearing aid",
        "stammer",
        "stutter",
        "anxiety",
        "depression",
    ),
    "gender_reassignment": (
        "transgender",
        "transsexual",
        "trans woman",
        "trans man",
        "trans person",
        "gender reassignment",
        "gender transition",
        "gender identity",
        "sex change",
        "non binary",
        "pronoun",
        "deadname",
    ),
    "marriage": (
        "married",
        "marry",
        "marital status",
        "civil partnership",
        "civil partner",
        "husband",
        "wife",
        "wives",
        "spouse",
        "maiden name",
        "wedding",
        "honeymoon",
        "newlywed",
        "divorce",
        "girlfriend",
        "boyfriend",
    ),
    "pregnancy": (
        "pregnant",
        "pregnancy",
        "maternity",
        "plan a family",
        "start a family",
        "family plans",
        "family planning",
        "expecting a baby",
        "have a baby",
        "had a baby",
        "new mother",
        "working mother",
        "working mum",
        "breastfeeding",
        "children",
        "childcare",
        "kids",
        "school run",
    ),
    "race": (
        "racial",
        "ethnic",
        "ethnicity",
        "nationality",
        "national origin",
        "country of origin",
        "skin colour",
        "skin color",
        "accent",
        "native speaker",
        "native english",
        "mother tongue",
        "broken english",
        "foreigner",
        "immigrant",
    ),
    "religion": (
        "religion",
        "religious",
        "church",
        "mosque",
        "synagogue",
        "temple",
        "pray",
        "fasting",
        "ramadan",
        "sabbath",
        "hijab",
        "headscarf",
        "turban",
        "christianity",
        "muslim",
        "jewish",
        "hindu",
        "sikh",
        "atheist",
    ),
    "sex": (
        "sex",
        "gender",
        "woman",
        "women",
        "men",
        "female",
        "male",
        "girl",
        "lady",
        "feminine",
        "masculine",
        "paternity",
    ),
    "sexual_orientation": (
        "sexual orientation",
        "sexuality",
        "gay",
        "lesbian",
        "bisexual",
        "homosexual",
        "heterosexual",
        "queer",
        "lgbt",
        "lgbtq",
        "same sex",
    ),
}


def _default_text() -> str:
    blocks = []
    for c in CHARACTERISTICS:
        blocks.append(
            "\n".join([f"# {c.label.capitalize()}", *(f"{p} | {c.label}" for p in DEFAULT_VOCABULARY[c.key])])
        )
    return "\n\n".join(blocks)


# The field's default, as the admin sees it: grouped by characteristic, one comment line each.
DEFAULT_TERMS = _default_text()

_QUOTES = ('"', "\u201c", "\u201d")


def _read_line(line: str) -> Term | str | None:
    """The term on one line; None for a blank or comment line; else what is wrong with it."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    parts = line.split("|")
    phrase = " ".join(parts[0].split())
    exact = len(phrase) >= 2 and phrase[0] in _QUOTES and phrase[-1] in _QUOTES
    if exact:
        phrase = " ".join(phrase[1:-1].split())
    if len(parts) > 2:
        return "use one “|”, between the phrase and its characteristic."
    if not re.search(r"\w", phrase):
        return "write the phrase before the “|”." if len(parts) == 2 else "no phrase on it."
    if len(parts) == 1:
        suggested = _SUGGESTIONS.get(phrase.lower())
        example = suggested.label if suggested else "characteristic"
        return f"add the characteristic it points at after a “|”, as in “{line} | {example}”."
    found = characteristic(parts[1])
    if found is None:
        name = " ".join(parts[1].split())
        if not name:
            return "add the characteristic it points at after the “|”."
        return f"“{name}” is not one of the protected characteristics."
    return Term(phrase, found, exact)


def read_terms(text: str) -> tuple[list[Term], list[str]]:
    """The terms of the list, each once, and a message for every line that is not a term."""
    terms: dict[tuple[str, str, bool], Term] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        read = _read_line(line)
        if isinstance(read, Term):
            terms.setdefault((read.phrase.lower(), read.characteristic.key, read.exact), read)
        elif read:
            shown = " ".join(line.split())
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            problems.append(f"Line {number} (“{shown}”): {read}")
    return list(terms.values()), problems


def parse_terms(text: str) -> list[Term]:
    """The terms of the list, each once, in order; lines that are not terms are skipped."""
    return read_terms(text)[0]


def term_problems(text: str) -> list[str]:
    """What the admin must fix before the list can be saved: one message per line, then the choices."""
    problems = read_terms(text)[1]
    if problems:
        names = ", ".join(c.label for c in CHARACTERISTICS)
        problems.append(
            "Write each term as “phrase | characteristic”. The characteristics the Equality Act "
            f"2010 protects: {names}."
        )
    return problems


# A phrase of the default list typed without its characteristic: the error suggests it.
_SUGGESTIONS = {
    phrase.strip('"').lower(): characteristic_by_key(key)
    for key, phrases in DEFAULT_VOCABULARY.items()
    for phrase in phrases
}
