"""Where the shipped files are: templates (top-level `templates/` in a checkout, `erasure_docs/templates`
once installed) and the Liberation fonts from Debian's fonts-liberation2."""

from __future__ import annotations

from pathlib import Path

from erasure_docs.errors import ErasureDocsError

PACKAGE_DIR = Path(__file__).resolve().parent
_installed = PACKAGE_DIR / "templates"
TEMPLATE_DIR = _installed if (_installed / "packet.css").exists() else PACKAGE_DIR.parent / "templates"
SOURCE_DIR = TEMPLATE_DIR / "source"


def template_path(kind: str, ext: str, custom: Path | None) -> Path:
    """The clinic's template when it has one, else the built-in one."""
    if custom is not None and (custom / f"{kind}.{ext}").is_file():
        return custom / f"{kind}.{ext}"
    return TEMPLATE_DIR / f"{kind}.{ext}"


FONT_DIRS = [Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"),
             Path("/usr/share/fonts/liberation-serif"), Path("/usr/local/share/fonts/liberation2")]
FONT_FILES = {"regular": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf",
              "italic": "LiberationSerif-Italic.ttf", "bolditalic": "LiberationSerif-BoldItalic.ttf"}


class MissingFontError(ErasureDocsError, RuntimeError):
    """The fonts every document is set in are not installed."""


def font_dir() -> Path:
    for folder in FONT_DIRS:
        if all((folder / name).exists() for name in FONT_FILES.values()):
            return folder
    raise MissingFontError("Liberation Serif is not installed; install it with: sudo apt-get install fonts-liberation2")
