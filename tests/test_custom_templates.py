"""Clinics' own templates, the sandbox they run in, output permissions and the redacted work copy."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.textextract import docx_text, edit_docx, pdf_text

pytestmark = pytest.mark.render  # make test-fast leaves these out

CASE = SAMPLES / "adult-with-victim.yaml"
CASE_ID = "CLINIC-2026-0013"


@pytest.fixture
def exported(cli, tmp_path) -> Path:
    folder = tmp_path / "mine"
    code, out, _ = cli("templates", "export", folder)
    assert code == 0 and "files copied" in out
    return folder


def test_export_copies_word_html_and_css_and_never_overwrites(cli, exported):
    names = {p.name for p in exported.iterdir()}
    assert {"application_54_95c.docx", "application_54_95c.html", "packet.css", "_caption.html"} <= names
    code, _, err = cli("templates", "export", exported)
    assert code == 1 and "already holds" in err


@pytest.mark.slow  # every document of every sample in both formats
def test_check_passes_the_built_in_templates(cli, exported):
    code, out, _ = cli("templates", "check", exported)
    assert code == 0 and out.startswith("0 problems")


def test_check_names_misspelled_variables_with_line_and_paragraph(cli, exported):
    html = exported / "request_for_hearing.html"
    lines = html.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines) if "{{ filing_date }}" in line or "petitioner.name" in line)
    lines[target] = lines[target].replace("petitioner.name", "petitioner.nmae").replace("{{ filing_date }}",
                                                                                       "{{ filling_date }}")
    html.write_text("\n".join(lines) + "\n", encoding="utf-8")
    edit_docx(exported / "proposed_order.docx", "{{ docket.number }}", "{{ docket.numbr }}")
    code, _, err = cli("templates", "check", exported)
    assert code == 1
    assert f"request_for_hearing.html line {target + 1}: unknown variable" in err
    assert "proposed_order.docx paragraph \"" in err and "{{ docket.numbr }}" in err
    assert "unknown variable 'docket.numbr'; did you mean 'docket.number'?" in err


def test_generate_uses_the_clinics_template_and_falls_back_for_the_rest(cli, exported, tmp_path):
    edit_docx(exported / "application_54_95c.docx", "APPLICATION TO VACATE", "CLINIC APPLICATION TO VACATE")
    html = exported / "application_54_95c.html"
    html.write_text(html.read_text(encoding="utf-8").replace("APPLICATION TO VACATE", "CLINIC APPLICATION TO VACATE"),
                    encoding="utf-8")
    (exported / "affidavit.html").unlink()  # falls back to the built-in one
    out = tmp_path / "out"
    code, _, err = cli("generate", CASE, "--out", out, "--templates", exported)
    assert code == 0, err
    folder = next((out / CASE_ID).glob("filings/*/H15N-*"))
    assert "CLINIC APPLICATION TO VACATE" in docx_text(folder / "application_54_95c.docx")
    assert "CLINIC APPLICATION TO VACATE" in pdf_text(folder / "application_54_95c.pdf")
    sealed = next((out / CASE_ID).glob(f"sealed/*/{folder.name}"))
    assert "AFFIDAVIT OF APPLICANT" in pdf_text(sealed / "affidavit.pdf")


@pytest.mark.parametrize("payload", ["{{ ''.__class__.__mro__[1].__subclasses__() }}",
                                     "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
                                     "{% include '/etc/passwd' %}"])
def test_a_hostile_template_cannot_escape_the_sandbox(cli, exported, tmp_path, payload):
    html = exported / "request_for_hearing.html"
    html.write_text(html.read_text(encoding="utf-8").replace("</body>", f"{payload}</body>"), encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = cli("generate", CASE, "--out", out, "--templates", exported)
    assert code == 1 and "could not be rendered" in err
    assert "uid=" not in stdout + err and "root:" not in stdout + err
    assert not (out / CASE_ID).exists()  # nothing half-written


def test_a_stylesheet_cannot_fetch_files_or_the_network(cli, exported, tmp_path):
    css = exported / "packet.css"
    css.write_text(css.read_text(encoding="utf-8") + '\nbody { background: url("file:///etc/passwd"); }\n',
                   encoding="utf-8")
    code, _, err = cli("generate", CASE, "--out", tmp_path / "out", "--templates", exported)
    assert code == 1 and "could not be rendered" in err


def test_umask_sets_output_permissions(cli, tmp_path):
    out = tmp_path / "out"
    code, _, _ = cli("generate", SAMPLES / "nolle.yaml", "--out", out, "--umask", "027")
    assert code == 0
    folder = out / "CLINIC-2026-0016"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*") if p.is_file()} == {0o640}
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*") if p.is_dir()} == {0o750}
    assert cli("generate", SAMPLES / "nolle.yaml", "--out", out, "--umask", "777")[0] == 2


def test_redact_writes_a_work_copy_without_personal_data(cli, tmp_path):
    out = tmp_path / "out"
    assert cli("generate", CASE, "--out", out, "--redact")[0] == 0
    copy = json.loads((out / CASE_ID / "attorney" / "case-data-redacted.json").read_text(encoding="utf-8"))
    text = json.dumps(copy, ensure_ascii=False)
    import yaml

    raw = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    for secret in (raw["petitioner"]["first_name"], raw["petitioner"]["last_name"],
                   str(raw["petitioner"]["date_of_birth"]), raw["petitioner"]["address"]["street"]):
        assert secret not in text
    assert copy["petitioner"]["birth_year"] == int(str(raw["petitioner"]["date_of_birth"])[:4])
    manifest = json.loads((out / CASE_ID / "manifest.json").read_text(encoding="utf-8"))
    assert "attorney/case-data-redacted.json" in {f["path"] for f in manifest["files"]}
    code, out_text, _ = cli("verify", out / CASE_ID, "--case", CASE)
    assert code == 0, out_text
    code, _, err = cli("check", CASE, "--redact", "--out", tmp_path / "checked")
    assert code == 0 and (tmp_path / "checked" / f"{CASE_ID}.redacted.json").exists()
