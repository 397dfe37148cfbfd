"""The recruiter's import pages: upload, preview, confirm, progress, the reports; and who may see them."""

import csv
import io
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from candidates.models import Application
from integrations.models import ImportBatch, ImportRow
from tests.integrations.csvfiles import applicant, csv_bytes

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/applications/import/"


@pytest.fixture
def acme(client_factory, recruiter):
    return client_factory(name="Acme Analytics", owner=recruiter)


def upload(client, data: bytes, *, name="ats.csv", follow=True, **options):
    return client.post(
        PAGE, {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **options}, follow=follow
    )


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_a_recruiter_uploads_a_file_and_sees_the_preview(recruiter_client, acme, application_factory):
    application_factory(
        client=acme, candidate=None, external_id="ATS-2", candidate_email="old@example.test", stage="first"
    )
    data = csv_bytes([applicant(1), applicant(2), applicant(3, client="Globex")], delimiter=";", bom=True)

    response = upload(recruiter_client, data)

    batch = ImportBatch.objects.get()
    assert response.redirect_chain == [(f"{PAGE}{batch.uuid}/", 302)]
    page = text(response)
    assert "1 to create 1 to update 0 unchanged 1 with errors" in page
    assert "Nothing is saved until you confirm." in page
    assert "client : unknown client “Globex”" in page
    assert "Import 2 rows" in page
    assert "candidate e-mail : old@example.test → candidate2@example.test" in page
    assert "stage : 1st interview → 2nd interview" in page
    assert Application.objects.count() == 1  # nothing written yet


def test_confirming_imports_and_the_page_shows_what_was_done(
    recruiter_client, acme, django_capture_on_commit_callbacks
):
    upload(recruiter_client, csv_bytes([applicant(1), applicant(2, stage="Tea")]))
    batch = ImportBatch.objects.get()
    page = recruiter_client.get(f"{PAGE}{batch.uuid}/").content.decode()
    once = re.search(r'action="[^"]*/confirm/".*?name="once" value="([0-9a-f]+)"', page, re.S).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = recruiter_client.post(f"{PAGE}{batch.uuid}/confirm/", {"once": once})

    assert confirmed["Location"] == f"{PAGE}{batch.uuid}/"
    page = text(recruiter_client.get(confirmed["Location"]))
    assert "Done" in page
    assert "1 created 0 updated 0 unchanged 1 with errors" in page
    assert "Download the error report (CSV)" in page
    assert Application.objects.get().source == Application.Source.IMPORT
    # The same form sent again does nothing more.
    again = recruiter_client.post(f"{PAGE}{batch.uuid}/confirm/", {"once": once}, follow=True)
    assert "That was done already" in text(again)


def test_while_importing_the_page_shows_a_progress_bar_and_refreshes_itself(
    recruiter_client, acme, recruiter
):
    upload(recruiter_client, csv_bytes([applicant(n) for n in range(4)]))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING, processed=1)

    response = recruiter_client.get(f"{PAGE}{batch.uuid}/")

    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert re.search(r'<progress [^>]*max="4" value="1"', html)
    assert "1 of 4 rows done (25%)" in text(response)
    # The reader can stop it (WCAG 2.2.1), and start it again.
    still = recruiter_client.get(f"{PAGE}{batch.uuid}/", {"still": "1"})
    assert 'http-equiv="refresh"' not in still.content.decode()
    assert "1 of 4 rows done (25%)" in text(still)
    assert "Refresh automatically" in text(still)


def test_the_error_report_lists_each_problem_with_the_row_as_written(recruiter_client, acme):
    upload(
        recruiter_client, csv_bytes([applicant(1), applicant(2, client="=HYPERLINK(1)", outcome_on="soon")])
    )
    batch = ImportBatch.objects.get()

    response = recruiter_client.get(f"{PAGE}{batch.uuid}/errors.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ats-errors.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["row"], r["column"]) for r in rows] == [("3", "client"), ("3", "outcome on")]
    assert rows[1]["reason"] == "bad date “soon”: write it as 2026-03-14 (or 14/03/2026)"
    # A value a spreadsheet would run as a formula is written as text.
    assert rows[0]["client"] == "'=HYPERLINK(1)"
    assert rows[0]["candidate name"] == "Candidate 00002"


def test_the_template_has_the_documented_header_and_an_example(recruiter_client):
    response = recruiter_client.get(f"{PAGE}template.csv")

    header, example = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [
        "candidate name",
        "candidate e-mail",
        "client",
        "role title",
        "job reference",
        "stage",
        "interviewed on",
        "outcome",
        "outcome on",
        "recruiter e-mail",
        "external id",
    ]
    assert example[0] == "Sam Carter"


LATIN = "candidate name,candidate e-mail,client,role title\nJosé,j@x.test,Acme,Analyst\n".encode("cp1252")


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"PK\x03\x04\x14\x00binary", "ats.xlsx", "This is an Excel workbook, not a CSV file."),
        (LATIN, "ats.csv", "not UTF-8"),
        (b"name;email\nSam;sam@example.test\n", "ats.csv", "The header line lacks the columns"),
        (b"", "ats.csv", "This file is empty."),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_on_the_page(recruiter_client, data, name, says):
    response = upload(recruiter_client, data, name=name, create_clients="on", follow=False)

    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert says in page
    assert re.search(r'<input type="checkbox" name="create_clients"[^>]* checked>', response.content.decode())
    assert not ImportBatch.objects.exists()


@override_settings(IMPORT_MAX_BYTES=1000, IMPORT_MAX_ROWS=5)
def test_files_over_the_limits_are_refused_with_the_limit(recruiter_client, acme):
    too_big = upload(recruiter_client, csv_bytes([applicant(1, role_title="x" * 1200)]), follow=False)
    too_long = upload(recruiter_client, csv_bytes([applicant(n) for n in range(6)]), follow=False)

    assert "one import takes at most 1000 bytes. Split it into smaller files" in text(too_big)
    assert "more than 5 rows, the most one import takes" in text(too_long)
    assert not ImportBatch.objects.exists()


def test_no_file_is_asked_for(recruiter_client):
    response = recruiter_client.post(PAGE, {})

    assert "Choose the CSV file to import." in text(response)


def test_the_import_page_lists_past_imports(recruiter_client, acme, recruiter, django_assert_num_queries):
    upload(recruiter_client, csv_bytes([applicant(1)]), name="monday.csv")
    upload(recruiter_client, csv_bytes([applicant(2)]), name="tuesday.csv")

    # the signed-in user; the latest imports with who ran each
    with django_assert_num_queries(2):
        response = recruiter_client.get(PAGE)

    page = text(response)
    assert page.index("tuesday.csv") < page.index("monday.csv")
    assert f"tuesday.csv {recruiter}" in page


def test_the_preview_keeps_its_query_budget(recruiter_client, acme, django_assert_num_queries):
    upload(
        recruiter_client,
        csv_bytes([applicant(n, client="Globex" if n % 7 == 0 else "Acme Analytics") for n in range(200)]),
    )
    batch = ImportBatch.objects.get()

    # the signed-in user; the import; the rows with errors; the rows to create (the first 50 each)
    with django_assert_num_queries(4):
        response = recruiter_client.get(f"{PAGE}{batch.uuid}/")

    assert "The first 50 of 171 shown." in text(response)


def test_candidates_and_strangers_cannot_find_the_pages(client, candidate, recruiter_factory, acme):
    owner = recruiter_factory()
    client.force_login(owner)
    upload(client, csv_bytes([applicant(1)]))
    batch = ImportBatch.objects.get()
    client.logout()

    addresses = [PAGE, f"{PAGE}template.csv", f"{PAGE}{batch.uuid}/", f"{PAGE}{batch.uuid}/errors.csv"]
    for address in addresses:
        assert client.get(address).status_code == 302  # to sign in
    client.force_login(candidate)
    for address in addresses:
        assert client.get(address).status_code == 404
    assert client.post(f"{PAGE}{batch.uuid}/confirm/").status_code == 404


def test_only_who_uploaded_it_may_confirm_or_cancel_a_preview(client, recruiter_factory, acme):
    owner, colleague = recruiter_factory(), recruiter_factory()
    client.force_login(owner)
    upload(client, csv_bytes([applicant(1)]))
    batch = ImportBatch.objects.get()
    client.force_login(colleague)

    assert client.get(f"{PAGE}{batch.uuid}/").status_code == 200  # the agency's record: readable
    assert client.post(f"{PAGE}{batch.uuid}/confirm/").status_code == 404
    assert client.post(f"{PAGE}{batch.uuid}/cancel/").status_code == 404
    assert ImportBatch.objects.get().state == ImportBatch.State.PREVIEW


def test_cancelling_a_preview_keeps_the_record_and_drops_the_rows(recruiter_client, acme):
    upload(recruiter_client, csv_bytes([applicant(1)]))
    batch = ImportBatch.objects.get()

    response = recruiter_client.post(f"{PAGE}{batch.uuid}/cancel/", follow=True)

    assert "Cancelled: nothing from ats.csv was imported." in text(response)
    assert ImportBatch.objects.get().state == ImportBatch.State.CANCELLED
    assert not ImportRow.objects.exists()
    assert not Application.objects.exists()


def test_an_unknown_import_is_not_found(recruiter_client):
    assert recruiter_client.get(f"{PAGE}00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_finished_import_keeps_its_query_budget(
    recruiter_client, acme, recruiter, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from integrations import importing

    upload(recruiter_client, csv_bytes([applicant(n, stage="Tea" if n % 3 == 0 else "") for n in range(90)]))
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        importing.confirm_import(batch=batch, now=timezone.now())

    # the signed-in user; the import; the first 50 rows with errors
    with django_assert_num_queries(3):
        response = recruiter_client.get(f"{PAGE}{batch.uuid}/")

    page = text(response)
    assert "60 created 0 updated 0 unchanged 30 with errors" in page
    assert "The first 50 of 30 shown" not in page


def test_admins_read_imports_in_the_admin_and_cannot_change_them(client, recruiter, acme):
    from feedback_portal.models import User

    admin = User.objects.create_superuser("boss@agency.test", "pw-long-enough-2026")
    client.force_login(recruiter)
    upload(client, csv_bytes([applicant(1)]), name="monday.csv")
    batch = ImportBatch.objects.get()
    client.force_login(admin)

    listing = client.get("/admin/integrations/importbatch/")
    one = client.get(f"/admin/integrations/importbatch/{batch.pk}/change/")
    rows = client.get("/admin/integrations/importrow/")

    assert "monday.csv" in text(listing)
    assert one.status_code == 200
    assert "Save and continue editing" not in one.content.decode()  # read-only
    assert "monday.csv" in text(rows)
    assert client.get("/admin/integrations/importbatch/add/").status_code == 403
    assert (
        client.post(f"/admin/integrations/importbatch/{batch.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert ImportBatch.objects.exists()


def test_every_import_form_carries_the_csrf_token_and_a_post_without_it_is_refused(recruiter, acme):
    from django.test import Client as Browser

    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(recruiter)
    page = browser.get(PAGE).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') == 2  # the upload form, and signing out

    refused = browser.post(PAGE, {"file": SimpleUploadedFile("ats.csv", csv_bytes([applicant(1)]))})
    assert refused.status_code == 403
    assert not ImportBatch.objects.exists()

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    browser.post(
        PAGE, {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile("ats.csv", csv_bytes([applicant(1)]))}
    )
    batch = ImportBatch.objects.get()
    preview = browser.get(f"{PAGE}{batch.uuid}/").content.decode()
    assert preview.count('name="csrfmiddlewaretoken"') == 3  # confirm, cancel, and signing out
    assert browser.post(f"{PAGE}{batch.uuid}/confirm/").status_code == 403
    assert browser.post(f"{PAGE}{batch.uuid}/cancel/").status_code == 403
    assert ImportBatch.objects.get().state == ImportBatch.State.PREVIEW
