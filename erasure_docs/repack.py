"""Edited documents flow into the filing: rebuild a case folder's bound sets and attorney's copy from the
per-document PDFs it holds (including PDFs the attorney exported from Word after editing), and record in the
manifest what was edited after generation.

What changed is found by hash: a document file whose SHA-256 is not the one manifest.json records was edited.
Its manifest entry then keeps what was generated under "generated" and says "edited_after_generation"; each
court's filing.pdf holding an edited PDF is bound again ("Filing page N of M" drawn over every page) and so is
the attorney's copy (its summary, then its sources, stamped, with its data attached). Those two keep what was
generated under "generated" too, so `packet.as_generated` gives back the manifest as generated and the
fingerprint printed on the summary and stored in the Word files still holds.

A document must keep its page count: the cover letter's enclosure list and the filing summary give filing
pages and lengths. A Word file edited without its PDF is named (export it), or converted with LibreOffice.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import stat
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from erasure_docs import __version__
from erasure_docs.errors import ErasureDocsError
from erasure_docs.files import (FILE_MODE, HIDDEN_PREFIX, Written, folder_files, json_bytes, read_folder_manifest,
                                sha256, write_folder)
from erasure_docs.packet import (BINDER, BOUND, ELIGIBILITY, ELIGIBILITY_PATH, MANIFEST, REDACTED, REDACTED_PATH,
                                 SUMMARY, file_entry, page_hashes)
from erasure_docs.render import Renderers
from erasure_docs.signing import SigningKey, sign_files

DATA_FILES = (MANIFEST, ELIGIBILITY_PATH, REDACTED_PATH)  # never edited: what the tool recorded
CONVERT_SECONDS = 180


class RepackError(ErasureDocsError):
    """The folder cannot be repacked as it is; the message says what to do."""


class WordNotExported(RepackError):
    """Word files edited whose PDF was not exported again."""

    def __init__(self, paths: list[str]):
        self.paths = paths
        pdfs = ", ".join(f"{p.removesuffix('.docx')}.pdf" for p in paths)
        super().__init__(f"{len(paths)} Word file{'s were' if len(paths) != 1 else ' was'} edited without a new PDF: "
                         f"export {pdfs} from Word (File > Save As > PDF, same name, same folder), or run repack "
                         "with --convert-word where LibreOffice is installed")


@dataclass(frozen=True)
class Repacked:
    files: dict[str, bytes]  # the whole folder: path → bytes
    manifest: dict[str, Any]
    edited: tuple[str, ...]  # every document recorded as edited after generation
    rebuilt: tuple[str, ...]  # the bound sets and the attorney's copy bound again now
    converted: tuple[str, ...] = ()  # PDFs made from edited Word files with LibreOffice
    unexported: tuple[str, ...] = ()  # Word files edited whose PDF is still the generated one (allowed by caller)


# ---------------------------------------------------------------- reading a case folder

def read_case_folder(folder: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Every regular file of a case folder (links are refused) and its manifest."""
    manifest = read_folder_manifest(folder)
    if manifest is None or not isinstance(manifest.get("case_id"), str):
        raise RepackError(f"{folder.name} holds no readable {MANIFEST}: not a case folder erasure-docs made")
    if not all(isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("sha256"), str)
               for e in manifest["files"]) or not isinstance(manifest.get("filing_sets", []), list):
        raise RepackError(f"{folder.name}/{MANIFEST} is malformed (a file entry without its path or SHA-256); "
                          "generate the case again")
    files: dict[str, bytes] = {}
    for relative in folder_files(folder):
        path = folder / relative
        if path.is_symlink() or not stat.S_ISREG(path.lstat().st_mode):
            raise RepackError(f"{folder.name}/{relative} is a link or not a regular file; repack reads only files")
        files[relative] = path.read_bytes()
    return files, manifest


# ---------------------------------------------------------------- the manifest's record of edits

def generated_of(entry: dict[str, Any]) -> dict[str, Any]:
    """What was generated for an entry (its fields less "path")."""
    recorded = entry.get("generated")
    return recorded if isinstance(recorded, dict) else {k: v for k, v in entry.items() if k != "path"}


def is_derived(path: str, manifest: dict[str, Any]) -> bool:
    """Made from other files (bound sets, the summary, the attorney's copy) or data: never edited by hand."""
    bound = {fs.get("bound") for fs in manifest.get("filing_sets", []) if isinstance(fs, dict)}
    return path in bound or path in (SUMMARY, BINDER) or path in DATA_FILES


def record(entry: dict[str, Any], data: bytes, edited: bool) -> dict[str, Any]:
    """The entry for a file's current bytes, keeping what was generated (dropped when they are the same again)."""
    generated = generated_of(entry)
    current = file_entry(entry["path"], data)
    if current["sha256"] == generated.get("sha256"):
        return {"path": entry["path"], **generated}
    current["generated"] = generated
    if edited:
        current["edited_after_generation"] = True
    return current


# ---------------------------------------------------------------- binding again

def bind(parts: list[bytes], renderers: Renderers, stamp: str, like: bytes,
         attachments: list[tuple[str, bytes]] | None = None) -> bytes:
    """The pages of `parts` in order, each with the stamp drawn over it (as generate draws it, render/bind.py),
    the document information of `like`. Parts exported from Word carry no tags: the result claims no PDF/A."""
    import pikepdf

    from erasure_docs.render import bind as binding

    bound = pikepdf.Pdf.new()
    opened = [pikepdf.Pdf.open(io.BytesIO(data)) for data in parts]  # open until saved (render/bind.py)
    with warnings.catch_warnings():  # a signed part's form: its signature field is left out just below
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        for source in opened:
            bound.pages.extend(source.pages)
    for page in bound.pages:
        binding.without_signatures(page)
    pdf = renderers.pdf()
    sheets = pikepdf.Pdf.open(io.BytesIO(pdf.write_stamps(pdf.stamp_sheets(len(bound.pages), stamp), 0)))
    for page, sheet in zip(bound.pages, sheets.pages):
        binding.stamp(bound, page, bound.copy_foreign(sheet.as_form_xobject()))
    with pikepdf.Pdf.open(io.BytesIO(like)) as model:
        for key, value in model.docinfo.items():
            bound.docinfo[key] = str(value)
    for name, data in attachments or []:
        bound.attachments[name] = pikepdf.AttachedFileSpec(bound, data, filename=name)
    return binding.saved(bound)


def binder_attachments(binder: bytes) -> dict[str, bytes]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(binder))
    return {name: contents[0] for name, contents in reader.attachments.items() if contents}


# ---------------------------------------------------------------- LibreOffice

def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(docx: bytes, where: Path) -> bytes:
    """A Word file's PDF, by LibreOffice in a private, throw-away profile and folder made in `where` (never the
    system's temporary folder; an interrupted run's is removed as a leftover)."""
    binary = libreoffice()
    if binary is None:
        raise RepackError("LibreOffice (soffice) is not installed: export the PDFs from Word instead")
    with tempfile.TemporaryDirectory(prefix=f"{HIDDEN_PREFIX}convert-", dir=where) as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(docx)
        os.chmod(source, 0o600)
        command = [binary, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_SECONDS, check=False,
                           env={**os.environ, "HOME": str(folder)})
        except subprocess.TimeoutExpired as exc:
            raise RepackError(f"LibreOffice took more than {CONVERT_SECONDS} s to convert a Word file") from exc
        result = folder / "document.pdf"
        if not result.is_file():
            raise RepackError("LibreOffice could not convert a Word file to PDF")
        return result.read_bytes()


# ---------------------------------------------------------------- repack

def changed_documents(files: dict[str, bytes], manifest: dict[str, Any]) -> list[str]:
    """Document files whose bytes are not the ones the manifest records now; a derived file changed by hand
    or a listed file missing is an error."""
    changed = []
    for entry in manifest["files"]:
        path = str(entry.get("path", ""))
        if path not in files:
            raise RepackError(f"{path} is listed in {MANIFEST} but missing: put it back, or generate again")
        if sha256(files[path]) == entry.get("sha256"):
            continue
        if is_derived(path, manifest):
            raise RepackError(f"{path} was changed after it was made, and repack makes it again from the "
                              "documents: move your version out of the folder first")
        changed.append(path)
    return changed


def page_count_problems(files: dict[str, bytes], manifest: dict[str, Any], paths: list[str]) -> list[str]:
    problems = []
    entries = {e["path"]: e for e in manifest["files"]}
    for path in [p for p in paths if p.endswith(".pdf")]:
        try:
            pages = len(page_hashes(files[path]))
        except Exception as exc:  # noqa: BLE001 - pdfium raises its own kinds for a damaged file
            raise RepackError(f"{path} cannot be read as a PDF ({type(exc).__name__})") from exc
        generated = generated_of(entries[path]).get("pages")
        if generated is not None and pages != generated:
            problems.append(f"{path} has {pages} page{'s' if pages != 1 else ''}, generated with {generated}")
    return problems


def repack(files: dict[str, bytes], manifest: dict[str, Any], *, renderers: Renderers | None = None,
           convert: Callable[[bytes], bytes] | None = None, allow_unexported: bool = False) -> Repacked:
    """The folder's files and manifest with every edit recorded and the bound sets and the attorney's copy bound
    again from the documents. `convert`: makes a PDF of an edited Word file whose PDF was not exported again
    (else WordNotExported, unless `allow_unexported`: the Word file is recorded, its PDF stays the generated
    one). Raises RepackError when a document's page count changed."""
    files, manifest = dict(files), json_copy(manifest)
    changed = changed_documents(files, manifest)
    unexported = [p for p in changed if p.endswith(".docx") and f"{p.removesuffix('.docx')}.pdf" in files
                  and f"{p.removesuffix('.docx')}.pdf" not in changed]
    converted = []
    if unexported and convert is not None:
        for path in unexported:
            pdf = f"{path.removesuffix('.docx')}.pdf"
            files[pdf] = convert(files[path])
            converted.append(pdf)
            changed.append(pdf)
        unexported = []
    elif unexported and not allow_unexported:
        raise WordNotExported(unexported)
    problems = page_count_problems(files, manifest, changed)
    if problems:
        raise RepackError("; ".join(problems) + ". The cover letter lists each document's filing pages and the "
                          "summary counts them: keep each edited document to its page count (or generate the "
                          "case again, with --force: your edited files are kept in a copy of the folder)")
    entries = {e["path"]: e for e in manifest["files"]}
    for path in changed:
        replace_entry(entries[path], record(entries[path], files[path], True))
    edited = sorted(e["path"] for e in manifest["files"] if e.get("edited_after_generation"))
    if edited:  # before binding again: the attorney's copy attaches the manifest
        manifest["repacked"] = {"tool_version": __version__, "edited_after_generation": edited}
    else:
        manifest.pop("repacked", None)
    rebuilt = rebind(files, manifest, entries, set(changed), renderers) if "pdf" in manifest.get("formats", []) \
        else []
    files[MANIFEST] = json_bytes(manifest)
    return Repacked(files, manifest, tuple(edited), tuple(rebuilt), tuple(converted), tuple(unexported))


def replace_entry(entry: dict[str, Any], new: dict[str, Any]) -> None:
    entry.clear()
    entry.update(new)


def json_copy(data: Any) -> Any:
    import json

    return json.loads(json.dumps(data))


def rebind(files: dict[str, bytes], manifest: dict[str, Any], entries: dict[str, dict[str, Any]], changed: set[str],
           renderers: Renderers | None) -> list[str]:
    """Bind again each filing set holding a changed PDF, then the attorney's copy if any of its sources changed."""
    rebuilt: list[str] = []
    renderers = renderers or Renderers()
    for filing in manifest.get("filing_sets", []):
        bound = filing["bound"]
        parts = [f"{filing['folder']}/cover_letter.pdf", *[d["path"] for d in filing.get("documents", [])]]
        if bound in files and changed & set(parts):
            files[bound] = bind([files[p] for p in parts], renderers, "filing-stamp", files[bound])
            replace_entry(entries[bound], record(entries[bound], files[bound], False))
            changed.add(bound)
            rebuilt.append(bound)
    copy = manifest.get("attorney_copy")
    if BINDER not in files or not isinstance(copy, dict) or not changed & set(copy.get("sources", [])):
        return rebuilt
    copy.setdefault("generated", {k: v for k, v in copy.items() if k != "generated"})
    copy["body_page_text_sha256"] = [h for path in copy["sources"] for h in entries[path].get("page_text_sha256", [])]
    attached = binder_attachments(files[BINDER])
    in_binder = json_copy(manifest)
    in_binder["files"] = [e for e in in_binder["files"] if e["path"] not in (SUMMARY, BINDER)]
    attachments = [(ELIGIBILITY, files.get(ELIGIBILITY_PATH, attached.get(ELIGIBILITY, b""))),
                   (REDACTED, attached.get(REDACTED, files.get(REDACTED_PATH, b""))),
                   (MANIFEST, json_bytes(in_binder))]
    parts = [files[SUMMARY], *[files[p] for p in copy["sources"]]]
    files[BINDER] = bind(parts, renderers, "attorney-stamp", files[BINDER], attachments)
    replace_entry(entries[BINDER], record(entries[BINDER], files[BINDER], False))
    rebuilt.append(BINDER)
    return rebuilt


# ---------------------------------------------------------------- a case folder on disk

def repack_folder(folder: Path, *, renderers: Renderers | None = None, convert_word: bool = False,
                  sign: SigningKey | None = None) -> tuple[Repacked, Written]:
    """`erasure-docs repack CASE_FOLDER`: repack and write the folder again, whole or not at all (files keep
    the permissions manifest.json has)."""
    files, manifest = read_case_folder(folder)
    def convert(docx: bytes) -> bytes:
        return convert_with_libreoffice(docx, folder.parent)

    repacked = repack(files, manifest, renderers=renderers, convert=convert if convert_word else None)
    if sign is not None:
        signed_files, signed_manifest = sign_files(repacked.files, repacked.manifest, sign)
        repacked = dataclasses.replace(repacked, files=signed_files, manifest=signed_manifest)
    mode = stat.S_IMODE((folder / MANIFEST).stat().st_mode) or FILE_MODE
    written = write_folder(folder.parent, folder.name, repacked.files, mode, replace=True,
                           case_id=str(manifest["case_id"]))
    return repacked, written


__all__ = ["BOUND", "Repacked", "RepackError", "WordNotExported", "convert_with_libreoffice", "libreoffice",
           "read_case_folder", "repack", "repack_folder"]
