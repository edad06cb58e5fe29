"""The hostile-input catalogue (tests/fixtures/hostile/catalogue.csv), run through the real command line.

Every entry is one input file (or, for the large ones marked `generated:` in its notes, one input built here
at test time), the command it is given to, the exact exit status and a fragment of the message expected on
stderr. For every entry: the exit status is exact, the fragment is on stderr, no "Traceback" is printed, a
refused input writes no case folder, and the tool leaves no temporary file behind: its TMPDIR is a private,
initially empty folder that must be empty again (strict). /tmp's `tmp*` entries are compared before and after
too, but only warned about: other processes on the machine create and remove them at any time, so a new one
is no proof; test_tool_never_names_the_system_temp_folder makes sure the tool cannot bypass TMPDIR.

Entries whose notes start with or contain "BUG:" are expected to fail (strict xfail) until the lead fixes them.
Some entries have extra checks (see EXTRA_CHECKS): payloads print literally in Word and PDF, batch summaries
never start a cell like a formula, symlinks are never written through, the date of birth is never echoed.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.textextract import docx_text, normalise, pdf_text

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
CATALOGUE = HOSTILE / "catalogue.csv"
BASE = Path(__file__).resolve().parent / "fixtures" / "valid" / "base.yaml"
EXE = Path(sys.executable).parent / "erasure-docs"
FORMULA_START = ("=", "+", "-", "@")
PAYLOADS = {
    "H66": "<script>alert(1)</script>",
    "H67": "{{ 7*7 }}",
    "H68": "{% for x in range(9999999) %}",
    "H69": "{{ ''.__class__.__mro__ }}",
    "H70": '<w:fldSimple w:instr="DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe"/>',
}
# The field markers of tests/fixtures/hostile/_make.py `inject`, each of which must print somewhere in the packet.
# ("Sentence" and the petitioner's street, "12 Main St", print in no document when an attorney appears: reported.)
PRINTED_MARKERS = ["Ana", "Diaz", "Alias", "Alex", "Firm", "Narrative", "Second", "Evidence", "Agency", "Offense",
                   "Victim", "Prosecutor"]
SHEET_HEADER = ("case_id,first_name,last_name,date_of_birth,predicates,docket_number,court_kind,court_number,"
                "court_location,proceeding,statute,description,offense_date,disposition,disposition_date,sentence,"
                "related_to_trafficking,as_of").split(",")
SHEET_ROW = ["C-0", "Maria", "Santos", "1998-03-14", "53a-192a", "H14H-CR15-0000001-S", "ga", "14", "Hartford",
             "adult", "53a-82", "Prostitution", "2015-03-01", "convicted", "2015-06-10", "30 days", "yes", "2026-11-30"]


def catalogue() -> list[dict[str, str]]:
    with open(CATALOGUE, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def entry_params():
    params = []
    for entry in catalogue():
        marks = []
        if "BUG:" in entry["notes"]:
            marks.append(pytest.mark.xfail(strict=True, reason=entry["notes"][entry["notes"].index("BUG:"):]))
        params.append(pytest.param(entry, id=f"{entry['id']}-{entry['file']}", marks=marks))
    return params


# ---------------------------------------------------------------- inputs built at test time

def base_text() -> str:
    return BASE.read_text(encoding="utf-8")


def write_sheet(path: Path, rows: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SHEET_HEADER)
        for i in range(rows):
            writer.writerow([f"C-{i}", *SHEET_ROW[1:]])


def write_minimal_sheet(path: Path, rows: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write("case_id,docket_number,statute,disposition\n")
        handle.writelines(f"C-{i},D,53a-82,nolle\n" for i in range(rows))


def sparse(path: Path, head: str, size: int) -> None:
    path.write_text(head, encoding="utf-8")
    os.truncate(path, size)


def build_generated(entry: dict[str, str], where: Path) -> Path:
    name = entry["file"]
    path = where / name
    if name == "gen-name-10000.yaml":
        path.write_text(base_text().replace("first_name: Maria", "first_name: " + "A" * 10_000), encoding="utf-8")
    elif name == "gen-rows-100000.csv":
        write_sheet(path, 100_000)
    elif name == "gen-rows-200001.csv":
        write_minimal_sheet(path, 200_001)
    elif name == "gen-50mb.yaml":
        sparse(path, base_text(), 50 * 1024 * 1024)
    elif name == "gen-50mb.csv":
        sparse(path, ",".join(SHEET_HEADER) + "\n", 50 * 1024 * 1024 + 1)
    elif name == "gen-deep.yaml":
        path.write_text("case_id: X-1\na: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    elif name == "gen-deep-mapping.yaml":
        path.write_text("".join("  " * i + f"k{i}:\n" for i in range(500)) + "  " * 500 + "v\n", encoding="utf-8")
    elif name == "gen-deep.json":
        path.write_text('{"case_id": "X-1", "a": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    elif name == "gen-raw-controls.yaml":
        path.write_text(base_text().replace("first_name: Maria", "first_name: Ma\x01ria")
                        .replace("last_name: Santos", "last_name: San\ufffetos"), encoding="utf-8")
    elif name == "gen-folder-raw-bell":
        path.mkdir()
        shutil.copy(BASE, path / "a-valid.yaml")
        shutil.copy(HOSTILE / "raw-bell-char.yaml", path / "b-raw-bell.yaml")
    elif name in GENERATED_INPUTS:
        GENERATED_INPUTS[name](path)
    else:
        raise AssertionError(f"no builder for {name}")
    return path


# ---------------------------------------------------------------- issue 18's input findings: generated inputs

HIDDEN_CHARACTERS = ["\u00ad", "\u2028", "\u2062", "\u3164", "\u034f", "\ufe0f", "\ufff9", "\U000e0001", "\U000e0041",
                     "\u115f", "\U000e007f"]


def base_data() -> dict:
    """The base case as plain JSON data (dates as text); a fresh copy each time, so that YAML dumps it without
    aliases."""
    return json.loads(json.dumps(yaml.safe_load(base_text()), default=str))


def deep_extra(levels: int) -> dict:
    data = base_data()
    node: dict = data["extra"]
    for i in range(levels):
        node[f"k{i}"] = {}
        node = node[f"k{i}"]
    return data


def with_records(count: int, charges: int = 1) -> dict:
    data = base_data()
    record, charge = data["records"][1], data["records"][1]["charges"][0]
    data["records"] = [{**copy.deepcopy(record), "docket_number": f"HHD-CR16-{i:07d}-T",
                        "charges": [copy.deepcopy(charge) for _ in range(charges)]} for i in range(count)]
    return data


def write_yaml(data: dict):  # the C dumper where there is one: 10,000 records take minutes in pure Python
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return lambda path: path.write_text(yaml.dump(data, Dumper=dumper, allow_unicode=True), encoding="utf-8")


def write_json(data: dict):
    return lambda path: path.write_text(json.dumps(data), encoding="utf-8")


def sheet_workbook(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(SHEET_HEADER)
    book.active.append(SHEET_ROW)
    book.save(path)


def corrupt_workbook(path: Path) -> None:
    whole = path.with_name("whole.xlsx")
    sheet_workbook(whole)
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:len(data) // 2] if item.filename == "xl/worksheets/sheet1.xml" else data)
    whole.unlink()


def strings_bomb(path: Path) -> None:
    sheet_workbook(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/sharedStrings.xml", b" " * (70 * 1024 * 1024))


def hidden_characters(path: Path) -> None:
    path.mkdir()
    for i, ch in enumerate(HIDDEN_CHARACTERS):
        data = base_data()  # JSON: in YAML, U+2028 is a line break
        data["case_id"], data["petitioner"]["last_name"] = f"HIDDEN-{i}", f"San{ch}tos"
        (path / f"hidden-{ord(ch):04X}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


GENERATED_INPUTS = {
    "gen-deep-extra.json": lambda path: write_json(deep_extra(60))(path),
    "gen-deep-extra.yaml": lambda path: write_yaml(deep_extra(60))(path),
    "gen-records-10000.json": lambda path: write_json(with_records(10_000))(path),
    "gen-records-10000.yaml": lambda path: write_yaml(with_records(10_000))(path),
    "gen-records-51.yaml": lambda path: write_yaml(with_records(51))(path),
    "gen-charges-205.yaml": lambda path: write_yaml(with_records(5, charges=41))(path),  # 41 a docket, under 50
    "gen-xlsx-corrupt.xlsx": corrupt_workbook,
    "gen-xlsx-strings-bomb.xlsx": strings_bomb,
    "gen-hidden-chars": hidden_characters,
}


# ---------------------------------------------------------------- running the tool

def run(*args: str | Path, cwd: Path, private_tmp: Path, timeout: float = 300) -> tuple[int, str, str]:
    env = {**os.environ, "TMPDIR": str(private_tmp), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CI", None)
    result = subprocess.run([str(EXE), *map(str, args)], cwd=cwd, env=env, capture_output=True, timeout=timeout)
    return result.returncode, result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")


def formula_cells(summary: Path) -> list[str]:
    with open(summary, newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row if cell.startswith(FORMULA_START)]


# ---------------------------------------------------------------- extra checks, per entry

def check_injection(entry, ctx) -> None:
    payload = PAYLOADS[entry["id"]]
    folder = ctx["out"] / yaml.safe_load((HOSTILE / entry["file"]).read_text(encoding="utf-8"))["case_id"]
    documents = sorted(folder.rglob("*.docx"))
    assert len(documents) >= 10, [p.name for p in documents]
    needle = normalise(payload)
    seen_docx: set[str] = set()
    seen_pdf: set[str] = set()
    for docx_path in documents:
        texts = {"docx": docx_text(docx_path), "pdf": pdf_text(docx_path.with_suffix(".pdf"))}
        for kind, text in texts.items():
            flat = normalise(text)
            assert needle in flat, f"{docx_path.name} ({kind}): the payload is not printed literally"
            assert not re.search(r"(?<![\w-])49(?![\w-])", text), f"{docx_path.name} ({kind}): an expression ran"
            seen = seen_docx if kind == "docx" else seen_pdf
            seen |= {m for m in PRINTED_MARKERS if normalise(f"{m} {payload}") in flat}
        with zipfile.ZipFile(docx_path) as archive:
            body = archive.read("word/document.xml").decode("utf-8")
            footers = "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                              if re.match(r"word/(footer|header)\d*\.xml$", n))
        assert "<w:fldSimple" not in body and "<w:instrText" not in body and "<w:fldChar" not in body, docx_path.name
        instructions = sorted(i.strip() for i in re.findall(r'w:instr="([^"]*)"', footers))
        assert set(instructions) <= {"PAGE", "NUMPAGES"}, (docx_path.name, instructions)
    missing = set(PRINTED_MARKERS) - seen_docx, set(PRINTED_MARKERS) - seen_pdf
    assert missing == (set(), set()), f"fields never printed (docx, pdf): {missing}"


def check_batch_formulas(entry, ctx) -> None:
    out = ctx["tmp"] / "batch-out"
    code, stdout, stderr = run("batch", ctx["input"], "--out", out, "--workers", "1", "--quiet",
                               cwd=ctx["tmp"], private_tmp=ctx["private_tmp"])
    assert code == int(entry["exit"]), stderr  # batch exits 1 exactly when some case fails, like validate
    assert "Traceback" not in stdout + stderr
    assert formula_cells(out / "batch-summary.csv") == []
    for name in ("HYPERLINK", "cmd|", "evil"):
        assert name not in stdout + stderr, name  # the cell values are never echoed
        assert not any(name in p.name for p in out.rglob("*")), name
    assert not (ctx["tmp"] / "evil").exists() and not (out.parent.parent / "evil").exists()


def check_docket_traversal(entry, ctx) -> None:
    out = ctx["out"]
    assert sorted(p.name for p in out.iterdir()) == ["CLINIC-2026-0042"]
    folder = (out / "CLINIC-2026-0042").resolve()
    for path in folder.rglob("*"):
        assert path.resolve().is_relative_to(folder), path
        assert not path.is_symlink(), path
    assert sorted(p.name for p in ctx["tmp"].iterdir()) == sorted([*ctx["tmp_before"], "out"])
    assert Path("/tmp/evil").exists() == ctx["tmp_evil_before"]


def plant_symlink(entry, ctx) -> None:
    elsewhere = ctx["tmp"] / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("untouched", encoding="utf-8")
    ctx["out"].mkdir()
    (ctx["out"] / "HOSTILE-SYMLINK").symlink_to(elsewhere, target_is_directory=True)


def check_symlink(entry, ctx) -> None:
    link = ctx["out"] / "HOSTILE-SYMLINK"
    assert link.is_symlink() and link.resolve() == (ctx["tmp"] / "elsewhere").resolve()
    assert sorted(p.name for p in (ctx["tmp"] / "elsewhere").iterdir()) == ["keep.txt"]
    assert (ctx["tmp"] / "elsewhere" / "keep.txt").read_text(encoding="utf-8") == "untouched"
    assert sorted(p.name for p in ctx["out"].iterdir()) == ["HOSTILE-SYMLINK"]  # no staging folder left


def check_dob_not_echoed(entry, ctx) -> None:
    assert "1998-02-30" not in ctx["stdout"] + ctx["stderr"]


def check_not_run(entry, ctx) -> None:
    assert "pwned" not in ctx["stdout"] + ctx["stderr"]


def check_long_name_not_echoed(entry, ctx) -> None:
    assert "A" * 50 not in ctx["stdout"] + ctx["stderr"]


def check_no_birth_date(entry, ctx) -> None:
    """Neither the date of birth nor the YAML source line is ever echoed (findings 4 and 5)."""
    assert "1985-02-17" not in ctx["stdout"] + ctx["stderr"]
    assert "Maria" not in ctx["stdout"] + ctx["stderr"]


def check_each_hidden_character(entry, ctx) -> None:
    lines = ctx["stderr"].splitlines()
    for ch in HIDDEN_CHARACTERS:
        name = f"hidden-{ord(ch):04X}.json"
        assert any(name in line and "petitioner.last_name: contains" in line for line in lines), name
    assert f"0 valid, {len(HIDDEN_CHARACTERS)} invalid" in ctx["stdout"]


def check_stdout(text: str):
    def check(entry, ctx) -> None:
        assert text in ctx["stdout"], ctx["stdout"]
    return check


PREPARE = {"H60": plant_symlink}
EXTRA_CHECKS = {
    **{key: [check_injection] for key in PAYLOADS},
    "H17": [check_not_run], "H19": [check_not_run],
    "H37": [check_dob_not_echoed],
    "H58": [check_batch_formulas], "H61": [check_batch_formulas], "H62": [check_batch_formulas],
    "H63": [check_batch_formulas], "H64": [check_batch_formulas],
    "H59": [check_docket_traversal],
    "H60": [check_symlink],
    "G01": [check_long_name_not_echoed],
    "G02": [check_stdout("100000 valid, 0 invalid (100000 cases read)")],
    "G10": [check_stdout("1 valid, 1 invalid (2 cases read)")],
    **{key: [check_no_birth_date] for key in ("IN01", "IN02", "IN03", "IN04", "IN05", "IN06")},
    "IN20": [check_each_hidden_character],
}


# ---------------------------------------------------------------- the catalogue itself

def test_catalogue_is_well_formed():
    entries = catalogue()
    assert len(entries) >= 45
    assert len({e["id"] for e in entries}) == len(entries)
    for entry in entries:
        assert list(entry) == ["id", "file", "command", "exit", "stderr_contains", "notes"]
        assert entry["command"] in ("validate", "check", "generate"), entry["id"]
        assert entry["exit"] in ("0", "1", "2"), entry["id"]
        if entry["notes"].startswith("generated:"):
            assert not (HOSTILE / entry["file"]).exists(), entry["id"]
        else:
            assert (HOSTILE / entry["file"]).is_file(), entry["id"]
        if entry["exit"] != "0":
            assert entry["stderr_contains"], f"{entry['id']}: a refusal must name its message"
    listed = {e["file"] for e in entries}
    on_disk = {p.name for p in HOSTILE.iterdir() if p.name not in ("catalogue.csv", "_make.py", "__pycache__")}
    assert on_disk <= listed, on_disk - listed


@pytest.mark.render
@pytest.mark.parametrize("entry", entry_params())
def test_hostile_input(entry, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    private_tmp = tmp_path / "private-tmp"
    private_tmp.mkdir()
    if entry["notes"].startswith("generated:"):
        source = build_generated(entry, work)
    else:
        source = work / entry["file"]
        shutil.copy(HOSTILE / entry["file"], source)
    out = tmp_path / "out"
    ctx = {"tmp": tmp_path, "out": out, "input": source, "private_tmp": private_tmp,
           "tmp_evil_before": Path("/tmp/evil").exists()}
    if entry["id"] in PREPARE:
        PREPARE[entry["id"]](entry, ctx)
    ctx["tmp_before"] = sorted(p.name for p in tmp_path.iterdir())
    args: list[str | Path] = [entry["command"], source]
    if entry["command"] == "generate":
        args += ["--out", out]
    # The subprocess timeout is a guard against a hang, not a speed target (speed is measured in bench/).
    code, stdout, stderr = run(*args, cwd=work, private_tmp=private_tmp, timeout=900)
    ctx.update(stdout=stdout, stderr=stderr)

    assert "Traceback" not in stdout and "Traceback" not in stderr, stderr[-2000:]
    assert code == int(entry["exit"]), f"exit {code}\n{stdout[-1000:]}\n{stderr[-2000:]}"
    assert entry["stderr_contains"] in stderr, stderr[-2000:]
    # The tool's TMPDIR is a private folder, so whatever it leaves is its own: a check that can fail.
    assert list(private_tmp.iterdir()) == [], "the tool left temporary files behind"
    assert not (work / "output").exists(), "a command wrote into the default output folder"
    if code != 0 and entry["command"] == "generate" and entry["id"] not in PREPARE:
        assert not out.exists() or list(out.iterdir()) == [], "a refused input wrote something"
    for check in EXTRA_CHECKS.get(entry["id"], []):
        check(entry, ctx)


def test_tool_never_names_the_system_temp_folder():
    """The per-entry check redirects TMPDIR; this makes sure nothing in the tool bypasses it."""
    package = ROOT / "erasure_docs"
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "/tmp" not in text and "gettempdir" not in text, path
        for call in re.findall(r"tempfile\.\w+\([^)]*\)", text):
            assert "dir=" in call, f"{path.name}: {call} writes into the system temp folder"


# ---------------------------------------------------------------- findings outside the catalogue's columns

@pytest.mark.parametrize("name", ["caseid-dotdot.yaml", "caseid-leading-dot.yaml"])
def test_malformed_case_id_is_not_echoed(name, tmp_path):
    code, _, stderr = run("validate", HOSTILE / name, cwd=tmp_path, private_tmp=tmp_path)
    assert code == 1
    assert "[?] case_id:" in stderr, stderr


@pytest.mark.render
def test_hostile_yaml_in_a_batch_folder_does_not_stop_the_batch(tmp_path):
    """A folder of case files with a tag bomb and a billion-laughs file: the valid case is still produced."""
    folder = tmp_path / "cases"
    folder.mkdir()
    shutil.copy(BASE, folder / "a-valid.yaml")
    for name in ("python-object-apply.yaml", "billion-laughs.yaml", "char-rlo-docket.yaml"):
        shutil.copy(HOSTILE / name, folder / name)
    (folder / "char-rlo-docket.yaml").write_text(
        (HOSTILE / "char-rlo-docket.yaml").read_text(encoding="utf-8").replace("CLINIC-2026-0042", "RLO-1"),
        encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = run("batch", folder, "--out", out, "--workers", "1", "--quiet", "--format", "pdf",
                               cwd=tmp_path, private_tmp=tmp_path)
    assert "Traceback" not in stdout + stderr
    assert code == 1, stderr
    assert "1 produced, 3 failed" in stdout
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["CLINIC-2026-0042"]
    assert formula_cells(out / "batch-summary.csv") == []
