"""DOCX templates → Word files with docxtpl.

A fresh `DocxTemplate` per document (docxtpl keeps state in it); Jinja2 with autoescaping on (docxtpl's
default is off, which lets a value like `<` gut a document or inject a Word field); after rendering, the
document XML is parsed strictly and must hold no field codes but the template's own PAGE and NUMPAGES;
the zip is rewritten with fixed timestamps and the core properties are fixed, so bytes are deterministic.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docxtpl import DocxTemplate
from lxml import etree

from erasure_docs.errors import ErasureDocsError
from erasure_docs.paths import template_path
from erasure_docs.render import nobreak
from erasure_docs.render.jinja import environment
from erasure_docs.render.wordstyle import KEPT_WITH_PREVIOUS
from erasure_docs.render.zipfiles import normalise_zip

ALLOWED_FIELDS = {"PAGE", "NUMPAGES"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Characters XML 1.0 cannot carry; validation refuses them already, this is the last guard.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class DocxRenderError(ErasureDocsError):
    """A rendered Word file holds something its template does not (a field code)."""


class DocxRenderer:
    """`custom`: a clinic's template folder, searched before the built-in templates (see custom_templates)."""

    def __init__(self, custom: Path | None = None):
        self.custom = custom
        self.env = environment()
        self.template_bytes: dict[str, bytes] = {}  # read once; a fresh DocxTemplate per document

    def render(self, kind: str, context: dict[str, Any], properties: dict[str, str], created: dt.date) -> bytes:
        if kind not in self.template_bytes:
            self.template_bytes[kind] = template_path(kind, "docx", self.custom).read_bytes()
        template = DocxTemplate(io.BytesIO(self.template_bytes[kind]))
        template.render(context, jinja_env=self.env, autoescape=True)
        body = template.docx.element.body
        nobreak.docx(body)
        keep_with_what_follows(body)
        if context.get("draft_mark"):
            mark_every_page(template.docx, context["draft_mark"])
        props = template.docx.core_properties
        stamp = dt.datetime(created.year, created.month, created.day)
        props.created = props.modified = stamp
        props.last_printed = stamp
        props.revision = 1
        props.author = props.last_modified_by = properties.get("author", "")
        props.title = properties.get("title", "")
        props.subject = properties.get("subject", "")
        props.identifier = properties.get("identifier", "")
        props.keywords = properties.get("keywords", "")
        props.comments = properties.get("comments", "")
        set_language(template.docx, str(context.get("language") or "en"))
        buffer = io.BytesIO()
        template.save(buffer)
        data = buffer.getvalue()
        check_fields(data)
        return normalise_zip(data)


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
    """Refuse a document whose text parts hold any Word field other than PAGE and NUMPAGES."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", name):
                continue
            xml = archive.read(name)
            if b"fldSimple" not in xml and b"instrText" not in xml and b"fldChar" not in xml:
                continue  # nothing to parse: the common case
            root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
            codes = [el.get(f"{W}instr", "") for el in root.iter(f"{W}fldSimple")]
            codes += [el.text or "" for el in root.iter(f"{W}instrText")]
            for code in codes:
                word = code.strip().split(" ")[0].upper() if code.strip() else ""
                if word not in ALLOWED_FIELDS:
                    raise DocxRenderError(f"{name} holds a Word field '{word[:20]}' that the template does not")
            if next(root.iter(f"{W}fldChar"), None) is not None:  # the templates use simple fields only
                raise DocxRenderError(f"{name} holds a complex Word field that the template does not")
