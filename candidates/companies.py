"""Matching a company as a candidate writes it to one of the agency's clients.

Candidates write "acme", "ACME Analytics Ltd." or "The Acme Analytics Company"; the client is
"Acme Analytics". Both sides are reduced to a key (`company_key`): lower case, accents and
punctuation dropped, "&" read as "and", a leading "The" and trailing legal forms (Ltd, Limited,
PLC, Inc…) left out. Equal keys match. A shorter name matches a client whose key starts with
it word for word ("Acme" for "Acme Analytics") only when exactly one client does: otherwise
nothing matches, and the recruiter confirms the company at triage.

Pure functions: no database, so the rules are tested as a table.
"""

import re
import unicodedata
from collections.abc import Iterable
from typing import TypeVar

K = TypeVar("K")

# Legal forms that say nothing about which company it is, dropped from the end of a name.
LEGAL_FORMS = frozenset(
    {
        "ltd",
        "limited",
        "plc",
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "ag",
        "bv",
        "sa",
        "pty",
    }
)

# A shorter name is tried as the start of a client's name only from this many letters:
# "Ac" says too little to pick a company.
SHORTEST_PREFIX = 3

_DROPPED = re.compile(r"['’.]")  # "McDonald's" and "McDonalds", "A.C.M.E." and "ACME" read alike
_APART = re.compile(r"[^0-9a-z]+")


def company_key(name: str) -> str:
    """The words that tell one company from another, compared by `match`."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _DROPPED.sub("", text.replace("&", " and ").replace("+", " and "))
    words = _APART.sub(" ", text).split()
    kept = list(words)
    if kept and kept[0] == "the":
        kept = kept[1:]
    while kept and (kept[-1] in LEGAL_FORMS or kept[-1] == "and"):
        kept.pop()
    # A name made only of such words ("The Company") is its own key.
    return " ".join(kept or words)


def match(written: str, names: Iterable[tuple[K, str]]) -> K | None:
    """The one of `names` ((id, name) pairs) the candidate's `written` name means, or None.

    None when nothing fits, or when more than one does (two clients starting with "Acme"):
    guessing would put a candidate's request with the wrong company.
    """
    key = company_key(written)
    if not key:
        return None
    keyed = [(ident, company_key(name)) for ident, name in names]
    same = {ident for ident, other in keyed if other == key or other.replace(" ", "") == key.replace(" ", "")}
    if same:
        return same.pop() if len(same) == 1 else None
    if len(key.replace(" ", "")) < SHORTEST_PREFIX:
        return None
    starting = {ident for ident, other in keyed if other.startswith(key + " ")}
    return starting.pop() if len(starting) == 1 else None
