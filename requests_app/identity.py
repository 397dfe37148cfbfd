"""The identity check: what in a text the candidate will read could name a person or reach someone.

Feedback reaches the candidate as "from the interview team at <client>": never the hiring
manager's name, nor anyone else's. Before release the recruiter sees a flag for each finding:

- **Names** the portal knows: the hiring manager the request was routed to, every hiring
  manager of the client, and the people the recruiter lists on the application as its
  interviewers. Each is looked for as the full name, the first name and the surname, as whole
  words in any case ("Danalytics" is not "Dana"), possessives too ("Dana's", with a straight
  or a curly apostrophe).
  A name that is also an everyday English word (Will, May, Hope, Mark…) is looked for only
  where it is written with a capital, so "we will" and "a mark scheme" pass.
- **Contact details**: any e-mail address, phone number or web address.

It cannot know a name it is not told (a receptionist, a nickname, a misspelling), nor a
person described rather than named ("the tall engineer on the left"); a capitalised
everyday word at the start of a sentence ("Mark the date") is flagged and the recruiter marks
it "not a person's name here". The recruiter reads the text too: the check is a second pair
of eyes, not the only one.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from candidates.models import HiringManager

from .safety import Flag, Kind

# First names and surnames that are everyday English words: matched only when capitalised.
EVERYDAY_WORDS = frozenset(
    """
    amber april art august autumn bill bob brook brooke buck carol chance chase cliff crystal
    dale dawn dean destiny dick don drew dusty earl eve faith fern fisher flower ford frank
    gale gay gene gill glen grace grant guy hale hall hazel heath heather hill holly hope
    hunter iris ivy jack jade jay jewel joy june king lane lee long love lily lucky mark
    marsh mason may meadow mercy miles miller misty moss nelly page park pat patience pearl
    penny pierce price rich ray reed rob robin rock rose ruby rush rusty sandy shepherd
    skip sky smith stone storm summer sunny tanner taylor terry victor violet wade ward warren
    webb white will winter wood woody young
    """.split()  # noqa: SIM905  (a list of words reads better as words)
)

_APOSTROPHES = "'\u2019"
# A name as a whole word, perhaps with a possessive after it: Dana, Dana's, Charles'.
_POSSESSIVE = rf"(?:[{_APOSTROPHES}]s?)?"

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# A web address: with a scheme, with "www.", or a bare domain with a common ending (not ".net"
# or ".io": "ASP.NET" and "socket.io" are skills, not addresses).
WEB = re.compile(
    r"(?<![\w@.-])(?:https?://[^\s<>\"']+|www\.[^\s<>\"']+"
    r"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|co\.uk|org\.uk|org|uk|info|eu)"
    r"(?:/[^\s<>\"']*)?)",
    re.IGNORECASE,
)
# A phone number: at least nine digits, perhaps with +, spaces, dots, dashes or brackets between.
PHONE = re.compile(r"(?<![\w+])(?:\+|\(\+?)?\d(?:[\d\s().-]{7,}\d)(?!\w)")


@dataclass(frozen=True)
class Finding:
    """One thing that could identify someone: what kind it is, and the words as written."""

    kind: str  # "name", "email", "phone" or "web"
    words: str
    person: str = ""  # for a name: whose (the full name it belongs to)


def name_forms(full_name: str) -> list[str]:
    """The forms a person's name is looked for in: the full name, the first name, the surname."""
    parts = [p for p in re.split(r"\s+", full_name.strip()) if p.strip(".")]
    if not parts:
        return []
    forms = [" ".join(parts)]
    if len(parts) > 1:
        forms += [parts[0], parts[-1]]
    return [f for f in dict.fromkeys(forms) if len(f.strip(".")) > 1]


def _name_pattern(form: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in form.split()]
    body = r"\s+".join(words)
    everyday = len(words) == 1 and form.lower() in EVERYDAY_WORDS
    flags = 0 if everyday else re.IGNORECASE
    if everyday:
        # Only as written with a capital ("Mark", "MARK"), never as the everyday word.
        body = re.escape(form[0].upper()) + rf"(?i:{re.escape(form[1:])})"
    return re.compile(rf"(?<![\w{_APOSTROPHES}-]){body}{_POSSESSIVE}(?![\w-])", flags)


def find(text: str, names: Iterable[str]) -> list[Finding]:
    """Every finding in `text`, each distinct one once, in reading order.

    `names` are the full names of the people to look for.
    """
    found: list[tuple[int, int, Finding]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, finding: Finding) -> None:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            return  # inside something found already ("Dana Whitfield", then "Dana")
        taken.append((start, end))
        found.append((start, end, finding))

    for match in EMAIL.finditer(text):
        add(*match.span(), Finding("email", match.group(0)))
    for match in WEB.finditer(text):
        add(*match.span(), Finding("web", match.group(0).rstrip(".,;:!?)")))
    for match in PHONE.finditer(text):
        if sum(c.isdigit() for c in match.group(0)) >= 9:
            add(*match.span(), Finding("phone", match.group(0).strip()))
    # Longest forms first, so a full name is one finding, not its first name and surname.
    people = {form: full for full in names for form in name_forms(full)}
    for form in sorted(people, key=len, reverse=True):
        for match in _name_pattern(form).finditer(text):
            add(*match.span(), Finding("name", match.group(0), person=people[form]))
    found.sort(key=lambda item: item[0])
    distinct: dict[tuple[str, str], Finding] = {}
    for _, _, finding in found:
        distinct.setdefault((finding.kind, finding.words.lower()), finding)
    return list(distinct.values())


def names_for(feedback_request) -> list[str]:
    """The people whose names the candidate must not read in this request's feedback.

    Every hiring manager of the client (the one routed to, and the colleagues who may be
    named), any manager the request was routed to at another time, and the interviewers the
    recruiter lists on the application. One query.
    """

    application = feedback_request.application
    managers = (
        HiringManager.objects.filter(
            Q(client_id=application.client_id) | Q(routings__feedback_request=feedback_request)
        )
        .values_list("name", flat=True)
        .distinct()
    )
    return list(dict.fromkeys([*managers, *application.interviewer_names()]))


WHY = {
    "name": "The candidate must not learn who said what: feedback reaches them from the interview "
    "team as a whole. Edit the name away, or mark it if it is not a person's name here.",
    "email": "An e-mail address lets the candidate reach someone directly: the recruiter is their "
    "contact. Edit it away.",
    "phone": "A phone number lets the candidate reach someone directly: the recruiter is their "
    "contact. Edit it away.",
    "web": "A web address can lead to a person (a profile, a personal page). Edit it away, or mark "
    "it if it is a public page that names no one.",
}


def flags(slot: str, place: str, text: str, names: Iterable[str]) -> list[Flag]:
    """One flag of the identity check per finding in one place of the text."""
    return [
        Flag(
            slot=slot,
            place=place,
            kind=Kind.IDENTITY,
            rule=finding.kind,
            words=(finding.words,),
            why=WHY[finding.kind],
        )
        for finding in find(text, names)
    ]
