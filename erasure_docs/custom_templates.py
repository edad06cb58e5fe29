"""Clinics' own templates: export the built-in ones for editing, and check edited ones before use.

`--templates DIR` on `generate` and `batch` renders with DIR's `<document>.docx` / `<document>.html` /
`packet.css` wherever DIR has one, and the built-in template wherever it has not. Every template renders in
the sandboxed, autoescaping, strict environment of render/jinja.py, and the PDF renderer reads files only
from DIR, the built-in templates and the fonts.
"""

from __future__ import annotations

import io
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import jinja2

from erasure_docs.errors import ErasureDocsError, safe_message
from erasure_docs.paths import TEMPLATE_DIR
from erasure_docs.render import folder, wordscrub
from erasure_docs.render.jinja import environment
from erasure_docs.render.sandbox import Sandbox, TemplateLimitError
from erasure_docs.context import ENVELOPES
from erasure_docs.rules.documents import TITLES

EXPORTED = ("*.docx", "*.html", "*.css")


class ExportRefused(ErasureDocsError, FileExistsError):
    """The export folder already holds a template: nothing a person edited is overwritten."""


def export_templates(destination: Path) -> list[Path]:
    """Copy the built-in templates into `destination`; never overwrite a file that is there, and never write
    through a symbolic link (even a dangling one, which `exists()` does not see)."""
    sources = sorted(p for pattern in EXPORTED for p in TEMPLATE_DIR.glob(pattern))
    existing = [destination / p.name for p in sources if os.path.lexists(destination / p.name)]
    if existing:
        raise ExportRefused(f"{destination} already holds {existing[0].name}; export into an empty folder")
    destination.mkdir(parents=True, exist_ok=True)
    copied = []
    for source in sources:
        with open(destination / source.name, "xb") as target:  # O_EXCL: a link planted meanwhile is refused
            target.write(source.read_bytes())
        copied.append(destination / source.name)
    return copied


# ---------------------------------------------------------------- checking

@dataclass(frozen=True)
class TemplateProblem:
    template: str
    where: str  # "line 12" (HTML) or "paragraph 7" (Word)
    message: str

    def __str__(self) -> str:
        return f"{self.template} {self.where}: {self.message}"


class _Recording(jinja2.Undefined):
    """Records every undefined name it stands for instead of stopping at the first."""

    seen: list[tuple[str, int | None]] = []

    def __init__(self, hint: Any = None, obj: Any = jinja2.utils.missing, name: str | None = None,
                 exc: type[jinja2.exceptions.TemplateRuntimeError] = jinja2.exceptions.UndefinedError) -> None:
        super().__init__(hint, obj, name, exc)
        _Recording.seen.append((self._undefined_message, _template_line()))


def _template_line() -> int | None:
    """The template line being rendered, from the compiled template's frame on the stack."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


def _unknown_name(message: str) -> str:
    match = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", message)
    return next((g for g in match.groups() if g), message) if match else message


def _docx_paragraphs(path: Path) -> list[str]:
    from docx import Document

    document = Document(io.BytesIO(folder.read_bytes(path.parent, path.name)))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return texts


def check_template(path: Path, contexts: list[dict[str, Any]], kinds: tuple[str, ...] = ()) -> list[TemplateProblem]:
    """Render one template against every context of its kinds (by default the one its name says); report each
    unknown variable once, where it stands."""
    kinds = kinds or (path.stem,)
    problems: dict[tuple[str, str], TemplateProblem] = {}
    env = environment([path.parent, TEMPLATE_DIR], undefined=_Recording)
    try:
        if path.suffix == ".html":
            template = env.get_template(path.name)
        else:
            from docxtpl import DocxTemplate

            word = folder.read_bytes(path.parent, path.name)
            refused = wordscrub.findings(word)
            if refused:
                return [TemplateProblem(path.name, f.part, f.reason) for f in refused]
    except jinja2.TemplateSyntaxError as exc:
        return [TemplateProblem(path.name, f"line {exc.lineno}", f"template syntax error: {exc.message}")]
    except ErasureDocsError as exc:
        return [TemplateProblem(path.name, "(file)", str(exc))]
    for context in contexts:
        if context["doc"]["kind"] not in kinds:
            continue
        _Recording.seen = []
        try:
            if path.suffix == ".html":
                template.render(context)
            else:
                DocxTemplate(io.BytesIO(word)).render(context, jinja_env=env, autoescape=True)
        except jinja2.TemplateSyntaxError as exc:
            key = ("syntax", str(exc.lineno))
            problems[key] = TemplateProblem(path.name, f"line {exc.lineno}", f"template syntax error: {exc.message}")
            continue
        except Exception as exc:  # noqa: BLE001 - a template that raises is reported, not fatal
            problems[("error", type(exc).__name__)] = TemplateProblem(path.name, "(render)",
                                                                      f"rendering failed: {safe_message(exc)}")
            continue
        for message, line in _Recording.seen:
            name = _unknown_name(message)
            for where in _locations(path, name, line):
                problems.setdefault((name, where), TemplateProblem(
                    path.name, where, f"unknown variable '{name}' ({message}); check the spelling against "
                                      "templates/source/README.md"))
    return list(problems.values())


def _locations(path: Path, name: str, line: int | None) -> list[str]:
    if path.suffix == ".html":
        return [f"line {line}" if line else "(unknown line)"]
    found = [f"paragraph {i + 1}" for i, text in enumerate(_docx_paragraphs(path)) if name in text]
    return found or ["(unknown paragraph)"]


def sample_contexts() -> list[dict[str, Any]]:
    """Every document context of every sample case: what a template must be able to render."""
    from erasure_docs.context import ContextBuilder, build_context
    from erasure_docs.loading import load_inputs
    from erasure_docs.paths import PACKAGE_DIR
    from erasure_docs.rules.engine import evaluate

    samples = PACKAGE_DIR / "sample_cases"  # installed
    if not samples.is_dir():
        samples = PACKAGE_DIR.parent / "sample_cases"  # a checkout
    contexts = []
    for loaded in load_inputs(sorted(samples.glob("*.yaml"))):
        if loaded.case is None:
            continue
        report = evaluate(loaded.case)
        builder = ContextBuilder(loaded.case, report)
        refs = list(report.planned)
        contexts += [build_context(builder, ref, refs) for ref in refs]
    return contexts


def check_templates(root: Path) -> list[TemplateProblem]:
    contexts = sample_contexts()
    links = folder.symbolic_links(root)
    problems = [TemplateProblem(link, "(file)", "is a symbolic link; a template folder must hold its own files "
                                                "(copy the file in instead of linking it)") for link in links]
    sandbox = Sandbox()  # the templates render under the same time and memory limits as in `generate`
    try:
        for path in sorted(root.iterdir()):
            if path.name in links:
                continue
            if path.suffix in (".html", ".docx") and path.stem in TITLES:
                problems += bounded_check(sandbox, path, contexts)
            elif path.suffix == ".html" and path.stem in ENVELOPES:
                problems += bounded_check(sandbox, path, contexts, ENVELOPES[path.stem])
            elif path.suffix in (".html", ".docx") and not path.stem.startswith("_") and path.stem != "summary":
                problems.append(TemplateProblem(path.name, "(file)", "not a document of the packet; known "
                                                                      f"documents: {', '.join(TITLES)}"))
    finally:
        sandbox.stop()
    return problems


def bounded_check(sandbox: Sandbox, path: Path, contexts: list[dict[str, Any]],
                  kinds: tuple[str, ...] = ()) -> list[TemplateProblem]:
    """check_template in the sandbox worker, with the time of as many documents as it renders."""
    mine = [c for c in contexts if c["doc"]["kind"] in (kinds or (path.stem,))]
    try:
        problems: list[TemplateProblem] = sandbox.call(check_template, (path, mine, kinds),
                                                       sandbox.limits.seconds_per_document * (len(mine) + 1))
    except TemplateLimitError as exc:
        return [TemplateProblem(path.name, "(render)", str(exc))]
    return problems
