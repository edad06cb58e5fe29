"""Build the shipped templates from the document sources: one wording, two formats.

    python -m erasure_docs.templates_build          # rewrites templates/*.html and templates/*.docx

Each `templates/source/<kind>.yaml` (format in templates/source/README.md) becomes `<kind>.html`, a Jinja2
template that WeasyPrint renders to PDF, and `<kind>.docx`, a docxtpl template a clinic can open and edit in
Word. The shared pieces — caption, signature block, court signature lines, jurat — are written once per
format: as `_*.html` partials, and as the DOCX builders below.

A source marked `translate: true` (the letter to the client) is written in English and translated when it is
rendered: each of its literal texts becomes a `{% trans %}` block, and its messages are extracted into
`erasure_docs/locale/messages.pot`, which the build merges into every language's catalog (erasure_docs/i18n.py).
"""

from __future__ import annotations

import datetime as dt
import html
from copy import deepcopy
import io
import re
import sys
from pathlib import Path
from typing import Any, Callable

import yaml
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from erasure_docs import i18n
from erasure_docs.branding import Branding
from erasure_docs.errors import ErasureDocsError
from erasure_docs.paths import SOURCE_DIR, TEMPLATE_DIR
from erasure_docs.render import wordstyle
from erasure_docs.render.wordscrub import ALLOWED_FIELDS
from erasure_docs.render.wordstyle import KEPT_LIST_STYLE, KEPT_STYLES, KIND_STYLES, PRAYER_STYLE
from erasure_docs.render.zipfiles import FIXED_TIMESTAMP, normalise_zip

JINJA_TAG = re.compile(r"({{.*?}}|{%.*?%})")
TEXT_KEYS = ("np", "p", "plain", "center", "bold", "item", "quote")
TRANS_TAGS = re.compile(r"{%-? trans[^%]*%}|{%-? endtrans -?%}")
SIMPLE_VALUE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
BLOCK_KEYS = {"np", "p", "plain", "center", "bold", "item", "quote", "if", "for", "list", "keep_together", "table",
              "signature", "court_signature", "notary", "page_break", "include"}
NESTED_KEYS = ("then", "else", "do", "items", "keep_together")  # where a block holds other blocks
LIST_KINDS = ("number", "paren", "bullet")  # `list:` formats: "1.", "(1)", "•" (Word numbering; CSS counters)
# What may stand inside a kept group and inside a list (each paragraph kind needs a "kept" Word style).
KEPT_KINDS = {*KEPT_STYLES, "if", "for", "list"}  # what a kept group may hold: its styled kinds, and nesting
LIST_ITEM_KINDS = {"item", "if", "for", "list"}


class SourceError(ErasureDocsError):
    pass


def load_source(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "kind" not in data or "body" not in data:
        raise SourceError(f"{path.name}: needs 'kind', 'title' and 'body'")
    return data


def shared_piece(name: str, folder: Path = SOURCE_DIR) -> list[dict]:
    """The blocks of `_NAME.yaml`, a piece several documents share (`- include: NAME`). In the HTML it becomes
    the partial `_NAME.html`, included; in Word, where there are no partials, its paragraphs are written in."""
    path = folder / f"_{name}.yaml"
    if not path.exists():
        raise SourceError(f"no shared piece {path.name}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    blocks = data["blocks"]
    for block in blocks:
        if "np" in block or "include" in block:
            raise SourceError(f"{path.name}: a shared piece holds no numbered paragraph and no include")
        check_nesting(block, path.name)
    # `keep: together` — the piece stays on one page, with the paragraph before it (a certification).
    return [{"keep_together": blocks}] if data.get("keep") == "together" else blocks


def block_kind(block: dict, where: str) -> str:
    keys = set(block) & BLOCK_KEYS
    if len(keys) != 1:
        raise SourceError(f"{where}: a block needs exactly one of {sorted(BLOCK_KEYS)}, got {sorted(block)}")
    return keys.pop()


def is_prayer(kind: str, text: Any) -> bool:
    """A WHEREFORE clause: kept on one page, with what follows it (its list, the signature)."""
    return kind == "p" and TRANS_TAGS.sub("", str(text)).strip().startswith("WHEREFORE")


def keeps_with_next(kind: str, text: Any) -> bool:
    """Headings (bold lines) and the lines that lead into a signature — a blank line, a salutation ending in a
    comma, a line to sign on — stay on the page of what follows them, in both formats (the lines also with
    the paragraph before them: a closing never starts a page of its own)."""
    text = TRANS_TAGS.sub("", str(text)).strip()
    return kind == "bold" or (kind == "plain" and (not text or text.endswith(",") or set(text) == {"_"}))


def number_paragraphs(blocks: list[dict], where: str) -> list[tuple[str, Any, str]]:
    """Flatten to (kind, value, number) at the top level; numbers only for `np`, which may not nest."""
    out, count = [], 0
    for block in blocks:
        kind = block_kind(block, where)
        if kind == "np":
            count += 1
            out.append((kind, block, f"{count}."))
        else:
            check_nesting(block, where)
            out.append((kind, block, ""))
    return out


def children(block: dict) -> list[dict]:
    return [child for key in NESTED_KEYS if isinstance(block.get(key), list) for child in block[key]]


def check_nesting(block: dict, where: str, in_loop: bool = False) -> None:
    """A numbered paragraph (np) stands at the top level only; a numbered list not inside a loop (each copy
    would continue the numbers in Word); a list holds items (and if/for around them); a kept group holds
    no centred line, table, page break or signature of its own."""
    kind = block_kind(block, where)
    if kind == "list":
        if block["list"] not in LIST_KINDS:
            raise SourceError(f"{where}: 'list' is one of {', '.join(LIST_KINDS)}, not {block['list']!r}")
        if in_loop and block["list"] != "bullet":
            raise SourceError(f"{where}: a numbered list may not stand inside 'for'")
        _only(block["items"], LIST_ITEM_KINDS, "a list holds only 'item' blocks, lists, and 'if'/'for' around them", where)
    if kind == "keep_together":
        _only(block["keep_together"], KEPT_KINDS, "a kept group holds only p, plain, bold, item, if, for, list", where)
    for child in children(block):
        if "np" in child:
            raise SourceError(f"{where}: a numbered paragraph (np) may not stand inside another block")
        check_nesting(child, where, in_loop or kind == "for")


def _only(blocks: list[dict], kinds: set[str], message: str, where: str) -> None:
    for block in blocks:
        kind = block_kind(block, where)
        if kind not in kinds:
            raise SourceError(f"{where}: {message}; found '{kind}'")
        if kind in ("if", "for"):
            _only(children(block), kinds, message, where)


# ---------------------------------------------------------------- translation

def trans_block(text: str, where: str) -> str:
    """'Dear {{ letter.client_name }},' → '{% trans letter_client_name=letter.client_name %}Dear
    {{ letter_client_name }},{% endtrans %}': a gettext message with named placeholders. A text with no
    words of its own (a date, a name, a blank line) is left as it is."""
    if not re.search(r"[A-Za-z]", JINJA_TAG.sub("", text)):
        return text
    if "{%" in text:
        raise SourceError(f"{where}: a translated text cannot hold {{% %}}; use an 'if' block around it")
    names: dict[str, str] = {}

    def placeholder(match: re.Match[str]) -> str:
        value = match.group(0)[2:-2].strip()
        if not SIMPLE_VALUE.fullmatch(value):
            raise SourceError(f"{where}: a translated text may only hold plain values such as {{{{ a.b }}}}")
        names[value.replace(".", "_")] = value
        return "{{ " + value.replace(".", "_") + " }}"

    body = JINJA_TAG.sub(placeholder, text)
    bindings = "".join(f" {name}={value}," for name, value in names.items()).rstrip(",")
    return f"{{% trans{bindings} %}}{body}{{% endtrans %}}"


def translatable(blocks: list[dict], where: str) -> list[dict]:
    """The blocks with every literal text made a translatable message."""
    out = []
    for block in blocks:
        kind = block_kind(block, where)
        changed = dict(block)
        if kind in TEXT_KEYS:
            changed[kind] = trans_block(str(block[kind]), where)
        for nested in NESTED_KEYS:
            if isinstance(block.get(nested), list):
                changed[nested] = translatable(block[nested], where)
        out.append(changed)
    return out


def prepared(source: dict) -> dict:
    """The source as the builders read it: a translatable one with its texts made messages."""
    if not source.get("translate"):
        return source
    where = source["kind"]
    return {**source, "title": trans_block(str(source.get("title", "")), where),
            "body": translatable(source["body"], where)}


CATALOG_HEADER = ("# Messages of the translated documents (the letter to the client), extracted from their built\n"
                  "# templates by `python -m erasure_docs.templates_build`. A language's translations live in\n"
                  "# locale/<ISO 639-1 code>/LC_MESSAGES/messages.po; keep each %(name)s placeholder as it is.")


def extract_messages(sources: list[dict]) -> Any:
    """The message template (.pot) of every translatable source, from its built HTML template."""
    from babel.messages.catalog import Catalog
    from jinja2.ext import babel_extract

    catalog = Catalog(project="erasure-docs", version="1", fuzzy=False, header_comment=CATALOG_HEADER, msgid_bugs_address="",
                      creation_date=dt.datetime(*FIXED_TIMESTAMP), revision_date=dt.datetime(*FIXED_TIMESTAMP))
    for source in sources:
        html_text = build_html(source)
        for line, _function, message, _comments in babel_extract(
                io.BytesIO(html_text.encode("utf-8")), ["_", "gettext", "ngettext"], [], {"extensions": "jinja2.ext.i18n"}):
            if isinstance(message, str):  # the letter uses no plural forms
                catalog.add(message, locations=[(f"templates/{source['kind']}.html", line)])
    return catalog


def write_catalogs(catalog: Any, folder: Path = i18n.LOCALE_DIR) -> list[Path]:
    """Write messages.pot and merge it into each language's messages.po (new messages untranslated,
    translations of removed ones dropped)."""
    from babel.messages.pofile import read_po, write_po

    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / f"{i18n.DOMAIN}.pot"]
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, include_previous=False)
    written[0].write_bytes(buffer.getvalue())
    for language in i18n.languages(folder)[1:]:
        path = i18n.catalog_path(language, folder)
        with path.open("rb") as handle:
            translated = read_po(handle, locale=language)
        translated.update(catalog, no_fuzzy_matching=True)
        translated.obsolete.clear()
        buffer = io.BytesIO()
        write_po(buffer, translated, width=100, omit_header=False, include_previous=False)
        path.write_bytes(buffer.getvalue())
        written.append(path)
    return written


# ---------------------------------------------------------------- HTML

def html_text(text: str) -> str:
    """Escape the literal parts of a source text; Jinja tags pass through (their values autoescape)."""
    return "".join(part if JINJA_TAG.fullmatch(part) else html.escape(part, quote=False)
                   for part in JINJA_TAG.split(str(text)))


def html_blocks(blocks: list[dict], where: str, numbered: bool = False) -> list[str]:
    out: list[str] = []
    items = number_paragraphs(blocks, where) if numbered else [(block_kind(b, where), b, "") for b in blocks]
    for kind, block, number in items:
        value = block[kind]
        if kind == "np":
            out.append(f'<p class="np">{number} {html_text(value)}</p>')
        elif kind in TEXT_KEYS:
            keep = (" keep" if kind == "bold" else " closing" if keeps_with_next(kind, value)
                    else " prayer" if is_prayer(kind, value) else "")
            out.append(f'<p class="{kind}{keep}">{html_text(value)}</p>')
        elif kind == "if":
            otherwise = ["{% else %}", *html_blocks(block["else"], where)] if "else" in block else []
            out += [f"{{% if {value} %}}", *html_blocks(block.get("then", []), where), *otherwise, "{% endif %}"]
        elif kind == "for":
            out += [f"{{% for {value} %}}", *html_blocks(block.get("do", []), where), "{% endfor %}"]
        elif kind == "list":  # numbered by CSS counters, as Word numbers it (packet.css div.list)
            kept = " kept-list" if block.get("keep") == "together" else ""
            out += [f'<div class="list {value}{kept}">', *html_blocks(block["items"], where), "</div>"]
        elif kind == "keep_together":
            out += ['<div class="kept">', *html_blocks(value, where), "</div>"]
        elif kind == "table":
            out += html_table(value)
        elif kind == "page_break":
            out.append('<div class="page-break"></div>')
        elif kind == "include":
            out.append(f'{{% include "_{value}.html" %}}')
        else:  # signature, court_signature, notary: the shared partials
            out.append(f'{{% include "_{kind}.html" %}}')
    return out


def html_table(spec: dict) -> list[str]:
    columns = spec["columns"]
    cols = "".join(f'<col style="width: {c["width"]}in">' for c in columns)
    head = "".join(f"<th>{html_text(c['header'])}</th>" for c in columns)
    cells = "".join(f"<td>{html_text(c['value'])}</td>" for c in columns)
    return ['<table class="grid">', f"<colgroup>{cols}</colgroup>", f"<thead><tr>{head}</tr></thead>", "<tbody>",
            f"{{% for row in {spec['rows']} %}}<tr>{cells}</tr>{{% endfor %}}", "</tbody>", "</table>"]


def build_html(source: dict) -> str:
    source = prepared(source)
    where = source["kind"]
    body = html_blocks(source["body"], where, numbered=True)
    caption = ['{% include "_caption.html" %}'] if source.get("caption", True) else []
    title = f'<h1>{html_text(source["title"])}</h1>' if source.get("title") else ""
    # A translated document has no "Page N of M" footer: those words are the stylesheet's, in English.
    language, unnumbered = ("{{ language }}", " unnumbered") if source.get("translate") else ("en", "")
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{language}">',
        "<head>",
        '<meta charset="utf-8">',
        "<title>{{ doc.title }}</title>",
        '<meta name="author" content="{{ signer.name }}">',
        '<meta name="description" content="{{ doc.title }}">',
        "</head>",
        f'<body class="doc {where}{unnumbered}">',
        *caption,
        title,
        *body,
        "</body>",
        "</html>",
        "",
    ])


# ---------------------------------------------------------------- DOCX

class WordTemplate:
    """A Word template being built: the python-docx document and the list instances it numbers (one per
    `list` block, in order; render/wordstyle.py writes them into numbering.xml)."""

    def __init__(self, footer: bool = True):
        self.document = new_document(footer)
        self.lists: list[str] = []

    def paragraph(self, text: str, style: str) -> Paragraph:
        """A paragraph of a named style; no direct formatting (render/wordstyle.py defines the styles)."""
        paragraph = self.document.add_paragraph(style=style)
        if text:
            paragraph.add_run(text)
        return paragraph

    def tag(self, tag: str) -> None:
        """A docxtpl paragraph tag: the paragraph holding it disappears when rendered."""
        self.document.add_paragraph(f"{{%p {tag} %}}")

    def new_list(self, kind: str) -> int:
        self.lists.append(kind)
        return wordstyle.FIRST_LIST_ID + len(self.lists) - 1

    def save(self) -> bytes:
        wordstyle.set_base_parts(self.document, self.lists)
        buffer = io.BytesIO()
        self.document.save(buffer)
        return normalise_zip(buffer.getvalue())


def new_document(footer: bool = True) -> Any:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    section.footer_distance = Inches(0.5)
    wordstyle.set_base_parts(document, [])  # the named styles exist from here on
    if footer:
        _footer(section)
    props = document.core_properties
    props.author, props.last_modified_by, props.title = "erasure-docs", "erasure-docs", ""
    props.comments, props.keywords, props.revision = "", "", 1
    props.language = "en-US"
    props.created = props.modified = dt.datetime(*FIXED_TIMESTAMP)
    return document


def _field(paragraph: Paragraph, code: str) -> None:
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _footer(section: Any) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.style = "Footer"
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")


def _list_member(paragraph: Paragraph, list_id: int) -> None:
    """Make the paragraph an item of Word list `list_id` (its number or bullet is Word's, not typed)."""
    numbering = OxmlElement("w:numPr")
    level, number = OxmlElement("w:ilvl"), OxmlElement("w:numId")
    level.set(qn("w:val"), "0")
    number.set(qn("w:val"), str(list_id))
    numbering.append(level)
    numbering.append(number)
    paragraph._p.get_or_add_pPr().insert_element_before(numbering, "w:spacing", "w:ind", "w:jc", "w:rPr")


def _fixed_widths(table: Table, widths: list[float], margins: tuple[float, ...]) -> None:
    """LibreOffice and Word honour widths only with autofit off and widths on the grid and every cell (and
    LibreOffice cell margins only on the table itself, not from its style)."""
    table.autofit = False  # w:tblLayout fixed
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    properties = table._tbl.tblPr
    properties.insert_element_before(parse_xml(wordstyle.cell_margins(*margins)), "w:tblLook", "w:tblCaption",
                                     "w:tblDescription", "w:tblPrChange")
    for column, width in zip(table.columns, widths):
        column.width = Inches(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Inches(width)


def _repeat_header(row: Any) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _cell_text(cell: Any, text: str, style: str = "Table Text") -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if text:
        paragraph.add_run(text)


def docx_table(word: WordTemplate, spec: dict) -> None:
    columns = spec["columns"]
    table = word.document.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    for cell, column in zip(table.rows[0].cells, columns):
        _cell_text(cell, column["header"], "Table Heading")
    _repeat_header(table.rows[0])
    _cell_text(table.rows[1].cells[0], f"{{%tr for row in {spec['rows']} %}}")
    for cell, column in zip(table.rows[2].cells, columns):
        _cell_text(cell, column["value"])
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    _fixed_widths(table, [float(c["width"]) for c in columns], wordstyle.GRID_CELL)
    word.paragraph("", "Spacer")


def docx_caption(word: WordTemplate) -> None:
    """The three-column Connecticut caption; its lines come from `caption.rows` in the context."""
    table = word.document.add_table(rows=4, cols=3)
    for i, row in enumerate(table.rows):
        left, middle, right = row.cells
        _cell_text(left, f"{{{{ caption.rows[{i}].left }}}}", "Case Caption")
        _cell_text(middle, ":", "Case Caption Centered")
        _cell_text(right, f"{{{{ caption.rows[{i}].right }}}}", "Case Caption")
    _fixed_widths(table, [3.1, 0.4, 3.0], wordstyle.CAPTION_CELL)


def docx_signature(word: WordTemplate) -> None:
    sign = KIND_STYLES["sign"]
    word.paragraph("", sign)
    word.paragraph("THE {{ party|upper }},", sign)
    word.tag("if not signer.self_represented")
    word.paragraph("{{ petitioner.name }}", sign)
    word.paragraph("", sign)
    word.paragraph("By: ______________________________", sign)
    word.paragraph("{{ signer.name }}", sign)
    word.tag("if signer.firm")
    word.paragraph("{{ signer.firm }}", sign)
    word.tag("endif")
    word.tag("else")
    word.paragraph("", sign)
    word.paragraph("______________________________", sign)
    word.paragraph("{{ signer.name }}, self-represented", sign)
    word.tag("endif")
    word.tag("for line in signer.address_lines")
    word.paragraph("{{ line }}", sign)
    word.tag("endfor")
    for field, label in (("phone", "Telephone: "), ("email", "Email: "), ("juris_number", "Juris No. ")):
        word.tag(f"if signer.{field}")
        word.paragraph(f"{label}{{{{ signer.{field} }}}}", sign)
        word.tag("endif")


def docx_court_signature(word: WordTemplate) -> None:
    for line in ("", "BY THE COURT,", "", "______________________________", "Judge / Clerk", "",
                 "Date: ______________________"):
        word.paragraph(line, KIND_STYLES["sign"])


def docx_notary(word: WordTemplate) -> None:
    for line in ("", "Subscribed and sworn to before me on ______________________.", "",
                 "______________________________", "Notary Public / Commissioner of the Superior Court",
                 "My commission expires: ______________"):
        word.paragraph(line, KEPT_STYLES["plain"])


SHARED_DOCX: dict[str, Callable[[WordTemplate], None]] = {
    "signature": docx_signature, "court_signature": docx_court_signature, "notary": docx_notary}


def docx_blocks(word: WordTemplate, blocks: list[dict], where: str, numbered: bool = False, kept: bool = False,
                list_id: int | None = None, kept_list: bool = False) -> None:
    """Write the blocks; `kept`: inside a group kept together (Closing styles); `list_id`: inside a list
    (`kept_list`: one kept together)."""
    items = number_paragraphs(blocks, where) if numbered else [(block_kind(b, where), b, "") for b in blocks]
    for kind, block, _number in items:
        value = block[kind]
        if kind in TEXT_KEYS:
            closing = kept or (kind != "bold" and keeps_with_next(kind, value))
            style = KEPT_STYLES[kind] if closing else KIND_STYLES[kind]
            if not kept and (is_prayer(kind, value) or (kind == "item" and kept_list)):
                style = PRAYER_STYLE if kind == "p" else KEPT_LIST_STYLE
            paragraph = word.paragraph(str(value), style)
            if kind == "item" and list_id is not None:
                _list_member(paragraph, list_id)
        elif kind == "if":
            word.tag(f"if {value}")
            docx_blocks(word, block.get("then", []), where, kept=kept, list_id=list_id, kept_list=kept_list)
            if "else" in block:
                word.tag("else")
                docx_blocks(word, block["else"], where, kept=kept, list_id=list_id, kept_list=kept_list)
            word.tag("endif")
        elif kind == "for":
            word.tag(f"for {value}")
            docx_blocks(word, block.get("do", []), where, kept=kept, list_id=list_id, kept_list=kept_list)
            word.tag("endfor")
        elif kind == "list":
            docx_blocks(word, block["items"], where, kept=kept, list_id=word.new_list(value),
                        kept_list=block.get("keep") == "together")
        elif kind == "keep_together":
            docx_blocks(word, value, where, kept=True)
        elif kind == "table":
            docx_table(word, value)
        elif kind == "page_break":
            word.paragraph("", "Page Break").add_run().add_break(WD_BREAK.PAGE)
        elif kind == "include":
            docx_blocks(word, shared_piece(value), where)
        else:
            SHARED_DOCX[kind](word)


def build_docx(source: dict) -> bytes:
    source = prepared(source)
    word = WordTemplate(footer=not source.get("translate"))
    if source.get("caption", True):
        docx_caption(word)
    if source.get("title"):
        word.paragraph(str(source["title"]), KIND_STYLES["title"])
    docx_blocks(word, source["body"], source["kind"], numbered=True)
    return word.save()


# ---------------------------------------------------------------- build

def build_all(target: Path = TEMPLATE_DIR, locale: Path | None = None) -> list[Path]:
    """Write every template into `target`, and the message catalogs into `locale` (the package's own when
    building the shipped templates, `target/locale` otherwise)."""
    if locale is None:
        locale = i18n.LOCALE_DIR if target == TEMPLATE_DIR else target / "locale"
    written = []
    for path in sorted(SOURCE_DIR.glob("_*.yaml")):  # shared pieces: HTML partials
        partial = target / f"{path.stem}.html"
        partial.write_text("\n".join(html_blocks(shared_piece(path.stem[1:]), path.name)) + "\n", encoding="utf-8")
        written.append(partial)
    translated = []
    for path in sorted(SOURCE_DIR.glob("[!_]*.yaml")):
        source = load_source(path)
        if source.get("translate"):
            translated.append(source)
        kind = source["kind"]
        html_path, docx_path = target / f"{kind}.html", target / f"{kind}.docx"
        html_path.write_text(build_html(source), encoding="utf-8")
        docx_path.write_bytes(build_docx(source))
        written += [html_path, docx_path]
    return written + write_catalogs(extract_messages(translated), locale)


def main() -> None:
    try:
        written = build_all()
    except (SourceError, yaml.YAMLError) as exc:
        sys.exit(f"templates_build: {exc}")
    print(f"wrote {len(written)} templates to {TEMPLATE_DIR}")


if __name__ == "__main__":
    main()


# ---------------------------------------------------------------- a clinic's template folder
# `erasure-docs templates build FOLDER` (custom_templates.build_folder): the same builders as above, reading
# FOLDER/source/ instead of the shipped sources, with FOLDER's letterhead (branding.yaml) in both formats and
# FOLDER's reference.docx styling every Word file. Nothing here changes what the shipped templates are.

LETTERHEAD_CONDITION = "not signer.self_represented"  # a clinic's letterhead never heads a self-represented paper


def expand_includes(blocks: list[dict], folder: Path, where: str) -> list[dict]:
    """The blocks with each `include` replaced by the shared piece's blocks from `folder` (the Word builder
    writes shared pieces in; the HTML keeps its `{% include %}` of the partial built from the same piece)."""
    out: list[dict] = []
    for block in blocks:
        if block_kind(block, where) == "include":
            out += shared_piece(str(block["include"]), folder)
            continue
        changed = dict(block)
        for nested in NESTED_KEYS:
            if isinstance(block.get(nested), list):
                changed[nested] = expand_includes(block[nested], folder, where)
        out.append(changed)
    return out


def letterhead_html(branding: Branding, logo: Path | None) -> list[str]:
    lines = [f"{{% if {LETTERHEAD_CONDITION} %}}", '<div class="letterhead">']
    if logo is not None:
        lines.append(f'<img class="logo" src="{html.escape(logo.name)}" alt="{html.escape(branding.firm)}" '
                     f'style="height: {branding.logo_height}in">')
    if branding.firm:
        lines.append(f'<p class="letterhead-firm">{html.escape(branding.firm, quote=False)}</p>')
    lines += [f'<p class="letterhead-line">{html.escape(line, quote=False)}</p>' for line in branding.address_lines]
    return lines + ["</div>", "{% endif %}"]


def _letterhead_styles(document: Any) -> None:
    """The paragraph styles "Letterhead" and "Letterhead Firm" (a reference.docx may restyle them)."""
    from docx.enum.style import WD_STYLE_TYPE

    names = {style.name for style in document.styles}
    if "Letterhead" not in names:
        style = document.styles.add_style("Letterhead", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style.font.size = Pt(11)
    if "Letterhead Firm" not in names:
        style = document.styles.add_style("Letterhead Firm", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Letterhead"]
        style.font.size, style.font.bold = Pt(14), True


def add_letterhead(document: Any, branding: Branding, logo: Path | None) -> None:
    """The letterhead as the first paragraphs of the body (the first page only, as on paper)."""
    _letterhead_styles(document)
    first = document.element.body[0]
    made = [document.add_paragraph(f"{{%p if {LETTERHEAD_CONDITION} %}}")]
    if logo is not None:
        made.append(document.add_paragraph(style="Letterhead"))
        made[-1].add_run().add_picture(str(logo), height=Inches(branding.logo_height))
    if branding.firm:
        made.append(document.add_paragraph(branding.firm, style="Letterhead Firm"))
    made += [document.add_paragraph(line, style="Letterhead") for line in branding.address_lines]
    made[-1].paragraph_format.space_after = Pt(18)
    made.append(document.add_paragraph("{%p endif %}"))
    for paragraph in made:
        first.addprevious(paragraph._p)


REL_ATTRIBUTES = (qn("r:id"), qn("r:embed"), qn("r:link"), qn("r:pict"))


def _copy_story(source: Any, target: Any, where: str) -> None:
    """A header or footer's content copied from the reference into ours, its pictures carried along."""
    for child in list(target._element):
        target._element.remove(child)
    for child in source._element:
        copied = deepcopy(child)
        for element in copied.iter():
            for attribute in REL_ATTRIBUTES:
                rid = element.get(attribute)
                if rid is None:
                    continue
                related = source.part.rels[rid]
                if attribute != qn("r:embed") or related.is_external or "image" not in related.reltype:
                    raise SourceError(f"reference.docx: its {where} holds a link or an object; only text, "
                                      "page numbers and pictures are taken from it")
                new_rid, _image = target.part.get_or_add_image(io.BytesIO(related.target_part.blob))
                element.set(attribute, new_rid)
        target._element.append(copied)


def _simple_fields(story: Any, where: str) -> None:
    """Word writes a page number as a complex field (begin, code, separate, result, end runs); the renderer
    accepts simple fields only, so each becomes a `w:fldSimple` holding its result. Any field but PAGE and
    NUMPAGES is refused here, at the build, rather than in every render."""
    def kind_of(node: Any) -> str:
        mark = node.find(qn("w:fldChar")) if node.tag == qn("w:r") else None
        return mark.get(qn("w:fldCharType"), "") if mark is not None else ""

    for paragraph in story.iter(qn("w:p")):
        while (begin := next((r for r in paragraph.iter(qn("w:r")) if kind_of(r) == "begin"), None)) is not None:
            members, code, result, node, state = [begin], "", [], begin.getnext(), "code"
            while node is not None and kind_of(node) != "end":
                members.append(node)
                if kind_of(node) == "separate":
                    state = "result"
                elif state == "code":
                    code += "".join(t.text or "" for t in node.iter(qn("w:instrText")))
                else:
                    result.append(node)
                node = node.getnext()
            if node is None:
                raise SourceError(f"reference.docx: a field in its {where} has no end")
            simple = OxmlElement("w:fldSimple")
            simple.set(qn("w:instr"), code.strip())
            for run in result:
                simple.append(deepcopy(run))
            begin.addprevious(simple)
            for member in [*members, node]:
                member.getparent().remove(member)
    for field in story.iter(qn("w:fldSimple")):
        word = (field.get(qn("w:instr")) or "").strip().split(" ")[0].upper()
        if word not in ALLOWED_FIELDS:  # the only fields a rendered Word file may hold
            raise SourceError(f"reference.docx: its {where} holds a Word field '{word[:20]}'; only PAGE and "
                              "NUMPAGES (page numbers) may stand there")


BEFORE_NUMBERING = {qn(f"w:{tag}") for tag in ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr",
                                                "widowControl")}
AFTER_PPR = {qn(f"w:{tag}") for tag in ("rPr", "tblPr", "trPr", "tcPr", "tblStylePr")}


def _with_our_numbering(style: Any, ours: Any) -> Any:
    """A reference style without its list numbering (the reference's numbering definitions are not copied),
    keeping the numbering our style of the same name has, so that numbered paragraphs stay numbered."""
    for numbering in style.iter(qn("w:numPr")):
        numbering.getparent().remove(numbering)
    own = ours.find(f"{qn('w:pPr')}/{qn('w:numPr')}") if ours is not None else None
    if own is None:
        return style
    properties = style.find(qn("w:pPr"))
    if properties is None:
        properties = OxmlElement("w:pPr")
        following = next((child for child in style if child.tag in AFTER_PPR), None)
        if following is not None:
            following.addprevious(properties)
        else:
            style.append(properties)
    leading = [child for child in properties if child.tag in BEFORE_NUMBERING]
    if leading:
        leading[-1].addnext(deepcopy(own))
    else:
        properties.insert(0, deepcopy(own))
    return style


def load_reference(reference: Path) -> Any:
    """A clinic's reference .docx, read once for all its Word templates (apply_reference only reads it)."""
    try:
        return Document(str(reference))
    except Exception:  # noqa: BLE001 - python-docx raises several kinds for a file that is not a Word file
        raise SourceError("reference.docx: not a Word (.docx) file") from None


def apply_reference(document: Any, model: Any) -> None:
    """Word-only styling from a clinic's reference .docx (load_reference): its styles (replacing ours of the
    same name, added where we have none), its page size and margins, and its header and footer when it has
    them."""
    ours = document.styles.element
    for style in model.styles.element.findall(qn("w:style")):
        existing = ours.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style.get(qn('w:styleId'))}']")
        copied = _with_our_numbering(deepcopy(style), existing)
        if existing is not None:
            ours.replace(existing, copied)
        else:
            ours.append(copied)
    defaults, model_defaults = ours.find(qn("w:docDefaults")), model.styles.element.find(qn("w:docDefaults"))
    if defaults is not None and model_defaults is not None:
        ours.replace(defaults, deepcopy(model_defaults))
    source, target = model.sections[0], document.sections[0]
    for tag in ("w:pgSz", "w:pgMar"):
        found, mine = source._sectPr.find(qn(tag)), target._sectPr.find(qn(tag))
        if found is not None and mine is not None:
            target._sectPr.replace(mine, deepcopy(found))
    for where in ("header", "footer"):
        story = getattr(source, where)
        if story.is_linked_to_previous:  # the reference has none: ours stays
            continue
        if "".join(p.text for p in story.paragraphs).strip() or story._element.find(".//" + qn("w:drawing")) is not None:
            mine = getattr(target, where)
            mine.is_linked_to_previous = False
            _copy_story(story, mine, where)
            _simple_fields(mine._element, where)


def clinic_templates(source_dir: Path, branding: Branding | None = None, logo: Path | None = None,
                     reference: Path | None = None) -> dict[str, bytes]:
    """Every template a clinic's sources build: file name → content (nothing is written here)."""
    branding = branding or Branding()
    model = load_reference(reference) if reference is not None else None
    built: dict[str, bytes] = {}
    for path in sorted(source_dir.glob("_*.yaml")):
        text = "\n".join(html_blocks(shared_piece(path.stem[1:], source_dir), path.name)) + "\n"
        built[f"{path.stem}.html"] = text.encode("utf-8")
    for path in sorted(source_dir.glob("[!_]*.yaml")):
        try:
            source = load_source(path)
        except yaml.YAMLError:
            raise SourceError(f"{path.name}: not readable YAML") from None
        kind = source["kind"]
        if kind != path.stem:
            raise SourceError(f"{path.name}: its kind is {kind!r}; a source is named after its kind")
        lettered = bool(source.get("letterhead")) and not branding.empty
        if source.get("letterhead") and source.get("caption", True):
            raise SourceError(f"{path.name}: a paper with a court caption carries no letterhead")
        page = build_html(source)
        if lettered:
            head, body_tag, rest = page.partition("\n<body")
            tag_end = rest.index("\n")
            page = head + body_tag + rest[:tag_end] + "\n" + "\n".join(letterhead_html(branding, logo)) + rest[tag_end:]
        built[f"{kind}.html"] = page.encode("utf-8")
        word = build_docx({**source, "body": expand_includes(source["body"], source_dir, path.name)})
        if lettered or model is not None:
            document = Document(io.BytesIO(word))
            if lettered:
                add_letterhead(document, branding, logo)
            if model is not None:
                apply_reference(document, model)
            buffer = io.BytesIO()
            document.save(buffer)
            word = normalise_zip(buffer.getvalue())
        built[f"{kind}.docx"] = word
    return built
