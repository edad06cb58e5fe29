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
    **{key: [check_no_birth_date] for key in ("IN01", "IN02", "IN03", "IN04", "IN05")},
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


# ---------------------------------------------------------------- a clinic's template folder (finding 6 and the
# custom-template findings: symbolic links, pictures, Word templates scrubbed, document properties, escapes)

TEMPLATE_CASE = ROOT / "sample_cases" / "adult-prostitution.yaml"  # Brianna M. O'Neil, CLINIC-2026-0012
TEMPLATE_CASE_ID = "CLINIC-2026-0012"
SECRET = "SECRET-OTHER-CLIENT-4471"  # what a link would pull in; it must never reach a paper or a message
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R_EXTERNAL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def template_folder(tmp_path: Path, *names: str) -> Path:
    """A clinic's folder holding copies of these built-in templates (plain files)."""
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in names:
        shutil.copy(ROOT / "templates" / name, folder / name)
    return folder


def secret_file(tmp_path: Path, name: str = "other-client.txt") -> Path:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    (elsewhere / name).write_text(f"<p>{SECRET}</p>\n", encoding="utf-8")
    return elsewhere / name


def generate_with(folder: Path, tmp_path: Path, *extra: str, case: Path = TEMPLATE_CASE,
                  env: dict[str, str] | None = None) -> tuple[int, str, str, Path]:
    private = tmp_path / "private-tmp"
    private.mkdir(exist_ok=True)
    out = tmp_path / "out"
    code, stdout, stderr = run_env("generate", case, "--out", out, "--templates", folder, "--only", "proposed_order",
                                   *extra, cwd=tmp_path, private_tmp=private, env=env or {})
    assert "Traceback" not in stdout + stderr, stderr[-2000:]
    assert SECRET not in stdout + stderr
    assert list(private.iterdir()) == [], "the tool left temporary files behind"
    return code, stdout, stderr, out


def run_env(*args: str | Path, cwd: Path, private_tmp: Path, env: dict[str, str]) -> tuple[int, str, str]:
    full = {**os.environ, "TMPDIR": str(private_tmp), "PYTHONDONTWRITEBYTECODE": "1", **env}
    full.pop("CI", None)
    result = subprocess.run([str(EXE), *map(str, args)], cwd=cwd, env=full, capture_output=True, timeout=600)
    return result.returncode, result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")


def refused_cleanly(code: int, stderr: str, out: Path, *fragments: str) -> None:
    assert code == 1, stderr[-2000:]
    for fragment in fragments:
        assert fragment in stderr, stderr[-2000:]
    assert not out.exists() or list(out.iterdir()) == [], "a refused render wrote something"


def with_html(folder: Path, name: str, addition: str) -> None:
    """Add markup just before </body> of a copied HTML template."""
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8").replace("</body>", f"{addition}</body>"), encoding="utf-8")


@pytest.mark.render
@pytest.mark.parametrize("how", ["include", "linked-folder", "css-import", "stylesheet", "picture", "word"])
def test_a_template_folder_never_follows_a_symbolic_link(tmp_path, how):
    """Finding 6: `{% include 'leak.html' %}` with leak.html → a file elsewhere, a linked folder of other
    clients' files, a linked packet.css, an @import or a picture through a link, a linked Word template."""
    folder = template_folder(tmp_path, "proposed_order.html", "proposed_order.docx")
    secret = secret_file(tmp_path)
    fmt = "pdf"
    if how == "include":
        (folder / "leak.html").symlink_to(secret)
        with_html(folder, "proposed_order.html", "{% include 'leak.html' %}")
    elif how == "linked-folder":
        (folder / "clients").symlink_to(secret.parent, target_is_directory=True)
        with_html(folder, "proposed_order.html", f"{{% include 'clients/{secret.name}' %}}")
    elif how == "css-import":
        (secret.parent / "evil.css").write_text(f'body::after {{ content: "{SECRET}"; }}\n', encoding="utf-8")
        (folder / "extra.css").symlink_to(secret.parent / "evil.css")
        shutil.copy(ROOT / "templates" / "packet.css", folder / "packet.css")
        css = folder / "packet.css"
        css.write_text('@import "extra.css";\n' + css.read_text(encoding="utf-8"), encoding="utf-8")
    elif how == "stylesheet":
        (secret.parent / "packet.css").write_text((ROOT / "templates" / "packet.css").read_text(encoding="utf-8"),
                                                  encoding="utf-8")
        (folder / "packet.css").symlink_to(secret.parent / "packet.css")
    elif how == "picture":
        (secret.parent / "logo.png").write_bytes(png(4, 4))
        (folder / "logo.png").symlink_to(secret.parent / "logo.png")
        with_html(folder, "proposed_order.html", '<img src="logo.png" alt="logo">')
    else:
        shutil.copy(folder / "proposed_order.docx", secret.parent / "word.docx")
        (folder / "proposed_order.docx").unlink()
        (folder / "proposed_order.docx").symlink_to(secret.parent / "word.docx")
        fmt = "docx"
    code, _, stderr, out = generate_with(folder, tmp_path, "--format", fmt)
    refused_cleanly(code, stderr, out, "is a symbolic link")


@pytest.mark.render
def test_templates_check_reports_symbolic_links(tmp_path):
    folder = template_folder(tmp_path, "proposed_order.html")
    (folder / "leak.html").symlink_to(secret_file(tmp_path))
    (folder / "clients").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    code, stdout, stderr = run("templates", "check", folder, cwd=tmp_path, private_tmp=tmp_path)
    assert code == 1 and "Traceback" not in stderr
    assert "leak.html (file): is a symbolic link" in stderr and "clients (file): is a symbolic link" in stderr
    assert SECRET not in stdout + stderr


def test_templates_export_never_writes_through_a_dangling_link(tmp_path):
    destination = tmp_path / "mine"
    destination.mkdir()
    target = tmp_path / "outside" / "application_54_95c.docx"
    target.parent.mkdir()
    (destination / "application_54_95c.docx").symlink_to(target)  # dangling: `exists()` says False
    code, stdout, stderr = run("templates", "export", destination, cwd=tmp_path, private_tmp=tmp_path)
    assert code == 1 and "already holds application_54_95c.docx" in stderr
    assert not target.exists() and sorted(p.name for p in destination.iterdir()) == ["application_54_95c.docx"]


def test_templates_check_names_a_template_that_is_not_utf8(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "proposed_order.html").write_bytes("<p>Café</p>\n<p>{{ case_id }}</p>\n".encode("latin-1"))
    code, _, stderr = run("templates", "check", folder, cwd=tmp_path, private_tmp=tmp_path)
    assert code == 1 and "Traceback" not in stderr
    assert "proposed_order.html" in stderr and "line 1 is not UTF-8 text" in stderr


# ---------------------------------------------------------------- pictures measured before decoding

def png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of that size, all black: 13,000² pixels compress to about 20 KB."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.mark.render
def test_a_huge_picture_is_refused_before_it_is_decoded(tmp_path):
    folder = template_folder(tmp_path, "proposed_order.html")
    picture = png(13_000, 13_000)
    assert len(picture) < 40_000
    (folder / "logo.png").write_bytes(picture)
    with_html(folder, "proposed_order.html", '<img src="logo.png" alt="logo">')
    code, _, stderr, out = generate_with(folder, tmp_path, "--format", "pdf")
    refused_cleanly(code, stderr, out, "logo.png: the picture has 13000 × 13000 pixels, more than 40,000,000")


@pytest.mark.render
def test_a_small_picture_in_a_template_prints(tmp_path):
    folder = template_folder(tmp_path, "proposed_order.html")
    (folder / "logo.png").write_bytes(png(40, 20))
    with_html(folder, "proposed_order.html", '<img src="logo.png" alt="logo">')
    code, _, stderr, out = generate_with(folder, tmp_path, "--format", "pdf")
    assert code == 0, stderr


# ---------------------------------------------------------------- Word templates scrubbed, part by part

def docx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_docx(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def add_relationship(parts: dict[str, bytes], rels: str, kind: str, target: str, external: bool = True) -> None:
    mode = ' TargetMode="External"' if external else ""
    text = parts[rels].decode("utf-8").replace(
        "</Relationships>", f'<Relationship Id="rId99" Type="{R_EXTERNAL}/{kind}" Target="{target}"{mode}/>'
                            "</Relationships>")
    parts[rels] = text.encode("utf-8")


def in_body(parts: dict[str, bytes], xml: str) -> None:
    text = parts["word/document.xml"].decode("utf-8")
    parts["word/document.xml"] = text.replace("<w:body>", f"<w:body>{xml}", 1).encode("utf-8")


def hostile_docx(kind: str, parts: dict[str, bytes]) -> str:
    """Plant one kind of remote or active content; returns the reason the check must give."""
    rels = "word/_rels/document.xml.rels"
    url = "http://203.0.113.9/Brianna-ONeil.png"  # the client's name in an address: never echoed
    if kind == "external-image":
        add_relationship(parts, rels, "image", url)
        return "a relationship to something outside the file (image)"
    if kind == "external-hyperlink":
        add_relationship(parts, rels, "hyperlink", url)
        return "a relationship to something outside the file (hyperlink)"
    if kind == "attached-template":
        add_relationship(parts, "word/_rels/settings.xml.rels" if "word/_rels/settings.xml.rels" in parts else rels,
                         "attachedTemplate", "http://203.0.113.9/t.dotm")
        text = parts["word/settings.xml"].decode("utf-8")
        parts["word/settings.xml"] = text.replace("<w:zoom", '<w:attachedTemplate r:id="rId99"/><w:zoom').encode()
        return "an attached template"
    if kind == "altchunk":
        add_relationship(parts, rels, "aFChunk", "chunk.mht", external=False)
        parts["word/chunk.mht"] = b"MIME-Version: 1.0\r\n\r\n<html>{DDEAUTO c:\\\\windows\\\\calc.exe}</html>"
        in_body(parts, '<w:altChunk r:id="rId99"/>')
        return "an altChunk"
    if kind == "dde-in-comments":
        parts["word/comments.xml"] = (f'<w:comments {W_NS}><w:comment w:id="0"><w:p><w:fldSimple '
                                      'w:instr="DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe"/></w:p></w:comment>'
                                      '</w:comments>').encode()
        return "a Word field DDEAUTO"
    if kind == "complex-field":
        in_body(parts, '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDETEXT '
                       '"c:\\\\secret.txt" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                       '<w:r><w:t>x</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
        return "a Word field INCLUDETEXT"
    if kind == "strict-fldsimple":
        parts["word/footer9.xml"] = ('<w:ftr xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:p>'
                                     '<w:fldSimple w:instr=" HYPERLINK &quot;http://203.0.113.9/&quot; "/>'
                                     '</w:p></w:ftr>').encode()
        return "a Word field HYPERLINK"
    if kind == "vml-imagedata":
        in_body(parts, '<w:p><w:r><w:pict><v:shape><v:imagedata src="http://203.0.113.9/Brianna-ONeil.png"/>'
                       '</v:shape></w:pict></w:r></w:p>')
        return "a VML picture with an address of its own"
    if kind == "ole-object":
        parts["word/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0" + b"\x00" * 64
        return "an embedded object (OLE)"
    if kind == "macros":
        parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\x00" * 64
        return "macros (a VBA project)"
    if kind == "activex":
        in_body(parts, '<w:p><w:r><w:object><w:control r:id="rId98"/></w:object></w:r></w:p>')
        return "an ActiveX control"
    if kind == "huge-picture":
        parts["word/media/image9.png"] = png(13_000, 13_000)
        return "the picture has 13000 × 13000 pixels"
    if kind == "docxtpl-escape":
        in_body(parts, "<w:p><w:r><w:t>{_{ petitioner.name }_}</w:t></w:r></w:p>")
        return "docxtpl's {_{ … }_} escape"
    raise AssertionError(kind)


WORD_HOSTILE = ["external-image", "external-hyperlink", "attached-template", "altchunk", "dde-in-comments",
                "complex-field", "strict-fldsimple", "vml-imagedata", "ole-object", "macros", "activex",
                "huge-picture", "docxtpl-escape"]


@pytest.mark.parametrize("kind", WORD_HOSTILE)
def test_templates_check_refuses_remote_or_active_word_content(tmp_path, kind):
    folder = template_folder(tmp_path, "proposed_order.docx")
    parts = docx_parts(folder / "proposed_order.docx")
    reason = hostile_docx(kind, parts)
    write_docx(folder / "proposed_order.docx", parts)
    code, stdout, stderr = run("templates", "check", folder, cwd=tmp_path, private_tmp=tmp_path)
    assert code == 1 and "Traceback" not in stderr, stderr
    assert "proposed_order.docx word/" in stderr and reason in stderr, stderr
    assert "203.0.113.9" not in stdout + stderr and "ONeil" not in stdout + stderr


@pytest.mark.render
@pytest.mark.parametrize("kind", ["external-image", "dde-in-comments"])
def test_generate_refuses_a_word_template_with_remote_or_active_content(tmp_path, kind):
    folder = template_folder(tmp_path, "proposed_order.docx")
    parts = docx_parts(folder / "proposed_order.docx")
    reason = hostile_docx(kind, parts)
    write_docx(folder / "proposed_order.docx", parts)
    code, stdout, stderr, out = generate_with(folder, tmp_path, "--format", "docx")
    refused_cleanly(code, stderr, out, "proposed_order.docx is refused: word/", reason)
    assert "203.0.113.9" not in stdout + stderr


def test_the_built_in_word_templates_pass_the_scrub():
    from erasure_docs.render import wordscrub

    for path in sorted((ROOT / "templates").glob("*.docx")):
        assert wordscrub.findings(path.read_bytes()) == [], path.name


@pytest.mark.render
def test_document_properties_are_the_tools_never_the_templates(tmp_path):
    """One juvenile petition carried the client's full name in dc:language: a template's properties (rendered by
    docxtpl as templates) never reach a filing."""
    folder = template_folder(tmp_path, "proposed_order.docx")
    parts = docx_parts(folder / "proposed_order.docx")
    core = parts["docProps/core.xml"].decode("utf-8")
    core = core.replace("<cp:category/>", "<cp:category>{{ petitioner.name }}</cp:category>"
                                          "<dc:language>{{ petitioner.name }}</dc:language>"
                                          "<cp:contentStatus>Left from another client</cp:contentStatus>")
    parts["docProps/core.xml"] = core.replace("<dc:title></dc:title>", "<dc:title>{{ petitioner.name }}</dc:title>"
                                              ).encode("utf-8")
    parts["docProps/app.xml"] = parts["docProps/app.xml"].replace(b"<Company/>", b"<Company>Other Client</Company>")
    write_docx(folder / "proposed_order.docx", parts)
    code, _, stderr, out = generate_with(folder, tmp_path, "--format", "docx")
    assert code == 0, stderr
    for document in (out / TEMPLATE_CASE_ID).rglob("proposed_order.docx"):
        rendered = docx_parts(document)
        properties = b"".join(data for name, data in rendered.items() if name.startswith("docProps/"))
        assert b"Brianna" not in properties and b"O'Neil" not in properties and b"O&apos;Neil" not in properties
        assert b"Other Client" not in properties and b"another client" not in properties
        assert b"<dc:language>en-US</dc:language>" in rendered["docProps/core.xml"]
        assert b"<dc:title>[Proposed] Order Vacating" in rendered["docProps/core.xml"]
        assert sorted(n for n in rendered if n.startswith("docProps/")) == ["docProps/app.xml", "docProps/core.xml"]


@pytest.mark.render
def test_docxtpl_escapes_in_a_value_print_the_same_in_word_and_pdf(tmp_path):
    """docxtpl turns `{_{` into `{{` in Word only: a value keeps its characters in both formats."""
    data = yaml.safe_load(TEMPLATE_CASE.read_text(encoding="utf-8"))
    for record in data["records"]:
        for charge in record["charges"]:
            charge["description"] = "{_{ 7*7 }_} {_% x %_}"
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run("generate", case, "--out", out, "--only", "application_54_95c", cwd=tmp_path,
                          private_tmp=tmp_path)
    assert code == 0, stderr
    document = next((out / TEMPLATE_CASE_ID).rglob("application_54_95c.docx"))
    for text in (docx_text(document), pdf_text(document.with_suffix(".pdf"))):
        assert normalise("{_{ 7*7 }_} {_% x %_}") in normalise(text)
        assert "{{ 7*7 }}" not in text


@pytest.mark.render
def test_extra_is_defined_in_templates(tmp_path):
    """`extra` (free-form values of the case file) is documented for templates: it is in every context."""
    data = yaml.safe_load(TEMPLATE_CASE.read_text(encoding="utf-8"))
    data["extra"] = {"clinic_matter": "Matter 2026-77"}
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    folder = template_folder(tmp_path, "proposed_order.html")
    with_html(folder, "proposed_order.html", "<p>{{ extra.clinic_matter }} / {{ extra.get('absent', 'none') }}</p>")
    code, _, stderr, out = generate_with(folder, tmp_path, "--format", "pdf", case=case)
    assert code == 0, stderr
    document = next((out / TEMPLATE_CASE_ID).rglob("proposed_order.pdf"))
    assert "Matter 2026-77 / none" in pdf_text(document)


def test_check_redact_never_writes_through_a_link_at_its_temporary_name(tmp_path):
    out = tmp_path / "checked"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    for name in (f".partial-{TEMPLATE_CASE_ID}.redacted.json", f".{TEMPLATE_CASE_ID}.redacted.json.tmp"):
        (out / name).symlink_to(victim)
    code, _, stderr = run("check", TEMPLATE_CASE, "--redact", "--out", out, cwd=tmp_path, private_tmp=tmp_path)
    assert code == 0, stderr
    assert victim.read_text(encoding="utf-8") == "untouched"
    assert (out / f"{TEMPLATE_CASE_ID}.redacted.json").is_file()
    assert not (out / f"{TEMPLATE_CASE_ID}.redacted.json").is_symlink()


def test_weasyprint_starts_without_running_programs_or_writing_files(tmp_path):
    """WeasyPrint's library search ran `ldconfig`/`gcc` (about 200 processes) and wrote temporary files at every
    start; importing the PDF renderer must spawn nothing and write nothing."""
    probe = (
        "import os, subprocess, sys\n"
        "spawned = []\n"
        "real = subprocess.Popen.__init__\n"
        "def spy(self, *a, **k):\n"
        "    spawned.append(a[0] if a else k.get('args'))\n"
        "    return real(self, *a, **k)\n"
        "subprocess.Popen.__init__ = spy\n"
        "os.posix_spawn = os.posix_spawnp = lambda *a, **k: spawned.append(a)\n"
        "import erasure_docs.render.pdf\n"
        "print('spawned', spawned)\n"
    )
    private = tmp_path / "tmp"
    private.mkdir()
    env = {**os.environ, "TMPDIR": str(private), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "spawned []" in done.stdout, done.stdout
    assert list(private.iterdir()) == []


# ---------------------------------------------------------------- bounded work: time and memory limits

LOOP_FOREVER = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"


@pytest.mark.render
def test_a_template_that_loops_forever_is_stopped_at_its_time_limit(tmp_path):
    """No timed assertion: the template never ends, the limit is small, the error says what happened."""
    folder = template_folder(tmp_path, "proposed_order.html")
    with_html(folder, "proposed_order.html", LOOP_FOREVER)
    code, _, stderr, out = generate_with(folder, tmp_path, "--format", "pdf",
                                         env={"ERASURE_DOCS_TEMPLATE_SECONDS": "0.5"})
    refused_cleanly(code, stderr, out, f"[{TEMPLATE_CASE_ID}] could not be rendered: the custom templates took "
                                       "longer than", "ERASURE_DOCS_TEMPLATE_SECONDS")


@pytest.mark.render
@pytest.mark.parametrize("payload, memory", [("{{ 'x' * 2000000000 }}", None),
                                             ("{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                                              "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}", "200")])
def test_a_template_that_needs_gigabytes_is_stopped_at_its_memory_limit(tmp_path, payload, memory):
    folder = template_folder(tmp_path, "proposed_order.html")
    with_html(folder, "proposed_order.html", payload)
    env = {"ERASURE_DOCS_TEMPLATE_MEMORY_MB": memory} if memory else {}
    code, _, stderr, out = generate_with(folder, tmp_path, "--format", "pdf", env=env)
    refused_cleanly(code, stderr, out, f"needed more than {memory or 1024} MB of memory",
                    "ERASURE_DOCS_TEMPLATE_MEMORY_MB")


@pytest.mark.render
def test_a_looping_template_fails_only_its_case_in_a_batch(tmp_path):
    folder = template_folder(tmp_path, "proposed_order.html")
    with_html(folder, "proposed_order.html", f"{{% if case_id == 'LOOP-1' %}}{LOOP_FOREVER}{{% endif %}}")
    inputs = tmp_path / "cases"
    inputs.mkdir()
    data = yaml.safe_load(TEMPLATE_CASE.read_text(encoding="utf-8"))
    for case_id in ("LOOP-1", "FINE-2"):
        (inputs / f"{case_id}.yaml").write_text(yaml.safe_dump({**data, "case_id": case_id}, allow_unicode=True),
                                                encoding="utf-8")
    private = tmp_path / "private-tmp"
    private.mkdir()
    out = tmp_path / "out"
    code, stdout, stderr = run_env("batch", inputs, "--out", out, "--templates", folder, "--workers", "1",
                                   "--format", "pdf", cwd=tmp_path, private_tmp=private,
                                   env={"ERASURE_DOCS_TEMPLATE_SECONDS": "5"})  # the other case must have time
    assert "Traceback" not in stdout + stderr
    assert code == 1, stderr
    assert "1 produced, 1 failed" in stdout, stdout
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["FINE-2"]
    summary = (out / "batch-summary.csv").read_text(encoding="utf-8")
    assert "took longer than" in summary
    assert list(private.iterdir()) == [], "the tool left temporary files behind"


@pytest.mark.render
def test_templates_check_stops_a_looping_template(tmp_path):
    folder = template_folder(tmp_path, "proposed_order.html")
    with_html(folder, "proposed_order.html", LOOP_FOREVER)
    code, _, stderr = run_env("templates", "check", folder, cwd=tmp_path, private_tmp=tmp_path,
                              env={"ERASURE_DOCS_TEMPLATE_SECONDS": "0.5"})
    assert code == 1 and "Traceback" not in stderr
    assert "proposed_order.html (render): the custom templates took longer than" in stderr


def test_a_limit_that_is_not_a_number_is_named(tmp_path):
    folder = template_folder(tmp_path, "proposed_order.html")
    code, _, stderr = run_env("templates", "check", folder, cwd=tmp_path, private_tmp=tmp_path,
                              env={"ERASURE_DOCS_TEMPLATE_SECONDS": "soon"})
    assert code != 0 and "Traceback" not in stderr
    assert "ERASURE_DOCS_TEMPLATE_SECONDS must be a positive number" in stderr


# ---------------------------------------------------------------- issue 18: input and batch findings

def test_devices_and_fifos_are_refused_without_reading_them(tmp_path):
    """/dev/zero (through a .yaml link) and a FIFO with no writer once read forever."""
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo.yaml")
    code, _, stderr = run("validate", tmp_path / "zero.yaml", tmp_path / "fifo.yaml", cwd=tmp_path,
                          private_tmp=tmp_path, timeout=120)
    assert code == 1 and "Traceback" not in stderr
    for name in ("zero.yaml", "fifo.yaml"):
        assert f"{name}: is not a regular file (a device, pipe or socket)" in stderr, stderr


def test_case_ids_differing_only_by_case_are_one_id(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    for name, case_id in (("a.yaml", "CLINIC-A"), ("b.yaml", "clinic-a")):
        (folder / name).write_text(base_text().replace("CLINIC-2026-0042", case_id), encoding="utf-8")
    code, stdout, stderr = run("batch", folder, "--dry-run", cwd=tmp_path, private_tmp=tmp_path)
    assert code == 1, stdout + stderr
    assert "b.yaml [clinic-a] case_id: case_id is used again in this batch, perhaps in other capitals" in stderr
    assert "1 would produce, 1 failed" in stdout


def invalid_case_folder(tmp_path: Path) -> Path:
    """A folder with one readable but invalid case: a batch writes its summary without rendering anything."""
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "case.yaml").write_text(base_text().replace("  first_name: Maria\n", ""), encoding="utf-8")
    return folder


def test_a_batch_into_its_own_input_folder_never_reads_its_summaries(tmp_path):
    folder = invalid_case_folder(tmp_path)
    for _ in range(2):
        code, stdout, stderr = run("batch", folder, "--out", folder, cwd=tmp_path, private_tmp=tmp_path)
        assert code == 1 and "Traceback" not in stderr, stderr
        assert stdout.startswith("1 failed"), stdout
    assert "batch-summary" not in stderr
    summary = json.loads((folder / "batch-summary.json").read_text(encoding="utf-8"))
    assert [row["source"].rsplit("/", 1)[-1] for row in summary["cases"]] == ["case.yaml"]


def test_an_output_folder_that_cannot_be_made_stops_the_batch_cleanly(tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    code, stdout, stderr = run("batch", BASE, "--out", tmp_path / "a-file" / "out", cwd=tmp_path,
                               private_tmp=tmp_path)
    assert code == 2 and "Traceback" not in stdout + stderr
    assert "error: the output folder" in stderr and "cannot be created (Not a directory)" in stderr


@pytest.mark.parametrize("mask", ["000", "022", "002", "700"])
def test_a_umask_that_lets_others_read_is_refused(mask, tmp_path):
    code, _, stderr = run("batch", BASE, "--out", tmp_path / "out", "--umask", mask, cwd=tmp_path,
                          private_tmp=tmp_path)
    assert code == 2 and "give others none" in stderr
    assert not (tmp_path / "out").exists()


def test_missing_parents_of_out_are_owner_only_under_umask_000(tmp_path):
    folder = invalid_case_folder(tmp_path)
    out = tmp_path / "a" / "b" / "out"
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run([str(EXE), "batch", str(folder), "--out", str(out)], cwd=tmp_path, env=env,
                            capture_output=True, preexec_fn=lambda: os.umask(0), timeout=300)
    assert result.returncode == 1, result.stderr
    for path in (tmp_path / "a", tmp_path / "a" / "b", out):
        assert oct(path.stat().st_mode & 0o777) == oct(0o700), path
    assert oct((out / "batch-summary.json").stat().st_mode & 0o777) == oct(0o600)


def test_file_names_that_would_collide_are_refused_before_rendering(tmp_path):
    """Finding 2's last guard: build_packet refuses two documents with one file name, even for a case that did
    not go through validation (some disks ignore case, so capitals do not tell names apart)."""
    import erasure_docs as ed
    from erasure_docs.packet import FileNameCollision

    case, problems = ed.validate(BASE)
    assert case is not None, problems
    twin = case.records[0].model_copy(update={"docket_number": case.records[0].docket_number.lower()})
    forged = case.model_copy(update={"records": [case.records[0], twin]})
    with pytest.raises(FileNameCollision, match="two documents of this case would be written to one file name"):
        ed.build_packet(forged, renderers=None, formats=("pdf",))  # refused before anything is rendered


@pytest.mark.render
def test_a_case_file_whose_name_is_not_utf8_renders_and_is_summarised(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/caf\xe9-\x1b[31m.yaml"
    with open(raw, "wb") as handle:
        handle.write(BASE.read_bytes())
    out = tmp_path / "out"
    code, stdout, stderr = run("batch", folder, "--out", out, "--workers", "1", "--quiet", "--format", "pdf",
                               cwd=tmp_path, private_tmp=tmp_path / "out")
    assert code == 0 and "Traceback" not in stdout + stderr, stderr
    assert "\x1b" not in stdout + stderr
    summary = json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))
    assert summary["cases"][0]["status"] == "produced"
    assert summary["cases"][0]["source"].endswith("caf\ufffd-?[31m.yaml")
    manifest = json.loads((out / "CLINIC-2026-0042" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["file"] == "caf\ufffd-?[31m.yaml"


@pytest.mark.render
def test_redaction_hides_cjk_surnames_and_the_arresting_agency(tmp_path):
    source = tmp_path / "case.yaml"
    source.write_text(base_text().replace("last_name: Santos", "last_name: 王")
                      .replace("first_name: Maria", "first_name: 秀英"), encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run("generate", source, "--out", out, "--redact", "--format", "pdf", cwd=tmp_path,
                          private_tmp=tmp_path / "out")
    assert code == 0, stderr
    folder = out / "CLINIC-2026-0042"
    redacted = json.loads((folder / "attorney" / "case-data-redacted.json").read_text(encoding="utf-8"))
    assert redacted["petitioner"]["last_name"] == "X." and redacted["petitioner"]["first_name"] == "X."
    assert all("arresting_agency" not in record for record in redacted["records"])
    for pdf in folder.rglob("*.pdf"):
        text = pdf_text(pdf)
        assert "王" not in text and "秀" not in text, pdf.name
        assert "Hartford Police Department" not in text, pdf.name


@pytest.mark.render
def test_a_long_unbroken_word_stays_on_the_page(tmp_path, renderers):
    import pypdfium2

    import erasure_docs as ed

    case, problems = ed.validate(yaml.safe_load(base_text().replace("first_name: Maria", "first_name: " + "W" * 100)))
    assert case is not None, problems
    packet = ed.build_packet(case, renderers=renderers, formats=("pdf",), only={"application_54_95c"})
    checked = 0
    for path, data in packet.files.items():
        if path.endswith("application_54_95c.pdf"):
            document = pypdfium2.PdfDocument(data)
            for page in document:
                width, text = page.get_width(), page.get_textpage()
                boxes = [text.get_charbox(i) for i in range(text.count_chars())]
                assert boxes and max(box[2] for box in boxes) <= width, path
                checked += 1
    assert checked
