"""Never lose an edit: regenerating into a case folder that exists, through the real command line.

A packet is generated once for the module; every test works on its own copy of the folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from docx import Document

from tests.textextract import SAMPLES, case_id_of, docx_text, generate

pytestmark = pytest.mark.render  # make test-fast leaves these out

SAMPLE = SAMPLES / "adult-prostitution.yaml"
CASE_ID = case_id_of(SAMPLE)
EDIT = "A sentence the attorney added in Word."


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("edits")
    code, stdout, stderr = generate(SAMPLE, out)
    assert code == 0, stdout + stderr
    return out / CASE_ID


@pytest.fixture
def out(made, tmp_path) -> Path:
    """An output folder holding a copy of the generated case folder."""
    shutil.copytree(made, tmp_path / "out" / CASE_ID)
    return tmp_path / "out"


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def a_filed_document(folder: Path, suffix: str) -> Path:
    """The first document of the first filing set (not its cover letter)."""
    documents = manifest_of(folder)["filing_sets"][0]["documents"]
    return folder / documents[0]["path"].replace(".pdf", suffix)


def edit_word_file(path: Path) -> None:
    document = Document(str(path))
    document.add_paragraph(EDIT)
    document.save(str(path))


def kept_folders(out: Path) -> list[Path]:
    return sorted(out.glob(f"{CASE_ID}~kept-*"))


def test_regenerating_refuses_and_the_edit_is_intact(out):
    word = a_filed_document(out / CASE_ID, ".docx")
    edit_word_file(word)
    before = word.read_bytes()
    code, stdout, stderr = generate(SAMPLE, out)
    assert code == 1
    assert f"[{CASE_ID}]: {CASE_ID} already holds this case's folder; nothing was written. It holds 1 file " \
        f"edited or added since it was made: {word.relative_to(out / CASE_ID).as_posix()}." in stderr
    assert "--force" in stderr and "Traceback" not in stderr
    assert word.read_bytes() == before and EDIT in docx_text(word)
    assert kept_folders(out) == [] and not list(out.glob(".partial*"))


def test_force_replaces_the_folder_and_keeps_the_edited_one_beside_it(out):
    word = a_filed_document(out / CASE_ID, ".docx")
    edit_word_file(word)
    notes = out / CASE_ID / "my-notes.txt"
    notes.write_text("call the clerk\n", encoding="utf-8")
    code, stdout, stderr = generate(SAMPLE, out, "--force")
    assert code == 0, stderr
    kept = kept_folders(out)
    assert len(kept) == 1
    relative = word.relative_to(out / CASE_ID).as_posix()
    assert f"2 files of the old folder edited or added since it was made ({relative}, my-notes.txt): the " \
           f"old folder is kept as {kept[0]}" in stderr
    relative = word.relative_to(out / CASE_ID)
    assert EDIT in docx_text(kept[0] / relative) and (kept[0] / "my-notes.txt").exists()
    assert EDIT not in docx_text(word) and not notes.exists()  # the new folder is what was generated
    assert not list(out.glob(".partial*"))


def test_force_without_edits_keeps_no_copy(out):
    code, _, stderr = generate(SAMPLE, out, "--force")
    assert code == 0, stderr
    assert kept_folders(out) == [] and "kept" not in stderr
    assert manifest_of(out / CASE_ID)["case_id"] == CASE_ID


def test_a_folder_erasure_docs_did_not_make_is_never_touched(tmp_path):
    """Hostile finding 3: a folder named like the case id, holding an attorney's scans and notes."""
    out = tmp_path / "out"
    mine = out / CASE_ID
    (mine / "scans").mkdir(parents=True)
    (mine / "scans" / "police-report.pdf").write_bytes(b"%PDF-1.4 scan")
    (mine / "notes.txt").write_text("notes\n", encoding="utf-8")
    for options in ((), ("--force",)):
        code, _, stderr = generate(SAMPLE, out, *options)
        assert code == 1
        assert f"{CASE_ID} exists and is not a packet folder erasure-docs made" in stderr
        assert sorted(p.name for p in mine.rglob("*")) == ["notes.txt", "police-report.pdf", "scans"]
    assert sorted(p.name for p in out.iterdir()) == [CASE_ID]


# ---------------------------------------------------------------- edited documents flow into the filing

ADDED = "Counsel adds that the applicant completed the program."


def exported_from_word(pdf: Path, text: str = ADDED, extra_page: bool = False) -> None:
    """Stand-in for a PDF the attorney exported from Word after editing: the same pages with a sentence added
    at the foot of the first (or a page more)."""
    import io

    import pypdf
    import weasyprint

    writer = pypdf.PdfWriter(clone_from=str(pdf))
    note = weasyprint.HTML(string=f"<p style='margin-top:8.6in;font-size:10pt'>{text}</p>").write_pdf()
    writer.pages[0].merge_page(pypdf.PdfReader(io.BytesIO(note)).pages[0])
    if extra_page:
        writer.add_page(pypdf.PdfReader(io.BytesIO(note)).pages[0])
    writer.write(str(pdf))


def pdf_has(path: Path, text: str) -> bool:
    from tests.textextract import pdf_text

    return text in " ".join(pdf_text(path).split())


def bound_of(folder: Path) -> Path:
    return folder / manifest_of(folder)["filing_sets"][0]["bound"]


@pytest.fixture(scope="module")
def repacked(made, tmp_path_factory, cli_module) -> tuple[Path, str, str]:
    """The sample's folder with one document's PDF replaced by an edited one, repacked; (folder, stdout, verify)."""
    folder = tmp_path_factory.mktemp("repacked") / CASE_ID
    shutil.copytree(made, folder)
    exported_from_word(a_filed_document(folder, ".pdf"))
    code, stdout, stderr = cli_module("repack", folder)
    assert code == 0, stdout + stderr
    code, verified, stderr = cli_module("verify", folder)
    assert code == 0, verified + stderr
    return folder, stdout, verified


@pytest.fixture(scope="module")
def cli_module():
    from click.testing import CliRunner

    from erasure_docs.cli import main

    def run(*args):
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


def test_repack_binds_the_edited_pdf_into_the_filing_and_the_attorney_copy(repacked):
    folder, stdout, _ = repacked
    relative = a_filed_document(folder, ".pdf").relative_to(folder).as_posix()
    bound = bound_of(folder).relative_to(folder).as_posix()
    assert f"edited after generation: {relative}" in stdout
    assert f"bound again: {bound}" in stdout and "bound again: attorney/attorney-copy.pdf" in stdout
    assert pdf_has(bound_of(folder), ADDED) and pdf_has(folder / "attorney" / "attorney-copy.pdf", ADDED)
    pages = pdf_text_pages(bound_of(folder))
    assert all(f"Filing page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    manifest = manifest_of(folder)
    entry = next(e for e in manifest["files"] if e["path"] == relative)
    assert entry["edited_after_generation"] is True and entry["generated"]["sha256"] != entry["sha256"]
    assert manifest["repacked"]["edited_after_generation"] == [relative]


def pdf_text_pages(path: Path) -> list[str]:
    from erasure_docs.packet import page_texts

    return page_texts(path.read_bytes())


def test_verify_says_edited_by_the_preparer_and_passes(repacked):
    folder, _, verified = repacked
    relative = a_filed_document(folder, ".pdf").relative_to(folder).as_posix()
    assert f"PASS  file {relative}: edited after generation by the preparer (recorded in manifest.json)" in verified
    assert "FAIL" not in verified and verified.strip().splitlines()[-1].startswith("VERIFIED")


def test_a_change_with_no_record_still_fails(repacked, tmp_path, cli_module):
    folder = tmp_path / CASE_ID
    shutil.copytree(repacked[0], folder)
    edited = a_filed_document(folder, ".pdf")
    exported_from_word(edited, "A second change nobody recorded.")
    code, out, _ = cli_module("verify", folder)
    assert code == 1
    assert f"FAIL  file {edited.relative_to(folder).as_posix()}" in out
    assert "edited after generation by the preparer" not in out


def test_regenerating_a_repacked_folder_refuses(repacked, tmp_path):
    shutil.copytree(repacked[0], tmp_path / "out" / CASE_ID)
    code, _, stderr = generate(SAMPLE, tmp_path / "out")
    assert code == 1 and "already holds this case's folder" in stderr


def test_a_word_edit_without_its_pdf_names_the_pdf_to_export(out, cli_module):
    folder = out / CASE_ID
    edit_word_file(a_filed_document(folder, ".docx"))
    before = (folder / "manifest.json").read_bytes()
    code, _, stderr = cli_module("repack", folder)
    assert code == 1
    pdf = a_filed_document(folder, ".pdf").relative_to(folder).as_posix()
    assert "1 Word file was edited without a new PDF: export " + pdf in stderr
    assert (folder / "manifest.json").read_bytes() == before


def test_a_changed_page_count_is_refused(out, cli_module):
    folder = out / CASE_ID
    pdf = a_filed_document(folder, ".pdf")
    exported_from_word(pdf, extra_page=True)
    before = (folder / "manifest.json").read_bytes()
    code, _, stderr = cli_module("repack", folder)
    assert code == 1
    assert f"{pdf.relative_to(folder).as_posix()} has " in stderr and "keep each edited document to its page count" \
        in stderr
    assert (folder / "manifest.json").read_bytes() == before


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_convert_word_makes_the_pdf_of_an_edited_word_file(out, cli_module):
    folder = out / CASE_ID
    certification = next(folder.rglob("certification_of_service.docx"))  # one page in both renderings
    document = Document(str(certification))
    document.add_paragraph("Also served by e-mail.")
    document.save(str(certification))
    code, stdout, stderr = cli_module("repack", folder, "--convert-word")
    assert code == 0, stdout + stderr
    pdf = certification.with_suffix(".pdf").relative_to(folder).as_posix()
    assert f"converted with LibreOffice: {pdf}" in stdout
    bound = certification.parent.parent / "filing.pdf"  # its court's bound set
    assert pdf_has(folder / pdf, "Also served by e-mail.") and pdf_has(bound, "Also served by e-mail.")
    code, verified, _ = cli_module("verify", folder)
    assert code == 0, verified
    assert f"{certification.relative_to(folder).as_posix()}: edited after generation by the preparer" in verified


def test_only_redoes_its_documents_and_keeps_the_rest_with_edits(out, cli_module):
    folder = out / CASE_ID
    before = {e["path"] for e in manifest_of(folder)["files"]}
    word, pdf = a_filed_document(folder, ".docx"), a_filed_document(folder, ".pdf")
    edit_word_file(word)
    exported_from_word(pdf)
    code, stdout, stderr = generate(SAMPLE, out, "--only", "proposed_order", "--format", "pdf")
    assert code == 0, stdout + stderr
    manifest = manifest_of(folder)
    assert {e["path"] for e in manifest["files"]} == before  # nothing removed: both formats, every document
    assert EDIT in docx_text(word) and pdf_has(pdf, ADDED) and pdf_has(bound_of(folder), ADDED)
    assert f"kept as you edited it (recorded as edited after generation): {pdf.relative_to(folder).as_posix()}" \
        in stdout
    assert manifest["only"] is None and kept_folders(out) == []
    code, verified, _ = cli_module("verify", folder)
    assert code == 0, verified


def test_only_refuses_to_redo_an_edited_document_without_force(out):
    folder = out / CASE_ID
    word = a_filed_document(folder, ".docx")
    edit_word_file(word)
    kind = word.stem
    code, _, stderr = generate(SAMPLE, out, "--only", kind)
    assert code == 1
    assert f"1 of the files --only redoes were edited after generation ({word.relative_to(folder).as_posix()})" \
        in stderr
    assert EDIT in docx_text(word)
    code, _, stderr = generate(SAMPLE, out, "--only", kind, "--force")
    assert code == 0, stderr
    kept = kept_folders(out)
    assert len(kept) == 1 and EDIT in docx_text(kept[0] / word.relative_to(folder))
    assert EDIT not in docx_text(word)


def test_only_after_repack_keeps_the_edits_and_needs_no_copy(repacked, tmp_path, cli_module):
    out = tmp_path / "out"
    shutil.copytree(repacked[0], out / CASE_ID)
    folder = out / CASE_ID
    pdf = a_filed_document(folder, ".pdf")
    code, stdout, stderr = generate(SAMPLE, out, "--only", "proposed_order")
    assert code == 0, stdout + stderr
    assert kept_folders(out) == [] and pdf_has(pdf, ADDED) and pdf_has(bound_of(folder), ADDED)
    code, verified, _ = cli_module("verify", folder)
    assert code == 0, verified
