"""Clinics' own templates: export the built-in ones with their sources, build a clinic's sources into both
formats, and check a template folder before use.

A clinic's folder (`templates export FOLDER`):

    source/<document>.yaml   the wording of each document, one source for both formats (format: source/README.md,
                             which also lists every variable a template can use)
    branding.yaml            the letterhead printed at the top of the letters (erasure_docs/branding.py)
    reference.docx           optional: a Word file whose styles, page set-up, header and footer every Word file takes
    <document>.docx / .html  built from the sources by `templates build FOLDER` (built.json records what it wrote)
    _*.html, packet.css      the HTML partials and the stylesheet (the PDF only)

`--templates DIR` on `generate` and `batch` renders with DIR's `<document>.docx` / `<document>.html` /
`packet.css` wherever DIR has one, and the built-in template wherever it has not. Every template renders in
the sandboxed, autoescaping, strict environment of render/jinja.py, and the PDF renderer reads files only
from DIR, the built-in templates and the fonts.
"""

from __future__ import annotations

import difflib
import html
import io
import json
import os
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import FrameType
from typing import Any, Callable

import jinja2

from erasure_docs import branding as branding_file
from erasure_docs.context import ENVELOPES
from erasure_docs.errors import ErasureDocsError
from erasure_docs.files import atomic_write, sha256
from erasure_docs.paths import SOURCE_DIR, TEMPLATE_DIR, template_path
from erasure_docs.render import folder as safe_files
from erasure_docs.render import wordscrub
from erasure_docs.render.jinja import environment
from erasure_docs.render.sandbox import Sandbox, TemplateLimitError
from erasure_docs.rules.documents import TITLES
from erasure_docs.templates_build import SourceError, clinic_templates

EXPORTED = ("*.docx", "*.html", "*.css")
SOURCE = "source"
RECORD = "built.json"
REFERENCE = "reference.docx"
TEMPLATE_MODE = 0o644  # templates hold no personal data; a clinic shares them


class ExportRefused(ErasureDocsError, FileExistsError):
    """The export folder already holds a template: nothing a person edited is overwritten."""


class BuildRefused(ErasureDocsError):
    """A built template was edited by hand since the last build: it is not replaced without --force."""


def export_templates(destination: Path) -> list[Path]:
    """Copy the built-in templates, their sources (with the variable list) and an empty branding.yaml into
    `destination`; never overwrite a file that is there."""
    files = {p.name: p.read_bytes() for pattern in EXPORTED for p in TEMPLATE_DIR.glob(pattern)}
    files |= {f"{SOURCE}/{p.name}": p.read_bytes() for p in sorted(SOURCE_DIR.glob("*")) if p.suffix in (".yaml", ".md")}
    files[branding_file.FILE_NAME] = branding_file.EXAMPLE.encode("utf-8")
    existing = sorted(name for name in [*files, RECORD] if os.path.lexists(destination / name))  # links too
    if existing:
        raise ExportRefused(f"{destination} already holds {existing[0]}; export into an empty folder")
    written = [atomic_write(destination / name, data, TEMPLATE_MODE) for name, data in sorted(files.items())]
    built = [f"{p.stem}.html" for p in SOURCE_DIR.glob("*.yaml")]
    built += [f"{p.stem}.docx" for p in SOURCE_DIR.glob("[!_]*.yaml")]
    _write_record(destination, {name: sha256(files[name]) for name in built if name in files})
    return written


# ---------------------------------------------------------------- building a clinic's sources

def _read_record(folder: Path, part: str = "built") -> dict[str, str]:
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    hashes = record.get(part) if isinstance(record, dict) else None
    return {str(k): str(v) for k, v in hashes.items()} if isinstance(hashes, dict) else {}


def _inputs(folder: Path) -> dict[str, str]:
    """The hash of everything a build reads: the sources, branding.yaml, its logo and reference.docx."""
    paths = sorted((folder / SOURCE).glob("*.yaml")) + [folder / branding_file.FILE_NAME, folder / REFERENCE]
    paths += [p for p in folder.iterdir() if p.suffix.lower() in branding_file.LOGO_SUFFIXES]
    return {p.relative_to(folder).as_posix(): sha256(p.read_bytes()) for p in paths if p.is_file()}


def _write_record(folder: Path, hashes: dict[str, str]) -> None:
    record = {"about": "what `erasure-docs templates build` last read and wrote here (SHA-256 of each file)",
              "built": dict(sorted(hashes.items())), "inputs": _inputs(folder)}
    atomic_write(folder / RECORD, (json.dumps(record, indent=2) + "\n").encode("utf-8"), TEMPLATE_MODE)


def stale(folder: Path) -> list[str]:
    """Why a built folder's templates may not be what its sources say (cheap: hashes only, no build): a
    built file changed by hand, or a source, the letterhead or reference.docx changed since the build."""
    if not (folder / RECORD).is_file():
        return []
    edited = [name for name, digest in _read_record(folder).items()
              if (folder / name).is_file() and sha256((folder / name).read_bytes()) != digest]
    recorded, now = _read_record(folder, "inputs"), _inputs(folder)
    changed = sorted(name for name in recorded.keys() | now.keys() if recorded.get(name) != now.get(name))
    reasons = [f"{name} was changed after it was built, so its Word and PDF versions may differ" for name in edited]
    return reasons + [f"{name} changed since the last `erasure-docs templates build`" for name in changed]


def folder_build(folder: Path) -> dict[str, bytes]:
    """What the folder's sources, letterhead and reference.docx build (nothing written)."""
    source = folder / SOURCE
    if not source.is_dir():
        raise SourceError(f"{folder} has no {SOURCE}/ folder; `erasure-docs templates export` makes one")
    links = safe_files.symbolic_links(folder)
    if links:
        raise SourceError(f"{folder.name}/{links[0]} {safe_files.LINK_REFUSED}")
    letterhead, logo = branding_file.load(folder)
    reference = folder / REFERENCE
    return clinic_templates(source, letterhead, logo, reference if reference.is_file() else None)


def build_folder(folder: Path, force: bool = False) -> list[Path]:
    """Build FOLDER/source/*.yaml into FOLDER's Word and HTML templates. A built file changed by hand since the
    last build is not replaced unless `force` (the change belongs in the source, or in reference.docx)."""
    built = folder_build(folder)
    record = _read_record(folder)
    edited = sorted(name for name, data in built.items() if (folder / name).exists()
                    and sha256((folder / name).read_bytes()) not in (record.get(name), sha256(data)))
    if edited and not force:
        more = f" (and {len(edited) - 1} more)" if len(edited) > 1 else ""
        raise BuildRefused(f"{folder / edited[0]}{more} was changed after it was built; put the change in "
                           f"{SOURCE}/{Path(edited[0]).stem}.yaml (or reference.docx for Word styling) and build "
                           "again, or pass --force to replace it")
    written = [atomic_write(folder / name, data, TEMPLATE_MODE) for name, data in built.items()]
    _write_record(folder, {name: sha256(data) for name, data in built.items()})
    return written


# ---------------------------------------------------------------- checking

@dataclass(frozen=True)
class TemplateProblem:
    template: str
    where: str  # 'line 12' (HTML), 'paragraph "Re: {{ petitioner.nmae }}"' (Word), '(file)'
    message: str

    def __str__(self) -> str:
        return f"{self.template} {self.where}: {self.message}"


def _quote(text: str, around: str = "", limit: int = 70) -> str:
    """A paragraph's text as a person finds it, shortened to `limit` characters and showing `around`."""
    text = " ".join(text.split())
    start = max(0, text.find(around) - 25) if around and text.find(around) + len(around) > limit - 1 else 0
    shown = ("…" if start else "") + text[start:start + limit - (1 if start else 0)]
    return '"' + (shown if start + limit >= len(text) else shown[:-1] + "…") + '"'


class _Recording(jinja2.Undefined):
    """Records every undefined name it stands for, with the object it was looked up on, instead of stopping
    at the first."""

    seen: list[tuple[str, Any, tuple[str, int] | None]] = []

    def __init__(self, hint: Any = None, obj: Any = jinja2.utils.missing, name: str | None = None,
                 exc: type[jinja2.exceptions.TemplateRuntimeError] = jinja2.exceptions.UndefinedError) -> None:
        super().__init__(hint, obj, name, exc)
        _Recording.seen.append((name or "", obj, _template_line()))


def _template_line() -> tuple[str, int] | None:
    """The template (a partial, when the name stands in one) and line being rendered, from the compiled
    template's frame on the stack."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return template.name or "", template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


# Case-file names a template cannot use as they are, and what it uses instead (addresses print only through
# the lines the context builder makes: an Address Confidentiality Program address under the program's wording).
CASE_FILE_NAMES = {"address": "address_lines", "records": "docket", "charges": "docket.charges",
                   "docket_number": "docket.number", "statute": "charge.citation",
                   "trafficking": "predicate_text / trafficking_period", "narrative": "narrative_paragraphs",
                   "period": "trafficking_period", "prosecutor_office": "prosecutor.office",
                   "prosecutor_address": "prosecutor.address_lines", "victims": "docket.victims"}


def _path_of(target: Any, value: Any, prefix: str = "") -> str | None:
    """The dotted name of the dict `target` inside the context (`docket.charges[]` for one in a list)."""
    if value is target:
        return prefix
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = (("[]", item) for item in value)  # type: ignore[assignment]
    else:
        return None
    for key, item in items:
        if isinstance(item, (dict, list, tuple)):
            found = _path_of(target, item, f"{prefix}{key}" if key == "[]" else f"{prefix}.{key}" if prefix else str(key))
            if found is not None:
                return found
    return None


def _unknown(name: str, obj: Any, context: dict[str, Any]) -> str:
    """'unknown variable 'petitioner.nmae'; did you mean 'petitioner.name'?'"""
    parent = _path_of(obj, context) if isinstance(obj, dict) else None
    full = f"{parent}.{name}" if parent else name
    keys = list(obj) if isinstance(obj, dict) else list(context) if obj is jinja2.utils.missing else []
    close = difflib.get_close_matches(name, [str(k) for k in keys], n=1, cutoff=0.6)
    if close:
        hint = f"; did you mean '{parent + '.' if parent else ''}{close[0]}'?"
    elif name in CASE_FILE_NAMES:
        hint = f"; a template uses '{CASE_FILE_NAMES[name]}' for the case file's '{name}'"
    else:
        hint = ""
    return f"unknown variable '{full}'{hint} (every variable is listed in {SOURCE}/README.md)"


def _docx_template_paragraphs(path: Path) -> list[str]:
    from docx import Document

    document = Document(io.BytesIO(safe_files.read_bytes(path.parent, path.name)))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return texts


def _docx_syntax_paragraph(path: Path) -> str:
    """The first Word paragraph whose tags are broken (an unclosed `{{`, a value that is not an expression);
    a missing `{%p endif %}` belongs to no one paragraph."""
    env = environment()
    for text in _docx_template_paragraphs(path):
        broken = text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}")
        for expression in re.findall(r"{{(.*?)}}", text):
            try:
                env.compile_expression(expression)
            except jinja2.TemplateSyntaxError:
                broken = True
        if broken:
            return f"paragraph {_quote(text, '{')}"
    return "(the tags that open and close a block)"


def _locations(path: Path, name: str, line: tuple[str, int] | None) -> list[tuple[str, str]]:
    """Where a person finds the name: (file, "line N") in the HTML template or the partial it stands in, or
    (file, 'paragraph "…"') by the Word paragraph's own text."""
    if path.suffix == ".html":
        return [(line[0] or path.name, f"line {line[1]}") if line else (path.name, "(unknown line)")]
    found = [f"paragraph {_quote(text, name)}" for text in _docx_template_paragraphs(path) if name in text]
    return [(path.name, where) for where in dict.fromkeys(found)] or [(path.name, "(somewhere in the document)")]


def _render_recording(render: Callable[[dict[str, Any]], Any], path: Path, context: dict[str, Any],
                      problems: dict[tuple[str, str], TemplateProblem]) -> Any:
    """Run one render; record its unknown variables and failures in `problems`. None when it failed or used
    an unknown name (its text would then not be what generate prints)."""
    _Recording.seen = []
    try:
        result = render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = f"line {exc.lineno}" if path.suffix == ".html" else _docx_syntax_paragraph(path)
        problems[("syntax", exc.name or path.name)] = TemplateProblem(exc.name or path.name, where,
                                                                      f"template syntax error: {exc.message}")
        return None
    except Exception as exc:  # noqa: BLE001 - a template that raises is reported, not fatal
        result = None
        if not (isinstance(exc, jinja2.UndefinedError) and _Recording.seen):  # else: the unknown name says why
            problems[("error", path.name)] = TemplateProblem(path.name, "(render)",
                                                             f"rendering failed: {type(exc).__name__}")
    for name, obj, line in _Recording.seen:
        for file, where in _locations(path, name, line):
            problems.setdefault((name, file + where), TemplateProblem(file, where, _unknown(name, obj, context)))
    return None if _Recording.seen else result


def check_template(path: Path, contexts: list[dict[str, Any]], kinds: tuple[str, ...] = ()) -> list[TemplateProblem]:
    """Render one HTML page template against every context of its kinds; report each unknown variable once."""
    env = environment([path.parent, TEMPLATE_DIR], undefined=_Recording)
    problems: dict[tuple[str, str], TemplateProblem] = {}
    try:
        template = env.get_template(path.name)
    except jinja2.TemplateSyntaxError as exc:
        return [TemplateProblem(exc.name or path.name, f"line {exc.lineno}", f"template syntax error: {exc.message}")]
    except ErasureDocsError as exc:  # a link, or not UTF-8
        return [TemplateProblem(path.name, "(file)", str(exc))]
    for context in contexts:
        if context["doc"]["kind"] in kinds:
            _render_recording(template.render, path, context, problems)
    return list(problems.values())


def check_document(folder: Path, kind: str, contexts: list[dict[str, Any]]) -> list[TemplateProblem]:
    """Render both formats of one document (the folder's template, or the built-in one where it has none)
    against every context: each unknown variable once, where it stands, and the first paragraph where the
    Word and the PDF text differ."""
    from docxtpl import DocxTemplate

    env = environment([folder, TEMPLATE_DIR], undefined=_Recording)
    html_path, docx_path = template_path(kind, "html", folder), template_path(kind, "docx", folder)
    problems: dict[tuple[str, str], TemplateProblem] = {}
    try:
        page = env.get_template(f"{kind}.html")
        word = safe_files.template_bytes(f"{kind}.docx", folder)
    except jinja2.TemplateSyntaxError as exc:
        return [TemplateProblem(exc.name or html_path.name, f"line {exc.lineno}", f"template syntax error: {exc.message}")]
    except ErasureDocsError as exc:  # a link, or not UTF-8
        return [TemplateProblem(html_path.name, "(file)", str(exc))]
    if docx_path.parent == folder:
        refused = wordscrub.findings(word)
        if refused:  # never rendered: remote or active content
            return [TemplateProblem(docx_path.name, f.part, f.reason) for f in refused]
    broken = _docx_syntax_paragraph(docx_path) if docx_path.parent == folder else ""
    if broken.startswith("paragraph"):  # docxtpl may swallow the text up to the next "}}" without a word
        problems[("syntax", docx_path.name)] = TemplateProblem(docx_path.name, broken, "template syntax error: "
                                                               "a {{ … }} or {% … %} is not closed or not a value")

    def render_word(context: dict[str, Any]) -> list[str]:
        template = DocxTemplate(io.BytesIO(word))
        template.render(context, jinja_env=env, autoescape=True)
        return body_paragraphs(template.docx.element.body)

    differs = False
    for context in contexts:
        pdf_text = _render_recording(page.render, html_path, context, problems)
        word_text = _render_recording(render_word, docx_path, context, problems)
        if differs or pdf_text is None or word_text is None:
            continue
        found = first_difference(word_text, html_paragraphs(pdf_text))
        if found is not None:
            differs = True
            where = html_line(folder, kind, found[1])
            problems[("differ", kind)] = TemplateProblem(
                docx_path.name, f"paragraph {_quote(found[0], found[2])}",
                f"the Word and PDF texts of {kind} differ (sample case {context['case_id']}): the PDF has "
                f"{_quote(found[1], found[3])} ({where}); {_remedy(folder, kind, where)}")
    return list(problems.values())


def sample_contexts(cases: list[Path] | None = None) -> list[dict[str, Any]]:
    """Every document context of every sample case (or of `cases`): what a template must be able to render."""
    from erasure_docs.context import ContextBuilder, build_context
    from erasure_docs.loading import load_inputs
    from erasure_docs.rules.engine import evaluate

    contexts = []
    for loaded in load_inputs(cases if cases is not None else sample_cases()):
        if loaded.case is None:
            continue
        report = evaluate(loaded.case)
        builder = ContextBuilder(loaded.case, report)
        refs = list(report.planned)
        contexts += [build_context(builder, ref, refs) for ref in refs]
    return contexts


def sample_cases() -> list[Path]:
    from erasure_docs.paths import PACKAGE_DIR

    samples = PACKAGE_DIR / "sample_cases"  # installed
    if not samples.is_dir():
        samples = PACKAGE_DIR.parent / "sample_cases"  # a checkout
    return sorted(samples.glob("*.yaml"))




def check_templates(folder: Path, cases: list[Path] | None = None) -> list[TemplateProblem]:
    """Every problem of the folder's templates: symbolic links, built files that are not what the sources build,
    unknown variables, Word templates with remote or active content, and documents whose Word and PDF texts
    differ for any sample case (or any of `cases`). The templates render in the sandbox worker, under the same
    time and memory limits as in `generate` (render/sandbox.py)."""
    contexts = sample_contexts(cases)
    links = safe_files.symbolic_links(folder)
    problems = [TemplateProblem(link, "(file)", safe_files.LINK_REFUSED) for link in links]
    problems += build_problems(folder) if not links else []
    sandbox = Sandbox()
    try:
        for path in sorted(folder.iterdir()):
            if path.name in links:
                continue
            if path.suffix == ".html" and path.stem in ENVELOPES:
                mine = [c for c in contexts if c["doc"]["kind"] in ENVELOPES[path.stem]]
                problems += bounded(sandbox, path.name, check_template, (path, mine, ENVELOPES[path.stem]), len(mine))
            elif path.suffix in (".html", ".docx") and path.stem not in TITLES and not path.stem.startswith("_") \
                    and path.stem != "summary" and path.name != REFERENCE:
                problems.append(TemplateProblem(path.name, "(file)", "not a document of the packet; known "
                                                                      f"documents: {', '.join(TITLES)}"))
        for kind in TITLES:
            mine = [c for c in contexts if c["doc"]["kind"] == kind]
            if mine:
                problems += bounded(sandbox, f"{kind}.html", check_document, (folder, kind, mine), 2 * len(mine))
    finally:
        sandbox.stop()
    problems += translation_problems(folder, links)
    return list(dict.fromkeys(problems))  # a partial's problem once, not once per document that includes it


def bounded(sandbox: Sandbox, name: str, check: Callable[..., list[TemplateProblem]], args: tuple[Any, ...],
            renders: int) -> list[TemplateProblem]:
    """A check run in the sandbox worker, with the time of as many documents as it renders."""
    try:
        problems: list[TemplateProblem] = sandbox.call(check, args,
                                                       sandbox.limits.seconds_per_document * (renders + 1))
    except TemplateLimitError as exc:
        return [TemplateProblem(name, "(render)", str(exc))]
    return problems


def build_problems(folder: Path) -> list[TemplateProblem]:
    """A folder with sources: each built template must be what its source builds now."""
    if not (folder / SOURCE).is_dir():
        return []
    try:
        built = folder_build(folder)
    except ErasureDocsError as exc:
        return [TemplateProblem("templates build", "(would fail)", str(exc))]
    problems = []
    for name, data in built.items():
        path = folder / name
        if not path.exists():
            state = "is missing (generate would use the built-in one)"
        elif path.read_bytes() != data:
            state = "is not what its source builds (changed by hand, or the source changed since the build)"
        else:
            continue
        problems.append(TemplateProblem(name, "(file)", f"{state}; run `erasure-docs templates build {folder}`"))
    return problems


# ---------------------------------------------------------------- the two formats say the same

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "li", "div", "tr", "table", "br", "ul", "ol"}
NUMBER = re.compile(r"\d+[.)]")


class _Paragraphs(HTMLParser):
    """The text of an HTML document's body, one entry per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs, self.hidden = [""], 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("head", "style", "script")
        if tag in BLOCKS:
            self.paragraphs.append("")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("head", "style", "script")
        if tag in BLOCKS:
            self.paragraphs.append("")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.paragraphs[-1] += data


def html_paragraphs(text: str) -> list[str]:
    parser = _Paragraphs()
    parser.feed(text)
    parser.close()
    return [" ".join(p.split()) for p in parser.paragraphs if p.strip()]


def body_paragraphs(body: Any) -> list[str]:
    """The paragraphs and table cells of a Word document's body, in document order (no headers or footers)."""
    from docx.oxml.ns import qn

    def walk(element: Any) -> list[str]:
        out: list[str] = []
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                out.append(child.text)
            elif child.tag == qn("w:tbl"):
                for row in child.iterchildren(qn("w:tr")):
                    for cell in row.iterchildren(qn("w:tc")):
                        out += walk(cell)
        return out

    return [" ".join(p.split()) for p in walk(body) if p.strip()]


def _words(paragraphs: list[str]) -> list[tuple[str, int]]:
    """Each word with the index of its paragraph; a paragraph's own number ("3.") is left out, because Word
    may number paragraphs as a list while the HTML prints the number."""
    words = []
    for index, paragraph in enumerate(paragraphs):
        tokens = paragraph.split()
        if tokens and NUMBER.fullmatch(tokens[0]):
            tokens = tokens[1:]
        words += [(token, index) for token in tokens]
    return words


def first_difference(word: list[str], pdf: list[str]) -> tuple[str, str, str, str] | None:
    """The Word paragraph and the PDF paragraph where the words first differ, and the differing words, or
    None when the texts agree (paragraph breaks and spacing may differ; the words may not)."""
    a, b = _words(word), _words(pdf)
    for i in range(max(len(a), len(b))):
        if i >= len(a) or i >= len(b) or a[i][0] != b[i][0]:
            at_a, at_b = a[min(i, len(a) - 1)] if a else ("", -1), b[min(i, len(b) - 1)] if b else ("", -1)
            return (word[at_a[1]] if a else "", pdf[at_b[1]] if b else "", at_a[0], at_b[0])
    return None


LITERAL = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}|<[^>]*>")


def _remedy(folder: Path, kind: str, where: str) -> str:
    """What to do: a text with a source changes there; a partial without one is the PDF's alone."""
    file = where.split(" line ")[0]
    stem = Path(file).stem
    if stem.startswith("_") and not (folder / SOURCE / f"{stem}.yaml").exists():
        return (f"{file} shapes the PDF only (the Word files write that piece themselves): undo the change "
                "there, and change the wording of both formats in the sources")
    return f"edit {SOURCE}/{stem}.yaml and run `erasure-docs templates build` so that both formats follow"


def html_line(folder: Path, kind: str, paragraph: str) -> str:
    """The template file and line that most likely wrote a rendered paragraph: the line sharing the most
    literal text with it, in the document's template or a partial it includes."""
    page = f"{kind}.html"
    files = [page] + re.findall(r'{%-?\s*include\s+"([^"]+\.html)"', safe_files.template_text(page, folder))
    best, where = 0, page
    for name in files:
        for number, line in enumerate(safe_files.template_text(name, folder).splitlines(), 1):
            chunks = [" ".join(html.unescape(c).split()) for c in LITERAL.split(line)]
            score = sum(len(c) for c in chunks if len(c) >= 3 and c in paragraph)
            if score > best:
                best, where = score, f"{name} line {number}"
    return where


def translation_problems(folder: Path, links: list[str] | None = None) -> list[TemplateProblem]:
    """A translated document (the letter to the client) whose sentences the project's catalogs do not
    translate: a letter in that language would print them in English, in the middle of the client's language."""
    from jinja2.ext import babel_extract

    from erasure_docs import i18n

    problems = []
    links = safe_files.symbolic_links(folder) if links is None else links
    for path in sorted(folder.glob("*.html")):
        if path.name in links:
            continue  # reported as a link
        try:
            text = safe_files.read_text(folder, path.name)
        except ErasureDocsError:
            continue  # reported by check_document (not UTF-8, too large)
        if path.stem not in TITLES or "{% trans" not in text:
            continue
        found = [(line, message) for line, _function, message, _comments in babel_extract(
            io.BytesIO(text.encode("utf-8")), ["_", "gettext", "ngettext"], [], {"extensions": "jinja2.ext.i18n"})
            if isinstance(message, str)]
        for language in i18n.languages()[1:]:
            missing = [(line, message) for line, message in found if message not in i18n.messages(language)]
            if missing:
                line, message = missing[0]
                more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
                problems.append(TemplateProblem(path.name, f"line {line}", (
                    f"the sentence {_quote(message)}{more} has no translation into '{language}': a letter in that "
                    "language would print it in English; keep the built-in wording for letters in other languages")))
    return problems
