"""identity.find: names and contact details in what the candidate will read, form by form."""

import pytest

from requests_app import identity

MANAGERS = ["Dana Whitfield", "Mark O'Brien", "Will Hope"]


def found(text: str, names=MANAGERS) -> list[tuple[str, str]]:
    return [(f.kind, f.words) for f in identity.find(text, names)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dana Whitfield thinks so.", [("name", "Dana Whitfield")]),
        ("dana whitfield thinks so.", [("name", "dana whitfield")]),
        ("As Dana said, practise more.", [("name", "Dana")]),
        ("Ask Whitfield about it.", [("name", "Whitfield")]),
        ("Dana's view: more SQL.", [("name", "Dana's")]),
        ("Dana’s view: more SQL.", [("name", "Dana’s")]),
        ("Whitfield's team liked it.", [("name", "Whitfield's")]),
        ("DANA agreed.", [("name", "DANA")]),
        ("Mark O'Brien was on the panel.", [("name", "Mark O'Brien")]),
        ("O'Brien was on the panel.", [("name", "O'Brien")]),
        ("Mark was impressed.", [("name", "Mark")]),  # capitalised: flagged, marked away if wrong
        ("Will said so. Hope agreed.", [("name", "Will"), ("name", "Hope")]),
        ("Email dana.whitfield@acme.test for more.", [("email", "dana.whitfield@acme.test")]),
        (
            "Call 020 7946 0018 or +44 7700 900123.",
            [("phone", "020 7946 0018"), ("phone", "+44 7700 900123")],
        ),
        ("Ring (020) 7946-0018.", [("phone", "(020) 7946-0018")]),
        (
            "See https://acme.test/careers?x=1 and www.acme-jobs.co.uk.",
            [
                ("web", "https://acme.test/careers?x=1"),
                ("web", "www.acme-jobs.co.uk"),
            ],
        ),
        ("Our site acmeanalytics.com has more.", [("web", "acmeanalytics.com")]),
        ("Dana and Dana again.", [("name", "Dana")]),  # one finding per distinct name
    ],
)
def test_each_form_is_found(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Danalytics is a good tool to learn.",  # contains a name, is not one
        "The Whitfields' approach",  # another word
        "We will look again; I hope so.",  # everyday words, not capitalised
        "They hit the mark on SQL.",
        "Strong on ASP.NET and socket.io.",  # skills, not addresses
        "Interviewed on 2026-11-20, scored 7 of 10, salary 45,000.",  # dates and numbers
        "Use e.g. dbt or Node.js.",
        "Semi-Dana is not a word we use.",
    ],
)
def test_words_that_merely_look_alike_are_not_found(text):
    assert found(text) == []


def test_the_names_looked_for_are_the_full_name_the_first_name_and_the_surname():
    assert identity.name_forms("  Dana   Whitfield ") == ["Dana Whitfield", "Dana", "Whitfield"]
    assert identity.name_forms("Cher") == ["Cher"]
    assert identity.name_forms("Mary Ann de Vries") == ["Mary Ann de Vries", "Mary", "Vries"]
    assert identity.name_forms("") == []


def test_a_finding_says_whose_name_it_is():
    [finding] = identity.find("Ask Whitfield.", MANAGERS)
    assert finding.person == "Dana Whitfield"
