"""Clerk review: the filing summary, the embedded filing data, `erasure-docs verify` and `erasure-docs show`,
through the real CLI. Packets are generated once per module; every alteration is made on a copy."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
import yaml
from docx import Document

from erasure_docs.packet import BINDER, ELIGIBILITY_PATH as ELIGIBILITY
from tests.textextract import SAMPLES, case_id_of, generate, normalise, pdf_text

pytestmark = pytest.mark.render  # make test-fast leaves these out

ROOT = Path(__file__).resolve().parent.parent
VERIFIED = ("adult-with-victim", "juvenile-adjudication")  # an attorney with victims; a juvenile record
HEADINGS = ["FILING SUMMARY", "Packet", "Packet fingerprint", "Prepared with", "Law applied as of", "Filing date",
            "Attorney's copy", "1. COURTS, DOCKETS AND RELIEF SOUGHT", "2. FILING SETS (ONE PER COURT)",
            "3. VICTIM NOTICE (C.G.S. § 54-95c(b))", "4. OFFERED UNDER SEAL", "5. PREPARED BY", "6. FILING DATA"]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """sample stem → packet folder, generated once for this module."""
    out = tmp_path_factory.mktemp("verify-packets")
    folders = {}
    for sample in VERIFIED:
        code, stdout, stderr = generate(SAMPLES / f"{sample}.yaml", out)
        assert code == 0, stdout + stderr
        folders[sample] = out / case_id_of(SAMPLES / f"{sample}.yaml")
    return folders


@pytest.fixture
def copy(made, tmp_path):
    """A fresh copy of a sample's packet folder, to alter."""
    def make(sample: str = "adult-with-victim") -> Path:
        target = tmp_path / "copy" / made[sample].name
        shutil.copytree(made[sample], target)
        return target
    return make


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def failures(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("FAIL  ")]


def run_subprocess(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    return subprocess.run([sys.executable, "-m", "erasure_docs", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


# ---------------------------------------------------------------- unaltered packets pass

@pytest.mark.parametrize("sample", VERIFIED)
def test_verify_folder_passes(made, cli, sample):
    code, out, err = cli("verify", made[sample])
    assert code == 0, out + err
    assert not failures(out)
    assert out.strip().splitlines()[-1].startswith("VERIFIED")
    assert all(line.startswith(("PASS  ", "NOTE  ", "VERIFIED")) for line in out.strip().splitlines())
    assert "NOTE  not signed" in out and "consistency, not authenticity" in out
    assert "fingerprint on the summary page" in out and "attachment eligibility.json" in out
    assert "pages after the summary have the recorded text" in out


@pytest.mark.parametrize("sample", VERIFIED)
def test_verify_packet_pdf_passes(made, cli, tmp_path, sample):
    code, out, err = cli("verify", made[sample] / BINDER)  # in its folder: checked against the folder's manifest
    assert code == 0, out + err
    assert "listed files present" in out
    alone = tmp_path / "alone" / "attorney-copy.pdf"  # on its own: its attachments, summary page and pages
    alone.parent.mkdir()
    shutil.copy(made[sample] / BINDER, alone)
    code, out, err = cli("verify", alone)
    assert code == 0, out + err
    assert "attached manifest.json" in out and "fingerprint on the summary page" in out
    assert "listed files" not in out


@pytest.mark.parametrize("sample", VERIFIED)
def test_verify_against_case_in_a_fresh_process(made, tmp_path, sample):
    """A fresh interpreter (other hash seed), a fresh output folder, a fresh working directory."""
    out = tmp_path / "fresh-out"
    work = tmp_path / "work"
    work.mkdir()
    generated = run_subprocess("generate", SAMPLES / f"{sample}.yaml", "--out", out, cwd=work)
    assert generated.returncode == 0, generated.stderr
    folder = out / made[sample].name
    for packet in (folder, made[sample]):
        result = run_subprocess("verify", packet, "--case", SAMPLES / f"{sample}.yaml", cwd=work)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "PASS  outcomes" in result.stdout and "byte-identical" in result.stdout
    assert not list(work.iterdir()), "verify wrote something"


def test_verify_pdf_alone_against_case(made, cli, tmp_path):
    alone = tmp_path / "attorney-copy.pdf"
    shutil.copy(made["adult-with-victim"] / BINDER, alone)
    code, out, err = cli("verify", alone, "--case", SAMPLES / "adult-with-victim.yaml")
    assert code == 0, out + err
    assert "byte-identical attorney-copy.pdf" in out


def test_verify_accepts_a_renamed_case_file(made, cli, tmp_path):
    renamed = tmp_path / "client.yaml"
    shutil.copy(SAMPLES / "juvenile-adjudication.yaml", renamed)
    code, out, err = cli("verify", made["juvenile-adjudication"], "--case", renamed)
    assert code == 0, out + err


# ---------------------------------------------------------------- alterations are named

def test_flipped_byte_in_a_docx_is_named(copy, cli):
    folder = copy()
    target = folder / "filings" / "ga-15-new-britain" / "H15N-CR19-0201456-S" / "application_54_95c.docx"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    code, out, _ = cli("verify", folder)
    assert code == 1
    assert out.strip().splitlines()[-1].startswith("NOT VERIFIED")
    failed = failures(out)
    assert failed and all("H15N-CR19-0201456-S/application_54_95c.docx" in line for line in failed), failed


def replace_attachment(pdf: Path, name: str, change) -> None:  # noqa: ANN001
    """Rewrite a PDF with pypdf, changing one attached file's JSON."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(pdf))
    names = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    for i in range(0, len(names), 2):
        if names[i] == name:
            stream = names[i + 1].get_object()["/EF"]["/F"].get_object()
            data = json.loads(stream.get_data())
            change(data)
            stream.set_data((json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf.write_bytes(buffer.getvalue())


def test_changed_value_in_attached_eligibility_is_named(copy, cli):
    import hashlib

    folder = copy()
    replace_attachment(folder / BINDER, "eligibility.json",
                       lambda data: data["charges"][0].update(status="not_eligible"))
    attached = json.loads(pypdf.PdfReader(folder / BINDER).attachments["eligibility.json"][0])
    assert attached["charges"][0]["status"] == "not_eligible"
    manifest = manifest_of(folder)  # the binder's recorded hash updated: only the attachment check may fail
    for entry in manifest["files"]:
        if entry["path"] == BINDER:
            entry["sha256"] = hashlib.sha256((folder / BINDER).read_bytes()).hexdigest()
    write_json(folder / "manifest.json", manifest)
    code, out, _ = cli("verify", folder)
    assert code == 1
    failed = failures(out)
    assert len(failed) == 1, failed
    assert failed[0].startswith("FAIL  attachment eligibility.json")


def test_changed_attachment_in_a_lone_pdf_is_named(copy, cli, tmp_path):
    folder = copy()
    alone = tmp_path / "alone.pdf"
    shutil.copy(folder / BINDER, alone)
    replace_attachment(alone, "case-data-redacted.json", lambda data: data.update(case_id="SOMEONE-ELSE"))
    code, out, _ = cli("verify", alone)
    assert code == 1
    assert [line for line in failures(out) if "attachment case-data-redacted.json" in line], out


def test_edited_eligibility_json_in_the_folder_is_named(copy, cli):
    folder = copy("juvenile-adjudication")
    data = json.loads((folder / ELIGIBILITY).read_text(encoding="utf-8"))
    data["charges"][0]["relief"] = "discretionary"
    write_json(folder / ELIGIBILITY, data)
    code, out, _ = cli("verify", folder)
    assert code == 1
    failed = failures(out)
    assert failed == [f for f in failed if "eligibility.json" in f] and len(failed) == 1, failed


def test_deleted_file_is_named(copy, cli):
    folder = copy()
    (folder / "mailings" / "H15N-CR19-0204412-S" / "victim_notice-1.pdf").unlink()
    code, out, _ = cli("verify", folder)
    assert code == 1
    assert any("mailings/H15N-CR19-0204412-S/victim_notice-1.pdf" in line and "missing" in line for line in failures(out))


def test_added_file_is_named(copy, cli):
    folder = copy()
    (folder / "mailings" / "H15N-CR19-0204412-S" / "extra.pdf").write_bytes(b"%PDF-1.7\n")
    code, out, _ = cli("verify", folder)
    assert code == 1
    assert failures(out) == ["FAIL  file mailings/H15N-CR19-0204412-S/extra.pdf: in the folder but not listed in "
                             "manifest.json"]


def test_altered_fingerprint_in_manifest_is_named(copy, cli):
    folder = copy()
    manifest = manifest_of(folder)
    manifest["fingerprint"] = "0000111122223333"
    write_json(folder / "manifest.json", manifest)
    code, out, _ = cli("verify", folder)
    assert code == 1
    failed = failures(out)
    assert any(line.startswith("FAIL  fingerprint:") for line in failed), failed
    assert any(line.startswith("FAIL  fingerprint on the summary page") for line in failed), failed
    assert all("fingerprint" in line for line in failed), failed


def test_edited_case_file_names_outcomes_and_files(made, cli, tmp_path):
    data = yaml.safe_load((SAMPLES / "adult-with-victim.yaml").read_text(encoding="utf-8"))
    data["records"][1]["charges"][0]["related_to_trafficking"] = False
    edited = tmp_path / "adult-with-victim.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, out, _ = cli("verify", made["adult-with-victim"], "--case", edited)
    assert code == 1
    failed = failures(out)
    assert any(line.startswith("FAIL  case file") for line in failed), failed
    outcomes = next(line for line in failed if line.startswith("FAIL  outcomes"))
    assert "H15N-CR19-0204412-S, charge 1 (C.G.S. § 53a-61): status eligible recorded" in outcomes
    rendering = next(line for line in failed if line.startswith("FAIL  re-rendering"))
    assert "eligibility.json" in rendering and "filing.pdf" in rendering


def test_other_rules_version_is_a_failed_check(copy, cli):
    folder = copy("juvenile-adjudication")
    manifest = manifest_of(folder)
    manifest["rules_version"] = "2000.1.1"
    write_json(folder / "manifest.json", manifest)
    code, out, _ = cli("verify", folder, "--case", SAMPLES / "juvenile-adjudication.yaml")
    assert code == 1
    rules = [line for line in failures(out) if line.startswith("FAIL  rules version")]
    assert rules and "rules version 2000.1.1 recorded, " in rules[0] and "installed" in rules[0]
    assert "PASS  outcomes" not in out and "FAIL  outcomes" not in out and "re-rendering" not in out


def test_verify_usage(cli, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert cli("verify", text)[0] == 2
    assert cli("verify", tmp_path / "missing")[0] == 2
    code, out, _ = cli("verify", tmp_path)  # a folder that is no packet
    assert code == 1 and "FAIL  manifest.json" in out


# ---------------------------------------------------------------- show, properties, the summary page

@pytest.mark.parametrize("sample", VERIFIED)
def test_show_prints_dockets_and_statutes_not_the_name(made, cli, sample):
    folder = made[sample]
    code, out, err = cli("show", folder / BINDER)
    assert code == 0, err
    report = json.loads((folder / ELIGIBILITY).read_text(encoding="utf-8"))
    manifest = manifest_of(folder)
    assert report["case_id"] in out and manifest["as_of"] in out and manifest["rules_version"] in out
    assert " ".join(re.findall("....", manifest["fingerprint"])) in out
    for charge in report["charges"]:
        assert charge["docket_number"] in out and charge["citation"] in out
    for entry in [e for s in manifest["filing_sets"] for e in s["documents"]]:
        assert entry["title"] in out
    case = yaml.safe_load((SAMPLES / f"{sample}.yaml").read_text(encoding="utf-8"))
    petitioner = case["petitioner"]
    for value in (petitioner["first_name"], petitioner["last_name"], str(petitioner["date_of_birth"])):
        assert value not in out, f"{value!r} shown"


def test_show_refuses_a_pdf_without_filing_data(made, cli):
    code, _, err = cli("show", made["adult-with-victim"] / "attorney" / "review_sheet.pdf")
    assert code == 1 and "not a bound filing set" in err


@pytest.mark.parametrize("sample", VERIFIED)
def test_docx_properties_carry_the_fingerprint(made, sample):
    folder = made[sample]
    fingerprint = manifest_of(folder)["fingerprint"]
    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint)
    words = sorted(folder.rglob("*.docx"))
    assert words
    for path in words:
        properties = Document(str(path)).core_properties
        assert properties.identifier == fingerprint, path.name
        assert f"erasure-docs fingerprint {' '.join(re.findall('....', fingerprint))}" in properties.comments


def summary_text(folder: Path) -> str:
    return pdf_text(folder / "attorney" / "filing-summary.pdf")


def test_summary_page_has_a_fixed_layout(made):
    texts = [summary_text(made[sample]) for sample in VERIFIED]
    positions = []
    for text in texts:
        lines = [line.strip() for line in text.splitlines()]
        found = [next((i for i, line in enumerate(lines) if line.startswith(heading)), -1) for heading in HEADINGS]
        assert -1 not in found, [h for h, i in zip(HEADINGS, found) if i < 0]
        assert found == sorted(found), "sections out of order"
        positions.append([lines[i].split(" ")[0] for i in found])
    assert positions[0] == positions[1]


def test_summary_page_contents(made):
    adult = normalise(summary_text(made["adult-with-victim"]))
    manifest = manifest_of(made["adult-with-victim"])
    for needle in ("H15N-CR19-0201456-S", "Superior Court, G.A. 15, at New Britain", "C.G.S. § 53a-125b",
                   "C.G.S. § 54-95c", "AttorneyCatherineMoss,JurisNo.427355",
                   "notices and envelope pages in mailings/H15N-CR19-0201456-S/",
                   "Affidavit of Applicant, docket H15N-CR19-0201456-S: in sealed/ga-15-new-britain/",
                   "filings/ga-15-new-britain/filing.pdf, 26 pages",
                   f"erasure-docs {manifest['tool_version']}, rules version {manifest['rules_version']}",
                   "November 30, 2026", " ".join(re.findall("....", manifest["fingerprint"]))):
        assert normalise(needle) in adult, needle
    juvenile = normalise(summary_text(made["juvenile-adjudication"]))
    for needle in ("Victim notice: not applicable", "Affidavit of Petitioner, docket", "C.G.S. § 46b-146"):
        assert normalise(needle) in juvenile, needle
    case = yaml.safe_load((SAMPLES / "juvenile-adjudication.yaml").read_text(encoding="utf-8"))
    assert normalise(case["petitioner"]["last_name"]) not in juvenile


def test_check_and_validate_import_neither_renderers_nor_pypdf():
    code = ("import sys\nfrom erasure_docs.cli import main\n"
            "for args in (['validate', 'sample_cases/'], ['check', 'sample_cases/nolle.yaml']):\n"
            "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
            "print(sorted(m for m in ('weasyprint', 'docxtpl', 'pypdf', 'erasure_docs.verify') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr
