"""The spreadsheet form of a batch (CSV and XLSX), through the real CLI.

tests/fixtures/valid/batch.csv holds 2 cases (SHEET-A: 2 dockets, 3 charges; SHEET-B: 1 docket, 2 charges).
Tests read it as a list of row dicts, change one cell, and write it back to tmp_path.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from erasure_docs.loading import load_inputs

BATCH = Path(__file__).resolve().parent / "fixtures" / "valid" / "batch.csv"

def read_batch() -> tuple[list[str], list[dict[str, str]]]:
    with open(BATCH, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_csv(folder: Path, header: list[str], rows: list[dict[str, str]], name: str = "batch.csv") -> Path:
    path = folder / name
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def changed(folder: Path, sheet_row: int, column: str, value: str) -> Path:
    """The batch with one cell changed; sheet_row counts the header as row 1."""
    header, rows = read_batch()
    rows[sheet_row - 2][column] = value
    return write_csv(folder, header, rows)


def cell(column: str, row: int) -> str:
    """The cell reference a message names, e.g. 'batch!C6' (a CSV's only sheet is named after its file)."""
    from erasure_docs.sheetio import cell_name

    header, _ = read_batch()
    return f"batch!{cell_name(header.index(column) + 1, row)}"


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def run(cli, *args):
    code, out, err = cli("validate", *args)
    assert "Traceback" not in out + err
    return code, out, err


def test_fixture_shape():
    _, rows = read_batch()
    assert len(rows) == 5
    assert len({r["case_id"] for r in rows}) == 2
    assert len({(r["case_id"], r["docket_number"]) for r in rows}) == 3


# ---------------------------------------------------------------- valid sheets

def test_valid_csv(cli):
    code, out, err = run(cli, BATCH)
    assert code == 0, err
    assert err == ""
    assert "2 valid, 0 invalid (2 cases read)" in out


def test_rows_become_cases_records_and_charges():
    loaded = load_inputs([BATCH])
    assert [item.case_id for item in loaded] == ["SHEET-A", "SHEET-B"]
    assert all(item.ok for item in loaded), [item.problems for item in loaded]
    a, b = (item.case for item in loaded)
    assert [len(r.charges) for r in a.records] == [2, 1]
    assert [len(r.charges) for r in b.records] == [2]
    assert a.petitioner.address.zip == "06106"  # leading zero kept
    assert [p.canonical for p in a.trafficking.predicates] == ["C.G.S. § 53a-192a", "18 U.S.C. § 1591"]
    assert a.records[0].court.number == 14 and a.records[1].court.number is None
    assert a.records[1].charges[0].victims[0].name == "Pat Doe"
    assert a.as_of == dt.date(2026, 11, 30)


def test_header_is_case_insensitive_and_order_free(cli, tmp_path):
    header, rows = read_batch()
    shuffled = list(reversed(header))
    path = write_csv(tmp_path, shuffled, rows)
    text = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(text[0].upper().replace("CASE_ID", " Case_Id ") + "\n" + text[1], encoding="utf-8")
    code, out, err = run(cli, path)
    assert code == 0, err
    assert "2 valid, 0 invalid" in out


# ---------------------------------------------------------------- problems, by sheet row

def test_rows_of_a_case_must_agree(cli, tmp_path):
    path = changed(tmp_path, 6, "last_name", "Leigh")  # SHEET-B's second row
    code, out, err = run(cli, path)
    assert code == 1
    [line] = errors(err)
    assert line.startswith(f"error: {path} {cell('last_name', 6)} [SHEET-B] last_name: ")
    assert "row 5" in line and "Leigh" not in line
    assert "1 valid, 1 invalid (2 cases read)" in out


def test_bad_date_names_its_row_and_field(cli, tmp_path):
    path = changed(tmp_path, 4, "offense_date", "2016-02-30")  # SHEET-A's second docket
    code, out, err = run(cli, path)
    assert code == 1
    [line] = errors(err)
    assert f"{path} {cell('offense_date', 4)} [SHEET-A] records[1].charges[0].offense_date: " in line
    assert "not a date; use a date cell, or write 2015-03-01 or 3/1/2015" in line and "2016-02-30" not in line
    assert "1 valid, 1 invalid (2 cases read)" in out


def test_cross_field_rule_names_its_row(cli, tmp_path):
    path = changed(tmp_path, 3, "disposition_date", "2015-01-01")  # SHEET-A, first docket, second charge
    code, _, err = run(cli, path)
    assert code == 1
    lines = errors(err)  # before its offense date, and before the record's arrest date
    where = f"{path} {cell('disposition_date', 3)} [SHEET-A] records[0].charges[1].disposition_date: "
    assert sorted(lines) == [f"error: {where}is before the arrest date", f"error: {where}is before the offense date"]


@pytest.mark.parametrize("value, expected", [("yes", True), ("YES", True), ("no", False), ("No", False), ("", None),
                                             ("y", True), ("N", False), ("TRUE", True), ("false", False)])
def test_related_to_trafficking(tmp_path, value, expected):
    path = changed(tmp_path, 2, "related_to_trafficking", value)
    [a, _] = load_inputs([path])
    assert a.ok, a.problems
    assert a.case.records[0].charges[0].related_to_trafficking is expected


def test_related_to_trafficking_bad_value(cli, tmp_path):
    path = changed(tmp_path, 5, "related_to_trafficking", "maybe")
    code, out, err = run(cli, path)
    assert code == 1
    [line] = errors(err)
    assert f"{path} {cell('related_to_trafficking', 5)} [SHEET-B] records[0].charges[0].related_to_trafficking: " \
        "must be yes or no" in line
    assert "1 valid, 1 invalid" in out


def test_bad_case_does_not_stop_the_good_one(cli, tmp_path):
    path = changed(tmp_path, 2, "disposition", "sentenced")
    code, out, err = run(cli, path)
    assert code == 1
    [line] = errors(err)
    assert f"{cell('disposition', 2)} [SHEET-A] records[0].charges[0].disposition: is not one of the drop-down " \
        "choices: Convicted, Dismissed, Nolle, Not guilty, Pending, Adjudicated delinquent, FWSN" in line
    assert "sentenced" not in line
    assert "1 valid, 1 invalid (2 cases read)" in out


def test_victims_warning_names_its_row(cli, tmp_path):
    path = changed(tmp_path, 4, "disposition", "dismissed")  # the charge with victim Pat Doe
    code, out, err = run(cli, path)
    assert code == 0, err
    assert errors(err) == []
    [line] = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert f"{path} {cell('victim_name', 4)} [SHEET-A] records[1].charges[0].victims: " in line
    assert "2 valid, 0 invalid" in out


def test_row_without_docket_number(cli, tmp_path):
    path = changed(tmp_path, 3, "docket_number", "")
    code, out, err = run(cli, path)
    assert code == 1
    lines = errors(err)
    assert any(f"{path} {cell('docket_number', 3)} [SHEET-A] docket_number: " in line for line in lines), err
    assert not any("used again" in line for line in lines), err
    assert len(lines) == 1, err
    assert "1 valid, 1 invalid (2 cases read)" in out


def test_case_id_unique_across_sheets(cli, tmp_path):
    (tmp_path / "copy").mkdir()
    header, rows = read_batch()
    first = write_csv(tmp_path, header, rows)
    second = write_csv(tmp_path / "copy", header, rows[3:])  # SHEET-B again
    code, out, err = run(cli, first, second)
    assert code == 1
    [line] = errors(err)
    assert "[SHEET-B] case_id: " in line and "used again" in line
    assert "2 valid, 1 invalid (3 cases read)" in out


# ---------------------------------------------------------------- the header

@pytest.mark.parametrize("column", ["case_id", "docket_number", "statute", "disposition"])
def test_missing_required_column(cli, tmp_path, column):
    header, rows = read_batch()
    header.remove(column)
    for row in rows:
        del row[column]
    path = write_csv(tmp_path, header, rows)
    code, out, err = run(cli, path)
    assert code == 1
    [line] = errors(err)
    title = column.replace("_", " ").capitalize()
    assert line == f"error: {path} batch!A1: the sheet lacks the required column(s): {title}"


def test_unknown_column(cli, tmp_path):
    header, rows = read_batch()
    header[header.index("victim_name")] = "victim_nmae"
    for row in rows:
        row["victim_nmae"] = row.pop("victim_name")
    path = write_csv(tmp_path, header, rows)
    code, out, err = run(cli, path)
    assert code == 1
    [line] = errors(err)
    assert line == f"error: {path} {cell('victim_name', 1)}: column 'victim_nmae' is not one this sheet reads; " \
        "did you mean 'Victim name'?"


def test_header_only_sheet_has_no_cases(cli, tmp_path):
    header, _ = read_batch()
    code, out, err = run(cli, write_csv(tmp_path, header, []))
    assert "0 valid, 0 invalid" in out


def test_missing_sheet_file(cli, tmp_path):
    code, _, err = run(cli, tmp_path / "nothing.csv")
    assert code == 1
    [line] = errors(err)
    assert "no such file" in line


# ---------------------------------------------------------------- the same data as .xlsx

DATE_COLUMNS = {"date_of_birth", "trafficking_start", "arrest_date", "offense_date", "disposition_date", "as_of"}


def write_xlsx(folder: Path, with_notes_first: bool = False) -> Path:
    """The batch as a workbook: real date cells, a numeric court number, the ZIP kept as text."""
    import openpyxl

    header, rows = read_batch()
    book = openpyxl.Workbook()
    sheet = book.active
    if with_notes_first:
        sheet.title = "Notes"
        sheet.append(["Clinic day, Hartford"])
        sheet = book.create_sheet("Cases")
    else:
        sheet.title = "Cases"
    sheet.append([h.upper() for h in header])
    for row in rows:
        cells = []
        for column in header:
            value = row[column]
            if value and column in DATE_COLUMNS:
                cells.append(dt.datetime.fromisoformat(value))
            elif value and column == "court_number":
                cells.append(int(value))
            else:
                cells.append(value or None)
        sheet.append(cells)
    path = folder / "batch.xlsx"
    book.save(path)
    return path


def test_valid_xlsx(cli, tmp_path):
    code, out, err = run(cli, write_xlsx(tmp_path))
    assert code == 0, err
    assert "2 valid, 0 invalid (2 cases read)" in out


def test_xlsx_reads_like_csv(tmp_path):
    from_csv = [item.case for item in load_inputs([BATCH])]
    from_xlsx = [item.case for item in load_inputs([write_xlsx(tmp_path)])]
    assert from_xlsx == from_csv


def test_sheet_option_picks_a_named_sheet(cli, tmp_path):
    code, out, err = run(cli, write_xlsx(tmp_path, with_notes_first=True), "--sheet", "Cases")
    assert code == 0, err
    assert "2 valid, 0 invalid (2 cases read)" in out


def test_first_sheet_is_read_by_default(cli, tmp_path):
    path = write_xlsx(tmp_path, with_notes_first=True)
    code, _, err = run(cli, path)
    assert code == 1
    assert errors(err) == [
        f"error: {path} Notes!A1: column 'Clinic day, Hartford' is not one this sheet reads; the columns this sheet "
        "reads are listed on the Instructions sheet of `erasure-docs workbook`",
        f"error: {path} Notes!A1: the sheet lacks the required column(s): Case id, Docket number, Statute, Disposition"]


def test_wrong_sheet_name(cli, tmp_path):
    path = write_xlsx(tmp_path, with_notes_first=True)
    code, out, err = run(cli, path, "--sheet", "Sheet9")
    assert code == 1
    [line] = errors(err)
    assert line == f"error: {path}: has no sheet named 'Sheet9' (sheets: Notes, Cases)"
    assert "0 valid, 0 invalid (0 cases read); 1 input could not be read" in out


def test_not_a_workbook(cli, tmp_path):
    path = tmp_path / "batch.xlsx"
    path.write_text("case_id,docket_number\n")
    code, _, err = run(cli, path)
    assert code == 1
    [line] = errors(err)
    assert "not a readable .xlsx workbook" in line
