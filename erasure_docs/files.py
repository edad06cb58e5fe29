"""Writing what erasure-docs produces: owner-only by default, whole or not at all.

Every mode is explicit (no process-wide setting): callers pass the file mode, and folders get the same
permissions plus the search bit wherever the file mode can read (0o600 → 0o700, 0o640 → 0o750).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from erasure_docs.errors import ErasureDocsError

HIDDEN_PREFIX = ".partial-"
FILE_MODE = 0o600  # confidential by default


class NotAPacketFolder(ErasureDocsError, FileExistsError):
    """The target name exists and is not a packet folder: it is never replaced."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def dir_mode(file_mode: int) -> int:
    """A folder's permissions for files of `file_mode`: whoever may read may also enter."""
    return file_mode | ((file_mode & 0o444) >> 2)


def file_mode_for_umask(mask: int) -> int:
    """The CLI's --umask: 0o077 → 0o600, 0o027 → 0o640."""
    return 0o666 & ~mask


def write_private(path: Path, data: bytes, file_mode: int = FILE_MODE, exclusive: bool = True) -> None:
    """Write bytes with exactly `file_mode`, whatever the process umask."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    with os.fdopen(os.open(path, flags, file_mode), "wb") as handle:
        os.fchmod(handle.fileno(), file_mode)
        handle.write(data)


def atomic_write(path: Path, data: bytes, file_mode: int = FILE_MODE) -> Path:
    """One file that appears whole or not at all (the batch summary, a redacted work copy)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=dir_mode(file_mode))
    # A fresh name made with O_EXCL: a link planted at a predictable temporary name is never written through.
    handle, name = tempfile.mkstemp(prefix=f"{HIDDEN_PREFIX}{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), file_mode)
            stream.write(data)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return path


def write_folder(out_dir: Path, name: str, outputs: dict[str, bytes], file_mode: int = FILE_MODE) -> Path:
    """Write every file under a hidden temporary folder, then rename it into place (replacing an old one)."""
    folder_mode = dir_mode(file_mode)
    out_dir.mkdir(parents=True, exist_ok=True, mode=folder_mode)
    target = out_dir / name
    staging = Path(tempfile.mkdtemp(prefix=f"{HIDDEN_PREFIX}{name}-", dir=out_dir))
    try:
        for relative, data in outputs.items():
            path = staging / relative
            for folder in reversed(path.relative_to(staging).parents[:-1]):  # filings/, then filings/<court>/, …
                if not (staging / folder).exists():
                    (staging / folder).mkdir()
                    (staging / folder).chmod(folder_mode)
            write_private(path, data, file_mode)
        staging.chmod(folder_mode)
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            raise NotAPacketFolder(f"{target.name} exists and is not a packet folder; refusing to replace it")
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f"{HIDDEN_PREFIX}old-", dir=out_dir))
            os.replace(target, old / name)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def remove_leftovers(out_dir: Path) -> int:
    """Delete hidden folders an interrupted run left behind; return how many."""
    count = 0
    if out_dir.is_dir():
        for leftover in out_dir.glob(f"{HIDDEN_PREFIX}*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            count += 1
    return count
