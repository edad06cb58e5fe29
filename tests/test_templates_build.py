"""The shipped templates are built from templates/source/*.yaml and must be up to date and well formed."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import jinja2
import pytest
from docx import Document
from docx.shared import Inches, Pt

from erasure_docs.paths import SOURCE_DIR, TEMPLATE_DIR
from erasure_docs.templates_build import SourceError, build_all, load_source, number_paragraphs

SOURCES = sorted(SOURCE_DIR.glob("[!_]*.yaml"))  # _NAME.yaml are shared pieces, included by others
KINDS = [load_source(p)["kind"] for p in SOURCES]
TRANSLATED = {load_source(p)["kind"] for p in SOURCES if load_source(p).get("translate")}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("templates")
    build_all(target)
    return target


def test_every_document_has_a_source():
    from erasure_docs.rules.documents import TITLES

    assert set(KINDS) == set(TITLES)
    for path in SOURCES:
        assert load_source(path)["kind"] == path.stem


@pytest.mark.parametrize("kind", KINDS)
def test_committed_html_is_up_to_date(rebuilt, kind):
    committed = (TEMPLATE_DIR / f"{kind}.html").read_text(encoding="utf-8")
    assert (rebuilt / f"{kind}.html").read_text(encoding="utf-8") == committed, \
        f"templates/{kind}.html is out of date: run python -m erasure_docs.templates_build"


def document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml")


@pytest.mark.parametrize("kind", KINDS)
def test_committed_docx_is_up_to_date(rebuilt, kind):
    assert document_xml(rebuilt / f"{kind}.docx") == document_xml(TEMPLATE_DIR / f"{kind}.docx"), \
        f"templates/{kind}.docx is out of date: run python -m erasure_docs.templates_build"


def test_build_is_deterministic(rebuilt, tmp_path):
    build_all(tmp_path)
    for path in (p for p in rebuilt.rglob("*") if p.is_file()):
        relative = path.relative_to(rebuilt)
        assert (tmp_path / relative).read_bytes() == path.read_bytes(), relative


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_source_is_valid(path):
    source = load_source(path)
    assert "title" in source and "body" in source
    number_paragraphs(source["body"], source["kind"])  # raises SourceError on a nested np or a bad block


def test_nested_numbered_paragraph_is_refused():
    with pytest.raises(SourceError, match="np"):
        number_paragraphs([{"if": "x", "then": [{"np": "nested"}]}], "test")
    with pytest.raises(SourceError):
        number_paragraphs([{"p": "a", "plain": "b"}], "test")


@pytest.mark.parametrize("kind", KINDS)
def test_docx_template_page_and_font(kind):
    path = TEMPLATE_DIR / f"{kind}.docx"
    document = Document(str(path))
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(12)
    for section in document.sections:
        assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            assert getattr(section, side) == Inches(1), side
        footer = section.footer._element.xml
        codes = sorted(c.strip() for c in re.findall(r'w:instr="([^"]*)"', footer))
        if kind in TRANSLATED:  # a letter in the client's language carries no English "Page N of M"
            assert codes == [] and "Page" not in "".join(p.text for p in section.footer.paragraphs)
            continue
        assert codes == ["NUMPAGES", "PAGE"]
        assert "Page" in "".join(p.text for p in section.footer.paragraphs)


@pytest.mark.parametrize("kind", KINDS)
def test_html_template_parses(kind):
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                                     extensions=["jinja2.ext.i18n"])
    source = (TEMPLATE_DIR / f"{kind}.html").read_text(encoding="utf-8")
    environment.parse(source)
    environment.get_template(f"{kind}.html")  # includes resolve at render; parse the partials too
    for partial in TEMPLATE_DIR.glob("_*.html"):
        environment.parse(partial.read_text(encoding="utf-8"))
    language = "{{ language }}" if kind in TRANSLATED else "en"
    assert source.startswith("<!DOCTYPE html>") and f'<html lang="{language}">' in source
    assert "<title>{{ doc.title }}</title>" in source


def test_docx_templates_are_valid_zip_with_fixed_timestamps():
    for kind in KINDS:
        with zipfile.ZipFile(io.BytesIO((TEMPLATE_DIR / f"{kind}.docx").read_bytes())) as archive:
            assert archive.testzip() is None
            assert {info.date_time for info in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}
