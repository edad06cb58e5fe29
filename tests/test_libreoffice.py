"""The Word files open in LibreOffice and lay out like the PDFs (within a page). Runs where LibreOffice is
installed (CI installs libreoffice-writer-nogui); skipped elsewhere."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from tests.textextract import sample_packets

pytestmark = pytest.mark.render  # make test-fast leaves these out

SAMPLES = ["adult-with-victim", "juvenile-adjudication"]


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def packets(tmp_path_factory) -> dict[str, Path]:
    return sample_packets(tmp_path_factory.mktemp("packets"))


@pytest.fixture(scope="module")
def converted(packets, tmp_path_factory) -> dict[Path, Path]:
    """Every DOCX of the samples (keyed by path) → its LibreOffice PDF; one soffice call for all files."""
    binary = soffice()
    if binary is None:
        pytest.skip("LibreOffice (soffice) is not installed; this test runs in CI")
    work = tmp_path_factory.mktemp("soffice")
    staged: dict[Path, Path] = {}
    for sample in SAMPLES:
        for path in sorted(packets[sample].rglob("*.docx")):
            copy = work / "in" / f"{sample}--{path.parent.name}--{path.name}"
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(path, copy)
            staged[path] = copy
    out = work / "out"
    result = subprocess.run([binary, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                             "--convert-to", "pdf", "--outdir", str(out), *map(str, staged.values())],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return {path: out / f"{copy.stem}.pdf" for path, copy in staged.items()}


def test_every_docx_converts(converted):
    assert len(converted) > 10
    missing = [str(p) for p, pdf in converted.items() if not pdf.exists()]
    assert not missing


def test_page_counts_match_weasyprint(converted):
    report, off = [], []
    for docx_path, lo_pdf in converted.items():
        ours = len(pypdf.PdfReader(docx_path.with_suffix(".pdf")).pages)
        theirs = len(pypdf.PdfReader(lo_pdf).pages)
        report.append(f"{docx_path.parent.name}/{docx_path.name}: WeasyPrint {ours}, LibreOffice {theirs}")
        if abs(ours - theirs) > 1:
            off.append(report[-1])
    print("\n".join(report))
    assert not off, "\n".join(off)
