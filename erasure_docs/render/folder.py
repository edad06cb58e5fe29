"""A clinic's template folder, read safely: only plain files that are really in it.

Every file of a custom template folder (HTML templates and the ones they include, `packet.css` and what it
imports, images, fonts, the Word templates) is opened here, component by component from the folder, with
`O_NOFOLLOW`: a symbolic link anywhere below the folder (a linked file or a linked sub-folder) is refused,
whether it points inside or outside, so no file from elsewhere can be pulled into a filing. The folder itself
may be reached through a link (it is the one the user named). Files are read with a byte limit, and a FIFO or
a device is refused before it is read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

from erasure_docs.errors import ErasureDocsError
from erasure_docs.paths import TEMPLATE_DIR

LINK_REFUSED = "is a symbolic link; a template folder must hold its own files (copy the file in instead of linking it)"
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024  # a Word template with a letterhead picture is well under 1 MB


class TemplateFileError(ErasureDocsError):
    """A file of a custom template folder that is refused: a symbolic link, not a plain file, too large, not
    UTF-8 text. The message names the file (inside the folder) and the reason."""


def _parts(relative: str) -> tuple[str, ...]:
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or any(p in ("", ".", "..") for p in parts) \
            or "\x00" in relative:
        raise TemplateFileError(f"{relative!r} is not a file name inside the template folder")
    return parts


def _open(root: Path, relative: str) -> int:
    """A read-only descriptor of `root/relative`, refusing every symbolic link on the way."""
    parts = _parts(relative)
    nofollow = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    directory = getattr(os, "O_DIRECTORY", 0)
    fd = os.open(root, os.O_RDONLY | directory)
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        try:
            inner = os.open(part, nofollow | (os.O_NONBLOCK if last else directory), dir_fd=fd)
        except OSError as exc:
            raise _refused(root, "/".join(parts[:depth + 1]), exc) from None
        finally:
            os.close(fd)
        fd = inner
    return fd


def _refused(root: Path, where: str, exc: OSError) -> Exception:
    if exc.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(root / where):
        return TemplateFileError(f"{root.name}/{where} {LINK_REFUSED}")
    return exc


def read_bytes(root: Path, relative: str, limit: int = MAX_TEMPLATE_BYTES) -> bytes:
    """The content of the plain file `root/relative` (no link on the way), at most `limit` bytes."""
    fd = _open(root, relative)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise TemplateFileError(f"{root.name}/{relative} is not a plain file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TemplateFileError(f"{root.name}/{relative} is larger than {limit // (1024 * 1024)} MB")
    return data


def read_text(root: Path, relative: str) -> str:
    data = read_bytes(root, relative)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TemplateFileError(f"{root.name}/{relative} line {line} is not UTF-8 text; save the file as "
                                "UTF-8") from None


def has_entry(root: Path, relative: str) -> bool:
    """Whether the folder has an entry of that name (a link counts: it is then refused, never skipped)."""
    try:
        return os.path.lexists(root.joinpath(*_parts(relative)))
    except TemplateFileError:
        return False


def template_bytes(name: str, custom: Path | None) -> bytes:
    """A template file: the clinic's when its folder has one (read safely), else the built-in one."""
    if custom is not None and has_entry(custom, name):
        return read_bytes(custom, name)
    return (TEMPLATE_DIR / name).read_bytes()


def template_text(name: str, custom: Path | None) -> str:
    if custom is not None and has_entry(custom, name):
        return read_text(custom, name)
    return (TEMPLATE_DIR / name).read_text(encoding="utf-8")


def symbolic_links(root: Path) -> list[str]:
    """Every symbolic link below the folder (linked folders are not entered), as relative names."""
    found = []
    for folder, directories, files in os.walk(root):
        for name in [*directories, *files]:
            path = Path(folder) / name
            if path.is_symlink():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)
