"""A clinic's Word template, checked part by part before it is used, and every rendered Word file checked for
fields.

A .docx is a zip of parts. Every XML part is read, whatever its name and namespace (transitional or strict
OOXML: elements are matched by their local names), and every relationship part. Refused, each with the part
and the reason: relationships to anything outside the file (pictures, hyperlinks, an attached template, …),
attached templates, altChunks (imported documents), OLE objects, ActiveX controls, macros, subdocuments,
mail-merge sources, VML pictures with an address of their own, any address in an attribute, and every field
but PAGE and NUMPAGES (simple fields and complex ones, in any part: comments too, so DDE goes). Pictures are
measured before decoding (render/images.py). docxtpl's `{_{ … }_}` escapes are refused: the HTML templates
print them as they are, so Word and PDF would differ. Messages never quote the template's content.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Iterator

from lxml import etree

from erasure_docs.errors import ErasureDocsError
from erasure_docs.render.images import ImageTooLarge, check_pixels, is_picture

ALLOWED_FIELDS = {"PAGE", "NUMPAGES"}
MAX_PARTS = 1000
MAX_PART_BYTES = 20 * 1024 * 1024  # uncompressed; the built-in templates' largest part is under 0.5 MB
MAX_TOTAL_BYTES = 100 * 1024 * 1024
# Elements refused wherever they are, by local name.
REFUSED_ELEMENTS = {
    "altChunk": "an altChunk (a document imported when the file is opened)",
    "attachedTemplate": "an attached template",
    "subDoc": "a subdocument",
    "object": "an embedded object (OLE)",
    "OLEObject": "an embedded object (OLE)",
    "control": "an ActiveX control",
    "mailMerge": "a mail-merge data source",
    "frameset": "a frameset (content from other files)",
    "ddeLink": "a DDE link",
}
# Relationship types refused even inside the file, by the last segment of their type.
REFUSED_RELATIONSHIPS = {
    "attachedTemplate": "an attached template", "aFChunk": "an altChunk (an imported document)",
    "oleObject": "an embedded object (OLE)", "package": "an embedded document", "control": "an ActiveX control",
    "activeXControlBinary": "an ActiveX control", "vbaProject": "macros (a VBA project)",
    "subDocument": "a subdocument", "frame": "a frame (content from another file)",
    "mailMergeSource": "a mail-merge data source", "mailMergeHeaderSource": "a mail-merge data source",
    "recipientData": "mail-merge recipient data", "externalLinkPath": "a link to another file",
}
ADDRESS_ATTRIBUTES = {"href", "src", "link", "url", "source", "target", "action", "connectstring", "datasource"}
REMOTE = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|\\\\|//)", re.IGNORECASE)
DOCXTPL_ESCAPES = (b"{_{", b"}_}", b"{_%", b"%_}")
TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class Finding:
    part: str
    reason: str

    def __str__(self) -> str:
        return f"{self.part}: {self.reason}"


class WordTemplateRefused(ErasureDocsError):
    """A Word template (or a rendered Word file) holding something the tool never puts in a filing."""

    def __init__(self, message: str, findings: tuple[Finding, ...] = ()):
        super().__init__(message)
        self.findings = findings

    def __reduce__(self) -> tuple[type, tuple[str, tuple[Finding, ...]]]:  # crosses process boundaries whole
        return type(self), (str(self), self.findings)

    @classmethod
    def of(cls, name: str, findings: list[Finding]) -> WordTemplateRefused:
        shown = "; ".join(str(f) for f in findings[:5]) + (f"; and {len(findings) - 5} more" if len(findings) > 5
                                                              else "")
        return cls(f"{name} is refused: {shown}", tuple(findings))


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _members(archive: zipfile.ZipFile) -> Iterator[tuple[str, bytes]]:
    """Every part's bytes, each and all of them bounded by what they really decompress to."""
    total = 0
    for info in archive.infolist():
        with archive.open(info) as handle:
            data = handle.read(MAX_PART_BYTES + 1)
        total += len(data)
        if len(data) > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise WordTemplateRefused.of(info.filename, [Finding(info.filename, "the part is too large once "
                                                                                "decompressed")])
        yield info.filename, data


def findings(data: bytes) -> list[Finding]:
    """Everything a clinic's Word template holds that a filing must not (empty: the template may be used)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return [Finding("(file)", "is not a Word file (not a zip archive)")]
    with archive:
        if len(archive.infolist()) > MAX_PARTS:
            return [Finding("(file)", f"has more than {MAX_PARTS} parts")]
        found: list[Finding] = []
        try:
            for name, content in _members(archive):
                found += part_findings(name, content)
        except WordTemplateRefused as exc:
            found += list(exc.findings)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
            found.append(Finding("(file)", "is a damaged zip archive"))
    return found


def part_findings(name: str, content: bytes) -> list[Finding]:
    lower = name.lower()
    if lower.endswith("vbaproject.bin") or lower.endswith("vbadata.xml"):
        return [Finding(name, "macros (a VBA project)")]
    if "/activex/" in lower:
        return [Finding(name, "an ActiveX control")]
    if "/embeddings/" in lower or lower.endswith(".bin"):
        return [Finding(name, "an embedded object (OLE)")]
    if is_picture(content):
        try:
            check_pixels(content, name)
        except ImageTooLarge as exc:
            return [Finding(name, str(exc).split(": ", 1)[-1])]
        return []
    if not lower.endswith((".xml", ".rels", ".vml")) and not content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return []  # not XML: a font, for instance
    found = []
    if TEXT_PARTS.fullmatch(name) and any(escape in content for escape in DOCXTPL_ESCAPES):
        found.append(Finding(name, "docxtpl's {_{ … }_} escape, which the PDF does not know; write "
                                   "{{ '{{' }} to print braces"))
    try:
        root = etree.fromstring(content, parser=PARSER)
    except etree.XMLSyntaxError:
        return [*found, Finding(name, "is not well-formed XML")]
    if root.getroottree().docinfo.doctype:
        found.append(Finding(name, "a DOCTYPE declaration"))
    if lower == "[content_types].xml":
        found += _content_types(name, root)
    elif lower.endswith(".rels"):
        found += _relationships(name, root)
    else:
        found += _elements(name, root)
        found += [Finding(name, reason) for reason in field_problems(root)]
    return list(dict.fromkeys(found))


def _content_types(name: str, root: etree._Element) -> list[Finding]:
    found = []
    for element in root.iter():
        kind = (element.get("ContentType") or "").lower()
        if "macroenabled" in kind or "vbaproject" in kind:
            found.append(Finding(name, "macros (a macro-enabled document)"))
        elif "oleobject" in kind or "activex" in kind:
            found.append(Finding(name, "an embedded object or ActiveX control"))
    return found


def _relationships(name: str, root: etree._Element) -> list[Finding]:
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str) or _local(element.tag) != "Relationship":
            continue
        kind = (element.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
        if kind in REFUSED_RELATIONSHIPS:
            found.append(Finding(name, REFUSED_RELATIONSHIPS[kind]))
        elif (element.get("TargetMode") or "").lower() == "external" or REMOTE.match(element.get("Target") or ""):
            found.append(Finding(name, f"a relationship to something outside the file ({kind or 'of no type'})"))
    return found


def _elements(name: str, root: etree._Element) -> list[Finding]:
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment or processing instruction
        local = _local(element.tag)
        if local in REFUSED_ELEMENTS:
            found.append(Finding(name, REFUSED_ELEMENTS[local]))
        for attribute, value in element.attrib.items():
            attribute_name = _local(attribute).lower()
            if attribute_name in ADDRESS_ATTRIBUTES and REMOTE.match(value):
                what = "a VML picture with an address of its own" if local == "imagedata" else \
                    f"an address in the {attribute_name} of a {local} element"
                found.append(Finding(name, what))
    return found


def _field_word(instruction: str) -> str:
    words = instruction.replace('"', " ").split()
    return words[0].upper() if words else ""


def field_problems(root: etree._Element) -> list[str]:
    """Every field (simple or complex) whose instruction is not PAGE or NUMPAGES."""
    words = []
    open_fields: list[list[str] | None] = []  # each open complex field's instruction, None once it is read
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = _local(element.tag)
        if local == "fldSimple":
            words.append(_field_word(next((v for k, v in element.attrib.items() if _local(k) == "instr"), "")))
        elif local == "fldChar":
            kind = next((v for k, v in element.attrib.items() if _local(k) == "fldCharType"), "")
            if kind == "begin":
                open_fields.append([])
            elif open_fields and kind in ("separate", "end"):
                instruction = open_fields.pop()
                if instruction is not None:
                    words.append(_field_word("".join(instruction)))
                if kind == "separate":
                    open_fields.append(None)
        elif local in ("instrText", "delInstrText"):
            if open_fields and open_fields[-1] is not None:
                open_fields[-1].append(element.text or "")
            else:
                words.append(_field_word(element.text or ""))
    words += [_field_word("".join(left)) for left in open_fields if left is not None]  # never closed
    return [f"a Word field{' ' + word[:20] if word else ''} (only PAGE and NUMPAGES are allowed)"
            for word in dict.fromkeys(words) if word not in ALLOWED_FIELDS]


def check_template(data: bytes, name: str) -> None:
    """Raise WordTemplateRefused naming every part and reason when a clinic's Word template holds anything
    refused."""
    found = findings(data)
    if found:
        raise WordTemplateRefused.of(name, found)


def rendered_field_findings(data: bytes) -> Iterator[Finding]:
    """A rendered Word file's fields other than PAGE/NUMPAGES, in any part."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not name.endswith(".xml"):
                continue
            xml = archive.read(name)
            if b"fldSimple" not in xml and b"instrText" not in xml and b"fldChar" not in xml:
                continue  # nothing to parse: the common case
            for problem in field_problems(etree.fromstring(xml, parser=PARSER)):
                yield Finding(name, problem)
