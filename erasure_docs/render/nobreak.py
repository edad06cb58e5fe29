"""Citations and docket numbers never break at their hyphens, in either format.

A clerk types "C.G.S. § 53a-125b" and "H15N-CR19-0201456-S" from the papers; a line break after a hyphen
("53a-" / "125b") makes that error-prone. Liberation Serif, the PDF's font, has no non-breaking hyphen
(U+2011), so the PDF keeps such a word on one line with a no-wrap span; Word gets `w:noBreakHyphen`. Both
keep the ordinary hyphen in the text a reader copies or a test extracts.

A "word" here is letters and digits joined by hyphens with at least one digit in it: citations, docket
numbers, form numbers (JD-CL-12), public acts (16-71); and a section sign with the number after it (the
space between them becomes a no-break space in Word). Ordinary hyphenated words (self-represented) may still
break.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# "§ 53a-125b", "§ 1591", "H15N-CR19-0201456-S", "JD-CL-12": a section sign with its number, or letters and
# digits joined by hyphens with a digit among them.
HYPHENATED_NUMBER = re.compile(r"(?<![\w-])(?:§{1,2} (?=[\w-]*\d)\w+(?:-\w+)*|(?=[\w-]*\d)\w+(?:-\w+)+)")
NBSP = "\u00a0"
_TAG = re.compile(r"(<[^>]*>)")
_RAW_TEXT = ("title", "style", "script")  # elements whose text is not laid out as HTML


def html(document: str) -> str:
    """The HTML with every such word in the body wrapped in `<span class="nobreak">` (packet.css)."""
    head, marker, body = document.partition("<body")
    if not marker:
        return document
    parts = _TAG.split(body)
    raw = False
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name = part[1:].lstrip("/").split(maxsplit=1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name in _RAW_TEXT:
                raw = not part.startswith("</")
            continue
        if not raw and ("-" in part or "§" in part):
            parts[i] = HYPHENATED_NUMBER.sub(r'<span class="nobreak">\g<0></span>', part)
    return head + marker + "".join(parts)


def docx(body: Any) -> None:
    """Replace the hyphens inside such words in the text of `body` (a w:body or w:hdr element) by
    `w:noBreakHyphen`, splitting the run's text element around them; a section sign keeps its number."""
    for text in [t for t in body.iter(qn("w:t")) if t.text and ("-" in t.text or "§" in t.text)]:
        value = text.text
        pieces: list[tuple[str, str]] = []  # ("t", text) | ("-", "")
        position = 0
        for match in HYPHENATED_NUMBER.finditer(value):
            chunks = match.group(0).replace("§ ", "§" + NBSP).split("-")
            pieces.append(("t", value[position:match.start()] + chunks[0]))
            for chunk in chunks[1:]:
                pieces += [("-", ""), ("t", chunk)]
            position = match.end()
        if not pieces:
            continue
        pieces.append(("t", value[position:]))
        elements = []
        for kind, content in pieces:
            if kind == "-":
                elements.append(OxmlElement("w:noBreakHyphen"))
            elif content:
                element = copy.deepcopy(text)
                element.text = content
                element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                elements.append(element)
        parent = text.getparent()
        at = parent.index(text)
        parent.remove(text)
        for offset, element in enumerate(elements):
            parent.insert(at + offset, element)
