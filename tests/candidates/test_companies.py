"""Matching a company as a candidate writes it to one of the agency's clients (candidates.companies)."""

import pytest

from candidates.companies import company_key, match

CLIENTS = [
    (1, "Acme Analytics"),
    (2, "Globex Corporation"),
    (3, "Smith & Sons Ltd"),
    (4, "The Hartley Group"),
    (5, "Initech PLC"),
    (6, "Müller Logistik GmbH"),
    (7, "O'Brien Partners"),
]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Acme Analytics", 1),
        ("acme analytics ltd", 1),
        ("ACME ANALYTICS LIMITED.", 1),
        ("The Acme Analytics Company", 1),
        ("Acme", 1),  # the only client whose name starts with it
        ("  acme   analytics  ", 1),
        ("AcmeAnalytics", 1),
        ("Globex", 2),
        ("globex corp", 2),
        ("Globex Inc.", 2),
        ("Smith", 3),  # whole first words match when only one client starts with them
        ("Smith and Sons", 3),
        ("smith & sons limited", 3),
        ("Smith+Sons", 3),
        ("Hartley Group", 4),
        ("the hartley group ltd", 4),
        ("Initech", 5),
        ("initech plc", 5),
        ("Muller Logistik", 6),  # accents dropped
        ("OBrien Partners", 7),
        ("O’Brien Partners Ltd", 7),
    ],
)
def test_a_company_written_loosely_finds_its_client(written, expected):
    assert match(written, CLIENTS) == expected


@pytest.mark.parametrize(
    "written",
    [
        "Acme Analytix",  # a misspelling is for the recruiter to confirm, not a guess
        "Analytics",  # not the start of a name
        "Ac",  # too short to pick a company
        "Acme Analytics Europe",  # longer than any client's name
        "Ltd",
        "",
        "   ",
        "Hooli",
    ],
)
def test_what_matches_no_client(written):
    assert match(written, CLIENTS) is None


def test_a_first_word_two_clients_share_matches_neither():
    clients = [(1, "Acme Analytics"), (2, "Acme Logistics Ltd")]
    assert match("Acme", clients) is None
    assert match("acme", clients) is None
    assert match("Acme Ltd", clients) is None
    assert match("acme logistics", clients) == 2


def test_two_clients_whose_names_differ_only_by_legal_form_match_neither():
    clients = [(1, "Acme Ltd"), (2, "Acme PLC")]
    assert match("Acme", clients) is None


def test_a_prefix_matches_whole_words_only():
    clients = [(1, "Acmeton Foods")]
    assert match("Acme", clients) is None
    assert match("Acmeton", clients) == 1


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("The Acme Analytics Company Ltd.", "acme analytics"),
        ("Smith & Sons", "smith and sons"),
        ("Acme & Co", "acme"),
        ("The Company", "the company"),  # nothing left once the legal words go: the name itself
        ("A.C.M.E. Inc", "acme"),
    ],
)
def test_company_key(name, key):
    assert company_key(name) == key
