"""Reading the uploaded file: what Excel and other spreadsheets write, and files that are not CSV."""

import pytest

from integrations.reading import FileRefused, read_csv
from tests.integrations.csvfiles import csv_bytes, row

SAM = row(
    candidate_name="Sam Carter",
    candidate_email="sam@example.test",
    client="Acme Analytics",
    role_title="Data Analyst",
)


def test_a_comma_file_written_in_excels_dialect_is_read_by_column():
    parsed = read_csv(csv_bytes([SAM]), max_rows=10)

    assert parsed.delimiter == ","
    ((number, values),) = parsed.rows
    assert number == 2  # the header is row 1, as the spreadsheet numbers it
    assert values["candidate_name"] == "Sam Carter"
    assert values["client"] == "Acme Analytics"
    assert values["stage"] == ""


def test_a_bom_and_semicolons_as_european_excel_saves_them():
    parsed = read_csv(csv_bytes([SAM], delimiter=";", bom=True), max_rows=10)

    assert parsed.delimiter == ";"
    assert parsed.rows[0][1]["candidate_name"] == "Sam Carter"
    assert parsed.rows[0][1]["candidate_email"] == "sam@example.test"


def test_excels_quoting_keeps_commas_quotes_and_line_breaks_inside_a_cell():
    tricky = row(
        candidate_name='Ana "Nan" Ñúñez',
        candidate_email="ana@example.test",
        client="Smith, Jones & Co",
        role_title="Analyst\nsecond line",
    )
    parsed = read_csv(csv_bytes([tricky, SAM]), max_rows=10)

    values = parsed.rows[0][1]
    assert values["candidate_name"] == 'Ana "Nan" Ñúñez'
    assert values["client"] == "Smith, Jones & Co"
    assert values["role_title"] == "Analyst\nsecond line"
    assert [number for number, _ in parsed.rows] == [2, 3]


def test_headers_in_any_case_and_order_with_unknown_columns_set_aside():
    header = ["Client", "ROLE TITLE", "Candidate_Email", "candidate-name", "Notes"]
    parsed = read_csv(
        csv_bytes([["Acme", "Analyst", "a@example.test", "Al", "call back"]], header=header), max_rows=5
    )

    values = parsed.rows[0][1]
    assert (values["client"], values["role_title"], values["candidate_name"]) == ("Acme", "Analyst", "Al")
    assert parsed.ignored_headers == ["Notes"]


def test_blank_lines_are_skipped_and_row_numbers_still_match_the_spreadsheet():
    parsed = read_csv(csv_bytes([SAM, [""] * 11, SAM]), max_rows=10)

    assert [number for number, _ in parsed.rows] == [2, 4]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"PK\x03\x04 an xlsx workbook", "Excel workbook"),
        (
            "candidate name,candidate e-mail,client,role title\nJosé,j@x.test,Acme,Analyst\n".encode(
                "latin-1"
            ),
            "not UTF-8",
        ),
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"name,email\nSam,sam@example.test\n", "lacks the columns"),
        (b"candidate name,candidate e-mail,client,role title\n", "no rows"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_with_the_reason(data, says):
    with pytest.raises(FileRefused, match=says):
        read_csv(data, max_rows=10)


def test_more_rows_than_allowed_is_refused():
    with pytest.raises(FileRefused, match="more than 3 rows"):
        read_csv(csv_bytes([SAM] * 4), max_rows=3)
    assert len(read_csv(csv_bytes([SAM] * 3), max_rows=3).rows) == 3


def test_characters_that_reorder_or_hide_text_are_taken_out_as_from_every_form():
    disguised = row(
        candidate_name="Sam\u202eretraC",
        candidate_email="sam\u200b@example.test",
        client="Acme Analytics",
        role_title="Data Analyst",
    )

    values = read_csv(csv_bytes([disguised]), max_rows=5).rows[0][1]

    assert values["candidate_name"] == "SamretraC"
    assert values["candidate_email"] == "sam@example.test"
