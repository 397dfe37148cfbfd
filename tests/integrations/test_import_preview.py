"""The preview: what importing each row would do, and why a row cannot be imported."""

import pytest

from candidates.models import Application
from integrations import imports, reading
from integrations.models import ImportRow
from tests.integrations.csvfiles import applicant, csv_bytes, days_ago, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(client_factory, recruiter):
    return client_factory(name="Acme Analytics", owner=recruiter)


def check(rows, recruiter, *, create_clients=False):
    parsed = reading.read_csv(csv_bytes(rows), max_rows=100)
    return imports.check_rows(parsed.rows, create_clients=create_clients)


def test_new_applications_are_to_create(acme, recruiter):
    (checked,) = check([applicant(1)], recruiter)

    assert checked.action == ImportRow.Action.CREATE
    assert checked.errors == []
    assert checked.fields["stage"] == Application.Stage.SECOND
    assert checked.fields["outcome"] == Application.Outcome.NOT_SELECTED


def test_an_application_is_found_by_its_external_id_even_under_another_address(
    acme, recruiter, application_factory
):
    application_factory(client=acme, candidate=None, candidate_email="old@example.test", external_id="ATS-1")

    (checked,) = check([applicant(1)], recruiter)

    assert checked.action == ImportRow.Action.UPDATE
    assert checked.changes["candidate_email"] == "candidate1@example.test"


def test_without_an_external_id_client_email_in_any_case_and_job_reference_find_it(
    acme, recruiter, application_factory
):
    existing = application_factory(
        client=acme,
        candidate=None,
        candidate_name="Candidate 00001",
        candidate_email="candidate1@example.test",
        job_reference="JOB-1",
        stage="second",
        interviewed_on=None,
        outcome="pending",
        outcome_on=None,
    )

    (checked,) = check(
        [applicant(1, external_id="", candidate_email="Candidate1@EXAMPLE.test", client="ACME analytics")],
        recruiter,
    )

    assert checked.action == ImportRow.Action.UPDATE
    assert checked.application == existing
    assert set(checked.changes) == {"interviewed_on", "outcome", "outcome_on"}


def test_a_row_that_says_what_the_application_says_is_unchanged(acme, recruiter, application_factory):
    application_factory(
        client=acme,
        candidate=None,
        candidate_name="Sam Carter",
        candidate_email="sam@example.test",
        role_title="Data Analyst",
        job_reference="",
        stage="first",
        outcome="pending",
        outcome_on=None,
    )

    (checked,) = check(
        [
            row(
                candidate_name="Sam Carter",
                candidate_email="sam@example.test",
                client="Acme Analytics",
                role_title="Data Analyst",
            )
        ],
        recruiter,
    )

    assert checked.action == ImportRow.Action.UNCHANGED


def test_each_problem_is_named_with_its_column_and_a_plain_reason(acme, recruiter):
    rows = [
        applicant(1, client="Globex"),
        applicant(2, interviewed_on="31/02/2026"),
        applicant(3, candidate_email="not-an-address"),
        applicant(4, recruiter_email="nobody@agency.test"),
        applicant(5, stage="Lunch"),
        applicant(6, outcome="Maybe"),
        applicant(7, candidate_name=""),
        applicant(8, outcome_on=days_ago(-3)),
        applicant(1),  # the same external id as row 2
    ]

    checked = check(rows, recruiter)

    found = [(c.number, e["column"], e["reason"]) for c in checked for e in c.errors]
    assert found == [
        (
            2,
            "client",
            "unknown client “Globex”: add it on the Clients page, or import with "
            "“Add clients the portal does not know”",
        ),
        (3, "interviewed on", "bad date “31/02/2026”: write it as 2026-03-14 (or 14/03/2026)"),
        (4, "candidate e-mail", "e-mail not valid: “not-an-address”"),
        (
            5,
            "recruiter e-mail",
            "unknown recruiter “nobody@agency.test”: nobody signs in as a recruiter with it",
        ),
        (
            6,
            "stage",
            "unknown stage “Lunch”: use one of Screening, 1st interview, 2nd interview, Final interview",
        ),
        (
            7,
            "outcome",
            "unknown outcome “Maybe”: use one of Pending, Not selected, Role withdrawn, Role reposted, Hired",
        ),
        (8, "candidate name", "candidate name is empty"),
        (9, "outcome on", f"the date {days_ago(-3)} is in the future"),
    ]
    assert [c.action for c in checked].count(ImportRow.Action.ERROR) == 8
    # Row 10 repeats row 2's external id, but row 2 was refused: row 10 is the one imported.
    assert checked[-1].action == ImportRow.Action.CREATE


def test_the_same_application_twice_in_one_file_is_refused_the_second_time(acme, recruiter):
    checked = check([applicant(1), applicant(2), applicant(1, candidate_name="Other")], recruiter)

    assert checked[2].errors == [
        {"column": "external id", "reason": "the same application as row 2 (same external id)"}
    ]


def test_unknown_clients_are_accepted_when_the_import_may_add_them(recruiter):
    (checked,) = check([applicant(1, client="Globex")], recruiter, create_clients=True)

    assert checked.action == ImportRow.Action.CREATE
    assert checked.client_name == "Globex"


def test_a_named_recruiter_owns_the_row(acme, recruiter, recruiter_factory):
    riley = recruiter_factory(email="riley@agency.test")

    (checked,) = check([applicant(1, recruiter_email="RILEY@agency.test")], recruiter)

    assert checked.recruiter == riley


def test_the_preview_reads_a_fixed_number_of_queries_whatever_the_rows(
    acme, recruiter, django_assert_num_queries
):
    parsed = reading.read_csv(
        csv_bytes([applicant(n, recruiter_email=recruiter.email) for n in range(300)]), max_rows=500
    )
    # clients; recruiters named; applications by external id; applications by e-mail
    with django_assert_num_queries(4):
        checked = imports.check_rows(parsed.rows, create_clients=False)
    assert {c.action for c in checked} == {ImportRow.Action.CREATE}
