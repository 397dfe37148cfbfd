"""manage.py import_applications: the import for scripts."""

import pytest
from django.core.management import CommandError, call_command

from candidates.models import Application
from feedback_portal.models import User
from integrations.models import ImportBatch
from tests.integrations.csvfiles import applicant, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def ats_file(tmp_path, client_factory, recruiter):
    client_factory(name="Acme Analytics", owner=recruiter)
    path = tmp_path / "ats.csv"
    path.write_bytes(csv_bytes([applicant(1), applicant(2), applicant(3, outcome="Maybe")], delimiter=";"))
    return path


def test_a_dry_run_prints_the_preview_and_saves_nothing(ats_file, recruiter, capsys):
    call_command("import_applications", str(ats_file), "--recruiter", recruiter.email, "--dry-run")

    out = capsys.readouterr().out
    assert "To create: 2, to update: 0, unchanged: 0, with errors: 1" in out
    assert "row 4, outcome: unknown outcome “Maybe”" in out
    assert "Dry run: nothing was saved." in out
    assert not ImportBatch.objects.exists()
    assert not Application.objects.exists()


def test_the_command_imports_and_records_the_import(ats_file, recruiter, capsys):
    call_command("import_applications", str(ats_file), "--recruiter", recruiter.email, "--invite")

    out = capsys.readouterr().out
    assert "Imported: 2 created, 0 updated, 0 unchanged, 1 with errors." in out
    batch = ImportBatch.objects.get()
    assert (batch.created_by, batch.file_name, batch.state, batch.invite) == (
        recruiter,
        "ats.csv",
        "done",
        True,
    )
    assert Application.objects.filter(source=Application.Source.IMPORT).count() == 2

    call_command("import_applications", str(ats_file), "--recruiter", recruiter.email)
    assert "Imported: 0 created, 0 updated, 2 unchanged, 1 with errors." in capsys.readouterr().out


def test_without_recruiter_the_import_is_the_first_admins(ats_file, capsys):
    admin = User.objects.create_superuser("boss@agency.test", "pw-long-enough-2026")

    call_command("import_applications", str(ats_file))

    assert ImportBatch.objects.get().created_by == admin


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["missing.csv", "--recruiter", "x@agency.test"], "No recruiter signs in as x@agency.test."),
        (["missing.csv"], "No admin to record the import as"),
    ],
)
def test_bad_arguments_are_said_plainly(db, args, says):
    with pytest.raises(CommandError, match=says):
        call_command("import_applications", *args)


def test_an_unreadable_file_is_said_plainly(tmp_path, recruiter):
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK\x03\x04 workbook")

    with pytest.raises(CommandError, match="Excel workbook"):
        call_command("import_applications", str(path), "--recruiter", recruiter.email)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_applications", str(tmp_path / "nope.csv"), "--recruiter", recruiter.email)
