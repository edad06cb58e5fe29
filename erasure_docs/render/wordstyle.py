"""The Word side of the shared layout: the named styles and list numbering every Word template carries, the
package parts that say truthfully what made the file, and the text of a Word paragraph as it is shown (its
list number included).

One measure governs both formats: every line is laid out at an exact height in points (`LINE` for ordinary
lines, `BODY_LINE` for the paragraphs of a pleading), in Word (`w:lineRule="exact"`) as in the PDF
(templates/packet.css, `line-height` in pt). Word's "single" or "1.5 lines" depend on the font's own line
gap, CSS's numbers do not, and that difference made LibreOffice paginate some documents longer than the PDF.

Styles (name → what uses it). Each source block kind of templates/source/README.md has its own:
  Normal                 base of all: Times New Roman 12 pt, exact LINE
  Body Text              `p`: justified, first line indented ½ inch, BODY_LINE
  Numbered Paragraph     `np`: Body Text numbered 1., 2., … by Word (list NUMBERED_PARAGRAPHS)
  Body Text Flush        `plain`: no indent
  Centered               `center`
  Section Heading        `bold`: kept with the next paragraph
  Title                  the document's title: centred, bold, kept with the next paragraph
  List Item              `item`, and the items of a numbered or bulleted `list` (their numbers are Word's)
  List Item Kept         the items of a list kept together and with what follows (`keep: together`)
  Prayer for Relief      a WHEREFORE clause: kept together and with what follows
  Quotation              `quote`: indented both sides
  Signature Block        signer's and court's signature lines: right half, kept together and with what follows
  Closing, Closing Text, Closing Item, Closing Heading
                         a group kept together and with the paragraph before it (certification, jurat, a
                         letter's closing, a WHEREFORE clause): flush line, body paragraph, list item, heading
  Case Caption           the three-column caption
  Case Caption Centered  the caption's column of colons
  Table Text, Table Heading   cells of a grid table
  Spacer                 the empty line after a table (as tall as the table's margin in the PDF)
  Page Break             the (1-point) paragraph that holds a page break
  End of Document        the (1-point) empty paragraph after the closing unit (a table may not end a document)
  Header, Footer         page furniture
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import qn

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W_NS}"'
FONT = "Times New Roman"
LINE = 14      # points: an ordinary line (12-point type)
BODY_LINE = 18  # points: a line of a pleading's paragraphs
TWIPS = 20     # per point

# Word list instances (w:num ids) the builder uses; lists a template adds get ids from FIRST_LIST_ID on.
NUMBERED_PARAGRAPHS = 1
FIRST_LIST_ID = 2
# Abstract list definitions: how a list's labels look. The CSS twins are in packet.css (div.list.<name>).
LIST_FORMATS = {"number": ("decimal", "%1."), "paren": ("decimal", "(%1)"), "bullet": ("bullet", "\u2022")}


def _spacing(line: int, after: int = 0, before: int = 0) -> str:
    return (f'<w:spacing w:before="{before * TWIPS}" w:after="{after * TWIPS}" w:line="{line * TWIPS}" '
            f'w:lineRule="exact"/>')


def _style(style_id: str, name: str, ppr: str = "", rpr: str = "", based_on: str | None = "Normal",
           kind: str = "paragraph", extra: str = "") -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (f'<w:style w:type="{kind}" w:customStyle="{0 if style_id in BUILT_IN else 1}" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/>{based}<w:qFormat/>{extra}'
            + (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "") + "</w:style>")


# Word's own styles (their names as Word stores them: "header" shows as Header); the others are ours.
BUILT_IN = {"Normal", "Title", "Header", "Footer", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid",
            "BodyText"}
KEEP = "<w:keepNext/><w:keepLines/>"
JUSTIFY = '<w:jc w:val="both"/>'
INDENT = '<w:ind w:firstLine="720"/>'
BOLD = "<w:b/><w:bCs/>"

# The named paragraph styles: (id, name, pPr, rPr). Ids are what document.xml refers to.
PARAGRAPH_STYLES: list[tuple[str, str, str, str]] = [
    ("BodyText", "Body Text", JUSTIFY + INDENT + _spacing(BODY_LINE, after=12), ""),
    ("NumberedParagraph", "Numbered Paragraph",
     f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{NUMBERED_PARAGRAPHS}"/></w:numPr>'
     + JUSTIFY + INDENT + _spacing(BODY_LINE, after=12), ""),
    ("BodyTextFlush", "Body Text Flush", _spacing(LINE, after=6), ""),
    ("Centered", "Centered", '<w:jc w:val="center"/>' + _spacing(LINE, after=6), ""),
    ("SectionHeading", "Section Heading", KEEP + _spacing(LINE, after=6), BOLD),
    ("Title", "Title", KEEP + '<w:jc w:val="center"/>' + _spacing(LINE, after=12, before=12), BOLD),
    ("ListItem", "List Item", '<w:ind w:left="720"/>' + _spacing(LINE, after=3), ""),
    ("ListItemKept", "List Item Kept", KEEP + '<w:ind w:left="720"/>' + _spacing(LINE, after=3), ""),
    ("PrayerForRelief", "Prayer for Relief", KEEP + JUSTIFY + INDENT + _spacing(BODY_LINE, after=12), ""),
    ("Quotation", "Quotation", JUSTIFY + '<w:ind w:left="720" w:right="720"/>' + _spacing(LINE, after=12), ""),
    ("SignatureBlock", "Signature Block", KEEP + '<w:ind w:left="4680"/>' + _spacing(LINE), ""),
    ("Closing", "Closing", KEEP + _spacing(LINE, after=6), ""),
    ("ClosingText", "Closing Text", KEEP + JUSTIFY + INDENT + _spacing(BODY_LINE, after=12), ""),
    ("ClosingItem", "Closing Item", KEEP + '<w:ind w:left="720"/>' + _spacing(LINE, after=3), ""),
    ("ClosingHeading", "Closing Heading", KEEP + _spacing(LINE, after=6), BOLD),
    ("CaseCaption", "Case Caption", _spacing(LINE), ""),
    ("CaseCaptionCentered", "Case Caption Centered", '<w:jc w:val="center"/>' + _spacing(LINE), ""),
    ("TableText", "Table Text", _spacing(LINE), ""),
    ("TableHeading", "Table Heading", '<w:keepNext/>' + _spacing(LINE), BOLD),
    ("Spacer", "Spacer", _spacing(12), ""),
    ("PageBreak", "Page Break", _spacing(1), ""),
    ("EndOfDocument", "End of Document", _spacing(1), ""),
    ("Header", "header", '<w:jc w:val="center"/>' + _spacing(LINE), ""),
    ("Footer", "footer", '<w:jc w:val="center"/>' + _spacing(LINE), ""),
]
# Which style each source block kind uses. Inside a group kept together (`keep_together`: a certification, a
# jurat, a letter's closing, a WHEREFORE clause with its list) and for a lone line that leads into what
# follows (templates_build.keeps_with_next) the Closing styles: each line kept with the next.
KIND_STYLES = {"p": "Body Text", "np": "Numbered Paragraph", "plain": "Body Text Flush", "center": "Centered",
               "bold": "Section Heading", "item": "List Item", "quote": "Quotation", "title": "Title",
               "sign": "Signature Block"}
KEPT_STYLES = {"p": "Closing Text", "plain": "Closing", "item": "Closing Item", "bold": "Closing Heading"}
# A WHEREFORE clause and the items of a list marked `keep: together` stay with what follows them only.
PRAYER_STYLE, KEPT_LIST_STYLE = "Prayer for Relief", "List Item Kept"
# Styles that also stay on the page of the paragraph before them (the renderer sets keep-with-next on that
# paragraph, whatever it is — CSS `break-before: avoid` in the PDF): no signature block, certification or
# closing ever stands alone on a page.
KEPT_WITH_PREVIOUS = {"SignatureBlock", "Closing", "ClosingText", "ClosingItem", "ClosingHeading"}
BODY_STYLES = {style_id for style_id, *_ in PARAGRAPH_STYLES} | {"Normal"}


def cell_margins(top: float, left: float, bottom: float, right: float) -> str:
    """A table's cell margins in points (set on each table too: LibreOffice ignores a table style's)."""
    sides = (("top", top), ("left", left), ("bottom", bottom), ("right", right))
    return (f"<w:tblCellMar {NS}>" + "".join(f'<w:{side} w:w="{round(points * TWIPS)}" w:type="dxa"/>'
                                             for side, points in sides) + "</w:tblCellMar>")


# Cell margins (top, left, bottom, right) in points, as packet.css pads table.caption and table.grid cells.
CAPTION_CELL = (0, 0, 0, 0)
GRID_CELL = (2, 4, 2, 4)


def _borders(size: int) -> str:
    sides = "".join(f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="000000"/>'
                    for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return f"<w:tblBorders>{sides}</w:tblBorders>"


def styles_xml() -> bytes:
    """styles.xml: document defaults, the named styles above and the two table styles — nothing else (no
    heading styles nobody uses, no theme fonts)."""
    lang = '<w:lang w:val="en-US" w:eastAsia="en-US" w:bidi="ar-SA"/>'
    fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    parts = [
        f"<w:styles {NS}>",
        f'<w:docDefaults><w:rPrDefault><w:rPr>{fonts}<w:sz w:val="24"/><w:szCs w:val="24"/>{lang}</w:rPr>'
        f"</w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl/>{_spacing(LINE)}</w:pPr></w:pPrDefault>"
        "</w:docDefaults>",
        _style("Normal", "Normal", "<w:widowControl/>" + _spacing(LINE), fonts + '<w:sz w:val="24"/>',
               based_on=None).replace('w:type="paragraph"', 'w:type="paragraph" w:default="1"', 1),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'
        "</w:style>",
    ]
    for style_id, name, ppr, rpr in PARAGRAPH_STYLES:
        parts.append(_style(style_id, name, ppr, rpr))
    parts += [
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        "<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/>"
        f'<w:tblPr><w:tblInd w:w="0" w:type="dxa"/>{cell_margins(*CAPTION_CELL)}</w:tblPr></w:style>',
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
        f'<w:tblPr>{_borders(4)}{cell_margins(*GRID_CELL)}</w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        "<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>",
        "</w:styles>",
    ]
    return "".join(parts).encode("utf-8")


def _level(number_format: str, text: str, indent: str, style: str = "") -> str:
    font = f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/></w:rPr>'
    link = f'<w:pStyle w:val="{style}"/>' if style else ""
    return (f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/>{link}'
            f'<w:suff w:val="space"/><w:lvlText w:val="{escape(text)}"/><w:lvlJc w:val="left"/>'
            f"<w:pPr>{indent}</w:pPr>{font}</w:lvl>")


def numbering_xml(lists: list[str]) -> bytes:
    """numbering.xml: the numbered paragraphs (list 1) and one list instance per `list` block of the document
    (ids FIRST_LIST_ID…, in order; each restarts at 1). `lists` names each instance's format."""
    paragraphs = _level("decimal", "%1.", '<w:ind w:left="0" w:firstLine="720"/>', "NumberedParagraph")
    abstracts = [f'<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/>{paragraphs}'
                 "</w:abstractNum>"]
    ids = {}
    for number, (name, (number_format, text)) in enumerate(LIST_FORMATS.items(), start=1):
        level = _level(number_format, text, '<w:ind w:left="720" w:firstLine="0"/>')
        abstracts.append(f'<w:abstractNum w:abstractNumId="{number}"><w:multiLevelType w:val="singleLevel"/>'
                         f"{level}</w:abstractNum>")
        ids[name] = number
    nums = [f'<w:num w:numId="{NUMBERED_PARAGRAPHS}"><w:abstractNumId w:val="0"/></w:num>']
    for offset, name in enumerate(lists):
        nums.append(f'<w:num w:numId="{FIRST_LIST_ID + offset}"><w:abstractNumId w:val="{ids[name]}"/>'
                    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>')
    return f"<w:numbering {NS}>{''.join(abstracts)}{''.join(nums)}</w:numbering>".encode("utf-8")


APP_XML = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           "<Application>erasure-docs</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
           "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
           "<HyperlinksChanged>false</HyperlinksChanged></Properties>\n").encode("utf-8")
COMPATIBILITY_MODE = "15"  # Word 2013 and later: no "Compatibility Mode" in the title bar


def set_base_parts(document: Any, lists: list[str]) -> None:
    """Give a python-docx document our styles, numbering, settings and extended properties, and drop what
    python-docx's own template carries that says something untrue or nothing at all (its thumbnail, its
    Mac Word application name, styles with effects, custom XML)."""
    part = document.part
    part._styles_part._element = parse_xml(styles_xml())
    part.numbering_part._element = parse_xml(numbering_xml(lists))
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml", "/webSettings")):
            part.rels.pop(rel_id)
    package = part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rel_id)
        elif rel.reltype.endswith("/extended-properties"):
            rel.target_part._blob = APP_XML
    settings = document.settings.element
    for element in settings.findall(qn("w:rsids")) + settings.findall(qn("w:savePreviewPicture")):
        settings.remove(element)
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), COMPATIBILITY_MODE)


# ---------------------------------------------------------------- text as shown

def list_labels(document: Any) -> dict[Any, str]:
    """Each numbered or bulleted paragraph of the body (its w:p element) → the label Word shows before it
    ("3.", "(2)", "•"), counted the way Word counts: per list instance, restarting where it says so."""
    numbering = document.part.numbering_part.element
    formats: dict[str, tuple[str, str, int]] = {}
    for abstract in numbering.findall(qn("w:abstractNum")):
        level = abstract.find(qn("w:lvl"))
        start = level.find(qn("w:start"))
        formats[abstract.get(qn("w:abstractNumId"))] = (
            level.find(qn("w:numFmt")).get(qn("w:val")), level.find(qn("w:lvlText")).get(qn("w:val")),
            int(start.get(qn("w:val"))) if start is not None else 1)
    instances = {}
    for num in numbering.findall(qn("w:num")):
        number_format, text, start = formats[num.find(qn("w:abstractNumId")).get(qn("w:val"))]
        override = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        instances[num.get(qn("w:numId"))] = (number_format, text, int(override.get(qn("w:val"))) if override is not None
                                             else start)
    style_lists = {}
    for style in document.styles.element.findall(qn("w:style")):
        num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num_id is not None:
            style_lists[style.get(qn("w:styleId"))] = num_id.get(qn("w:val"))
    counters: dict[str, int] = {}
    labels = {}
    for paragraph in document.element.body.iter(qn("w:p")):
        num_id = paragraph.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        key = num_id.get(qn("w:val")) if num_id is not None else \
            style_lists.get(style.get(qn("w:val"))) if style is not None else None
        if key is None or key not in instances:
            continue
        number_format, text, start = instances[key]
        counters[key] = counters.get(key, start - 1) + 1
        labels[paragraph] = text if number_format == "bullet" else text.replace("%1", str(counters[key]))
    return labels
