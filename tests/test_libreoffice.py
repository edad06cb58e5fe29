"""The Word files, opened in LibreOffice, lay out like the PDFs: the same number of pages for every document of
every sample, no citation or docket number broken across lines, no page holding only a signature or a
certification; and Word's list numbering renumbers when a paragraph is inserted. Runs where LibreOffice is
installed (CI installs libreoffice-writer-nogui); skipped elsewhere. One soffice call converts every file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdfium2
import pytest
from docx import Document

from tests.textextract import broken_numbers, closing_only_pages, pdf_page_lines, sample_packets

pytestmark = [pytest.mark.render, pytest.mark.slow, pytest.mark.libreoffice]

INSERTED = "This paragraph was inserted in Word."


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def packets(tmp_path_factory) -> dict[str, Path]:
    return sample_packets(tmp_path_factory.mktemp("packets"))


def insert_numbered_paragraph(source: Path, target: Path) -> None:
    """What an attorney does in Word: a new numbered paragraph before the second one."""
    document = Document(str(source))
    second = [p for p in document.paragraphs if p.style.name == "Numbered Paragraph"][1]
    second.insert_paragraph_before(INSERTED, style="Numbered Paragraph")
    document.save(str(target))


@pytest.fixture(scope="module")
def converted(packets, tmp_path_factory) -> dict[Path, Path]:
    """Every Word file of every sample (keyed by its path) → LibreOffice's PDF of it, plus the key "inserted":
    an application with a paragraph inserted by python-docx. One soffice call for all of them."""
    binary = soffice()
    if binary is None:
        pytest.skip("LibreOffice (soffice) is not installed; this test runs in CI")
    work = tmp_path_factory.mktemp("soffice")
    staged: dict[Path, Path] = {}
    for sample, folder in sorted(packets.items()):
        for number, path in enumerate(sorted(folder.rglob("*.docx"))):
            copy = work / "in" / f"{sample}--{number:02d}--{path.name}"
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(path, copy)
            staged[path] = copy
    application = next(p for p in staged if p.name == "application_54_95c.docx")
    staged[Path("inserted")] = work / "in" / "inserted.docx"
    insert_numbered_paragraph(application, staged[Path("inserted")])
    out = work / "out"
    result = subprocess.run([binary, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                             "--convert-to", "pdf", "--outdir", str(out), *map(str, staged.values())],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    return {path: out / f"{copy.stem}.pdf" for path, copy in staged.items()}


def documents(converted: dict[Path, Path]) -> dict[Path, Path]:
    return {docx: pdf for docx, pdf in converted.items() if docx.suffix == ".docx"}


def pages(path: Path) -> int:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def test_every_docx_converts(converted):
    assert len(documents(converted)) > 100
    missing = [str(p) for p, pdf in converted.items() if not pdf.exists()]
    assert not missing


def test_page_counts_equal_the_pdfs(converted):
    report, off = [], []
    for docx_path, lo_pdf in documents(converted).items():
        ours, theirs = pages(docx_path.with_suffix(".pdf")), pages(lo_pdf)
        report.append(f"{docx_path.parent.name}/{docx_path.name}: WeasyPrint {ours}, LibreOffice {theirs}")
        if ours != theirs:
            off.append(report[-1])
    print("\n".join(report))
    assert not off, "\n".join(off)


def test_no_citation_or_docket_number_broken_across_lines_in_word(converted):
    broken = [f"{docx.name}: {b}" for docx, pdf in documents(converted).items()
              for page in pdf_page_lines(pdf) for b in broken_numbers(page)]
    assert not broken, "\n".join(broken[:20])


def test_no_word_page_holds_only_a_signature_or_certification(converted):
    alone = [f"{docx.parent.name}/{docx.name}: page {n}" for docx, pdf in documents(converted).items()
             for n in closing_only_pages(pdf_page_lines(pdf))]
    assert not alone, "\n".join(alone)


def test_inserting_a_paragraph_renumbers_the_ones_after_it(converted):
    lines = [line for page in pdf_page_lines(converted[Path("inserted")]) for line in page]
    numbers = [int(line.split(".")[0]) for line in lines if line.split(".")[0].isdigit() and ". " in line[:4]]
    assert f"2. {INSERTED}" in lines
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 7
