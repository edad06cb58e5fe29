"""Real Word documents and layouts that do not break: named styles and Word list numbering in every Word
file, truthful package properties, and no citation, docket number or signature broken by a page or line
end in the PDFs. (The same layout checks on LibreOffice's rendering of the Word files: test_libreoffice.py.)"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from erasure_docs.render.wordstyle import BODY_STYLES, list_labels
from erasure_docs.templates_build import SourceError, check_nesting
from tests.textextract import broken_numbers, closing_only_pages, pdf_page_lines, sample_packets

pytestmark = pytest.mark.render

TYPED_NUMBER = re.compile(r"\s*(\d+\.|\(\d+\)|[•\u2022])\s")
# Documents made for the attorney or printed on envelopes, and the bound sets (their documents are checked one
# by one): the layout checks read the documents a court or a person receives.
NOT_CHECKED = {"filing.pdf", "attorney-copy.pdf", "filing-summary.pdf"}


@pytest.fixture(scope="module")
def packets(tmp_path_factory) -> dict[str, Path]:
    return sample_packets(tmp_path_factory.mktemp("packets"))


def word_files(packets: dict[str, Path]) -> list[Path]:
    return sorted(p for folder in packets.values() for p in folder.rglob("*.docx"))


def pdf_files(packets: dict[str, Path]) -> list[Path]:
    return sorted(p for folder in packets.values() for p in folder.rglob("*.pdf") if p.name not in NOT_CHECKED
                  and not p.name.endswith("-envelope.pdf"))


def body_paragraphs(document) -> list:  # noqa: ANN001
    return list(document.element.body.iter(qn("w:p")))


def test_every_paragraph_has_a_named_style_and_no_typed_number(packets):
    problems = []
    for path in word_files(packets):
        document = Document(str(path))
        defined = {s.get(qn("w:styleId")) for s in document.styles.element.findall(qn("w:style"))}
        for paragraph in body_paragraphs(document):
            style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            style_id = style.get(qn("w:val")) if style is not None else None
            text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
            if style_id is None or style_id == "Normal" or style_id not in defined & BODY_STYLES:
                problems.append(f"{path.name}: {style_id!r} on {text[:40]!r}")
            if TYPED_NUMBER.match(text):
                problems.append(f"{path.name}: typed number in {text[:40]!r}")
    assert not problems, "\n".join(problems[:20])


def test_paragraphs_and_lists_are_numbered_by_word(packets):
    """The application's numbered paragraphs and its WHEREFORE items are Word lists: their numbers are not in
    the text, Word counts them (1., 2., …; (1)…(4)), and inserting a numbered paragraph renumbers the rest."""
    application = next(p for p in word_files(packets) if p.name == "application_54_95c.docx")
    document = Document(str(application))
    labels = list_labels(document)
    numbered = [p for p in body_paragraphs(document) if p in labels and labels[p].endswith(".")]
    assert [labels[p] for p in numbered] == [f"{n}." for n in range(1, len(numbered) + 1)]
    assert len(numbered) >= 6
    assert [labels[p] for p in body_paragraphs(document) if labels.get(p, "").startswith("(")] == \
           ["(1)", "(2)", "(3)", "(4)"]
    second = next(d for d in document.paragraphs if d._p is numbered[1])
    second.insert_paragraph_before("An inserted paragraph.", style="Numbered Paragraph")
    after = list_labels(document)
    inserted = next(p for p in body_paragraphs(document) if "An inserted paragraph." in "".join(
        t.text or "" for t in p.iter(qn("w:t"))))
    assert after[inserted] == "2." and after[numbered[1]] == "3." and after[numbered[-1]] == f"{len(numbered) + 1}."


def test_word_package_is_truthful(packets):
    spanish_letter = packets["mixed-multi-docket"] / "attorney" / "client_letter.docx"  # the client reads Spanish
    assert spanish_letter.exists()
    for path in word_files(packets):
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            app = archive.read("docProps/app.xml").decode("utf-8")
            core = archive.read("docProps/core.xml").decode("utf-8")
            settings = archive.read("word/settings.xml").decode("utf-8")
            styles = archive.read("word/styles.xml").decode("utf-8")
        assert "<Application>erasure-docs</Application>" in app and "Microsoft" not in app, path.name
        assert "<Words>" not in app, path.name
        assert not any("thumbnail" in n or n.startswith("customXml/") for n in names), path.name
        assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in settings
        language = "es" if path == spanish_letter else "en-US"
        assert f"<dc:language>{language}</dc:language>" in core, path.name
        assert not re.search(r'w:styleId="(Heading\d|Subtitle|Quote|Intense|List(Bullet|Number))', styles), path.name
        assert "Theme" not in styles and "Cambria" not in styles and "Calibri" not in styles, path.name


def test_lines_are_exactly_spaced_in_word(packets):
    """Every style gives its line height in points (lineRule exact), as packet.css does: no "1.5 lines"."""
    document = Document(str(word_files(packets)[0]))
    for style in document.styles.element.findall(qn("w:style")):
        spacing = style.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        if style.get(qn("w:type")) == "paragraph":
            assert spacing is not None and spacing.get(qn("w:lineRule")) == "exact", style.get(qn("w:styleId"))


def test_no_citation_or_docket_number_broken_across_lines_in_the_pdfs(packets):
    broken = [f"{p.name}: {b}" for p in pdf_files(packets) for page in pdf_page_lines(p) for b in broken_numbers(page)]
    assert not broken, "\n".join(broken[:20])


def test_no_pdf_page_holds_only_a_signature_or_certification(packets):
    alone = [f"{p.relative_to(p.parents[3])}: page {n}" for p in pdf_files(packets)
             for n in closing_only_pages(pdf_page_lines(p))]
    assert not alone, "\n".join(alone)


def test_docket_numbers_stay_whole_in_the_word_text(packets):
    """Word's non-breaking hyphens read back as ordinary hyphens: the docket number is searchable as typed."""
    application = next(p for p in word_files(packets) if p.name == "application_54_95c.docx")
    xml = zipfile.ZipFile(application).read("word/document.xml").decode("utf-8")
    assert "<w:noBreakHyphen/>" in xml
    text = "\n".join(p.text for p in Document(str(application)).paragraphs)
    assert re.search(r"Docket No\. [A-Z0-9]+-CR\d\d-\d{7}-[A-Z]", text)


def test_source_rules_for_lists_and_kept_groups():
    with pytest.raises(SourceError, match="inside 'for'"):
        check_nesting({"for": "x in y", "do": [{"list": "number", "items": [{"item": "a"}]}]}, "test")
    with pytest.raises(SourceError, match="a list holds only"):
        check_nesting({"list": "bullet", "items": [{"p": "a"}]}, "test")
    with pytest.raises(SourceError, match="one of"):
        check_nesting({"list": "roman", "items": [{"item": "a"}]}, "test")
    with pytest.raises(SourceError, match="a kept group holds only"):
        check_nesting({"keep_together": [{"table": {}}]}, "test")
    check_nesting({"list": "bullet", "items": [{"for": "x in y", "do": [{"item": "{{ x }}"}]}]}, "test")
