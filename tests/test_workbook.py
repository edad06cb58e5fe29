"""The intake workbook, end to end through the real CLI: `workbook` writes it, a coordinator fills it in
with openpyxl as they would in a spreadsheet program (a ZIP typed as a number, US dates, "Adjudicated
delinquent", a Juris number typed as a number), `batch` reads it and produces ready packets whose affidavits
hold the narratives; the same facts in the one-row-per-charge sheet give the same packets."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from erasure_docs.columns import BY_NAME
from tests.textextract import docx_text, pdf_text

ADULT, JUVENILE = "WB-0001", "WB-0002"
ADULT_NARRATIVE = ("In 2014 a man I met through a cousin promised me work cleaning houses. He took my papers and "
                   "made me have sex with men who paid him; in 2016 he sent me into a store to take clothes.")
JUVENILE_NARRATIVE = ("When I was fifteen my mother's boyfriend sold me to men he met online and kept the money. "
                      "I was arrested at a motel in 2015.")

PERSON = {  # the Cases sheet, by header title as the workbook prints it
    ADULT: {"First name": "Rosa", "Last name": "Quintero", "Date of birth": "9/8/1992", "Street": "41 Park Terrace",
            "City": "Bridgeport", "State": "ct", "Zip": 6604, "Attorney name": "Daniel Okafor",
            "Juris number": 431907, "Attorney street": "1057 Broad St, Suite 500", "Attorney city": "Bridgeport",
            "Attorney state": "CT", "Attorney zip": 6604, "Predicates": "53a-192a; 18 U.S.C. § 1591",
            "Trafficking start": dt.datetime(2014, 2, 1), "Trafficking end": "5/31/2018",
            "Narrative": ADULT_NARRATIVE, "Filing date": "2026-11-30", "As of": dt.datetime(2026, 11, 30)},
    JUVENILE: {"First name": "Dana", "Last name": "Whitlock", "Date of birth": "2000-04-02",
               "Street": "9 Elm St", "City": "Hartford", "State": "CT", "Zip": "6106",
               "Attorney name": "Dana Whitcomb", "Juris number": "438112", "Attorney street": "80 Asylum Ave",
               "Attorney city": "Hartford", "Attorney state": "CT", "Attorney zip": 6103,
               "Predicates": "53a-192a", "Trafficking start": "1/1/2015", "Trafficking end": "12/31/2016",
               "Filing date": "11/30/2026", "As of": "11/30/2026"},
}
DOCKETS = {ADULT: [{"Docket number": "F02B-CR16-0287731-S", "Court kind": "GA", "Court number": 2,
                    "Court location": "Bridgeport", "Proceeding": "Adult", "Arrest date": "3/19/2016",
                    "Arresting agency": "Bridgeport Police Department"}],
           JUVENILE: [{"Docket number": "H12-JV15-0041122", "Court kind": "Juvenile", "Court location": "Hartford",
                       "Proceeding": "Juvenile", "Arrest date": "6/5/2015"}]}
CHARGES = {ADULT: [{"Docket number": "F02B-CR16-0287731-S", "Statute": "53a-125b",
                    "Description": "Larceny in the sixth degree", "Offense class": "C misdemeanor",
                    "Offense date": "3/19/2016", "Disposition": "Convicted", "Disposition date": "5/2/2016",
                    "Sentence": "$150 fine", "Related to trafficking": "Y",
                    "Discretion factors": "Taken on the trafficker's orders; No arrest since 2018"},
                   {"Docket number": "F02B-CR16-0287731-S", "Statute": "53a-82", "Description": "Prostitution",
                    "Offense class": "A misdemeanor", "Offense date": dt.datetime(2016, 8, 27),
                    "Disposition": "convicted", "Disposition date": "10/4/2016", "Related to trafficking": "yes"}],
           JUVENILE: [{"Docket number": "H12-JV15-0041122", "Statute": "53a-82", "Description": "Prostitution",
                       "Offense date": "6/5/2015", "Disposition": "Adjudicated delinquent",
                       "Disposition date": "9/1/2015", "Discharge date": "9/1/2016",
                       "Related to trafficking": "TRUE"}]}
VICTIMS = {ADULT: [{"Docket number": "F02B-CR16-0287731-S", "Statute": "53a-125b",
                    "Victim name": "Seaview Department Store, Inc.", "Victim street": "2200 Seaview Ave",
                    "Victim city": "Bridgeport", "Victim state": "CT", "Victim zip": 6607,
                    "Notice method": "Certified", "Tracking number": "9407 1000 0000 0020 1001 01",
                    "Mailed on": "11/16/2026"}]}
EVIDENCE = {ADULT: [{"Evidence kind": "T visa"}, {"Evidence kind": "Service provider letter"}],
            JUVENILE: [{"Evidence kind": "DCF identification"}]}


def fill(template: Path) -> Path:
    """Fill the written workbook as a coordinator would: by the header titles, in the sheets' own order."""
    book = openpyxl.load_workbook(template)

    def append(sheet: str, values: dict) -> None:  # on the first empty row, as a person types
        ws = book[sheet]
        columns = {cell.value: cell.column for cell in ws[1]}
        row = 2
        while ws.cell(row, 1).value:
            row += 1
        for title, value in values.items():
            ws.cell(row, columns[title], value)

    for case_id in (ADULT, JUVENILE):
        append("Cases", {"Case id": case_id, **PERSON[case_id]})
        for sheet, rows in (("Records", DOCKETS), ("Charges", CHARGES), ("Victims", VICTIMS),
                            ("Evidence", EVIDENCE)):
            for values in rows.get(case_id, []):
                append(sheet, {"Case id": case_id, **values})
    book.save(template)
    (template.parent / "narratives").mkdir()
    (template.parent / "narratives" / f"{JUVENILE}.txt").write_text(JUVENILE_NARRATIVE + "\n", encoding="utf-8")
    return template


def old_form(folder: Path) -> Path:
    """The same facts as one row per charge (the older batch sheet), typed as text."""
    folder.mkdir()
    header, rows = [], []
    for case_id in (ADULT, JUVENILE):
        for charge in CHARGES[case_id]:
            record = next(d for d in DOCKETS[case_id] if d["Docket number"] == charge["Docket number"])
            victims = [v for v in VICTIMS.get(case_id, []) if v["Statute"] == charge["Statute"]]
            kinds = "; ".join(e["Evidence kind"] for e in EVIDENCE[case_id])
            row = {"Case id": case_id, **PERSON[case_id], **record, **charge, "Evidence": kinds,
                   **(victims[0] if victims else {})}
            row = {title: (value.date().isoformat() if isinstance(value, dt.datetime) else value)
                   for title, value in row.items()}
            header += [t for t in row if t not in header]
            rows.append(row)
    path = folder / "clinic-day.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    (folder / "narratives").mkdir()
    (folder / "narratives" / f"{JUVENILE}.txt").write_text(JUVENILE_NARRATIVE + "\n", encoding="utf-8")
    return path


def documents(folder: Path) -> dict[str, str]:
    """Every document's text, by its path in the case folder (the bound filing sets and the attorney's copy
    repeat their pages; the attorney's copy and its summary print the fingerprint, which covers the input)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.suffix == ".docx":
            found[name] = docx_text(path)
        elif path.suffix == ".pdf" and path.name not in ("filing.pdf", "attorney-copy.pdf", "filing-summary.pdf"):
            found[name] = pdf_text(path)
    return found


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from click.testing import CliRunner

    from erasure_docs.cli import main

    def cli(*args):
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    root = tmp_path_factory.mktemp("workbook")
    (root / "intake").mkdir()
    book = root / "intake" / "intake.xlsx"
    code, out, err = cli("workbook", book)
    assert code == 0, err
    fill(book)
    results = {"book": book, "cli": cli}
    for name, source in (("workbook", book), ("sheet", old_form(root / "old"))):
        code, out, err = cli("batch", source, "--out", root / f"out-{name}", "--workers", "2", "--quiet")
        results[name] = (code, out, err, root / f"out-{name}")
    return results


@pytest.mark.render
def test_batch_of_a_filled_workbook_gives_ready_packets_with_narratives(runs):
    code, out, err, packets = runs["workbook"]
    assert code == 0, err
    assert "2 produced" in out
    with open(packets / "batch-summary.csv", newline="", encoding="utf-8") as handle:
        summary = {row["case_id"]: row for row in csv.DictReader(handle)}
    for case_id in (ADULT, JUVENILE):
        assert summary[case_id]["ready"] == "yes", summary[case_id]
        assert summary[case_id]["blockers"] == "" and summary[case_id]["attention"] == ""
    texts = documents(packets / ADULT)
    affidavits = {name: text for name, text in texts.items() if "affidavit" in name and name.endswith(".docx")}
    assert affidavits and all("promised me work cleaning houses" in t for t in affidavits.values())
    juvenile = documents(packets / JUVENILE)
    assert any("sold me to men he met online" in text for name, text in juvenile.items() if "affidavit" in name)
    for text in [*texts.values(), *juvenile.values()]:
        assert "DRAFT" not in text
    everything = "\n".join(texts.values())
    assert "06604" in everything and "6604 " not in everything  # the ZIP typed as a number kept its zero
    assert "Bridgeport" in everything


@pytest.mark.render
def test_the_old_sheet_form_gives_the_same_packets(runs):
    code, out, err, old = runs["sheet"]
    assert code == 0, err
    _, _, _, new = runs["workbook"]
    for case_id in (ADULT, JUVENILE):
        assert documents(old / case_id) == documents(new / case_id)


def test_written_workbook_has_dropdowns_formats_comments_and_instructions(cli, tmp_path):
    path = tmp_path / "new.xlsx"
    assert cli("workbook", path)[0] == 0
    assert path.stat().st_mode & 0o777 == 0o600
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Instructions", "Lists", "Cases", "Records", "Charges", "Victims", "Evidence"]
    assert book["Lists"].sheet_state == "hidden"
    assert "narratives/<case id>.txt" in "\n".join(str(c.value) for c in book["Instructions"]["A"])
    lists = {book["Lists"].cell(1, c).value: [book["Lists"].cell(r, c).value for r in range(2, 60)
                                              if book["Lists"].cell(r, c).value]
             for c in range(1, book["Lists"].max_column + 1)}
    assert "Adjudicated delinquent" in lists["Disposition"] and "Nolle" in lists["Disposition"]
    assert lists["Court number"] == [str(n) for n in range(1, 24)]
    assert {"Bridgeport", "Hartford", "New Haven"} <= set(lists["Court location"])
    assert "T visa" in lists["Evidence kind"] and lists["Related to trafficking"] == ["yes", "no"]
    for sheet in ("Cases", "Records", "Charges", "Victims", "Evidence"):
        ws = book[sheet]
        headers = {cell.value: cell for cell in ws[1]}
        assert all(cell.comment and cell.comment.text for cell in headers.values())
        validated = {str(rule.sqref).split(":")[0] for rule in ws.data_validations.dataValidation}
        for title, cell in headers.items():
            column = next(c for c in BY_NAME.values() if c.title == title)
            has_list = column.kind in ("choice", "yesno") or column.name in ("court_number", "court_location")
            assert (f"{cell.column_letter}2" in validated) == has_list, (sheet, title)
            fmt = ws.cell(2, cell.column).number_format
            if column.kind == "date":
                assert fmt == "yyyy-mm-dd", (sheet, title)
            if column.name in ("zip", "attorney_zip", "victim_zip", "juris_number", "docket_number"):
                assert fmt == "@", (sheet, title)
    code, _, err = cli("workbook", path)
    assert code == 1 and "exists" in err  # never overwritten


def put_row(sheet, row: int, values: list) -> None:
    for column, value in enumerate(values, start=1):
        sheet.cell(row, column).value = value


def test_every_problem_names_sheet_and_cell_and_no_value(cli, tmp_path):
    path = tmp_path / "bad.xlsx"
    cli("workbook", path)
    book = openpyxl.load_workbook(path)
    cases, charges, records = book["Cases"], book["Charges"], book["Records"]
    put_row(cases, 2, ["BAD-1", "Zelda", None, "Quux", None, None, "13/45/1990"])  # an impossible date
    put_row(records, 2, ["BAD-1", "H14H-CR17-0102231-S", "GA", 14, "Hartford", "Adult"])
    put_row(records, 3, ["BAD-2", "H14H-CR17-0102232-S", "GA", 14, "Hartford", "Adult"])  # no such case
    put_row(charges, 2, ["BAD-1", "H14H-CR17-0102231-S", "53a-82", None, None, None, None, "Sentenced Zorgon"])
    put_row(charges, 3, ["BAD-1", "H99", "53a-82"])  # a docket that is not on Records
    book["Evidence"].cell(1, 9, "Evidense kind")  # a misspelt header, beside the real ones
    book.save(path)
    code, out, err = cli("validate", path)
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert lines == [f"error: {path} Evidence!I1: column 'Evidense kind' is not one this sheet reads; did you "
                     "mean 'Evidence kind'?"]
    book["Evidence"].cell(1, 9).value = None
    book.save(path)
    code, out, err = cli("validate", path)
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert lines and all(line.startswith(f"error: {path} ") for line in lines)
    import re

    for line in lines:
        assert re.match(rf"error: {re.escape(str(path))} (Cases|Records|Charges|Victims|Evidence)![A-Z]+\d+[ :]", line), line
        for value in ("Zelda", "Quux", "13/45/1990", "Zorgon"):
            assert value not in line
    text = "\n".join(lines)
    assert "Cases!G2 [BAD-1] petitioner.date_of_birth: is not a date" in text
    assert "Charges!H2 [BAD-1] records[0].charges[0].disposition: is not one of the drop-down choices" in text
    assert "Charges!B3 [BAD-1] docket_number: docket number has no row on the Records sheet" in text
    assert "Records!A3: case id has no row on the Cases sheet" in text


# ---------------------------------------------------------------- forgiving, still exact (no rendering)

def test_docs_list_every_sheet_and_column():
    from erasure_docs.workbook import columns_markdown

    page = (Path(__file__).resolve().parent.parent / "docs" / "workbook.md").read_text(encoding="utf-8")
    assert columns_markdown() in page, "docs/workbook.md is stale: paste columns_markdown() into it"


@pytest.mark.parametrize("typed, expected", [
    ("Case ID", "case_id"), ("case_id", "case_id"), ("CASE-ID", "case_id"), ("Date of Birth", "date_of_birth"),
    ("DOB", "date_of_birth"), ("Zip Code", "zip"), ("Docket #", "docket_number"), ("Juris No.", "juris_number"),
    ("Surname", "last_name"), ("first name", "first_name"), ("Disposition Date", "disposition_date"),
    ("Victim Zip", "victim_zip")])
def test_headers_match_ignoring_case_spaces_punctuation_and_synonyms(typed, expected):
    from erasure_docs.sheetio import read_header
    from erasure_docs.spreadsheet import SHEET_COLUMNS

    header = read_header((typed,), "Sheet1", SHEET_COLUMNS)
    assert header.problems == [] and header.columns[1].name == expected


@pytest.mark.parametrize("typed, suggestion", [
    ("victim_nmae", "Victim name"), ("Date of brith", "Date of birth"), ("dispostion", "Disposition"),
    ("Docket numbr", "Docket number"), ("atorney zip", "Attorney zip"), ("Offence dat", "Offense date"),
    ("Arest date", "Arrest date"), ("Statue", "Statute"), ("Proceding", "Proceeding"),
    ("Traffiking start", "Trafficking start")])
def test_every_unknown_column_is_listed_with_a_suggestion(typed, suggestion):
    from erasure_docs.sheetio import read_header
    from erasure_docs.spreadsheet import SHEET_COLUMNS

    header = read_header(("case_id", typed, "Zorblax"), "Sheet1", SHEET_COLUMNS)
    assert header.problems == [
        ("Sheet1!B1", f"column '{typed}' is not one this sheet reads; did you mean '{suggestion}'?"),
        ("Sheet1!C1", "column 'Zorblax' is not one this sheet reads; the columns this sheet reads are listed on "
                      "the Instructions sheet of `erasure-docs workbook`")]


@pytest.mark.parametrize("name, typed, expected", [
    ("disposition", "Adjudicated delinquent", "adjudicated_delinquent"),
    ("disposition", "  NOT GUILTY ", "not_guilty"), ("disposition", "Nolle prosequi", "nolle"),
    ("disposition", "sentenced", "sentenced"),  # left for the model to refuse, at its cell
    ("court_kind", "G.A.", "ga"), ("court_kind", "Judicial District", "jd"),
    ("proceeding", "Youthful offender", "youthful_offender"), ("evidence_kind", "I-914 Supplement B",
                                                                "i914_supplement_b"),
    ("evidence_kind", "HHS certification", "hhs_certification"),
    ("related_to_trafficking", "Y", True), ("related_to_trafficking", "false", False),
    ("related_to_trafficking", True, True), ("related_to_trafficking", "maybe", "maybe"),
    ("date_of_birth", "4/3/2016", "2016-04-03"), ("date_of_birth", "2016-4-3", "2016-04-03"),
    ("date_of_birth", dt.datetime(2016, 4, 3), "2016-04-03"), ("date_of_birth", "2/30/2016", "2/30/2016"),
    ("date_of_birth", "3.4.2016", "3.4.2016"),
    ("zip", 6106, "06106"), ("zip", "6106", "06106"), ("zip", 61061234, "06106-1234"), ("zip", "06106", "06106"),
    ("zip", 123, "123"), ("juris_number", 438112.0, "438112"), ("docket_number", 12345, "12345"),
    ("court_number", 14.0, 14), ("court_number", "G.A. 14", 14), ("court_number", "GA14", 14),
    ("state", "ct", "CT"), ("predicates", "53a-192a; 18 U.S.C. § 1591", ["53a-192a", "18 U.S.C. § 1591"]),
    ("max_term_years", "2", 2.0), ("first_name", "  Ana ", "Ana"), ("first_name", None, None),
    ("first_name", "   ", None)])
def test_values_in_the_forms_people_type(name, typed, expected):
    from erasure_docs.sheetio import convert

    assert convert(BY_NAME[name], typed) == expected


def test_summary_xlsx_highlights_attention_and_keeps_formulas_as_text(tmp_path):
    import io

    from erasure_docs.batch import SUMMARY_COLUMNS, CaseRow
    from erasure_docs.summary import attention, summary_xlsx

    rows = [CaseRow("A-1", "a.csv a!A2", "produced", eligible=1, ready=True),
            CaseRow("A-2", "a.csv a!A3", "produced", eligible=1, ready=False, blockers=["narrative_missing"],
                    to_do="Give trafficking.narrative."),
            CaseRow("A-3", "=cmd|' /C calc'!A0", "failed", stage="validation", error="+1 is not a date"),
            CaseRow("A-4", "a.csv a!A5", "produced", needs_review=1, ready=True, flags=["class_mismatch", "x"])]
    for row in rows:
        row.attention = attention(row)
    assert [r.attention for r in rows] == ["", "not ready: see blockers", "failed: fix the input",
                                           "charges to review"]
    book = openpyxl.load_workbook(io.BytesIO(summary_xlsx(rows, ["TOTAL"] + [""] * (len(SUMMARY_COLUMNS) - 1))))
    sheet = book["Summary"]
    assert [c.value for c in sheet[1]][:3] == ["Case id", "Needs attention", "Ready to file"]
    fills = {sheet.cell(r, 1).value: sheet.cell(r, 1).fill.fgColor.rgb[-6:] for r in range(2, 6)}
    assert fills == {"A-1": "E2EFDA", "A-2": "FFE699", "A-3": "F8CBAD", "A-4": "FFF2CC"}
    assert [c.value for c in sheet[3]][2:4] == ["no", "narrative_missing"]
    assert "class_mismatch; x" in [c.value for c in sheet[5]]
    formula_like = [c for row in sheet.iter_rows() for c in row if str(c.value or "").startswith(("=", "+"))]
    assert formula_like and all(c.data_type == "s" for c in formula_like)


def test_sample_workbook_validates_and_its_cases_are_ready():
    from erasure_docs.loading import load_inputs
    from erasure_docs.readiness import assess
    from erasure_docs.rules.engine import evaluate

    sample = Path(__file__).resolve().parent.parent / "sample_cases" / "clinic-intake.xlsx"
    loaded = load_inputs([sample])
    assert [item.case_id for item in loaded] == ["CLINIC-2026-0201", "CLINIC-2026-0202"]
    assert all(item.ok and not item.warnings for item in loaded), [item.problems for item in loaded]
    juvenile = loaded[1].case
    assert juvenile.trafficking.narrative.startswith("When I was fifteen")  # from narratives/CLINIC-2026-0202.txt
    assert juvenile.petitioner.address.zip == "06106"  # typed as 6106
    for item in loaded:
        assert assess(item.case, evaluate(item.case)).ready


def test_a_workbook_without_victims_or_evidence_sheets(cli, tmp_path):
    path = tmp_path / "lean.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Cases"
    book["Cases"].append(["Case id", "First name", "Last name", "DOB", "Predicates", "Narrative"])
    book["Cases"].append(["L-1", "Ana", "Lee", "4/3/1990", "53a-192a", "An account."])
    book.create_sheet("Records").append(["case id", "docket #", "court kind", "GA", "court", "proceeding"])
    book["Records"].append(["L-1", "H14H-CR15-0200001-S", "ga", 14, "Hartford", "adult"])
    book.create_sheet("Charges").append(["CASE_ID", "DOCKET_NUMBER", "STATUTE", "DISPOSITION"])
    book["Charges"].append(["L-1", "H14H-CR15-0200001-S", "53a-82", "Nolle prosequi"])
    book.save(path)
    code, out, err = cli("validate", path)
    assert code == 0, err
    assert "1 valid, 0 invalid (1 case read)" in out
