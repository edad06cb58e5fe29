"""Clerk review: check that a case folder, one court's bound filing or the attorney's copy is what erasure-docs
produced (`erasure-docs verify`), and print what it holds (`erasure-docs show`).

verify, on a case folder:
  - manifest.json has the shape erasure-docs writes (any other: one FAIL line, never a traceback);
  - every file listed exists, no file is unlisted, and each has its recorded SHA-256 *and* — so that a hash
    rewritten in the manifest does not pass — a PDF its recorded page texts (a swapped, added or removed page is
    named), a Word file its recorded content;
  - the fingerprint is the one everything recorded gives (packet.fingerprint_of), and every Word file carries it;
  - every file the recorded options call for is listed (a bound filing deleted with its entry fails);
  - each bound filing.pdf numbers its pages "Filing page N of M" and is, page for page, its documents' PDFs;
  - no filed, sealed or mailed PDF carries an attached file;
  - the attorney's copy: its attached data has the recorded hashes, its attached manifest is the folder's less the
    summary's and the binder's own entries, its summary pages are the filing summary's and print the fingerprint,
    and every later page is, page for page, the recorded text under the stamp;
  - signed (signing.py): manifest.json.p7s and each bound filing's PAdES signature hold, by the recorded
    certificate; unsigned, a NOTE says that all of this is consistency, not authenticity;
  - with --case: the case file is the recorded input, the rules (same version, recorded as-of date) give the
    recorded outcomes, the templates are the recorded set, and rendering again with the recorded options, in
    memory, gives byte-identical files (a signed filing: the bytes it was signed over).
On one PDF of a case folder, the folder's manifest is found above it and that file is checked. On an attorney's
copy alone, its own attached manifest is used. On a filing.pdf alone (no manifest found, none given with
--manifest), only its printed page numbers can be checked, and verify says so. Nothing is written anywhere.
Every value read from the folder is printed through `printable` (control characters and escape sequences shown
escaped).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from erasure_docs.errors import ErasureDocsError, safe_message
from erasure_docs.files import listing, sha256
from erasure_docs.packet import (BINDER, BOUND, ELIGIBILITY, ELIGIBILITY_PATH, MANIFEST, REDACTED, SUMMARY,
                                 as_generated, fingerprint_of, grouped, page_texts, word_content_sha256,
                                 word_identifier)
from erasure_docs.paths import template_set
from erasure_docs.signing import SIGNATURE, check_detached, check_pdf, unsigned_view

ATTACHMENTS = (ELIGIBILITY, REDACTED, MANIFEST)
FINGERPRINT_ON_PAGE = re.compile(r"Packet\s*fingerprint\s*((?:[0-9a-f]\s*){16})")
FILING_PAGE = re.compile(r"Filing page (\d+) of (\d+)")
STAMP = "ATTORNEY COPY — NOT FOR FILING"
NOT_IN_BINDER_MANIFEST = (SUMMARY, BINDER)  # the binder attaches the manifest before these entries exist
MANIFEST_LIMIT = 64 * 1024 * 1024  # far above any real manifest; a bigger one is not read
UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # control, format (bidi), surrogates, private, unassigned
UNSIGNED_NOTE = ("not signed: these checks show that the files agree with each other and with manifest.json (and, "
                 "with --case, with a fresh render): consistency, not authenticity; whoever can write the folder "
                 "can rewrite it consistently (see --sign)")


class NoFilingData(ErasureDocsError, ValueError):
    """A PDF with nothing to show: not a case folder's, or its data cannot be read."""


class UsageError(ErasureDocsError):
    """The path is neither a case folder nor a PDF."""


class ManifestError(ValueError):
    """manifest.json is not one erasure-docs wrote: unreadable, or not of its shape."""


def printable(text: str, limit: int = 4000) -> str:
    """Text safe for a terminal: control characters (escape sequences among them), bidirectional and other
    invisible format characters are shown as \\x1b, \\u202e…, never sent raw; at most `limit` characters."""
    shown = "".join(ch if unicodedata.category(ch) not in UNPRINTABLE
                     else f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}" if ord(ch) < 0x10000
                     else f"\\U{ord(ch):08x}" for ch in text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def shown(value: Any, limit: int = 100) -> str:
    """A value read from a manifest, as printed inside a line."""
    return printable(str(value), limit)


@dataclass
class Check:
    ok: bool
    what: str
    why: str = ""

    def line(self) -> str:
        return printable(f"PASS  {self.what}" if self.ok else f"FAIL  {self.what}: {self.why}")


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signer: str | None = None  # the certificate subject of a signed packet whose signatures all hold

    def add(self, ok: bool, what: str, why: str = "") -> bool:
        self.checks.append(Check(ok, what, why))
        return ok

    def fail(self, what: str, why: str) -> bool:
        return self.add(False, what, why)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def lines(self) -> list[str]:
        """Every check, the notes, and the summary: what `erasure-docs verify` prints."""
        return [c.line() for c in self.checks] + [printable(f"NOTE  {n}") for n in self.notes] + [self.summary()]

    def summary(self) -> str:
        if not self.ok:
            return f"NOT VERIFIED: {len(self.failed)} of {len(self.checks)} checks failed"
        if self.signer is not None:
            return printable(f"VERIFIED: all {len(self.checks)} checks passed; signed by {self.signer}, "
                             "unchanged since it was signed")
        return f"VERIFIED: all {len(self.checks)} checks passed (consistency only: not signed)"


# ---------------------------------------------------------------- the manifest's shape

class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _Signed(_Shape):
    rendered_sha256: str
    rendered_bytes: int


class _Entry(_Shape):
    path: str
    sha256: str
    pages: int | None = None
    page_text_sha256: list[str] | None = None
    content_sha256: str | None = None
    signed: _Signed | None = None


class _Input(_Shape):
    file: str
    sha256: str


class _Document(_Shape):
    number: int
    title: str
    pages: str
    path: str
    docket_number: str


class _FilingSet(_Shape):
    folder: str
    court: str
    juvenile: bool
    bound: str
    dockets: list[str]
    documents: list[_Document]


class _AttorneyCopy(_Shape):
    sources: list[str]
    body_page_text_sha256: list[str]


class _Templates(_Shape):
    source: Literal["built-in", "custom"]
    sha256: str


class _Manifest(_Shape):
    tool_version: str
    rules_version: str
    case_id: str
    as_of: str
    input: _Input
    formats: list[Literal["docx", "pdf"]]
    only: list[str] | None
    redacted: bool
    file_mode: str
    templates: _Templates
    fingerprint: str
    files: list[_Entry]
    filing_sets: list[_FilingSet]
    attachments: dict[str, str] | None = None
    attorney_copy: _AttorneyCopy | None = None
    signature: dict[str, Any] | None = None

    @field_validator("as_of")
    @classmethod
    def _date(cls, value: str) -> str:
        dt.date.fromisoformat(value)
        return value


def read_manifest(data: bytes) -> dict[str, Any]:
    """The manifest as a dict, once it is known to have the shape erasure-docs writes; ManifestError (naming the
    first place that is wrong, never quoting a value) otherwise."""
    if len(data) > MANIFEST_LIMIT:
        raise ManifestError(f"larger than {MANIFEST_LIMIT // 2**20} MB")
    try:
        manifest = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ManifestError("not UTF-8 text") from None
    except RecursionError:
        raise ManifestError("nested too deeply") from None
    except ValueError as exc:
        raise ManifestError(f"not JSON ({getattr(exc, 'msg', 'unreadable')})") from None
    if not isinstance(manifest, dict):
        raise ManifestError(f"a JSON {type(manifest).__name__.replace('list', 'array')}, not an object")
    try:
        _Manifest.model_validate(manifest)
    except ValidationError as exc:
        error = exc.errors(include_input=False, include_url=False)[0]
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]).lstrip(".")
        message = "missing" if error["type"] == "missing" else error["msg"].split(",")[0]
        raise ManifestError(f"not the shape erasure-docs writes: {shown(where or 'the top level', 80)}: "
                            f"{shown(message, 80)}") from None
    except RecursionError:
        raise ManifestError("nested too deeply") from None
    return manifest


# ---------------------------------------------------------------- small readers

def json_differences(recorded: Any, current: Any, path: str = "", limit: int = 5) -> list[str]:
    """The JSON paths at which two documents differ (at most `limit`)."""
    found: list[str] = []

    def walk(a: Any, b: Any, where: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in list(dict.fromkeys([*a, *b])):
                walk(a.get(key, "<missing>"), b.get(key, "<missing>"), f"{where}.{key}" if where else str(key))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{where}[{i}]")
        elif a != b:
            found.append(where or "(the whole document)")

    walk(recorded, current, path)
    return [shown(f, 80) for f in found]


def as_attached(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest as the attorney's copy attaches it: as rendered (before any signing), without the summary's
    and the binder's own entries."""
    copy = unsigned_view(manifest)
    copy["files"] = [f for f in copy["files"] if f.get("path") not in NOT_IN_BINDER_MANIFEST]
    return copy


def attachments_of(data: bytes) -> dict[str, bytes]:
    import pypdf  # only verify and show pay for it

    reader = pypdf.PdfReader(io.BytesIO(data))
    return {name: contents[0] for name, contents in reader.attachments.items() if contents}


def parse_json(data: bytes | None) -> Any:
    try:
        return json.loads(data.decode("utf-8")) if data is not None else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def read_json_file(path: Path) -> Any:
    try:
        return parse_json(path.read_bytes())
    except OSError:
        return None


def read_manifest_file(path: Path) -> dict[str, Any] | None:
    try:
        return read_manifest(path.read_bytes())
    except (OSError, ManifestError):
        return None


def find_folder(pdf: Path) -> tuple[Path, str] | None:
    """The case folder above a PDF whose manifest lists it, and the PDF's path in it."""
    resolved = pdf.resolve()
    for folder in list(resolved.parents)[:4]:
        manifest = read_manifest_file(folder / MANIFEST)
        relative = resolved.relative_to(folder).as_posix()
        if manifest is not None and any(f["path"] == relative for f in manifest["files"]):
            return folder, relative
    return None


class Files:
    """A case folder's files, each read once: bytes and page texts (None: missing, outside or unreadable)."""

    def __init__(self, folder: Path):
        self.folder, self.root = folder, folder.resolve()
        self._data: dict[str, bytes | None] = {}
        self._texts: dict[str, list[str] | None] = {}

    def inside(self, relative: str) -> bool:
        target = (self.folder / relative).resolve()
        return bool(relative) and target.is_relative_to(self.root) and relative != MANIFEST

    def data(self, relative: str) -> bytes | None:
        if relative not in self._data:
            target = self.folder / relative
            self._data[relative] = target.read_bytes() if self.inside(relative) and target.is_file() else None
        return self._data[relative]

    def texts(self, relative: str) -> list[str] | None:
        if relative not in self._texts:
            data = self.data(relative)  # a damaged PDF reads as None: named where its hash is checked
            self._texts[relative] = page_texts_or_none(data) if data is not None else None
        return self._texts[relative]


# ---------------------------------------------------------------- verify

def verify(path: Path, case_file: Path | None = None, manifest_path: Path | None = None,
           templates: Path | None = None) -> Verification:
    """Every check, in order; raises UsageError for a path that is neither a folder nor a PDF."""
    result = Verification()
    folder: Path | None
    if path.is_dir():
        folder, only = path, None
    elif path.is_file() and path.suffix.lower() == ".pdf":
        found = find_folder(path)
        folder, only = found if found else (None, None)
    else:
        raise UsageError(f"{printable(str(path), 200)} is neither a case folder nor a PDF")

    if folder is not None:
        manifest = verify_folder(folder, result, only)
        if manifest is None:
            return result
        if case_file is not None:
            verify_against_case(case_file, manifest, read_json_file(folder / ELIGIBILITY_PATH), result, folder, only,
                                templates=templates)
        return result

    data = path.read_bytes()
    try:
        attached = attachments_of(data)
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds for a damaged file
        result.fail(path.name, f"cannot be read as a PDF ({type(exc).__name__})")
        return result
    texts = page_texts_or_none(data)
    if MANIFEST in attached:  # an attorney's copy on its own
        manifest = verify_binder(path.name, data, attached, None, result, texts=texts)
        if manifest is not None and case_file is not None:
            verify_against_case(case_file, manifest, parse_json(attached.get(ELIGIBILITY)), result, None, BINDER,
                                data, templates=templates)
        result.notes.append(UNSIGNED_NOTE)
        return result
    verify_page_numbers(path.name, texts, result)
    if manifest_path is None:
        result.fail("manifest", f"no manifest.json lists {path.name}: its pages cannot be checked against the "
                                "recorded text (keep it in its case folder, or give --manifest)")
        return result
    try:
        manifest = read_manifest(manifest_path.read_bytes())
    except (OSError, ManifestError) as exc:
        result.fail(MANIFEST, f"cannot be read ({exc})")
        return result
    entries = [f for f in manifest["files"] if f["path"].endswith(f"/{path.name}")
               and f["sha256"] == sha256(data)] or [f for f in manifest["files"] if f["path"].endswith(f"/{path.name}")]
    if len(entries) != 1:
        result.fail(path.name, f"the manifest lists {len(entries)} files of that name; verify it in its folder")
        return result
    if verify_entry(path.name, data, texts, entries[0], result):
        result.add(True, f"{path.name} has the SHA-256 and the page texts recorded in the manifest")
    verify_fingerprint(manifest, result)
    bound = entries[0]["path"] in {f["bound"] for f in manifest["filing_sets"]}
    verify_signatures(None, manifest, result, {entries[0]["path"]: data} if bound else {},
                      manifest_path.parent if manifest_path.name == MANIFEST else None)
    return result


def page_texts_or_none(data: bytes) -> list[str] | None:
    try:
        return page_texts(data)
    except Exception:  # noqa: BLE001 - a damaged PDF
        return None


def verify_folder(folder: Path, result: Verification, only: str | None) -> dict[str, Any] | None:
    """The folder's files (or the one file `only`) against its manifest.json; returns the manifest."""
    try:
        manifest = read_manifest((folder / MANIFEST).read_bytes())
    except FileNotFoundError:
        result.fail(MANIFEST, f"missing from {shown(folder.name)}; not a case folder, or its manifest was removed")
        return None
    except (OSError, ManifestError) as exc:
        result.fail(MANIFEST, f"cannot be read ({exc})")
        return None
    result.add(True, f"{MANIFEST} read: packet {shown(manifest['case_id'])}, law as of {manifest['as_of']}, "
                     f"rules {shown(manifest['rules_version'], 40)}, erasure-docs {shown(manifest['tool_version'], 40)}")
    files = Files(folder)
    entries = [f for f in manifest["files"] if only is None or f["path"] == only]
    good = 0
    for entry in entries:
        relative = entry["path"]
        if not files.inside(relative):
            result.fail(f"file {shown(relative or '(no path)')}", "listed in manifest.json with a path outside the packet")
        elif files.data(relative) is None:
            result.fail(f"file {shown(relative)}", "listed in manifest.json but missing from the folder")
        else:
            good += verify_entry(relative, files.data(relative) or b"", files.texts(relative)
                                 if relative.endswith(".pdf") else None, entry, result)
    if good:
        others = "other " if good < len(entries) else ""
        result.add(True, f"{good} {others}listed files present with the SHA-256 and the page texts or Word content "
                         "recorded in manifest.json")
    report_repacked(files, entries, result)
    if only is None:
        verify_unlisted(folder, manifest, result)
    verify_fingerprint(manifest, result)
    if only is None:
        verify_complete(manifest, result)
        verify_word_files(files, manifest, result)
    pdfs = [f["path"] for f in entries if f["path"].endswith(".pdf") and files.data(f["path"]) is not None]
    verify_nothing_attached(files, [p for p in pdfs if p != BINDER], result)
    for filing in manifest["filing_sets"]:
        if filing["bound"] in pdfs:
            verify_page_numbers(filing["bound"], files.texts(filing["bound"]), result)
            verify_bound_pages(files, filing, result)
    if BINDER in pdfs:
        verify_binder(BINDER, files.data(BINDER) or b"", None, manifest, result, files.texts(SUMMARY),
                      files.texts(BINDER))
    verify_signatures(files, manifest, result)
    return manifest


def verify_entry(name: str, data: bytes, texts: list[str] | None, entry: dict[str, Any],
                 result: Verification) -> int:
    """One file against its manifest entry: its SHA-256, and also — so that a hash rewritten in manifest.json
    does not pass — a PDF's page texts and a Word file's content. Returns 1 when everything matches."""
    label = f"file {shown(name)}"
    same_bytes = sha256(data) == entry["sha256"]
    if name.endswith(".pdf"):
        recorded = entry.get("page_text_sha256")
        if texts is None:
            return result.fail(label, "cannot be read as a PDF" + ("" if same_bytes else
                                                                   " and its SHA-256 differs from manifest.json"))
        current = [sha256(text.encode("utf-8")) for text in texts]
        if recorded is None:
            return result.fail(label, "manifest.json records no page texts for it")
        if current != recorded:
            why = page_differences(recorded, current)
            return result.fail(label, ("SHA-256 differs from manifest.json; " if not same_bytes else
                                       "has the SHA-256 recorded in manifest.json, not its recorded page texts "
                                       "(manifest.json was altered); ") + why)
    if name.endswith(".docx"):
        try:
            content = word_content_sha256(data, word_identifier(data))  # whichever it carries: checked apart
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            return result.fail(label, "cannot be read as a Word file")
        if content != entry.get("content_sha256"):
            return result.fail(label, ("SHA-256 differs from manifest.json; " if not same_bytes else
                                       "has the SHA-256 recorded in manifest.json, not its recorded content "
                                       "(manifest.json was altered); ")
                               + "its content (text, formatting or properties) is not the recorded content")
    if not same_bytes:
        why = "every page has the recorded text (the file was changed in some other way)" if name.endswith(".pdf") \
            else "the file was altered or replaced"
        return result.fail(label, f"SHA-256 differs from manifest.json; {why}")
    return 1


def verify_unlisted(folder: Path, manifest: dict[str, Any], result: Verification) -> None:
    listed = {f["path"] for f in manifest["files"]} | {MANIFEST}
    if manifest.get("signature") is not None:
        listed.add(SIGNATURE)
    unlisted = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                      if (p.is_file() or p.is_symlink()) and p.relative_to(folder).as_posix() not in listed)
    for relative in unlisted[:20]:
        result.fail(f"file {shown(relative)}", "in the folder but not listed in manifest.json")
    if len(unlisted) > 20:
        result.fail("files", f"{len(unlisted) - 20} more files in the folder are not listed in manifest.json")
    if not unlisted:
        result.add(True, "no file in the folder is missing from manifest.json")


def verify_fingerprint(manifest: dict[str, Any], result: Verification) -> None:
    computed = fingerprint_of(manifest)
    if computed == manifest["fingerprint"]:
        result.add(True, f"fingerprint {grouped(computed)} agrees with everything recorded in manifest.json "
                         "(options, templates, every file's hash and page texts, every Word file's content)")
    else:
        result.fail("fingerprint", f"manifest.json records {grouped(shown(manifest['fingerprint'], 40))}, what it "
                                   f"records gives {grouped(computed)} (manifest.json was altered)")


def document_twins(paths: set[str]) -> list[str]:
    """Documents written in one format only although both were asked for."""
    missing = []
    for path in sorted(paths):
        stem, _, ext = path.rpartition(".")
        if ext == "docx" and f"{stem}.pdf" not in paths:
            missing.append(f"{stem}.pdf")
        elif ext == "pdf" and f"{stem}.docx" not in paths and not word_less(path):
            missing.append(f"{stem}.docx")
    return missing


def word_less(path: str) -> bool:
    """PDFs that have no Word twin: the bound sets, envelope pages, the summary and the attorney's binder."""
    return path.endswith((f"/{BOUND}", "-envelope.pdf")) or path in (SUMMARY, BINDER)


def verify_complete(manifest: dict[str, Any], result: Verification) -> None:
    """What the recorded options say was made is listed: nothing can be removed with its entry."""
    paths = {f["path"] for f in manifest["files"]}
    formats = set(manifest["formats"])
    expected = {ELIGIBILITY_PATH} | ({SUMMARY, BINDER} if "pdf" in formats else set())
    for filing in manifest["filing_sets"]:
        documents = [f"{filing['folder']}/cover_letter.pdf"] + [d["path"] for d in filing["documents"]]
        if "pdf" in formats:
            expected |= {filing["bound"], *documents}
        if "docx" in formats:
            expected |= {d.removesuffix(".pdf") + ".docx" for d in documents}
    if "pdf" in formats:
        expected |= set((manifest.get("attorney_copy") or {}).get("sources", []))
    missing = sorted(expected - paths)
    wrong = sorted(p for p in paths if p.rpartition(".")[2] in ("docx", "pdf") and p.rpartition(".")[2] not in formats)
    if formats == {"docx", "pdf"}:
        missing += [p for p in document_twins(paths) if p not in missing]
    if "pdf" in formats and manifest.get("attorney_copy") is None:
        missing.append("the attorney's copy's page texts")
    if missing:
        result.fail("completeness", f"made with formats {'+'.join(sorted(formats))}, but manifest.json lists no "
                                    + listing([shown(m) for m in missing]))
    if wrong:
        result.fail("completeness", f"made with formats {'+'.join(sorted(formats))}, but manifest.json lists "
                                    + ", ".join(shown(m) for m in wrong[:8]))
    if not missing and not wrong:
        result.add(True, f"every file the recorded options ({'+'.join(sorted(formats))}, "
                         f"{len(manifest['filing_sets'])} filing sets) call for is listed")


def verify_bound_pages(files: Files, filing: dict[str, Any], result: Verification) -> None:
    """Each page of a bound filing.pdf, its "Filing page" line aside, is the page of its own document."""
    name = filing["bound"]
    bound = files.texts(name)
    sources = [f"{filing['folder']}/cover_letter.pdf"] + [d["path"] for d in filing["documents"]]
    pages = [files.texts(source) for source in sources]
    if bound is None or any(p is None for p in pages):
        return  # a missing or unreadable file is named already
    expected = [sha256(text.encode("utf-8")) for p in pages for text in p or []]
    current = [sha256(" ".join(FILING_PAGE.sub(" ", text).split()).encode("utf-8")) for text in bound]
    if current == expected:
        result.add(True, f"{shown(name)}: every page is the page of its document ({len(sources)} documents, "
                         "cover letter first)")
    else:
        result.fail(f"{shown(name)} pages", "do not match its documents' PDFs: "
                    + page_differences(expected, current).replace("recorded page", "documents' page"))


def report_repacked(files: Files, entries: list[dict[str, Any]], result: Verification) -> None:
    """Files `erasure-docs repack` recorded as changed after generation (they match what it recorded): said,
    not failed. A file that changed with no such record fails above."""
    for entry in entries:
        relative = entry["path"]
        data = files.data(relative)
        if not isinstance(entry.get("generated"), dict) or data is None or sha256(data) != entry["sha256"]:
            continue
        if entry.get("edited_after_generation"):
            result.add(True, f"file {shown(relative)}: edited after generation by the preparer (recorded in "
                             f"{MANIFEST})")
        else:
            result.add(True, f"file {shown(relative)}: bound again from the documents by erasure-docs repack "
                             f"(recorded in {MANIFEST})")


def page_differences(recorded: list[str], current: list[str], offset: int = 0) -> str:
    """Which pages differ, in words: 'page 7 is not the recorded page 7 (swapped, altered or replaced)';
    `offset`: pages before the compared ones (the binder's summary)."""
    if len(current) == len(recorded):
        changed = [i + 1 for i, (a, b) in enumerate(zip(recorded, current)) if a != b]
        if not changed:
            return "every page has the recorded text (the file was changed in some other way)"
        return "; ".join(f"page {n + offset} is not the recorded page {n + offset} (swapped, altered or replaced)"
                         for n in changed[:8])
    first = next((i for i, (a, b) in enumerate(zip(recorded, current)) if a != b), min(len(recorded), len(current)))
    if len(current) > len(recorded):
        extra = len(current) - len(recorded)
        return (f"it has {len(current) + offset} pages, the manifest records {len(recorded) + offset}: "
                f"page {first + 1 + offset} is an added page" + (f" ({extra} pages added)" if extra > 1 else ""))
    missing = len(recorded) - len(current)
    return (f"it has {len(current) + offset} pages, the manifest records {len(recorded) + offset}: recorded page "
            f"{first + 1 + offset} was removed" + (f" ({missing} pages removed)" if missing > 1 else ""))


def verify_word_files(files: Files, manifest: dict[str, Any], result: Verification) -> None:
    words = [f["path"] for f in manifest["files"] if f["path"].endswith(".docx") and files.data(f["path"]) is not None
             and not f.get("edited_after_generation")]  # Word may drop the fingerprint from an edited file
    carrying = 0
    for relative in words:
        try:
            identifier = word_identifier(files.data(relative) or b"")
        except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, ValueError) as exc:
            result.fail(f"file {shown(relative)}", f"its Word properties cannot be read ({type(exc).__name__})")
            continue
        if identifier != manifest["fingerprint"]:
            result.fail(f"file {shown(relative)}", f"Word properties carry fingerprint {shown(identifier or 'none', 40)}, "
                                                   f"manifest.json records {shown(manifest['fingerprint'], 40)}")
        else:
            carrying += 1
    if words and carrying == len(words):
        result.add(True, f"{carrying} Word files carry the fingerprint in their properties")


def verify_nothing_attached(files: Files, pdfs: list[str], result: Verification) -> None:
    carrying = []
    for relative in pdfs:
        try:
            if attachments_of(files.data(relative) or b""):
                carrying.append(relative)
        except Exception:  # noqa: BLE001 - a damaged PDF was named by its hash already
            continue
    for relative in carrying:
        result.fail(f"file {shown(relative)}", "carries attached files; only the attorney's copy may")
    if pdfs and not carrying:
        result.add(True, f"no attachment in any of {len(pdfs)} filed, sealed, mailed or summary PDFs")


def verify_signatures(files: Files | None, manifest: dict[str, Any], result: Verification,
                      lone: dict[str, bytes] | None = None, manifest_folder: Path | None = None) -> None:
    """A signed packet: manifest.json.p7s over manifest.json, and a PAdES signature over the whole of each bound
    filing, all by the certificate the manifest names. Unsigned: a note that only consistency was checked, and a
    filing that carries a signature anyway fails (its record was removed from the manifest)."""
    record = manifest.get("signature")
    pdfs = lone if lone is not None else {f["bound"]: files.data(f["bound"]) for f in manifest["filing_sets"]
                                          if files is not None and files.data(f["bound"]) is not None}
    if record is None:
        for path, data in pdfs.items():
            if data is not None and b"/ByteRange" in data:
                result.fail(f"file {shown(path)}", "carries a signature that manifest.json does not record (the "
                                                   "signature record was removed from manifest.json)")
        result.notes.append(UNSIGNED_NOTE)
        return
    subject, certificate = shown(record.get("subject", ""), 200), record.get("certificate_sha256")
    agreed = True
    folder = files.folder if files is not None else manifest_folder
    if folder is not None:
        try:
            status = check_detached((folder / MANIFEST).read_bytes(), (folder / SIGNATURE).read_bytes())
        except OSError:
            status = None
        if status is None:
            agreed = result.fail(SIGNATURE, "missing: manifest.json records a signature, and its signature file is gone")
        elif not status.ok:
            agreed = result.fail(SIGNATURE, status.why)
        elif status.certificate_sha256 != certificate:
            agreed = result.fail(SIGNATURE, "made with another certificate than the one manifest.json records")
        else:
            result.add(True, f"{MANIFEST} is signed by {shown(status.subject, 200)} (certificate SHA-256 "
                             f"{certificate[:16]}…) and unchanged since it was signed")
    entries = {f["path"]: f for f in manifest["files"]}
    for path, data in pdfs.items():
        if data is None:
            continue
        if entries.get(path, {}).get("signed") is None:
            agreed = result.fail(f"file {shown(path)}", "manifest.json records a signed packet, but not this filing "
                                                        "as signed")
            continue
        status = check_pdf(data)
        if not status.ok:
            agreed = result.fail(f"file {shown(path)}", status.why)
        elif status.certificate_sha256 != certificate:
            agreed = result.fail(f"file {shown(path)}", "signed with another certificate than manifest.json records")
        else:
            result.add(True, f"{shown(path)} is signed by {shown(status.subject, 200)} (PAdES) and unchanged since "
                             "it was signed")
    if agreed and result.ok:
        result.signer = subject
    result.notes.append("signed: a signature shows that nothing changed since the key's holder signed; whether "
                        f"the certificate (SHA-256 {shown(certificate, 64)}) is the attorney's is for you to check")


def verify_page_numbers(name: str, texts: list[str] | None, result: Verification) -> None:
    """A bound filing prints "Filing page N of M" on every page, N running 1..M, M its page count."""
    if texts is None:
        result.fail(name, "cannot be read as a PDF")
        return
    wrong = []
    for number, text in enumerate(texts, start=1):
        found = FILING_PAGE.findall(text)
        if found != [(str(number), str(len(texts)))]:
            printed = f"prints 'Filing page {found[-1][0]} of {found[-1][1]}'" if found else "prints no filing page number"
            wrong.append(f"page {number} {printed}")
    if wrong:
        result.fail(f"{name} page numbers", f"{len(texts)} pages; " + "; ".join(wrong[:6]))
    else:
        result.add(True, f"{name}: all {len(texts)} pages print 'Filing page N of {len(texts)}' in order")


def verify_binder(name: str, data: bytes, attached: dict[str, bytes] | None, folder_manifest: dict[str, Any] | None,
                  result: Verification, summary: list[str] | None = None,
                  texts: list[str] | None = None) -> dict[str, Any] | None:
    """The attorney's copy: its attachments, its summary's fingerprint, and its pages under the stamp."""
    try:
        attached = attached if attached is not None else attachments_of(data)
    except Exception as exc:  # noqa: BLE001
        result.fail(name, f"cannot be read as a PDF ({type(exc).__name__})")
        return None
    missing = [a for a in ATTACHMENTS if a not in attached]
    for attachment in missing:
        result.fail(f"attachment {attachment}", f"missing from {name}")
    if not missing:
        result.add(True, f"{name} carries {', '.join(ATTACHMENTS)}")
    own = None
    if MANIFEST in attached:
        try:
            own = read_manifest(attached[MANIFEST])
        except ManifestError as exc:
            result.fail(f"attachment {MANIFEST}", f"cannot be read ({exc})")
    if folder_manifest is not None and own is not None:
        expected = as_attached(folder_manifest)
        if unsigned_view(own) == expected:  # signing (again) after the binder was made changes neither
            result.add(True, f"attachment {MANIFEST} equals the folder's manifest.json (less the summary's and "
                             "the attorney's copy's entries)")
        else:
            result.fail(f"attachment {MANIFEST}", "differs from the folder's manifest.json at "
                                                  + ", ".join(json_differences(expected, own)))
    elif own is not None:
        computed = fingerprint_of(own)
        result.add(computed == own["fingerprint"], f"fingerprint {grouped(computed)} agrees with everything "
                   f"recorded in the attached {MANIFEST}", f"the attached {MANIFEST} records "
                   f"{grouped(shown(own['fingerprint'], 40))}, what it records gives {grouped(computed)}")
    reference = folder_manifest if folder_manifest is not None else own
    if reference is None:
        return None
    recorded = reference.get("attachments") or {}
    for attachment in (ELIGIBILITY, REDACTED):
        if attachment in attached:
            ok = sha256(attached[attachment]) == recorded.get(attachment)
            result.add(ok, f"attachment {attachment} matches the SHA-256 recorded in the manifest",
                       f"differs from the {attachment} recorded in the manifest")
    verify_binder_pages(name, texts if texts is not None else page_texts_or_none(data), reference, result, summary)
    return reference


def verify_binder_pages(name: str, texts: list[str] | None, manifest: dict[str, Any], result: Verification,
                        summary: list[str] | None = None) -> None:
    """Every page stamped; the summary shows the fingerprint (and, in a folder, is filing-summary.pdf's pages);
    the pages after it are the recorded pages of the files the manifest names as its sources."""
    if texts is None:
        result.fail(name, "cannot be read as a PDF")
        return
    unstamped = [n for n, text in enumerate(texts, start=1) if STAMP not in text]
    result.add(not unstamped, f"{name}: every page is stamped '{STAMP}'",
               f"pages without the stamp: {', '.join(map(str, unstamped[:8]))}")
    match = FINGERPRINT_ON_PAGE.search(texts[0] if texts else "")
    on_page = re.sub(r"\s+", "", match.group(1)) if match else None
    if on_page is None:
        result.fail("fingerprint on the summary page", f"not found on the first page of {name}")
    else:
        result.add(on_page == manifest["fingerprint"], f"fingerprint on the summary page ({grouped(on_page)}) "
                   "matches the manifest", f"shows {grouped(on_page)}, the manifest records "
                   f"{grouped(shown(manifest['fingerprint'], 40))}")
    copy = manifest.get("attorney_copy")
    if copy is None:
        result.fail(f"{name} pages", "the manifest records no page texts for the attorney's copy")
        return
    body = copy["body_page_text_sha256"]
    recorded = {f["path"]: f.get("page_text_sha256") or [] for f in manifest["files"]}
    sources = [h for path in copy["sources"] for h in recorded.get(path, [])]
    result.add(sources == body, "the attorney's copy's recorded pages are its sources' recorded pages",
               "manifest.json records pages for the attorney's copy that are not its sources' recorded pages")
    summary_pages = len(texts) - len(body)
    if summary is not None:
        unstamped_summary = [" ".join(t.replace(STAMP, " ").split()) for t in texts[:max(summary_pages, 0)]]
        result.add(unstamped_summary == summary, f"{name}: its summary pages are {SUMMARY}'s pages",
                   f"its summary pages are not {SUMMARY}'s pages")
    current = [sha256(" ".join(t.replace(STAMP, " ").split()).encode("utf-8")) for t in texts[max(summary_pages, 0):]]
    if summary_pages < 1:
        result.fail(f"{name} pages", f"it has {len(texts)} pages, fewer than the {len(body)} recorded after its summary")
    elif current != body:
        result.fail(f"{name} pages", page_differences(body, current, summary_pages))
    else:
        result.add(True, f"{name}: all {len(body)} pages after the summary have the recorded text")


def describe_outcome_changes(recorded: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """'docket H14H-…, charge 1 (C.G.S. § 53a-82): status eligible recorded, needs_review now'."""
    changes: list[str] = []
    old = {(c.get("docket_number"), c.get("index")): c for c in recorded.get("charges", [])}
    new = {(c.get("docket_number"), c.get("index")): c for c in current.get("charges", [])}
    for key in list(dict.fromkeys([*old, *new])):
        a, b = old.get(key), new.get(key)
        label = f"docket {key[0]}, charge {int(key[1]) + 1 if isinstance(key[1], int) else key[1]}"
        if a is None or b is None:
            changes.append(f"{label}: {'not recorded' if a is None else 'no longer produced'}")
            continue
        label += f" ({b.get('citation')})"
        for name in ("status", "pathway", "relief", "victim_notice_required", "erasure_date", "flags"):
            if a.get(name) != b.get(name):
                changes.append(f"{label}: {name} {a.get(name)} recorded, {b.get(name)} now")
    if not changes:
        changes = json_differences(recorded, current)
    return changes


def verify_against_case(case_file: Path, manifest: dict[str, Any], recorded_eligibility: Any,
                        result: Verification, folder: Path | None, only: str | None,
                        pdf_bytes: bytes | None = None, templates: Path | None = None) -> None:
    """Re-run the rules and re-render in memory (with the recorded options and templates); compare with what was
    recorded (every file, or `only`). A signed PDF is compared as rendered: what it was before signing."""
    from erasure_docs import __version__, api
    from erasure_docs.rules.tables import load_tables

    as_of = dt.date.fromisoformat(manifest["as_of"])
    cases = [c for c in api.load_cases([case_file], as_of=as_of) if c.case_id == manifest["case_id"]]
    if not cases:
        result.fail("case file", f"holds no case {shown(manifest['case_id'])}")
        return
    loaded = cases[0]
    if not loaded.ok:
        result.fail("case file", f"invalid ({len(loaded.problems)} problems; run erasure-docs validate)")
        return
    same_input = loaded.input_sha256 == manifest["input"]["sha256"]
    result.add(same_input, "case file is the recorded input (SHA-256)",
               "differs from the input recorded in manifest.json (the case file was edited, or is another file)")

    installed = str(load_tables().param("rules_version"))
    if installed != manifest["rules_version"]:
        result.fail("rules version", f"rules version {shown(manifest['rules_version'], 40)} recorded, {installed} installed; "
                                     "outcomes and files not compared")
        return
    assert loaded.case is not None
    redacted = bool(manifest.get("redacted"))
    case = loaded.case
    if redacted:
        from erasure_docs.redact import redacted_for_rendering
        case = redacted_for_rendering(case)
    report = api.check(case)
    current = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    if not isinstance(recorded_eligibility, dict):
        result.fail("outcomes", "the recorded eligibility.json cannot be read")
    elif current == recorded_eligibility:
        result.add(True, f"outcomes: rules {installed} as of {manifest['as_of']} give the recorded outcomes")
    else:
        result.fail("outcomes", "; ".join(describe_outcome_changes(recorded_eligibility, current)))

    if manifest["tool_version"] != __version__:
        result.fail("tool version", f"erasure-docs {shown(manifest['tool_version'], 40)} recorded, {__version__} "
                                    "installed; files not re-rendered")
        return
    if not same_templates(manifest["templates"], templates, result):
        return
    formats = tuple(manifest["formats"])
    wanted = set(manifest["only"]) if manifest.get("only") else None
    # the manifest names the input file; a case file copied under another name is still the same input
    input_ref = api.InputRef(manifest["input"]["file"], loaded.input_sha256)
    try:
        built = api.build_packet(loaded.case, formats=formats, only=wanted, input_ref=input_ref, redact=redacted,
                                 templates=templates, file_mode=int(manifest["file_mode"], 8))
    except Exception as exc:  # noqa: BLE001 - reported as a failed check, never a traceback
        result.fail("re-rendering", f"failed ({safe_message(exc)})")
        return
    entries = {f["path"]: f for f in manifest["files"]}
    if only is not None:  # one file
        data = pdf_bytes if pdf_bytes is not None else (folder / only).read_bytes() if folder else b""
        name = only.rsplit("/", 1)[-1]
        result.add(same_render(built.files.get(only), data, entries.get(only)),
                   f"re-rendering gives a byte-identical {name}" + (" (as signed over)" if signed(entries.get(only)) else ""),
                   f"{name} differs from the one rendered again from the case file")
        return
    assert folder is not None
    # changed by repack: compared as generated; the manifest as generated and before signing
    generated = {f["path"]: {"path": f["path"], **f["generated"]} for f in manifest["files"]
                 if isinstance(f.get("generated"), dict)}
    differing = []
    for relative in sorted(set(built.files) | set(entries) | {MANIFEST}):
        target = folder / relative
        if relative not in built.files:
            differing.append(f"{relative} (not produced again)")
        elif relative == MANIFEST and (generated or manifest.get("signature") is not None):
            if parse_json(built.files[MANIFEST]) != unsigned_view(as_generated(manifest)):
                differing.append(relative)
        elif relative in generated:
            if sha256(built.files[relative]) != rendered_sha256(generated[relative]):
                differing.append(relative)
        elif not target.is_file():
            differing.append(f"{relative} (missing from the folder)")
        elif not same_render(built.files[relative], target.read_bytes(), entries.get(relative)):
            differing.append(relative)
    if differing:  # the data and the bound files first, then the documents, the Word files last
        differing.sort(key=lambda name: (name.split(" ")[0].endswith(".docx"), name.count("/"), name))
        listed = listing([shown(d) for d in differing], 12)
        result.fail("re-rendering", f"{len(differing)} files differ from the ones rendered again: {listed}")
    else:
        result.add(True, f"re-rendering gives {len(built.files)} byte-identical files"
                         + (" (each signed filing: the bytes it was signed over)" if manifest.get("signature") else ""))


def rendered_sha256(entry: dict[str, Any]) -> Any:
    """The SHA-256 of a file as rendered (before any signing)."""
    return entry["signed"]["rendered_sha256"] if signed(entry) else entry.get("sha256")


def signed(entry: dict[str, Any] | None) -> bool:
    return entry is not None and entry.get("signed") is not None


def same_render(built: bytes | None, data: bytes, entry: dict[str, Any] | None) -> bool:
    """A file as rendered again: byte-identical, or for a signed PDF, the bytes it was signed over (signing
    appends to the rendered file; its signature covers the whole)."""
    if built is None:
        return False
    if signed(entry):
        assert entry is not None
        return len(built) == entry["signed"]["rendered_bytes"] and data[:len(built)] == built
    return built == data


def same_templates(recorded: dict[str, Any], templates: Path | None, result: Verification) -> bool:
    """The templates that would render now are the recorded set."""
    if recorded["source"] == "custom" and templates is None:
        return result.fail("templates", "the packet was made with a clinic's own templates; give that folder with "
                                        "--templates to render it again")
    current = template_set(templates)
    if current != {"source": recorded["source"], "sha256": recorded["sha256"]}:
        return result.fail("templates", f"the {current['source']} templates {'given' if templates else 'installed'} "
                                        "are not the recorded set (their SHA-256 differs); files not re-rendered")
    return result.add(True, f"templates: the recorded {current['source']} set (SHA-256 {current['sha256'][:16]}…)")


# ---------------------------------------------------------------- show

def show_text(path: Path) -> str:
    """What a case folder, one court's filing.pdf or the attorney's copy holds, readable (every value from a
    manifest or a report shown safely: no control characters or escape sequences). A filing.pdf shows only its
    own court and dockets. Raises NoFilingData when there is nothing to show."""
    try:
        text = _show(path)
    except NoFilingData:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError):
        raise NoFilingData(f"{printable(path.name, 200)}: its filing data is not the shape erasure-docs writes") from None
    return "\n".join(printable(line) for line in text.split("\n"))


def _show(path: Path) -> str:
    if path.is_dir():
        try:
            manifest = read_manifest((path / MANIFEST).read_bytes())
        except (OSError, ManifestError) as exc:
            raise NoFilingData(f"{printable(path.name, 200)} holds no readable {MANIFEST} ({exc})") from None
        eligibility = read_json_file(path / ELIGIBILITY_PATH)
        return case_text(manifest, eligibility if isinstance(eligibility, dict) else {}, None)
    attached = attachments_of(path.read_bytes())
    if MANIFEST in attached:  # the attorney's copy
        try:
            manifest = read_manifest(attached[MANIFEST])
        except ManifestError as exc:
            raise NoFilingData(f"{printable(path.name, 200)} carries no readable {MANIFEST} ({exc})") from None
        eligibility = parse_json(attached.get(ELIGIBILITY))
        case = parse_json(attached.get(REDACTED))
        if not isinstance(eligibility, dict) or not isinstance(case, dict):
            raise NoFilingData(f"{printable(path.name, 200)} carries no readable erasure-docs filing data")
        return case_text(manifest, eligibility, case)
    found = find_folder(path)
    if found is None:
        raise NoFilingData(f"{printable(path.name, 200)} carries no data (a filed PDF never does) and no case "
                           "folder's manifest lists it")
    manifest = read_manifest((found[0] / MANIFEST).read_bytes())
    for filing in manifest["filing_sets"]:
        if filing["bound"] == found[1]:
            return set_text(manifest, filing)
    raise NoFilingData(f"{printable(path.name, 200)} is not a bound filing set; show a case folder, a filing.pdf or "
                       "the attorney's copy")


def header_lines(manifest: dict[str, Any]) -> list[str]:
    return [f"Packet {shown(manifest['case_id'])}",
            f"  fingerprint    {grouped(shown(manifest['fingerprint'], 40))}",
            f"  law as of      {manifest['as_of']} (rules {shown(manifest['rules_version'], 40)})",
            f"  prepared with  erasure-docs {shown(manifest['tool_version'], 40)}"] + \
        ([f"  signed by      {shown(manifest['signature'].get('subject', ''), 200)} (run verify to check the "
          "signatures)"] if manifest.get("signature") else [])


def set_text(manifest: dict[str, Any], filing: dict[str, Any]) -> str:
    """One filing set: its court, its dockets, its documents with their filing pages; nothing of other courts."""
    lines = header_lines(manifest) + ["", f"Filing set for {shown(filing['court'])} ({shown(filing['bound'])})",
                                      "  dockets        " + ", ".join(shown(d) for d in filing["dockets"])]
    entries = {f["path"]: f for f in manifest["files"]}
    pages = (entries.get(filing["bound"]) or {}).get("pages")
    lines += ["", f"Documents ({pages} pages, cover letter first)" if pages else "Documents (cover letter first)"]
    for entry in filing["documents"]:
        lines.append(f"  {entry['number']:>2}. {shown(entry['title'], 200)}  [{shown(entry['docket_number'])}]  "
                     f"filing {pages_word(entry['pages'])} {shown(entry['pages'], 20)}")
    return "\n".join(lines)


def pages_word(pages: str) -> str:
    return "pages" if "–" in pages else "page"


def case_text(manifest: dict[str, Any], eligibility: dict[str, Any], case: dict[str, Any] | None) -> str:
    """The whole case (a folder or the attorney's copy): every docket's outcomes and every filing set."""
    from types import SimpleNamespace

    from erasure_docs.context import court_names
    from erasure_docs.model import Court

    lines = header_lines(manifest)
    if case is not None:
        filing_date = (case.get("filing") or {}).get("date")
        if filing_date:
            lines.append(f"  filing date    {shown(filing_date, 40)}")
        attorney = case.get("attorney")
        lines.append(f"  prepared by    attorney {shown(attorney['name'])}, Juris No. {shown(attorney['juris_number'], 40)}"
                     if attorney else "  prepared by    self-represented")
    lines += ["", "Dockets"]
    records = {r.get("docket_number"): r for r in (case or {}).get("records", [])}
    charges: dict[str, list[dict[str, Any]]] = {}
    for charge in eligibility.get("charges", []):
        charges.setdefault(charge.get("docket_number"), []).append(charge)
    for docket, items in charges.items():
        record = records.get(docket) or {}
        try:
            court = court_names(SimpleNamespace(court=Court.model_validate(record["court"])))["full"]  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a court the data does not describe
            court = ""
        proceeding = shown(record.get("proceeding", ""), 40)
        lines.append(f"  {shown(docket)}  {court}".rstrip() + (f" ({proceeding.replace('_', ' ')})" if proceeding else ""))
        for charge in items:
            notice = ", victim notice required" if charge.get("victim_notice_required") else ""
            pathway = f"§ {shown(charge['pathway'], 40)}" if charge.get("pathway") else "no pathway"
            lines.append(f"    {int(charge.get('index', 0)) + 1}. {shown(charge.get('citation'))}: "
                         f"{shown(charge.get('status', ''), 40).replace('_', ' ')}, {pathway}, "
                         f"relief {shown(charge.get('relief') or 'none', 40)}{notice}")
    for filing in manifest["filing_sets"]:
        lines += [""] + set_text(manifest, filing).split("\n")[len(header_lines(manifest)) + 1:]
    return "\n".join(lines)
