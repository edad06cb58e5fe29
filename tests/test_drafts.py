"""A draft looks like a draft: every page of every document, PDF and Word, carries the mark; the review sheet
opens with the blockers; `generate` says so and `--require-ready` fails; the batch summary has the columns.
A case complete in every fact carries no mark anywhere."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from docx import Document

from erasure_docs.readiness import DRAFT_MARK
from tests.conftest import SAMPLES
from tests.textextract import docx_headers, docx_text, generate, pdf_pages, pdf_text

pytestmark = pytest.mark.render  # make test-fast leaves these out

BATCH_SHEET = SAMPLES / "batch-clinic-day.csv"
# From the clinic-day sheet: a vacatur with a victim not yet noticed, and a juvenile adjudication.
SHEET_CASES = ("CLINIC-2026-0101", "CLINIC-2026-0102")


@pytest.fixture(scope="module")
def batch_drafts(tmp_path_factory) -> Path:
    """Two cases of the batch sample sheet, produced by the real `batch` command."""
    from click.testing import CliRunner

    from erasure_docs.cli import main

    folder = tmp_path_factory.mktemp("drafts")
    with open(BATCH_SHEET, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    sheet = folder / "two-cases.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([rows[0]] + [r for r in rows[1:] if r[0] in SHEET_CASES])
    result = CliRunner().invoke(main, ["batch", str(sheet), "--out", str(folder / "out"), "--workers", "1", "-q"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "2 drafts" in result.stdout
    return folder / "out"


@pytest.fixture(scope="module")
def complete(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("complete")
    code, stdout, stderr = generate(SAMPLES / "complete.yaml", out, "--require-ready")
    assert code == 0, stderr
    return out / "CLINIC-2026-0020", stdout


def every_document(folder: Path, ext: str) -> list[Path]:
    found = sorted(folder.rglob(f"*.{ext}"))
    assert found
    return found


def test_every_page_of_every_draft_pdf_carries_the_mark(batch_drafts):
    for case_id in SHEET_CASES:
        pdfs = every_document(batch_drafts / case_id, "pdf")
        names = {p.name for p in pdfs}
        assert {"filing.pdf", "review_sheet.pdf", "filing-summary.pdf", "attorney-copy.pdf"} <= names, names
        for pdf in pdfs:
            pages = pdf_pages(pdf)
            assert pages, pdf
            for number, page in enumerate(pages, 1):
                assert DRAFT_MARK in page, f"{pdf.name} page {number}"


def test_every_page_of_every_draft_word_file_carries_the_mark(batch_drafts):
    for case_id in SHEET_CASES:
        for docx in every_document(batch_drafts / case_id, "docx"):
            headers = docx_headers(docx)
            assert headers and all(h.startswith(DRAFT_MARK) for h in headers), docx.name


def test_the_review_sheet_of_a_draft_opens_with_its_blockers(batch_drafts):
    report = json.loads((batch_drafts / SHEET_CASES[0] / "attorney" / "eligibility.json").read_text(encoding="utf-8"))
    blockers = report["readiness"]["blockers"]
    assert blockers and not report["readiness"]["ready"]
    attorney = batch_drafts / SHEET_CASES[0] / "attorney"
    for path in (attorney / "review_sheet.pdf", attorney / "review_sheet.docx"):
        text = " ".join((pdf_text(path) if path.suffix == ".pdf" else docx_text(path)).split())
        opening = text.index("NOT READY TO FILE.")
        assert opening < text.index("Charges by outcome")
        first = " ".join(blockers[0]["message"].split())
        assert opening < text.index(first) < text.index("Charges by outcome"), path.name
        confirm = text[text.index("What you must confirm"):]
        for item in blockers + report["readiness"]["warnings"]:
            assert f"({item['path']})" in confirm and item["message"][:40] in confirm, item["id"]


def test_the_batch_summary_has_ready_and_blockers_columns(batch_drafts):
    summary = json.loads((batch_drafts / "batch-summary.json").read_text(encoding="utf-8"))
    for case in summary["cases"]:
        assert case["ready"] is False
        assert "narrative_missing" in case["blockers"]
    assert "juvenile_discharge_unknown" in summary["cases"][1]["blockers"]
    with open(batch_drafts / "batch-summary.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["ready"] == "no" and rows[0]["blockers"].startswith("narrative_missing; evidence_missing")
    assert rows[-1]["ready"] == "0 ready" and rows[-1]["blockers"] == "2 drafts"


def test_a_complete_case_is_ready_and_carries_no_mark(complete):
    folder, stdout = complete
    assert "CLINIC-2026-0020: ready to file" in stdout
    for pdf in every_document(folder, "pdf"):
        assert not any(DRAFT_MARK in page for page in pdf_pages(pdf)), pdf.name
    for docx in every_document(folder, "docx"):
        assert not any(DRAFT_MARK in h for h in docx_headers(docx)), docx.name
        assert DRAFT_MARK not in docx_text(docx)
    review = " ".join(pdf_text(folder / "attorney" / "review_sheet.pdf").split())
    assert "Ready to file: the case file gives every fact the papers need." in review


def test_generate_says_draft_and_require_ready_exits_1(tmp_path):
    code, stdout, _ = generate(SAMPLES / "self-represented.yaml", tmp_path)
    assert code == 0
    assert "CLINIC-2026-0019: draft: 1 blocker (victims_not_stated)" in stdout
    code, stdout, _ = generate(SAMPLES / "self-represented.yaml", tmp_path, "--require-ready", "--force")
    assert code == 1 and "draft: 1 blocker" in stdout
    packet = tmp_path / "CLINIC-2026-0019" / "attorney" / "filing-summary.pdf"  # the draft is still written
    summary = " ".join(" ".join(pdf_pages(packet)).split())
    assert "Victim notice: not applicable" not in summary
    assert ("Docket H14H-CR14-0093318-S, charge 2 (C.G.S. § 53a-181): an offense that usually has a victim, with no "
            "victim listed; whether notice is required is not yet decided.") in summary


def test_the_review_sheet_asks_to_confirm_the_wording_of_subsection_d(complete):
    folder, _ = complete
    doc = Document(str(folder / "attorney" / "review_sheet.docx"))
    text = " ".join(" ".join(p.text for p in doc.paragraphs).split())
    confirm = text[text.index("What you must confirm"):]
    assert "Confirm the exact wording of C.G.S. § 54-95c(d)" in confirm
    assert "the court shall vacate a judgment of conviction for prostitution" in confirm


def test_a_draft_affidavit_says_the_account_is_missing_instead_of_going_straight_on(batch_drafts):
    affidavit = next((batch_drafts / SHEET_CASES[0]).rglob("affidavit.pdf"))
    text = " ".join(pdf_text(affidavit).split())
    follows = text[text.index("are as follows."):]
    assert follows.startswith("are as follows. [THE ACCOUNT OF THE TRAFFICKING HAS NOT BEEN WRITTEN: SUPPLY "
                              "trafficking.narrative]")
