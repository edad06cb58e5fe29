"""Where the shipped files are: templates (top-level `templates/` in a checkout, `erasure_docs/templates`
once installed) and the Liberation fonts from Debian's fonts-liberation2."""

from __future__ import annotations

import functools
import hashlib
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


def _folder_digest(folder: Path, recursive: bool) -> str:
    """SHA-256 over the names and contents of a folder's files (a symbolic link counts by its own name, never
    followed; Python files and caches of the installed package are not templates)."""
    digest = hashlib.sha256()
    paths = folder.rglob("*") if recursive else folder.iterdir()
    for path in sorted(paths, key=lambda p: p.relative_to(folder).as_posix()):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            digest.update(f"{name}\0symlink\0".encode("utf-8", "surrogateescape"))
        elif path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts:
            digest.update(f"{name}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\0".encode("utf-8",
                                                                                                "surrogateescape"))
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _built_in_digest() -> str:
    return _folder_digest(TEMPLATE_DIR, recursive=False)  # source/ is what they are built from, not read


def template_set(custom: Path | None) -> dict[str, str]:
    """What the manifest records of the templates a packet was made with: built-in, or a clinic's folder (with
    the built-in ones that fill its gaps), and a SHA-256 of that whole set, so that a packet made with other
    templates can be told apart."""
    if custom is None:
        return {"source": "built-in", "sha256": _built_in_digest()}
    combined = f"{_folder_digest(custom, recursive=True)}\0{_built_in_digest()}".encode()
    return {"source": "custom", "sha256": hashlib.sha256(combined).hexdigest()}
