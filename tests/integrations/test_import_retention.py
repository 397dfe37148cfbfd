"""Import rows repeat candidates' names and addresses: they go after a while, and on erasure."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import importing
from integrations.models import ImportBatch, ImportRow
from tests.integrations.csvfiles import applicant, csv_bytes

pytestmark = pytest.mark.django_db


def start(recruiter, rows) -> ImportBatch:
    return importing.start_import(
        parsed=importing.parse_upload(data=csv_bytes(rows)), file_name="ats.csv", importer=recruiter,
        create_clients=True, invite=False,
    )  # fmt: skip


def test_rows_of_imports_finished_long_ago_are_deleted_and_the_record_stays(recruiter):
    now = timezone.now()
    old, recent, waiting, abandoned = (start(recruiter, [applicant(n)]) for n in range(4))
    ImportBatch.objects.filter(pk=old.pk).update(state="done", finished_at=now - timedelta(days=31))
    ImportBatch.objects.filter(pk=recent.pk).update(state="done", finished_at=now - timedelta(days=29))
    ImportBatch.objects.filter(pk=abandoned.pk).update(created_at=now - timedelta(days=40))

    deleted = importing.forget_old_import_rows(now=now, days=30)

    assert deleted == 2
    assert set(ImportRow.objects.values_list("batch", flat=True)) == {recent.pk, waiting.pk}
    assert ImportBatch.objects.get(pk=old.pk).rows_total == 1  # who, when, the counts: kept
    assert ImportBatch.objects.get(pk=abandoned.pk).state == ImportBatch.State.CANCELLED


def test_erasing_a_candidate_deletes_every_import_row_naming_them(recruiter):
    start(recruiter, [applicant(1), applicant(2)])
    start(recruiter, [applicant(1, candidate_email="Candidate1@Example.test")])

    assert importing.forget_import_rows_about(email="CANDIDATE1@example.test ") == 2

    assert [row.values["candidate_email"] for row in ImportRow.objects.all()] == ["candidate2@example.test"]


def test_an_erasure_on_request_deletes_the_import_rows_naming_the_candidate(recruiter, candidate_factory):
    from feedback_portal import erasure

    me = candidate_factory(email="candidate1@example.test")
    start(recruiter, [applicant(1), applicant(2)])

    done = erasure.erase_account(erasure_request=erasure.request_erasure(user=me), actor=recruiter)

    assert done.counts["import_rows"] == 1
    assert [row.values["candidate_email"] for row in ImportRow.objects.all()] == ["candidate2@example.test"]
