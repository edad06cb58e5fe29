"""HTML templates → PDF with WeasyPrint.

One `PdfRenderer` per process: it parses the stylesheet and builds the font configuration once, and its
URL fetcher serves only the template folder and the font folder (no network, no other path). Imported
lazily: `validate`, `check` and `--help` never pay for WeasyPrint.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import io
import mimetypes
import os
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse
from urllib.request import url2pathname

import jinja2


def _import_weasyprint() -> None:
    """Import WeasyPrint without ~200 `ldconfig`/`gcc` runs: cffi resolves each bare library name WeasyPrint
    tries through `ctypes.util.find_library`, while the explicit `lib….so.0` names it also tries load directly.
    Where that is not enough (libraries elsewhere), the import is simply done again the ordinary way."""
    import ctypes.util
    import sys

    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    except (OSError, ImportError):
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = original


_import_weasyprint()

import weasyprint  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

from erasure_docs.errors import ErasureDocsError  # noqa: E402
from erasure_docs.paths import TEMPLATE_DIR, font_dir  # noqa: E402
from erasure_docs.render import folder, nobreak  # noqa: E402
from erasure_docs.render.images import check_pixels, is_picture  # noqa: E402
from erasure_docs.render.jinja import environment  # noqa: E402


class RenderError(ErasureDocsError):
    """A template asked for something the renderer refuses (a file outside its folders, the network)."""


@contextlib.contextmanager
def refusals_reported() -> Iterator[None]:
    """The fetcher's refusal is a BaseException (so WeasyPrint cannot swallow it); callers get a RenderError."""
    try:
        yield
    except FatalURLFetchingError as exc:
        raise RenderError(str(exc)) from None


class LocalOnlyFetcher(URLFetcher):
    """Deny by default: only files inside the allowed folders, never the network. The clinic's folder
    (`custom`) is read through render/folder.py: no symbolic link below it is followed. Every picture is
    measured before WeasyPrint decodes it (render/images.py)."""

    def __init__(self, allowed: list[Path], custom: Path | None = None):
        super().__init__(allowed_protocols={"file"}, fail_on_errors=True)
        self.allowed = [folder.resolve() for folder in allowed]
        self.custom = custom.resolve() if custom is not None else None

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("file://"):
            raise FatalURLFetchingError(f"refused to fetch {url[:80]}: only the tool's own files may be read")
        path = Path(os.path.normpath(url2pathname(urlparse(url).path)))
        try:
            data = self.read(path)
            if is_picture(data):
                check_pixels(data, path.name)
        except ErasureDocsError as exc:
            raise FatalURLFetchingError(str(exc)) from None
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": kind})

    def read(self, path: Path) -> bytes:
        if self.custom is not None and path.is_relative_to(self.custom):
            return folder.read_bytes(self.custom, path.relative_to(self.custom).as_posix())
        real = path.resolve()
        if not any(real.is_relative_to(allowed) for allowed in self.allowed):
            raise RenderError(f"refused to read {path.name}: outside the template and font folders")
        return folder.read_bytes(real.parent, real.name, limit=50 * 1024 * 1024)


def harfbuzz_subset_available() -> bool:
    try:
        from weasyprint.text.ffi import harfbuzz_subset  # type: ignore[attr-defined]
    except ImportError:
        return False
    return harfbuzz_subset is not None


class PdfRenderer:
    """`custom`: a clinic's template folder, searched before the built-in templates (see custom_templates)."""

    def __init__(self, custom: Path | None = None):
        custom = custom.resolve() if custom is not None else None
        folders = [custom, TEMPLATE_DIR] if custom else [TEMPLATE_DIR]
        self.template_dir = folders[0]
        fonts = font_dir()
        self.fetcher = LocalOnlyFetcher([TEMPLATE_DIR, fonts], custom)
        self.font_config = FontConfiguration()
        # Release it while the interpreter is whole: at exit its __del__ would print an ignored TypeError.
        atexit.register(self.__dict__.pop, "font_config", None)
        css_folder = custom if custom is not None and folder.has_entry(custom, "packet.css") else TEMPLATE_DIR
        css_text = folder.template_text("packet.css", custom).replace("@FONTDIR@", fonts.as_uri())
        with refusals_reported():
            self.css = weasyprint.CSS(string=css_text, base_url=str(css_folder), url_fetcher=self.fetcher,
                                      font_config=self.font_config)
        self.env = environment(folders)
        self.templates: dict[str, jinja2.Template] = {}

        self.draft_css: dict[str, weasyprint.CSS] = {}

    def html(self, kind: str, context: dict[str, Any]) -> str:
        if kind not in self.templates:
            self.templates[kind] = self.env.get_template(f"{kind}.html")
        return nobreak.html(self.templates[kind].render(context))

    def layout(self, html: str, draft_mark: str = "") -> weasyprint.Document:
        """Lay out one document (rule 10: one document per render). A draft mark goes at the head of every
        page whatever the template says: it is a stylesheet of its own, applied after the template's."""
        document = weasyprint.HTML(string=html, base_url=str(self.template_dir), url_fetcher=self.fetcher)
        stylesheets = [self.css] + ([self.mark_css(draft_mark)] if draft_mark else [])
        with refusals_reported():
            return document.render(stylesheets=stylesheets, font_config=self.font_config)

    def mark_css(self, mark: str) -> weasyprint.CSS:
        if mark not in self.draft_css:
            quoted = mark.replace("\\", "\\\\").replace('"', '\\"')
            text = ('@page { @top-center { content: "' + quoted + '"; font: bold 12pt "ED Serif"; '
                    'vertical-align: middle; } }')
            self.draft_css[mark] = weasyprint.CSS(string=text, url_fetcher=self.fetcher, font_config=self.font_config)
        return self.draft_css[mark]

    def stamp_sheets(self, count: int, stamp: str) -> weasyprint.Document:
        """`count` blank pages carrying only a stamp, laid out once: `stamp` is "filing-stamp" (a second footer
        line, "Filing page N of M", numbering the pages) or "attorney-stamp" ("ATTORNEY COPY — NOT FOR FILING" at
        the top), packet.css."""
        blank = '<div class="stamp-sheet"></div>' * count
        sheets = self.layout(f'<!DOCTYPE html><html lang="en"><head><title>stamp</title></head>'
                             f'<body class="{stamp}">{blank}</body></html>')
        if len(sheets.pages) != count:
            raise RenderError(f"the {stamp} was laid out on {len(sheets.pages)} pages for {count}")
        return sheets

    @staticmethod
    def stamped(pages: list[Any], sheets: list[Any]) -> list[Any]:
        """The pages with the stamp of each sheet added to their margin boxes: nothing is laid out again, and the
        stamp is text in the PDF like a footer."""
        from weasyprint.document import Page
        from weasyprint.formatting_structure.boxes import MarginBox

        result = []
        for page, sheet in zip(pages, sheets, strict=True):
            marks = [box for box in sheet._page_box.children if isinstance(box, MarginBox)]
            result.append(Page(page._page_box.copy_with_children([*page._page_box.children, *marks])))
        return result

    @staticmethod
    def write_stamps(sheets: weasyprint.Document, first: int) -> bytes:
        """The stamp sheets from page `first` on, as a plain PDF to draw over pages already written
        (render/bind.py marks them as pagination artifacts there)."""
        return sheets.copy(sheets.pages[first:]).write_pdf() or b""

    @staticmethod
    def write(document: weasyprint.Document, created: dt.date, variant: str = "pdf/a-2a",
              attachments: list[tuple[str, bytes, str]] | None = None) -> bytes:
        """The PDF bytes, deterministic: fixed dates, no random identifiers."""
        stamp = f"{created.isoformat()}T00:00:00Z"
        document.metadata.created = document.metadata.modified = stamp
        moment = dt.datetime(created.year, created.month, created.day, tzinfo=dt.timezone.utc)
        files = [weasyprint.Attachment(file_obj=io.BytesIO(data), name=name, description=description,
                                       created=moment, modified=moment)
                 for name, data, description in attachments or []]
        with refusals_reported():  # a <link rel=attachment> is fetched only now
            return document.write_pdf(pdf_variant=variant, attachments=files) or b""
