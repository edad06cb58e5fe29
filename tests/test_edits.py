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
    assert f"[{CASE_ID}]: {CASE_ID} already holds this case's folder; nothing was written" in stderr
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
    assert f"2 files of the old folder were edited or added since it was made; the old folder is kept as {kept[0]}" \
        in stderr
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
