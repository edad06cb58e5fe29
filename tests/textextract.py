"""Text of generated documents, for comparing the Word and the PDF version of a document.

    docx_text(path)   body paragraphs and table cells in document order (python-docx), list numbers included
    pdf_text(path)    `pdftotext -raw`, with the "Page N of M" footers and the draft mark removed
    pdf_pages(path)   the raw text of each page, page furniture included
    docx_headers(path) the text of every header of every section (what each page shows at its head)
    normalise(text)   every whitespace character removed: line-break hyphenation and justification make
                      whitespace differ between the two formats, the characters must not
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from erasure_docs.render.wordstyle import list_labels

# Page furniture, not body text: the footer, and the draft mark at the head of a draft's every page.
FOOTER = re.compile(r"^\s*(Page \d+ of \d+|DRAFT — NOT READY TO FILE)\s*$", re.MULTILINE)
FORM_FEED = "\f"


def _table_lines(table: Table, parent, labels: dict) -> list[str]:  # noqa: ANN001
    lines: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell appears once per grid column it spans
                continue
            seen.add(id(cell._tc))
            lines += _block_lines(cell._tc, cell, labels)
    return lines


def _block_lines(element, parent, labels: dict) -> list[str]:  # noqa: ANN001
    lines: list[str] = []
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            label = labels.get(child)
            text = Paragraph(child, parent).text
            lines.append(f"{label} {text}" if label else text)
        elif child.tag == qn("w:tbl"):
            lines += _table_lines(Table(child, parent), parent, labels)
    return lines


def docx_lines(path: Path | str) -> list[str]:
    """Each paragraph's text as Word shows it: a numbered or bulleted paragraph starts with its label."""
    document = Document(str(path))
    return _block_lines(document.element.body, document._body, list_labels(document))


def docx_text(path: Path | str) -> str:
    """Body paragraphs and table cells, in document order, one per line (headers and footers excluded)."""
    return "\n".join(docx_lines(path))


def pdf_text(path: Path | str, first: int | None = None, last: int | None = None) -> str:
    """`pdftotext -raw` text with the page footers and form feeds removed; line structure kept."""
    command = ["pdftotext", "-raw", "-enc", "UTF-8"]
    if first is not None:
        command += ["-f", str(first)]
    if last is not None:
        command += ["-l", str(last)]
    result = subprocess.run([*command, str(path), "-"], capture_output=True, check=True)
    text = result.stdout.decode("utf-8").replace(FORM_FEED, "\n")
    return FOOTER.sub("", text)


def pdf_pages(path: Path | str) -> list[str]:
    result = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8").split(FORM_FEED)[:-1]  # the text ends with a form feed


def docx_headers(path: Path | str) -> list[str]:
    """One entry per header a page can show: the default, first-page and even-page header of each section
    (a header Word would not use for any page, e.g. first-page without 'different first page', included)."""
    document = Document(str(path))
    return ["\n".join(p.text for p in header.paragraphs) for section in document.sections
            for header in (section.header, section.first_page_header, section.even_page_header)]


def normalise(text: str) -> str:
    """The text without any whitespace."""
    return re.sub(r"\s+", "", text)


def normalise_lines(text: str) -> list[str]:
    """Each non-empty line with runs of whitespace collapsed to one space (for golden files)."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------- generated packets, once per session

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_cases"
_PACKETS: dict[str, Path] = {}


def sample_files() -> list[Path]:
    return sorted(SAMPLES.glob("*.yaml"))


def case_id_of(case_file: Path) -> str:
    import yaml

    return str(yaml.safe_load(case_file.read_text(encoding="utf-8"))["case_id"])


def generate(case_file: Path, out_dir: Path, *options: str) -> tuple[int, str, str]:
    """Run the real `erasure-docs generate` command in-process; (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from erasure_docs.cli import main

    result = CliRunner().invoke(main, ["generate", str(case_file), "--out", str(out_dir), *options],
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def sample_packets(root: Path) -> dict[str, Path]:
    """Every sample's packet folder (sample stem → folder), generated the first time it is asked for."""
    if not _PACKETS:
        out = root / "out"
        for case_file in sample_files():
            code, stdout, stderr = generate(case_file, out)
            assert code == 0, f"{case_file.name}: exit {code}\n{stdout}\n{stderr}"
            _PACKETS[case_file.stem] = out / case_id_of(case_file)
    return dict(_PACKETS)


# ---------------------------------------------------------------- text layout (lines as laid out)

# Page furniture: footers, the draft mark, the bound set's and the attorney copy's stamps.
FURNITURE = re.compile(r"(Page \d+ of \d+|Filing page \d+ of \d+|DRAFT — NOT READY TO FILE|"
                       r"ATTORNEY COPY — NOT FOR FILING)")
# Lines of a signature block, a certification, a jurat or a letter's closing.
CLOSING_LINE = re.compile(
    r"THE (APPLICANT|PETITIONER),|BY THE COURT,|By: _+|_{10,}.*|(TRANSLATOR'S )?CERTIFICATION|Very truly yours,|"
    r"Sincerely,|Atentamente,|Subscribed and sworn .*|Notary Public .*|My commission expires.*|Judge / Clerk|"
    r"Date: _+.*|(Telephone|Email|Phone|Teléfono|Correo electrónico): .*|Juris No\. .*|Affiant|Translator|"
    r"Printed name: .*|I certify that .*")


def pdf_page_lines(path: Path | str) -> list[list[str]]:
    """Each page's lines as laid out (pypdfium2), page furniture left out; hyphens as typed."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        pages = []
        for page in document:
            text = page.get_textpage().get_text_range()
            text = text.replace("\x02", "-").replace("\u2011", "-")  # pdfium's line-end hyphen; Word's non-breaking
            pages.append([line.strip() for line in text.splitlines()
                          if line.strip() and not FURNITURE.fullmatch(line.strip())])
        return pages
    finally:
        document.close()


def broken_numbers(lines: list[str]) -> list[str]:
    """Citations and docket numbers broken across two lines: a line that ends or the next that starts at a
    hyphen inside a word with a digit ("53a-" / "125b"), or a section sign left at a line's end."""
    broken = []
    for this, following in zip(lines, lines[1:]):
        left = re.search(r"[\w§-]+$", this)
        right = re.match(r"^[\w-]+", following)
        tail, head = (left.group(0) if left else ""), (right.group(0) if right else "")
        joined = tail + head
        if tail in ("§", "§§") or ((tail.endswith("-") or head.startswith("-")) and re.search(r"\d", joined)):
            broken.append(f"{this[-30:]!r} / {following[:30]!r}")
    return broken


def closing_only_pages(pages: list[list[str]]) -> list[int]:
    """Pages (1-based) after the first that begin inside a signature block, a certification, a jurat or a
    letter's closing: as these end a document, such a page holds nothing else."""
    return [number for number, lines in enumerate(pages, start=1)
            if number > 1 and lines and CLOSING_LINE.fullmatch(lines[0])]


def without_repeated_headers(flat_pdf: str, docx_path: Path | str) -> str:
    """`normalise`d PDF text with each table's header row kept once: the PDF repeats it on every page the
    table spans (as Word does when it lays the file out), python-docx reads it once."""
    document = Document(str(docx_path))
    for table in document.tables:
        first = table.rows[0]
        if first._tr.trPr is None or first._tr.trPr.find(qn("w:tblHeader")) is None:
            continue
        header = normalise("".join(cell.text for cell in first.cells))
        at = flat_pdf.find(header)
        if header and at >= 0:
            end = at + len(header)
            flat_pdf = flat_pdf[:end] + flat_pdf[end:].replace(header, "")
    return flat_pdf


def edit_docx(path: Path, old: str, new: str) -> None:
    """Replace text in a Word template's document.xml (as a clinic would in Word)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    assert old in xml
    parts["word/document.xml"] = xml.replace(old, new, 1).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
