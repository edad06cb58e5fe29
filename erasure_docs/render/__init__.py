"""Rendering: HTML templates to PDF (pdf.py, WeasyPrint) and Word templates to .docx (docx.py, docxtpl).

`Renderers` holds the costly parts (the parsed stylesheet, the font configuration, the loaded templates, the
worker process a clinic's own templates render in) so that they are made once and reused for every packet. Create one per process, or one per thread (it is
not thread-safe), and pass it to every `build_packet`. Nothing is imported until a renderer is first
asked for: WeasyPrint and docxtpl take about a second to import.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from erasure_docs.render.docx import DocxRenderer
    from erasure_docs.render.pdf import PdfRenderer
    from erasure_docs.render.sandbox import Sandbox


class Renderers:
    """The PDF and Word renderers, one of each per template folder (None: the built-in templates)."""

    def __init__(self, helper: Any = None) -> None:
        self._pdf: dict[Path | None, PdfRenderer] = {}
        self._docx: dict[Path | None, DocxRenderer] = {}
        self._sandboxes: dict[Path, Sandbox] = {}
        # How many pages a cover letter with so many enclosures took last time (a layout saved per packet).
        self.cover_pages: dict[tuple[Path | None, int], int] = {}
        # A process that renders the Word files and shares the PDFs with this one (packet.render_helper), or None.
        self.helper = helper

    def pdf(self, templates: Path | None = None) -> PdfRenderer:
        if templates not in self._pdf:
            from erasure_docs.render.pdf import PdfRenderer

            self._pdf[templates] = PdfRenderer(templates)
        return self._pdf[templates]

    def docx(self, templates: Path | None = None) -> DocxRenderer:
        if templates not in self._docx:
            from erasure_docs.render.docx import DocxRenderer

            self._docx[templates] = DocxRenderer(templates)
        return self._docx[templates]

    def sandbox(self, templates: Path) -> Sandbox:
        """The worker process that renders with a clinic's template folder, under time and memory limits
        (render/sandbox.py); started at its first use, reused while it behaves."""
        if templates not in self._sandboxes:
            from erasure_docs.render.sandbox import Sandbox

            self._sandboxes[templates] = Sandbox()
        return self._sandboxes[templates]
