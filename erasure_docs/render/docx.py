"""DOCX templates → Word files with docxtpl.

A fresh `DocxTemplate` per document (docxtpl keeps state in it); Jinja2 with autoescaping on (docxtpl's
default is off, which lets a value like `<` gut a document or inject a Word field); after rendering, every
part is checked for field codes (none but PAGE and NUMPAGES); the document properties are the tool's own,
never the template's; the zip gets fixed timestamps, so bytes are deterministic.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate

from erasure_docs.errors import ErasureDocsError
from erasure_docs.render import folder, nobreak, wordscrub
from erasure_docs.render.jinja import word_environment
from erasure_docs.render.wordstyle import KEPT_WITH_PREVIOUS
from erasure_docs.render.zipfiles import normalise_zip



class DocxRenderError(ErasureDocsError):
    """A rendered Word file holds something its template does not (a field code)."""


class DocxRenderer:
    """`custom`: a clinic's template folder, searched before the built-in templates (see custom_templates).
    A clinic's Word template is read safely (render/folder.py) and checked part by part (render/wordscrub.py)
    before its first use."""

    def __init__(self, custom: Path | None = None):
        self.custom = custom
        self.env = word_environment()
        self.template_bytes: dict[str, bytes] = {}  # read once; a fresh DocxTemplate per document

    def template(self, kind: str) -> bytes:
        if kind not in self.template_bytes:
            name = f"{kind}.docx"
            data = folder.template_bytes(name, self.custom)
            if self.custom is not None and folder.has_entry(self.custom, name):
                wordscrub.check_template(data, name)
            self.template_bytes[kind] = data
        return self.template_bytes[kind]

    def render(self, kind: str, context: dict[str, Any], properties: dict[str, str], created: dt.date) -> bytes:
        template = DocxTemplate(io.BytesIO(self.template(kind)))
        clear_properties(template.get_docx())  # docxtpl renders them as templates: none of the template's is kept
        template.render(context, jinja_env=self.env, autoescape=True)
        body = template.docx.element.body
        nobreak.docx(body)
        keep_with_what_follows(body)
        closing_as_one_unit(body)
        if context.get("draft_mark"):
            mark_every_page(template.docx, context["draft_mark"])
        set_properties(template.docx, properties, created)
        set_language(template.docx, properties.get("language") or "en")
        buffer = io.BytesIO()
        template.save(buffer)
        data = buffer.getvalue()
        check_fields(data)
        return normalise_zip(data)


# Package-level relationships a rendered file keeps: the document and the core properties, which the tool
# writes itself. The template's extended and custom properties and its thumbnail (a picture of a page of
# whatever the template was made from) are dropped; the tool writes its own extended properties.
KEPT_PACKAGE_RELATIONSHIPS = {RT.OFFICE_DOCUMENT, RT.CORE_PROPERTIES}
APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           '<Application>erasure-docs</Application><DocSecurity>0</DocSecurity></Properties>')


def clear_properties(document: Any) -> None:
    """Every document property of the template gone: the core ones emptied, the others dropped."""
    core = document.core_properties._element
    for child in list(core):
        core.remove(child)
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype not in KEPT_PACKAGE_RELATIONSHIPS:
            del package.rels[rel_id]


def set_properties(document: Any, properties: dict[str, str], created: dt.date) -> None:
    """The document properties, all of them the tool's own (never the template's: one template carried a
    client's name in its language property)."""
    props = document.core_properties
    stamp = dt.datetime(created.year, created.month, created.day)
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    props.author = props.last_modified_by = properties.get("author", "")
    props.title = properties.get("title", "")
    props.subject = properties.get("subject", "")
    props.identifier = properties.get("identifier", "")
    props.keywords = properties.get("keywords", "")
    props.comments = properties.get("comments", "")  # the language: set_language
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    app = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, APP_XML.encode("utf-8"),
               document.part.package)
    document.part.package.relate_to(app, RT.EXTENDED_PROPERTIES)


def replace_in_core_properties(data: bytes, replacements: list[tuple[str, str]]) -> bytes:
    """The Word file with text replaced in its core properties (the fingerprint, known only after rendering).
    Every member keeps its name, order, timestamp and compression, so the bytes stay deterministic."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                for old, new in replacements:
                    text = text.replace(old, new)
                content = text.encode("utf-8")
            target.writestr(info, content)
    return buffer.getvalue()


def keep_with_what_follows(body: Any) -> None:
    """The paragraph just before a signature block or a group kept together (KEPT_WITH_PREVIOUS styles) is
    kept with it, so that a signature or a certification never stands alone on a page. Done here, after
    rendering, because which paragraph comes before is known only now (it may come from a loop or a branch)."""
    style_tag, previous = f"{W}pStyle", None
    for element in body.iterchildren():
        style = element.find(f"{W}pPr/{style_tag}") if element.tag == f"{W}p" else None
        kept = style is not None and style.get(f"{W}val") in KEPT_WITH_PREVIOUS
        if kept and previous is not None and not previous[1]:
            paragraph_properties = previous[0].get_or_add_pPr()
            if paragraph_properties.find(f"{W}keepNext") is None:
                paragraph_properties.insert_element_before(OxmlElement("w:keepNext"), *KEEP_NEXT_FOLLOWERS)
        previous = (element, kept) if element.tag == f"{W}p" else None


def closing_as_one_unit(body: Any) -> None:
    """The signature blocks and certifications that end a document, with the paragraph before them, become one
    borderless table row that may not split across pages. Word and LibreOffice honour keep-with-next only in
    part for a long chain (LibreOffice moved just the last lines of a signature to a page of their own); a row
    that cannot split moves whole, as the PDF's `break-inside: avoid` does."""
    children = [element for element in body.iterchildren() if element.tag != f"{W}sectPr"]
    start = len(children)
    while start > 0 and _style_of(children[start - 1]) in KEPT_WITH_PREVIOUS:
        start -= 1
    if start == len(children) or start == 0 or children[start - 1].tag != f"{W}p":
        return
    unit = children[start - 1:]
    cell = _element("w:tc", _element("w:tcPr", _element("w:tcW", w="5000", type="pct")))
    row = _element("w:tr", _element("w:trPr", _element("w:cantSplit")), cell)
    margins = _element("w:tblCellMar", *(_element(f"w:{side}", w="0", type="dxa") for side in ("left", "right")))
    table = _element("w:tbl", _element("w:tblPr", _element("w:tblW", w="5000", type="pct"), margins,
                                       _element("w:tblLook", val="0000")),
                     _element("w:tblGrid", _element("w:gridCol", w="9360")), row)
    unit[0].addprevious(table)
    for element in unit:
        cell.append(element)
    # A table cannot be the body's last block: the paragraph after it is one point high, so it adds no page.
    end = _element("w:pPr", _element("w:pStyle", val="EndOfDocument"))
    table.addnext(_element("w:p", end))


def _style_of(element: Any) -> str | None:
    style = element.find(f"{W}pPr/{W}pStyle") if element.tag == f"{W}p" else None
    return None if style is None else style.get(f"{W}val")


def _element(tag: str, *children: Any, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(f"{W}{name}", value)
    for child in children:
        element.append(child)
    return element


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What may follow w:keepNext inside w:pPr (the schema's order).
KEEP_NEXT_FOLLOWERS = ("w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
                       "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                       "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                       "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                       "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                       "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                       "w:pPrChange")


def set_language(document: Any, language: str) -> None:
    """The document's language, for spelling and for screen readers: its properties (dc:language) and the
    default of its text. `language` is the context's ISO 639-1 code; English is written en-US."""
    tag = "en-US" if language == "en" else language
    document.core_properties.language = tag
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    if defaults is not None:
        defaults.set(f"{W}val", tag)


def mark_every_page(document: Any, mark: str) -> None:
    """Put the draft mark at the top of every header a page can show (first, odd and even pages of every
    section), whatever the template: a Word draft must look like one on every page."""
    for section in document.sections:
        headers = [section.header, section.first_page_header, section.even_page_header]
        for header in headers:
            header.is_linked_to_previous = False
            paragraph = header.paragraphs[0].insert_paragraph_before() if header.paragraphs else header.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(mark)
            run.bold = True


def check_fields(data: bytes) -> None:
    """Refuse a rendered document any part of which holds a Word field other than PAGE and NUMPAGES (values
    are escaped and templates checked, so this is the last guard)."""
    for finding in wordscrub.rendered_field_findings(data):
        raise DocxRenderError(f"{finding.part} holds {finding.reason}")
