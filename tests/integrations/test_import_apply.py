"""Confirming an import: rows written through the candidates app's services, a batch at a time."""

import csv
import io
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.emails import FEEDBACK_INVITATION
from candidates.models import Application, Client
from feedback_portal.models import OutboundEmail
from integrations import importing
from integrations.models import ImportBatch
from tests.integrations.csvfiles import applicant, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(client_factory, recruiter):
    return client_factory(name="Acme Analytics", owner=recruiter)


def run_import(data: bytes, recruiter, capture, *, create_clients=False, invite=False) -> ImportBatch:
    batch = importing.start_import(
        parsed=importing.parse_upload(data=data),
        file_name="ats.csv",
        importer=recruiter,
        create_clients=create_clients,
        invite=invite,
    )
    with capture(execute=True):
        importing.confirm_import(batch=batch, now=timezone.now())
    batch.refresh_from_db()
    return batch


def test_nothing_is_written_until_the_import_is_confirmed(acme, recruiter):
    batch = importing.start_import(
        parsed=importing.parse_upload(data=csv_bytes([applicant(1)])),
        file_name="ats.csv",
        importer=recruiter,
        create_clients=False,
        invite=True,
    )

    assert (batch.state, batch.to_create) == (ImportBatch.State.PREVIEW, 1)
    assert not Application.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_confirmed_rows_become_applications_from_the_import(
    acme, recruiter, django_capture_on_commit_callbacks, candidate_factory
):
    sam = candidate_factory(email="candidate1@example.test")

    batch = run_import(csv_bytes([applicant(1), applicant(2)]), recruiter, django_capture_on_commit_callbacks)

    assert (batch.state, batch.created, batch.processed) == (ImportBatch.State.DONE, 2, 2)
    first = Application.objects.get(external_id="ATS-1")
    assert first.source == Application.Source.IMPORT
    assert first.candidate == sam  # linked at once, as the recruiter's form links a verified address
    assert (first.client, first.recruiter, first.stage, first.outcome) == (
        acme,
        recruiter,
        "second",
        "not_selected",
    )
    # The application's history of imports: the row that made it.
    assert first.import_rows.get().batch == batch


def test_invite_e_mails_candidates_the_import_turns_down_and_only_them(
    acme, recruiter, django_capture_on_commit_callbacks
):
    rows = [applicant(1), applicant(2, outcome="hired"), applicant(3, outcome="")]

    run_import(csv_bytes(rows), recruiter, django_capture_on_commit_callbacks, invite=True)

    invited = OutboundEmail.objects.filter(kind=FEEDBACK_INVITATION.name)
    assert list(invited.values_list("to_email", flat=True)) == ["candidate1@example.test"]


def test_without_invite_no_candidate_is_e_mailed(acme, recruiter, django_capture_on_commit_callbacks):
    run_import(csv_bytes([applicant(1)]), recruiter, django_capture_on_commit_callbacks)

    assert not OutboundEmail.objects.exists()


def test_an_update_records_the_outcome_as_the_recruiters_form_does(
    acme, recruiter, application_factory, django_capture_on_commit_callbacks
):
    waiting = application_factory(
        client=acme,
        candidate=None,
        candidate_email="candidate1@example.test",
        external_id="ATS-1",
        outcome="pending",
        outcome_on=None,
    )

    batch = run_import(
        csv_bytes([applicant(1, outcome_on="")]), recruiter, django_capture_on_commit_callbacks, invite=True
    )

    waiting.refresh_from_db()
    assert batch.updated == 1
    assert (waiting.outcome, waiting.outcome_on) == ("not_selected", timezone.localdate())
    assert waiting.candidate_name == "Candidate 00001"
    assert (
        OutboundEmail.objects.filter(
            kind=FEEDBACK_INVITATION.name, to_email="candidate1@example.test"
        ).count()
        == 1
    )


def test_an_update_is_in_the_audit_trail_as_the_recruiters_import(
    acme, recruiter, application_factory, django_capture_on_commit_callbacks
):
    from auditlog.models import LogEntry

    from feedback_portal import audit

    waiting = application_factory(
        client=acme, candidate_email="candidate1@example.test", external_id="ATS-1", stage="first"
    )

    run_import(csv_bytes([applicant(1)]), recruiter, django_capture_on_commit_callbacks)

    entries = LogEntry.objects.get_for_object(waiting).filter(action=LogEntry.Action.UPDATE)
    assert entries.exists()
    for entry in entries:  # the row's fields, then its outcome: each names who and which import
        assert entry.actor == recruiter
        assert audit.what(entry) == "Changed (CSV import ats.csv)"
    assert any(entry.changes.get("stage") for entry in entries)


def test_importing_the_same_file_again_changes_nothing(acme, recruiter, django_capture_on_commit_callbacks):
    data = csv_bytes([applicant(n, outcome_on="") for n in range(1, 6)] + [applicant(6, client="Globex")])
    run_import(data, recruiter, django_capture_on_commit_callbacks, create_clients=True, invite=True)
    before = list(Application.objects.order_by("pk").values())
    emails = OutboundEmail.objects.count()

    again = run_import(data, recruiter, django_capture_on_commit_callbacks, create_clients=True, invite=True)

    assert (again.to_create, again.to_update, again.to_leave, again.errors) == (0, 0, 6, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert list(Application.objects.order_by("pk").values()) == before
    assert OutboundEmail.objects.count() == emails  # nobody invited twice
    assert Client.objects.filter(name="Globex").count() == 1


def test_unknown_clients_are_added_once_owned_by_the_rows_recruiter(
    recruiter, recruiter_factory, django_capture_on_commit_callbacks
):
    riley = recruiter_factory(email="riley@agency.test")
    rows = [applicant(1, client="Globex", recruiter_email="riley@agency.test"), applicant(2, client="globex")]

    batch = run_import(csv_bytes(rows), recruiter, django_capture_on_commit_callbacks, create_clients=True)

    globex = Client.objects.get(name="Globex")
    assert globex.owner == riley
    assert batch.created == 2
    assert set(Application.objects.values_list("client", flat=True)) == {globex.pk}


def test_a_row_that_no_longer_fits_when_applied_is_refused_then(
    acme, recruiter, recruiter_factory, django_capture_on_commit_callbacks
):
    riley = recruiter_factory(email="riley@agency.test")
    batch = importing.start_import(
        parsed=importing.parse_upload(
            data=csv_bytes([applicant(1, recruiter_email=riley.email), applicant(2)])
        ),
        file_name="ats.csv",
        importer=recruiter,
        create_clients=False,
        invite=False,
    )
    riley.is_active = False  # left the agency between the preview and the confirmation
    riley.save()

    with django_capture_on_commit_callbacks(execute=True):
        importing.confirm_import(batch=batch, now=timezone.now())

    batch.refresh_from_db()
    assert (batch.created, batch.failed) == (1, 1)
    assert "unknown recruiter" in importing.error_report(batch=batch)


def test_applying_again_applies_nothing_twice(acme, recruiter, django_capture_on_commit_callbacks):
    batch = run_import(csv_bytes([applicant(1)]), recruiter, django_capture_on_commit_callbacks)

    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING)  # a task delivered twice
    importing.apply_import(batch_id=batch.pk, now=timezone.now())

    assert Application.objects.count() == 1
    assert ImportBatch.objects.get(pk=batch.pk).created == 1


def test_each_batch_of_rows_costs_the_same_queries_whatever_its_size(
    acme, recruiter, django_assert_num_queries
):
    batch = importing.start_import(
        parsed=importing.parse_upload(data=csv_bytes([applicant(n) for n in range(60)])),
        file_name="ats.csv",
        importer=recruiter,
        create_clients=False,
        invite=False,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING)

    for size in (10, 50):
        # the batch's transaction (a savepoint here, inside the test's), the import, its next
        # rows (locked); clients, applications by external id and by e-mail; the candidates
        # service: its savepoint, verified candidates, one insert, the webhook endpoints that want
        # the outcomes (none here), the savepoint's release; the rows' results, their links to the
        # new applications, the import's counts
        with django_assert_num_queries(15):
            assert importing.apply_rows(batch_id=batch.pk, size=size) == size

    assert Application.objects.count() == 60


def report_rows(batch) -> list[dict]:
    text = importing.error_report(batch=batch)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.postgres
def test_ten_thousand_rows_with_twelve_broken_and_the_same_file_again(
    acme, recruiter, django_capture_on_commit_callbacks, capsys
):
    broken = {
        17: {"client": "Globex"},
        403: {"interviewed_on": "2026-13-01"},
        999: {"candidate_email": "no-at-sign"},
        1500: {"recruiter_email": "gone@agency.test"},
        2222: {"stage": "Coffee"},
        3000: {"outcome": "Perhaps"},
        4100: {"candidate_name": ""},
        5005: {"role_title": ""},
        6006: {"outcome_on": "yesterday"},
        7007: {"client": ""},
        8008: {"candidate_email": "two@@example.test"},
        9999: {"stage": "Third"},
    }
    rows = [applicant(n, **broken.get(n, {})) for n in range(10_000)]
    data = csv_bytes(rows, bom=True)

    started = time.monotonic()
    batch = importing.start_import(
        parsed=importing.parse_upload(data=data),
        file_name="ats.csv",
        importer=recruiter,
        create_clients=False,
        invite=False,
    )
    previewed = time.monotonic()
    assert (batch.rows_total, batch.to_create, batch.to_update, batch.to_leave, batch.errors) == (
        10_000,
        9_988,
        0,
        0,
        12,
    )
    with django_capture_on_commit_callbacks(execute=True):
        importing.confirm_import(batch=batch, now=timezone.now())
    applied = time.monotonic()

    batch.refresh_from_db()
    assert (batch.state, batch.processed, batch.created, batch.failed) == (
        ImportBatch.State.DONE,
        9_988,
        9_988,
        12,
    )
    assert batch.percent_done == 100
    assert Application.objects.filter(source=Application.Source.IMPORT).count() == 9_988
    report = report_rows(batch)
    assert len(report) == 12
    assert [int(r["row"]) for r in report] == sorted(n + 2 for n in broken)
    assert report[0]["column"] == "client" and report[0]["client"] == "Globex"

    again = run_import(data, recruiter, django_capture_on_commit_callbacks)
    finished = time.monotonic()
    assert (again.to_create, again.to_update, again.to_leave, again.errors) == (0, 0, 9_988, 12)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 9_988)
    assert Application.objects.count() == 9_988
    with capsys.disabled():
        print(
            f"\n10,000 rows: preview {previewed - started:.1f} s, apply {applied - previewed:.1f} s, "
            f"same file again {finished - applied:.1f} s"
        )


def test_invitations_an_import_sends_do_not_count_against_the_recruiters_hourly_limit(
    acme, recruiter, recruiter_client, application_factory, django_capture_on_commit_callbacks
):
    from candidates.views import HOURLY_INVITATIONS

    rows = [applicant(n) for n in range(HOURLY_INVITATIONS.most + 1)]
    run_import(csv_bytes(rows), recruiter, django_capture_on_commit_callbacks, invite=True)
    assert OutboundEmail.objects.filter(kind=FEEDBACK_INVITATION.name).count() == HOURLY_INVITATIONS.most + 1
    typed = application_factory(client=acme, recruiter=recruiter, outcome=Application.Outcome.PENDING)

    page = recruiter_client.post(
        f"/dashboard/applications/{typed.uuid}/outcome/",
        {"outcome": Application.Outcome.NOT_SELECTED, "invite": "on"},
    )

    assert page.status_code == 302
    assert OutboundEmail.objects.filter(kind=FEEDBACK_INVITATION.name, application=typed).exists()


def test_a_confirmed_import_whose_task_was_lost_is_resumed(
    acme, recruiter, django_capture_on_commit_callbacks
):
    batch = importing.start_import(
        parsed=importing.parse_upload(data=csv_bytes([applicant(1), applicant(2)])),
        file_name="ats.csv",
        importer=recruiter,
        create_clients=False,
        invite=False,
    )
    confirmed = timezone.now() - timedelta(minutes=11)
    # Confirmed, but the message never reached a worker.
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.QUEUED, confirmed_at=confirmed)
    importing.apply_rows(batch_id=batch.pk, size=1)  # a worker got one transaction in, then died
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING)

    assert importing.resume_imports(now=confirmed + timedelta(minutes=9)) == 0  # not yet: it may still run
    assert importing.resume_imports(now=timezone.now()) == 1

    batch.refresh_from_db()
    assert (batch.state, batch.created, batch.processed) == (ImportBatch.State.DONE, 2, 2)
    assert Application.objects.count() == 2


def test_names_written_oddly_and_turn_downs_without_a_date_import_the_same_twice(
    acme, recruiter, django_capture_on_commit_callbacks
):
    data = csv_bytes([applicant(1, candidate_name="  Sam   Carter ", outcome_on="", external_id="")])

    first = run_import(data, recruiter, django_capture_on_commit_callbacks)
    again = run_import(data, recruiter, django_capture_on_commit_callbacks)

    application = Application.objects.get()
    assert application.candidate_name == "Sam   Carter"  # kept as the recruiter's form keeps it
    assert application.outcome_on == timezone.localdate()  # dated today, as the form dates it
    assert (first.created, again.unchanged) == (1, 1)


def test_a_row_the_database_refuses_is_reported_and_the_rest_still_import(
    acme, recruiter, application_factory, monkeypatch, django_capture_on_commit_callbacks
):
    from integrations import imports

    batch = importing.start_import(
        parsed=importing.parse_upload(data=csv_bytes([applicant(n) for n in range(1, 6)])),
        file_name="ats.csv",
        importer=recruiter,
        create_clients=False,
        invite=False,
    )
    # The API creates ATS-3 at the very moment the import checks its rows, so the check misses it.
    application_factory(client=acme, candidate=None, external_id="ATS-3")
    read = imports.read_known

    def racing(rows):
        known = read(rows)
        known.by_external_id.pop("ATS-3", None)
        known.by_key.clear()
        return known

    monkeypatch.setattr(imports, "read_known", racing)

    with django_capture_on_commit_callbacks(execute=True):
        importing.confirm_import(batch=batch, now=timezone.now())

    batch.refresh_from_db()
    assert (batch.state, batch.created, batch.failed, batch.processed) == (ImportBatch.State.DONE, 4, 1, 5)
    assert report_rows(batch)[0]["row"] == "4"
    assert "another application took its external id" in report_rows(batch)[0]["reason"]
