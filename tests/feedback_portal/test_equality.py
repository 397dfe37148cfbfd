"""The legal terms by protected characteristic: the list's format, its validation in the admin,
and the migration that moved the agency's earlier list into it."""

import hashlib
import importlib

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from feedback_portal.equality import (
    CHARACTERISTICS,
    DEFAULT_TERMS,
    Term,
    characteristic,
    parse_terms,
    read_terms,
    term_problems,
)
from feedback_portal.models import PortalSettings

ALL_NAMES = (
    "age, disability, gender reassignment, marriage and civil partnership, pregnancy and maternity, "
    "race, religion or belief, sex, sexual orientation"
)


# --- The characteristics -----------------------------------------------------------------------


def test_the_nine_characteristics_of_the_equality_act_in_its_order():
    assert ", ".join(c.label for c in CHARACTERISTICS) == ALL_NAMES
    assert len({c.key for c in CHARACTERISTICS}) == 9
    assert all(c.key.isidentifier() and c.key.islower() for c in CHARACTERISTICS)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("pregnancy and maternity", "pregnancy"),
        ("Pregnancy And  Maternity", "pregnancy"),
        ("pregnancy", "pregnancy"),
        ("RACE", "race"),
        ("religion or belief", "religion"),
        ("religion", "religion"),
        ("sexual_orientation", "sexual_orientation"),
        ("sexual orientation", "sexual_orientation"),
        ("marriage and civil partnership", "marriage"),
        ("gender reassignment", "gender_reassignment"),
    ],
)
def test_a_characteristic_is_found_by_its_name_or_its_key_in_any_case(name, key):
    assert characteristic(name).key == key


@pytest.mark.parametrize("name", ["youth", "belief", "gender", "origin", "", "pregnancy or maternity"])
def test_other_names_are_not_characteristics(name):
    assert characteristic(name) is None


# --- The list's format -------------------------------------------------------------------------


def test_one_term_per_line_with_blanks_comments_and_repeats_skipped():
    text = (
        "# Family\n"
        "planning a family | pregnancy and maternity\n"
        "\n"
        "   young   team |  Age  \r\n"
        '"age" | age\n'
        "Planning a  family | pregnancy\n"
        "  # an indented comment | age\n"
    )
    age, pregnancy = characteristic("age"), characteristic("pregnancy")
    assert parse_terms(text) == [
        Term("planning a family", pregnancy),
        Term("young team", age),
        Term("age", age, exact=True),
    ]


def test_curly_quotes_mark_an_exact_phrase_too():
    assert parse_terms("“age” | age") == [Term("age", characteristic("age"), exact=True)]


def test_lines_that_are_not_terms_are_skipped_when_read_and_named_when_checked():
    text = "too old | age\nretro\nyoung team | youth\n| age\na | b | age\ntoo young |\n"
    terms, problems = read_terms(text)
    assert terms == [Term("too old", characteristic("age"))]
    assert problems == [
        "Line 2 (“retro”): add the characteristic it points at after a “|”, as in “retro | characteristic”.",
        "Line 3 (“young team | youth”): “youth” is not one of the protected characteristics.",
        "Line 4 (“| age”): write the phrase before the “|”.",
        "Line 5 (“a | b | age”): use one “|”, between the phrase and its characteristic.",
        "Line 6 (“too young |”): add the characteristic it points at after the “|”.",
    ]


def test_a_default_phrase_without_its_characteristic_is_told_which_it_is():
    (problem, choices) = term_problems("\n\nwheelchair")
    assert problem == (
        "Line 3 (“wheelchair”): add the characteristic it points at after a “|”, "
        "as in “wheelchair | disability”."
    )
    assert choices == (
        "Write each term as “phrase | characteristic”. The characteristics the Equality Act 2010 "
        f"protects: {ALL_NAMES}."
    )


def test_the_default_list_has_no_problems():
    assert term_problems(DEFAULT_TERMS) == []
    assert term_problems("") == []


# --- Validation: the model and the admin -------------------------------------------------------


def test_the_settings_refuse_a_term_without_a_known_characteristic():
    portal = PortalSettings(legal_terms="too old | age\ntoo young | youth")
    with pytest.raises(ValidationError) as refused:
        portal.clean()
    (problem, choices) = refused.value.message_dict["legal_terms"]
    assert problem.startswith("Line 2 (“too young | youth”): “youth” is not one")
    assert ALL_NAMES in choices


def test_the_settings_report_every_problem_at_once():
    portal = PortalSettings(time_zone="Mars/Olympus_Mons", legal_terms="retro")
    with pytest.raises(ValidationError) as refused:
        portal.clean()
    assert set(refused.value.message_dict) == {"time_zone", "legal_terms"}


def admin_form(portal: PortalSettings, **changes) -> dict:
    data = {
        field.name: getattr(portal, field.name)
        for field in PortalSettings._meta.fields
        if field.name not in ("id", "holidays")
    }
    return {**data, "holidays": "", **changes}


@pytest.mark.django_db
def test_the_admin_shows_the_problem_and_keeps_what_was_typed(admin_client):
    portal = PortalSettings.load()
    typed = portal.legal_terms + "\nhobby horse | hobbies\nplanning a family | pregnancy and maternity"
    page = admin_client.post(
        "/admin/feedback_portal/portalsettings/1/change/", admin_form(portal, legal_terms=typed)
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "“hobbies” is not one of the protected characteristics." in html
    assert ALL_NAMES in html
    assert "hobby horse | hobbies\nplanning a family | pregnancy and maternity</textarea>" in html
    assert PortalSettings.objects.get().legal_terms == DEFAULT_TERMS


@pytest.mark.django_db
def test_the_admin_saves_a_list_in_the_format_and_shows_how_to_write_it(admin_client):
    page = admin_client.get("/admin/feedback_portal/portalsettings/1/change/")
    html = page.content.decode()
    assert "one term per line, as “phrase | characteristic”" in html
    assert 'name="legal_terms" cols="40" rows="30"' in html  # tall enough to read the list

    typed = "# ours\nplanning a family | Pregnancy and Maternity\nyoung team | age"
    page = admin_client.post(
        "/admin/feedback_portal/portalsettings/1/change/",
        admin_form(PortalSettings.load(), legal_terms=typed),
    )
    assert page.status_code == 302, page.content.decode()
    assert PortalSettings.load().legal_terms == typed


# --- The migration -----------------------------------------------------------------------------

migration = importlib.import_module("feedback_portal.migrations.0010_legal_terms_by_characteristic")

OLD_DEFAULT = "\n".join(
    [
        "age",
        "too old",
        "too young",
        "young team",
        "energetic",
        "native speaker",
        "overqualified",
        "maternity",
        "pregnant",
        "accent",
        "religion",
        "disability",
        "married",
        "children",
        "pregnancy",
        "family plans",
        "mother tongue",
        "digital native",
        "retirement",
        "gender",
        "racial",
        "ethnicity",
        "nationality",
        "religious",
        "sexual orientation",
    ]
)


def test_an_untouched_earlier_list_becomes_the_default_list():
    assert migration.by_characteristic(OLD_DEFAULT) == migration.DEFAULT_TERMS


def test_the_agencys_own_phrases_are_kept_with_their_characteristic_or_as_a_comment_to_decide():
    old = "# our additions\nAge\nretro\nwheelchair\ntoo  old\n\nhobby horse"
    new = migration.by_characteristic(old)
    assert new.startswith("# our additions\n\n# Age\n")
    terms, problems = read_terms(new)
    assert problems == []
    pairs = {(t.phrase, t.characteristic.key) for t in terms}
    assert {("age", "age"), ("too old", "age"), ("wheelchair", "disability")} <= pairs
    # Of the earlier default list, what the agency had removed stays removed.
    assert ("children", "pregnancy") not in pairs and ("native speaker", "race") not in pairs
    # New default phrases are added.
    assert {("plan a family", "pregnancy"), ("mosque", "religion")} <= pairs
    # Phrases whose characteristic cannot be told are kept, switched off, with a note.
    assert new.endswith(
        "# Kept from the earlier list, but not checked: which characteristic does each point at?\n"
        "# Write it in place of the “?” and take the “#” off to check the phrase again.\n"
        "# retro | ?\n"
        "# hobby horse | ?"
    )


def test_a_list_already_in_the_new_format_is_left_alone():
    assert migration.by_characteristic("retro | age\n# note") == "retro | age\n# note"


def test_going_back_keeps_each_phrase():
    assert migration.one_phrase_per_line('# Age\n"age" | age\ntoo old | age\n# retro | ?') == (
        "# Age\nage\ntoo old\n# retro | ?"
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_rewrites_the_stored_list_and_drops_the_cached_row():
    before = [("feedback_portal", "0009_form_submission")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    Old = executor.loader.project_state(before).apps.get_model("feedback_portal", "PortalSettings")
    Old.objects.create(pk=1, legal_terms=OLD_DEFAULT + "\nretro")
    # The row as the code of that time cached it: under the key its fields make.
    old_fields = ",".join(sorted(f.attname for f in Old._meta.concrete_fields))
    old_key = f"portal-settings:{hashlib.sha256(old_fields.encode()).hexdigest()[:12]}"
    cache.set(old_key, "the row as cached before the migration", None)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert cache.get(old_key) is None
    stored = PortalSettings.load().legal_terms
    assert stored == migration.DEFAULT_TERMS + "\n\n" + "\n".join([*migration.UNKNOWN_NOTE, "# retro | ?"])

    # And back: one phrase per line again, the undecided one still a comment.
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    back = Old.objects.get().legal_terms.splitlines()
    assert {"age", "too old", "wheelchair", "# retro | ?"} <= set(back)
    assert not any("|" in line for line in back if not line.startswith("#"))
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
