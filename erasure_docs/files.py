"""Writing what erasure-docs produces: owner-only by default, whole or not at all.

Every mode is explicit (no process-wide setting): callers pass the file mode, and folders get the same
permissions plus the search bit wherever the file mode can read (0o600 → 0o700, 0o640 → 0o750).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

from erasure_docs.errors import ErasureDocsError

HIDDEN_PREFIX = ".partial-"  # a folder or file being written: deleted when a run finds it left behind
OLD_PREFIX = ".partial~old-"  # holds a case folder being replaced: put back when a run finds it left behind
KEPT_MARK = "~kept-"  # <case_id>~kept-<time>: an older case folder kept because a person changed something in it
MANIFEST_NAME = "manifest.json"
FILE_MODE = 0o600  # confidential by default


class NotAPacketFolder(ErasureDocsError, FileExistsError):
    """The target name exists and is not a packet folder: it is never replaced."""


class FolderExists(ErasureDocsError, FileExistsError):
    """The case folder exists and the caller did not ask to replace it."""


class Written(NamedTuple):
    """A case folder written: where, the files of the old folder a person had made or changed that the new one
    does not hold, and where the old folder was kept for them (None: nothing to keep); with `--only`, the
    edited documents carried into the new folder."""

    folder: Path
    kept: tuple[str, ...] = ()
    backup: Path | None = None
    edited: tuple[str, ...] = ()  # documents the folder holds as a person edited them (recorded in its manifest)
    unexported: tuple[str, ...] = ()  # Word files among them whose PDF is still the generated one


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def dir_mode(file_mode: int) -> int:
    """A folder's permissions for files of `file_mode`: whoever may read may also enter."""
    return file_mode | ((file_mode & 0o444) >> 2)


def make_folder(path: Path, mode: int) -> list[Path]:
    """Create a folder and any missing parents with exactly `mode` (mkdir's parents would get 0777 less the
    process umask: 0777 under umask 000). Existing folders are left as they are. Returns the folders made,
    the deepest first (see remove_if_empty)."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    made: list[Path] = []
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=mode)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue
        folder.chmod(mode)
        made.insert(0, folder)
    return made


def remove_if_empty(folders: list[Path]) -> None:
    """Take back folders a run made and left empty (a run refused before writing anything leaves nothing)."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (or gone): it and its parents stay


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
    make_folder(path.parent, dir_mode(file_mode))
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


def write_folder(out_dir: Path, name: str, outputs: dict[str, bytes], file_mode: int = FILE_MODE, *,
                 replace: bool = False, case_id: str | None = None) -> Written:
    """Write every file under a hidden temporary folder, then rename it into place. An existing folder of that
    name is replaced only when it is a case folder erasure-docs made and `replace` is given; whatever a person
    made in it that the new folder does not hold as it is (a file edited after generation, a file added) is
    kept: the old folder is renamed to `<name>~kept-<time>` beside it instead of being deleted. `case_id`: the
    case the old folder's manifest must name (default: the folder's name)."""
    folder_mode = dir_mode(file_mode)
    make_folder(out_dir, folder_mode)
    target = out_dir / name
    recover_leftovers(out_dir, name)
    refuse_to_replace(target, replace, case_id)
    staging = Path(tempfile.mkdtemp(prefix=f"{HIDDEN_PREFIX}{name}-", dir=out_dir))
    kept: list[str] = []
    backup: Path | None = None
    try:
        for relative, data in outputs.items():
            path = staging / relative
            for folder in reversed(path.relative_to(staging).parents[:-1]):  # filings/, then filings/<court>/, …
                if not (staging / folder).exists():
                    (staging / folder).mkdir()
                    (staging / folder).chmod(folder_mode)
            write_private(path, data, file_mode)
        staging.chmod(folder_mode)
        refuse_to_replace(target, replace, case_id)  # again: the folder may have appeared while rendering
        if target.exists():
            kept = [p for p in made_by_hand(target) if outputs.get(p) != (target / p).read_bytes()]
            if kept:  # a visible, lasting name first: a kill between the renames loses nothing
                backup = kept_name(out_dir, name)
                os.replace(target, backup)
                os.replace(staging, target)
            else:  # a kill between the renames leaves the old folder in .partial~old-*/name: recovered next time
                old = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, dir=out_dir))
                os.replace(target, old / name)
                os.replace(staging, target)
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Written(target, tuple(kept), backup)


def refuse_to_replace(target: Path, replace: bool, case_id: str | None = None) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise NotAPacketFolder(f"{target.name} exists and is not a packet folder; refusing to replace it")
    if not target.exists():
        return
    if not is_case_folder(target, case_id):
        raise NotAPacketFolder(f"{target.name} exists and is not a packet folder erasure-docs made (its "
                               f"{MANIFEST_NAME} is missing or names another case); nothing in it is touched: "
                               "move it or choose another --out")
    if not replace:
        changed = made_by_hand(target)
        edited = f" It holds {files_word(len(changed))} edited or added since it was made: {listing(changed)}." \
            if changed else ""
        raise FolderExists(f"{target.name} already holds this case's folder; nothing was written.{edited} Use "
                           "--force to replace it (files edited or added since it was made are kept in a copy of "
                           "the old folder), or --only DOC to redo some documents and keep the rest")


def files_word(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def listing(paths: list[str] | tuple[str, ...], limit: int = 8) -> str:
    """'a, b, c and 4 more'."""
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


def kept_name(out_dir: Path, name: str) -> Path:
    """`<name>~kept-20261202-034501` ('~' is never in a case id, so no case folder can have this name)."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    candidate, number = out_dir / f"{name}{KEPT_MARK}{stamp}", 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = out_dir / f"{name}{KEPT_MARK}{stamp}-{number}"
    return candidate


# ---------------------------------------------------------------- what a person made in a case folder

def read_folder_manifest(folder: Path) -> dict[str, Any] | None:
    """A case folder's manifest.json when it reads as one (a mapping with a list of files), else None."""
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_bytes().decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return None
    return manifest


def is_case_folder(folder: Path, case_id: str | None = None) -> bool:
    """A folder erasure-docs made for that case (default: the case of its name): its manifest says so."""
    manifest = read_folder_manifest(folder)
    return manifest is not None and manifest.get("case_id") == (case_id or folder.name)


def generated_sha256(entry: dict[str, Any]) -> Any:
    """What erasure-docs wrote for a manifest entry (a file edited later records it under "generated")."""
    generated = entry.get("generated")
    return generated.get("sha256") if isinstance(generated, dict) else entry.get("sha256")


def folder_files(folder: Path) -> list[str]:
    """Every file under a folder (relative, '/'-separated), symbolic links included but never followed."""
    found = []
    for root, folders, names in os.walk(folder):
        base = Path(root)
        found += [(base / n).relative_to(folder).as_posix() for n in names]
        found += [(base / n).relative_to(folder).as_posix() for n in folders if (base / n).is_symlink()]
    return sorted(found)


def made_by_hand(folder: Path) -> list[str]:
    """The files of a case folder that are not as erasure-docs wrote them: edited after generation (SHA-256
    other than the generated one in manifest.json), added (not listed) or replaced by a link."""
    manifest = read_folder_manifest(folder) or {"files": []}
    entries = {str(e.get("path")): e for e in manifest["files"] if isinstance(e, dict)}
    found = []
    for relative in folder_files(folder):
        path = folder / relative
        if relative in (MANIFEST_NAME, f"{MANIFEST_NAME}.p7s"):  # the manifest and its signature (signing.py)
            continue
        entry = entries.get(relative)
        if path.is_symlink() or entry is None:
            found.append(relative)
            continue
        digest = sha256(path.read_bytes())
        bound_again = "generated" in entry and not entry.get("edited_after_generation") and digest == entry.get("sha256")
        if digest != generated_sha256(entry) and not bound_again:  # (a set repack bound again is made again)
            found.append(relative)
    return found


# ---------------------------------------------------------------- what an interrupted run left behind

def recover_leftovers(out_dir: Path, name: str | None = None) -> list[str]:
    """Put back an old case folder a run killed between its two renames left in `.partial~old-*/<name>` (or,
    when the new one did arrive, keep it as `<name>~kept-…` if a person made anything in it); delete the rest:
    half-written new folders and files. `name`: only that case's. Returns what was done, for the notes."""
    notes: list[str] = []
    if not out_dir.is_dir():
        return notes
    for holder in sorted(out_dir.glob(f"{OLD_PREFIX}*")):
        if holder.is_symlink() or not holder.is_dir():
            continue
        found = [p for p in holder.iterdir() if (name is None or p.name == name) and p.is_dir() and not p.is_symlink()]
        for old in found:
            target = out_dir / old.name
            if not target.exists() and not target.is_symlink():
                os.replace(old, target)
                notes.append(f"{old.name}: its folder, left aside by an interrupted run, was put back")
            elif made_by_hand(old):
                backup = kept_name(out_dir, old.name)
                os.replace(old, backup)
                notes.append(f"{old.name}: the folder an interrupted run replaced held edited files; kept as "
                             f"{backup.name}")
            else:
                shutil.rmtree(old, ignore_errors=True)
        if found and not any(holder.iterdir()):  # (an empty one may be another writer's, about to be used)
            holder.rmdir()
    if name is None:
        remove_leftovers(out_dir)
    return notes


def remove_leftovers(out_dir: Path) -> int:
    """Delete the half-written folders and files an interrupted run left behind; return how many. (A folder
    of a case set aside during a replacement is never among them: see recover_leftovers.)"""
    count = 0
    if out_dir.is_dir():
        for leftover in out_dir.glob(f"{HIDDEN_PREFIX}*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            count += 1
    return count
