"""`erasure-docs batch`, through the real CLI: folders of case files and CSV/XLSX sheets in, one packet
folder per case plus batch-summary.json/.csv out, unattended.

Fixtures (tests/fixtures/batch/):
  folder/      3 good cases (BATCH-G1..G3; G2 is an eligible conviction with a victim) and 4 broken ones
               (bad offense date, unknown disposition, impossible date of birth, YAML syntax error)
  sheet.csv    the spreadsheet form: SHEET-G1..G3 good, SHEET-B1 bad date (row 5), SHEET-B2 unknown
               disposition (row 6), SHEET-B3 rows 7 and 8 disagreeing on last_name
  template.yaml  a one-docket, one-charge case the tests fill in (string.Template) to make more cases

Every personal value in the fixtures is distinctive, so the privacy test can search for it. Rendering is
slow, so each kind of run happens once per module and the tests share its outputs; every case has one
docket and one charge, and most are nolles (which render in a fraction of a second).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import sys
from pathlib import Path
from string import Template

import pytest
from click.testing import CliRunner

from erasure_docs import __version__
from erasure_docs.batch import SUMMARY_COLUMNS
from erasure_docs.cli import main
from erasure_docs.summary import cell_text as csv_cell
from erasure_docs.rules.tables import load_tables
from tests.conftest import start_batch

pytestmark = pytest.mark.render  # make test-fast leaves these out

ROOT = Path(__file__).resolve().parent.parent
BATCH = Path(__file__).resolve().parent / "fixtures" / "batch"
FOLDER = BATCH / "folder"
SHEET = BATCH / "sheet.csv"
TEMPLATE = BATCH / "template.yaml"
EXE = Path(sys.executable).with_name("erasure-docs")
if not EXE.exists():
    EXE = ROOT / ".venv" / "bin" / "erasure-docs"

GOOD_FOLDER = {"BATCH-G1": "good-1.yaml", "BATCH-G2": "good-2.yaml", "BATCH-G3": "good-3.yaml"}
BAD_FOLDER = {"bad-date.yaml": ("BATCH-B1", "records[0].charges[0].offense_date"),
              "bad-disposition.yaml": ("BATCH-B2", "records[0].charges[0].disposition"),
              "bad-birthdate.yaml": ("BATCH-B4", "petitioner.date_of_birth")}
GOOD_SHEET = ["SHEET-G1", "SHEET-G2", "SHEET-G3"]
BAD_SHEET = {"SHEET-B1": ("Z5", "records[0].charges[0].offense_date"),  # (the cell, the field path)
             "SHEET-B2": ("AA6", "records[0].charges[0].disposition"),
             "SHEET-B3": ("C8", "last_name")}
FORMULA_START = ("=", "+", "-", "@")


# ---------------------------------------------------------------- helpers

def invoke(*args) -> tuple[int, str, str]:
    """The real click command, as the `cli` fixture runs it (usable from module-scoped fixtures)."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def case_folders(out: Path) -> dict[str, Path]:
    return {p.name: p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")} if out.exists() else {}


def check_manifest(folder: Path) -> dict:
    """The folder is a whole packet: its manifest lists exactly the files there, each with its SHA-256."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["case_id"] == folder.name
    listed = {f["path"] for f in manifest["files"]}
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"manifest.json"}
    assert listed == present, folder
    for entry in manifest["files"]:
        data = (folder / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], f"{folder.name}/{entry['path']}"
    return manifest


def read_summary(out: Path) -> tuple[dict, list[dict[str, str]], list[str]]:
    """batch-summary.json, the per-case rows of batch-summary.csv, and its TOTAL row."""
    summary = json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))
    with open(out / "batch-summary.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == SUMMARY_COLUMNS
    assert rows[-1][0] == "TOTAL"
    return summary, [dict(zip(rows[0], r)) for r in rows[1:-1]], rows[-1]


def check_summary(out: Path, produced: set[str], failed: dict[str, str]) -> dict:
    """One row per case in both summaries, with status, counts, documents, seconds and error;
    failed maps a case id (or '?') to a text its error must contain."""
    summary, rows, total = read_summary(out)
    assert summary["tool"] == "erasure-docs"
    assert summary["tool_version"] == __version__
    assert summary["rules_version"] == str(load_tables().param("rules_version"))
    assert summary["as_of"] == "per case"
    assert isinstance(summary["wall_seconds"], (int, float)) and summary["wall_seconds"] > 0
    cases = summary["cases"]
    assert len(cases) == len(rows) == len(produced) + len(failed)
    assert summary["totals"]["produced"] == len(produced)
    assert summary["totals"]["failed"] == len(failed)
    assert summary["totals"]["documents"] == sum(c["documents"] for c in cases)
    assert summary["totals"]["eligible"] == sum(c["eligible"] for c in cases)
    assert total[SUMMARY_COLUMNS.index("status")] == f"{len(produced)} produced, 0 skipped, {len(failed)} failed"
    by_id = {c["case_id"]: c for c in cases}
    assert set(by_id) == produced | set(failed)
    for row in rows:  # the CSV says what the JSON says
        case = by_id[row["case_id"]]
        for column in SUMMARY_COLUMNS:
            assert row[column] == csv_cell(case[column]), (row["case_id"], column)
    for case_id in produced:
        case = by_id[case_id]
        assert case["status"] == "produced" and case["error"] == ""
        assert case["documents"] >= 1 and case["files"] > case["documents"]
        assert case["seconds"] > 0
        assert case["eligible"] + case["automatic"] + case["needs_review"] + case["not_eligible"] == 1
    for case_id, expected in failed.items():
        case = by_id[case_id]
        assert case["status"] == "failed" and case["stage"] == "validation"
        assert expected in case["error"], case
        assert case["documents"] == 0 and case["files"] == 0
    return summary


def fill(case_id: str, number: int, disposition: str = "convicted", narrative: str = "", **values: str) -> str:
    """A one-docket, one-charge case from the template."""
    data = dict(case_id=case_id, first_name="Anselma", last_name=f"Rookwood{chr(65 + number % 26)}",
                date_of_birth="1990-10-10", street=f"{100 + number} Hazel Lane",
                narrative=narrative or f"Account number {number} of the template case.",
                docket=f"H14H-CR15-03{number:05d}-S", statute="53a-82", offense_date="2015-03-01",
                disposition=disposition, victims="")
    data.update(values)
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(data)


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under the case folders: bytes and mtime (ns)."""
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for folder in case_folders(out).values() for p in folder.rglob("*") if p.is_file()}


# ---------------------------------------------------------------- the shared runs

@pytest.fixture(scope="module")
def folder_run(tmp_path_factory):
    """The folder of 3 good and 4 broken case files, produced once."""
    out = tmp_path_factory.mktemp("folder") / "out"
    code, stdout, stderr = invoke("batch", FOLDER, "--out", out, "--workers", "2")
    return code, stdout, stderr, out


@pytest.fixture(scope="module")
def sheet_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sheet") / "out"
    code, stdout, stderr = invoke("batch", SHEET, "--out", out, "--workers", "2")
    return code, stdout, stderr, out


@pytest.fixture(scope="module")
def xlsx_path(tmp_path_factory) -> Path:
    """sheet.csv as a workbook whose cases are on its second sheet, "Nov 30"; dates as real dates, numbers
    as numbers. The first sheet is a decoy that is not a batch."""
    import openpyxl

    with open(SHEET, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["this sheet is not a batch"])
    sheet = book.create_sheet("Nov 30")
    header = rows[0]
    sheet.append(header)
    for cells in rows[1:]:
        values: list = []
        for column, text in zip(header, cells):
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) and column != "offense_date":
                values.append(dt.datetime.fromisoformat(text))
            elif column == "court_number":
                values.append(int(text))
            else:
                values.append(text)  # zip codes stay text; the impossible date stays text
        sheet.append(values)
    path = tmp_path_factory.mktemp("xlsx") / "clinic-day.xlsx"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def resume_base(tmp_path_factory):
    """Three valid cases produced once into OUT; the input folder is the test's to edit."""
    base = tmp_path_factory.mktemp("resume")
    cases = base / "cases"
    cases.mkdir()
    for number, name in enumerate(["r1.yaml", "r2.yaml", "r3.yaml"], start=1):
        (cases / name).write_text(fill(f"RESUME-{number}", number, "nolle"), encoding="utf-8")
    out = base / "out"
    code, stdout, stderr = invoke("batch", cases, "--out", out, "--workers", "2")
    assert code == 0, stderr
    return cases, out


# ---------------------------------------------------------------- 1. a folder of good and broken cases

def test_folder_exit_status_and_packets(folder_run):
    code, stdout, stderr, out = folder_run
    assert code == 1, stderr
    assert set(case_folders(out)) == set(GOOD_FOLDER)  # broken cases leave no folder
    for case_id, name in GOOD_FOLDER.items():
        manifest = check_manifest(out / case_id)
        assert manifest["input"]["file"] == name
        assert manifest["input"]["sha256"] == hashlib.sha256((FOLDER / name).read_bytes()).hexdigest()
    assert not list(out.glob(".partial-*"))
    assert "3 produced, 4 failed" in stdout


def test_folder_error_lines_name_file_case_and_field(folder_run):
    _, _, stderr, _ = folder_run
    lines = errors(stderr)
    assert len(lines) == 4, stderr
    for name, (case_id, path) in BAD_FOLDER.items():
        mine = [line for line in lines if f"{FOLDER / name}" in line]
        assert mine, f"no error line names {name}"
        assert any(f"[{case_id}] {path}: " in line for line in mine), mine
    syntax = [line for line in lines if f"{FOLDER / 'syntax-error.yaml'}" in line]
    assert len(syntax) == 1 and "is not valid YAML at line" in syntax[0]
    for line in lines:  # every line names one of the inputs
        assert any(f"{FOLDER / name}" in line for name in [*BAD_FOLDER, "syntax-error.yaml"]), line


def test_folder_summary(folder_run):
    _, _, _, out = folder_run
    check_summary(out, set(GOOD_FOLDER), {"BATCH-B1": "records[0].charges[0].offense_date",
                                         "BATCH-B2": "records[0].charges[0].disposition",
                                         "BATCH-B4": "petitioner.date_of_birth",
                                         "?": "is not valid YAML"})
    summary, _, _ = read_summary(out)
    sources = {c["case_id"]: c["source"] for c in summary["cases"]}
    assert sources["?"] == str(FOLDER / "syntax-error.yaml")
    eligible = {c["case_id"]: c["eligible"] for c in summary["cases"]}
    assert eligible["BATCH-G2"] == 1  # the conviction is petitioned; the nolles are erased automatically


# ---------------------------------------------------------------- 2. the spreadsheet form

def check_sheet_run(code: int, stdout: str, stderr: str, out: Path, source: str, sheet: str = "sheet") -> None:
    assert code == 1, stderr
    assert set(case_folders(out)) == set(GOOD_SHEET)
    for case_id in GOOD_SHEET:
        manifest = check_manifest(out / case_id)
        assert manifest["input"]["file"] == Path(source).name
    lines = errors(stderr)
    assert len(lines) == 3, stderr
    for case_id, (cell, path) in BAD_SHEET.items():
        assert any(line.startswith(f"error: {source} {sheet}!{cell} [{case_id}] {path}: ") for line in lines), \
            (case_id, lines)
    disagreement = next(line for line in lines if "[SHEET-B3]" in line)
    assert "differs from row 7" in disagreement
    for line in lines:
        assert re.match(rf"error: {re.escape(source)} {re.escape(sheet)}![A-Z]+\d+ ", line), line
    check_summary(out, set(GOOD_SHEET), {case_id: path for case_id, (_, path) in BAD_SHEET.items()})
    summary, _, _ = read_summary(out)
    sources = {c["case_id"]: c["source"] for c in summary["cases"]}
    assert sources["SHEET-G1"] == f"{source} {sheet}!A2"
    assert sources["SHEET-B3"] == f"{source} {sheet}!C8"  # the cell the error is about


def test_sheet_csv(sheet_run):
    code, stdout, stderr, out = sheet_run
    check_sheet_run(code, stdout, stderr, out, str(SHEET))


def test_sheet_xlsx_with_sheet_option(xlsx_path, tmp_path):
    out = tmp_path / "out"
    code, stdout, stderr = invoke("batch", xlsx_path, "--sheet", "Nov 30", "--out", out, "--workers", "2")
    check_sheet_run(code, stdout, stderr, out, str(xlsx_path), "'Nov 30'")


def test_sheet_xlsx_unknown_sheet_is_refused(cli, xlsx_path, tmp_path):
    code, _, stderr = cli("batch", xlsx_path, "--sheet", "Dec 1", "--out", tmp_path / "out", "--workers", "2")
    assert code == 2
    assert "no sheet named 'Dec 1'" in stderr
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- 3. nothing printed names a person

def personal_values() -> set[str]:
    """Every name, date of birth, street, victim name and narrative word-sequence in the inputs."""
    found: set[str] = set()
    for path in FOLDER.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for key in ("first_name", "last_name", "date_of_birth", "street", "name"):
            for match in re.finditer(rf"\b{key}: ([^,}}\n]+)", text):
                value = match.group(1).strip()
                if value not in ("1 Court St", "5 Elm St", "Alex Rivera"):  # the attorney; shared victim street
                    found.add(value)
        narrative = re.search(r"narrative: \|\n((?:    .*\n)+)", text)
        words = narrative.group(1).split()
        found |= {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}
    with open(SHEET, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found |= {row[c] for c in ("first_name", "last_name", "date_of_birth", "street", "victim_name",
                                       "victim_street") if row[c]}
    for value in list(found):  # each part of a name too
        if " " not in value and "-" in value and not value[0].isdigit():
            found |= set(value.split("-"))
    return found


def test_personal_values_are_collected():
    values = personal_values()
    for expected in ("Zelphine", "Quarrington", "1991-07-23", "4471 Marigold Terrace", "Ottoline Fairweather",
                     "Ulrika", "1988-06-29", "907 Foxglove Parade", "1979-02-30", "Eberhardt-Lowe",
                     "Rosalind Kettleborough", "9 Saffron Walk", "harbor lanterns flickered"):
        assert expected in values
    assert len(values) > 100


def test_no_personal_data_in_what_the_run_prints(folder_run, sheet_run):
    texts = []
    for code, stdout, stderr, out in (folder_run, sheet_run):
        assert code == 1
        assert errors(stderr)  # failing runs: the messages are there to be searched
        texts += [stdout, stderr, (out / "batch-summary.csv").read_text(encoding="utf-8"),
                  (out / "batch-summary.json").read_text(encoding="utf-8")]
    printed = "\n".join(texts)
    assert "SHEET-B3" in printed and "BATCH-B4" in printed and "offense_date" in printed
    leaked = sorted(value for value in personal_values() if value.lower() in printed.lower())
    assert leaked == []


def test_invalid_sheet_case_id_is_not_echoed(cli, tmp_path):
    with open(SHEET, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    row = dict(rows[0], case_id="Vanderlinde Perpetua 1987-01-13")  # a name and birth date in the wrong column
    sheet = tmp_path / "misfiled.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerow(row)
    out = tmp_path / "out"
    code, stdout, stderr = cli("batch", sheet, "--out", out, "--workers", "2")
    assert code == 1
    assert "misfiled!A2 [?] case_id:" in stderr
    printed = stdout + stderr + (out / "batch-summary.csv").read_text() + (out / "batch-summary.json").read_text()
    for value in ("Vanderlinde", "Perpetua", "1987-01-13"):
        assert value not in printed


# ---------------------------------------------------------------- 4. --dry-run

def test_dry_run_writes_nothing(cli, tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    for name in GOOD_FOLDER.values():
        shutil.copy(FOLDER / name, cases / name)
    out = tmp_path / "out"
    code, stdout, stderr = cli("batch", cases, "--out", out, "--workers", "2", "--dry-run")
    assert code == 0, stderr
    assert "3 would produce" in stdout
    assert "nothing written" in stdout
    assert not out.exists() or not any(out.iterdir())
    assert errors(stderr) == []


def test_dry_run_with_broken_input_exits_1_and_writes_nothing(cli, tmp_path):
    out = tmp_path / "out"
    code, stdout, stderr = cli("batch", FOLDER, "--out", out, "--workers", "2", "--dry-run")
    assert code == 1
    assert "3 would produce, 4 failed" in stdout
    assert len(errors(stderr)) == 4
    assert not out.exists() or not any(out.iterdir())


# ---------------------------------------------------------------- 5. --fail-fast

def test_fail_fast_stops_at_the_first_broken_case(cli, folder_run, tmp_path):
    assert sorted(p.name for p in FOLDER.glob("*.yaml"))[0].startswith("bad-")  # a broken case comes first
    out = tmp_path / "out"
    code, stdout, stderr = cli("batch", FOLDER, "--out", out, "--workers", "2", "--fail-fast")
    assert code == 1
    produced_without = len(case_folders(folder_run[3]))
    assert produced_without == 3
    assert len(case_folders(out)) < produced_without
    summary, rows, _ = read_summary(out)
    assert summary["totals"]["failed"] >= 1
    assert summary["totals"]["produced"] < produced_without
    assert len(rows) < len(list(FOLDER.glob("*.yaml")))  # the run stopped: not every case was reached


# ---------------------------------------------------------------- 6. --resume

def test_resume_skips_finished_cases_and_touches_nothing(cli, resume_base):
    cases, out = resume_base
    before = snapshot(out)
    assert len(case_folders(out)) == 3
    code, stdout, stderr = cli("batch", cases, "--out", out, "--workers", "2", "--resume")
    assert code == 0, stderr
    assert "3 skipped" in stdout and "produced" not in stdout
    summary, rows, _ = read_summary(out)
    assert [r["status"] for r in rows] == ["skipped"] * 3
    assert summary["totals"]["skipped"] == 3
    assert snapshot(out) == before  # byte-identical, mtimes unchanged


def test_resume_rerenders_only_the_edited_case(cli, resume_base, tmp_path):
    cases, base_out = resume_base
    out = tmp_path / "out"
    shutil.copytree(base_out, out)  # copy2: mtimes kept
    before = snapshot(out)
    edited = cases.parent / "edited"
    shutil.copytree(cases, edited)
    (edited / "r2.yaml").write_text(fill("RESUME-2", 2, "nolle", narrative="A different account."), encoding="utf-8")
    code, stdout, stderr = cli("batch", edited, "--out", out, "--workers", "2", "--resume")
    assert code == 0, stderr
    _, rows, _ = read_summary(out)
    assert {r["case_id"]: r["status"] for r in rows} == {"RESUME-1": "skipped", "RESUME-2": "produced",
                                                         "RESUME-3": "skipped"}
    after = snapshot(out)
    for path, value in before.items():
        if not path.startswith("RESUME-2/"):
            assert after[path] == value, path
    manifest = check_manifest(out / "RESUME-2")
    assert manifest["input"]["sha256"] == hashlib.sha256((edited / "r2.yaml").read_bytes()).hexdigest()


def test_resume_removes_leftovers_when_every_case_is_skipped(cli, resume_base, tmp_path):
    cases, base_out = resume_base
    out = tmp_path / "out"
    shutil.copytree(base_out, out)
    leftover = out / ".partial-RESUME-2-k3j4h5"
    (leftover / "H14H-CR15-0300002-S").mkdir(parents=True)
    (leftover / "review_sheet.pdf").write_bytes(b"%PDF-1.7 half written")
    code, stdout, stderr = cli("batch", cases, "--out", out, "--workers", "2", "--resume")
    assert code == 0, stderr
    assert "3 skipped" in stdout
    assert not leftover.exists()


def test_resume_rerenders_a_damaged_packet(cli, resume_base, tmp_path):
    cases, base_out = resume_base
    out = tmp_path / "out"
    shutil.copytree(base_out, out)
    (out / "RESUME-3" / "attorney" / "review_sheet.pdf").write_bytes(b"%PDF-1.7 damaged")
    code, _, stderr = cli("batch", cases, "--out", out, "--workers", "2", "--resume")
    assert code == 0, stderr
    _, rows, _ = read_summary(out)
    assert {r["case_id"]: r["status"] for r in rows} == {"RESUME-1": "skipped", "RESUME-2": "skipped",
                                                         "RESUME-3": "produced"}
    check_manifest(out / "RESUME-3")


# ---------------------------------------------------------------- a case that fails to render

@pytest.fixture(scope="module")
def clash_run(tmp_path_factory):
    """OUT/BATCH-G1 is a regular file: that case cannot be written; the other must still be produced."""
    base = tmp_path_factory.mktemp("clash")
    cases, out = base / "cases", base / "out"
    cases.mkdir()
    out.mkdir()
    for name in ("good-1.yaml", "good-3.yaml"):
        shutil.copy(FOLDER / name, cases / name)
    (out / "BATCH-G1").write_text("not a packet folder\n", encoding="utf-8")
    code, stdout, stderr = invoke("batch", cases, "--out", out, "--workers", "2")
    return code, stdout, stderr, out, cases


def test_a_case_that_cannot_be_written_is_reported_and_the_run_goes_on(clash_run):
    code, stdout, stderr, out, cases = clash_run
    assert code == 1
    assert (out / "BATCH-G1").read_text(encoding="utf-8") == "not a packet folder\n"  # never replaced
    check_manifest(out / "BATCH-G3")
    assert "1 produced, 1 failed" in stdout
    lines = errors(stderr)
    assert len(lines) == 1 and lines[0].startswith(f"error: {cases / 'good-1.yaml'} [BATCH-G1] could not be written: ")
    summary, rows, _ = read_summary(out)
    failed = next(c for c in summary["cases"] if c["case_id"] == "BATCH-G1")
    assert failed["status"] == "failed" and failed["stage"] == "write"
    assert not list(out.glob(".partial-*"))


def test_a_case_that_cannot_be_written_says_what_is_wrong(clash_run):
    _, _, stderr, out, _ = clash_run
    assert "exists and is not a packet folder" in errors(stderr)[0]
    summary, _, _ = read_summary(out)
    failed = next(c for c in summary["cases"] if c["case_id"] == "BATCH-G1")
    assert "exists and is not a packet folder" in failed["error"]


# ---------------------------------------------------------------- 7. interruption

def test_killed_run_leaves_whole_folders_and_resume_completes_it(cli, tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    ids = [f"KILL-{n:02d}" for n in range(1, 13)]
    for number, case_id in enumerate(ids, start=1):
        (cases / f"{case_id.lower()}.yaml").write_text(fill(case_id, number), encoding="utf-8")
    out = tmp_path / "out"
    process = start_batch(cases, out, 2, tmp_path)
    try:
        first = process.stdout.readline()  # blocks until the first case is finished (or the run ends)
        assert first.startswith("case produced"), first + process.stderr.read()
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the whole run, workers included, without any clean-up
        process.communicate(timeout=60)
    done = case_folders(out)
    assert 1 <= len(done) < len(ids), "the run was not interrupted midway; the test proves nothing"
    for folder in done.values():  # no partial case folder
        check_manifest(folder)

    code, stdout, stderr = cli("batch", cases, "--out", out, "--workers", "2", "--resume")
    assert code == 0, stderr
    _, rows, _ = read_summary(out)
    statuses = {r["case_id"]: r["status"] for r in rows}
    assert set(statuses) == set(ids)
    assert {statuses[c] for c in done} == {"skipped"}
    assert all(statuses[c] == "produced" for c in ids if c not in done)
    assert not list(out.glob(".partial-*"))
    assert set(case_folders(out)) == set(ids)

    clean = tmp_path / "clean"
    code, _, stderr = cli("batch", cases, "--out", clean, "--workers", "2")
    assert code == 0, stderr
    for case_id in ids:
        check_manifest(out / case_id)
        assert (out / case_id / "manifest.json").read_bytes() == (clean / case_id / "manifest.json").read_bytes(), \
            case_id


# ---------------------------------------------------------------- 8. usage errors

@pytest.mark.parametrize("args, message", [
    (["batch", "no/such/folder"], "no such file or folder: no/such/folder"),
    (["batch", str(FOLDER), "--workers", "0"], "--workers"),
    (["batch", str(FOLDER), "--format", "odt"], "--format"),
])
def test_usage_errors_exit_2(cli, tmp_path, args, message):
    out = tmp_path / "out"
    code, stdout, stderr = cli(*args, "--out", out)
    assert code == 2
    assert message in stderr
    assert not out.exists()


# ---------------------------------------------------------------- 9. formula injection

def test_summary_csv_cells_never_start_a_formula(cli, tmp_path, monkeypatch):
    with open(SHEET, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    injected = [dict(rows[0], case_id="FORMULA-1", statute='=HYPERLINK("http://x")'),
                dict(rows[0], case_id="FORMULA-2", docket_number="H14H-CR15-0200009-S",
                     description='=HYPERLINK("http://x")', disposition='@SUM(1+1)'),
                dict(rows[0], case_id='=HYPERLINK("http://x")'),
                dict(rows[0], case_id="+1-2", docket_number="H14H-CR15-0200010-S")]
    monkeypatch.chdir(tmp_path)  # the sheet is named by a relative path that itself starts like a formula
    with open("@clinic.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(injected)
    code, _, stderr = cli("batch", "@clinic.csv", "--out", "out", "--workers", "2")
    assert code == 1
    assert any("[FORMULA-1] records[0].charges[0].statute" in line for line in errors(stderr))
    with open(tmp_path / "out" / "batch-summary.csv", newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    starting = [cell for cell in cells if cell.startswith(FORMULA_START)]
    assert starting == []
    assert any(cell.startswith("'@clinic.csv '@clinic'!") for cell in cells)  # prefixed with ', not dropped
    summary = json.loads((tmp_path / "out" / "batch-summary.json").read_text(encoding="utf-8"))
    assert any(c["source"].startswith("@clinic.csv '@clinic'!") for c in summary["cases"])  # JSON keeps the value as is


# ---------------------------------------------------------------- 10. permissions

def test_output_permissions(folder_run):
    _, _, _, out = folder_run
    for folder in case_folders(out).values():
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        for path in folder.rglob("*"):
            expected = 0o700 if path.is_dir() else 0o600
            assert stat.S_IMODE(path.stat().st_mode) == expected, path
    for name in ("batch-summary.json", "batch-summary.csv"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600, name


# ---------------------------------------------------------------- 11. progress

def test_progress_lines_when_not_a_terminal(folder_run):
    _, stdout, stderr, _ = folder_run
    progress = [line for line in stderr.splitlines() if line.startswith("progress:")]
    assert progress, stderr
    assert progress[-1].startswith("progress: 7/7 cases, 4 failed, ")
    for line in progress:
        assert re.fullmatch(r"progress: \d+/7 cases, \d+ failed, [\d.]+ cases/s, \d+:\d\d left", line), line
    assert "\r" not in stderr and "#" not in stderr
    assert "progress" not in stdout


def test_quiet_prints_no_progress(cli, resume_base, tmp_path):
    cases, base_out = resume_base
    out = tmp_path / "out"
    shutil.copytree(base_out, out)
    code, stdout, stderr = cli("batch", cases, "--out", out, "--workers", "2", "--resume", "--quiet")
    assert code == 0
    assert "progress:" not in stderr + stdout
    assert "3 skipped" in stdout
    code, _, stderr = cli("batch", FOLDER, "--out", tmp_path / "dry", "--dry-run", "-q")
    assert code == 1
    assert "progress:" not in stderr
    assert len(errors(stderr)) == 4  # errors are still printed
