"""The Python API (erasure_docs/api.py), driven directly: what the CLI, batch, verify and the web app use."""

from __future__ import annotations

import datetime as dt
import json
import stat
import subprocess
import sys

import pytest
import yaml

import erasure_docs as ed
from tests.conftest import FIXTURES, ROOT, SAMPLES


def readme_examples() -> list[str]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Python API", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]


def test_the_readme_one_liner_works_and_loads_no_renderer():
    code = ("import sys, erasure_docs as ed; case, problems = ed.validate('sample_cases/nolle.yaml'); "
            "print(ed.check(case).summary); "
            "print(sorted(m for m in ('weasyprint', 'docxtpl', 'docx', 'click') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=SAMPLES.parent, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["{'eligible': 0, 'not_eligible': 0, 'needs_review': 0, 'automatic': 2}", "[]"]


def test_validate_a_path_and_a_mapping_give_the_same_case():
    case, problems = ed.validate(SAMPLES / "nolle.yaml")
    assert problems == [] and case is not None
    data = yaml.safe_load((SAMPLES / "nolle.yaml").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))  # dates as text, as a web form would send them
    same, problems = ed.validate(data)
    assert problems == [] and same == case


def test_validate_reports_every_problem_with_file_case_and_path():
    case, problems = ed.validate(FIXTURES / "bad" / "three-errors.yaml")
    assert case is None and len(problems) >= 3
    assert all(p.file.endswith("three-errors.yaml") and p.path and p.message for p in problems)
    assert all(isinstance(p.line, int) for p in problems)
    case, problems = ed.validate({"case_id": "X-1"})
    assert case is None and {p.path for p in problems} >= {"petitioner", "trafficking", "records"}
    assert all(p.case_id == "X-1" for p in problems)


def test_validate_refuses_a_sheet_and_a_missing_file():
    assert ed.validate(SAMPLES / "batch-clinic-day.csv")[0] is None
    case, problems = ed.validate(SAMPLES / "no-such-case.yaml")
    assert case is None and problems[0].message == "no such file"


def test_as_of_is_applied_once_at_load_and_by_check():
    later = dt.date(2027, 8, 1)  # after the 2026 nolle's erasure date (2027-07-24); the sample says 2026-11-30
    case, _ = ed.validate(SAMPLES / "nolle.yaml")
    assert case.as_of != later
    own = ed.check(case)
    loaded_later, _ = ed.validate(SAMPLES / "nolle.yaml", as_of=later)
    for report in (ed.check(case, as_of=later), ed.check(loaded_later)):
        assert report.as_of == later
        assert "will be erased" in own.charges[1].reasons[0].text
        assert report.charges[1].reasons[0].text == \
            own.charges[1].reasons[0].text.replace("will be erased", "were erased")


def test_errors_share_one_base_whose_message_is_safe():
    case, _ = ed.validate(SAMPLES / "nolle.yaml")
    with pytest.raises(ed.ErasureDocsError, match="unknown document 'affidavitt'"):
        ed.build_packet(case, only={"affidavitt"})
    with pytest.raises(ed.ErasureDocsError, match="unknown format 'odt'"):
        ed.build_packet(case, formats=("odt",))


@pytest.mark.render
def test_build_in_memory_then_write_with_an_explicit_mode(tmp_path, renderers):
    case, _ = ed.validate(SAMPLES / "adult-prostitution.yaml")
    ref = ed.InputRef("adult-prostitution.yaml", "ab" * 32)
    packet = ed.build_packet(case, renderers=renderers, formats=("pdf",), input_ref=ref, file_mode=0o640)
    assert packet.case_id == case.case_id and packet.report == ed.check(case)
    assert packet.manifest["file_mode"] == "0640" and packet.manifest["templates"]["source"] == "built-in"
    assert packet.manifest["input"] == {"file": "adult-prostitution.yaml", "sha256": "ab" * 32}
    assert {f["path"] for f in packet.manifest["files"]} == set(packet.files) - {"manifest.json"}
    assert not any(path.endswith(".docx") for path in packet.files)
    bound = [path for path in packet.files if path.startswith("filings/") and path.endswith("/filing.pdf")]
    assert bound and all(packet.files[path].startswith(b"%PDF") for path in bound)
    assert packet.files["attorney/attorney-copy.pdf"].startswith(b"%PDF")
    with pytest.raises(ed.ErasureDocsError, match="0640"):  # the manifest must say how the files were written
        ed.write_packet(packet, tmp_path / "out", file_mode=0o600)
    folder = ed.write_packet(packet, tmp_path / "out")
    assert folder == tmp_path / "out" / case.case_id
    written = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    assert {k: v.read_bytes() for k, v in written.items()} == packet.files
    assert {stat.S_IMODE(p.stat().st_mode) for p in written.values()} == {0o640}
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    again = ed.build_packet(case, renderers=renderers, formats=("pdf",), input_ref=ref, file_mode=0o640)
    assert again.files == packet.files  # deterministic, and the renderers are reusable


@pytest.mark.render
def test_the_readme_examples_run(tmp_path):
    (tmp_path / "sample_cases").symlink_to(SAMPLES)
    examples = readme_examples()
    assert len(examples) == 2
    for example in examples:
        subprocess.run([sys.executable, "-c", example], cwd=tmp_path, check=True, capture_output=True)
    folder = tmp_path / "output" / "CLINIC-2026-0012"
    assert list(folder.glob("filings/*/filing.pdf")) and (folder / "attorney" / "attorney-copy.pdf").is_file()


def test_an_unexpected_error_prints_one_safe_line_and_debug_shows_the_traceback(cli, monkeypatch):
    def broken(case, as_of=None):
        raise RuntimeError("Maria Santos, 12 Main St")  # an exception message may quote personal data

    monkeypatch.setattr(ed.api, "check", broken)
    code, out, err = cli("check", SAMPLES / "nolle.yaml")
    assert code == 1 and err.strip().splitlines() == [
        "error: RuntimeError inside erasure-docs; run with --debug (or ERASURE_DOCS_DEBUG=1) to see the traceback"]
    with pytest.raises(RuntimeError, match="Maria Santos"):
        cli("--debug", "check", SAMPLES / "nolle.yaml")
    monkeypatch.setenv("ERASURE_DOCS_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli("check", SAMPLES / "nolle.yaml")


def test_safe_message_never_prints_a_foreign_exception_message():
    from erasure_docs.errors import safe_message

    assert safe_message(ed.ErasureDocsError("case X-1: no court")) == "case X-1: no court"
    assert safe_message(ValueError("Maria")) == "ValueError"
    assert safe_message(PermissionError(13, "Permission denied", "/home/maria")) == \
        "PermissionError: Permission denied"
