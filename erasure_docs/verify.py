"""Clerk review: check that a case folder, one court's bound filing or the attorney's copy is what erasure-docs
produced (`erasure-docs verify`), and print what it holds (`erasure-docs show`).

verify, on a case folder:
  - every file listed in manifest.json exists with its recorded SHA-256, and no file is unlisted; a PDF that
    differs is read page by page against the recorded hash of each page's text, so a page swapped in from
    another packet, an added or a removed page is named;
  - the fingerprint recorded in manifest.json is the one its entries give (packet.fingerprint_of), and every
    Word file carries it in its properties;
  - no filed, sealed or mailed PDF carries an attached file; each bound filing.pdf numbers its pages
    "Filing page N of M";
  - the attorney's copy: its attached eligibility.json and case-data-redacted.json have the recorded hashes,
    its attached manifest.json is the folder's less the summary's and the binder's own entries, its summary
    prints the fingerprint, and every later page is, page for page, the recorded text under the stamp;
  - with --case: the case file is the recorded input, the rules (same version, recorded as-of date) give the
    recorded outcomes, and rendering again, in memory, gives byte-identical files.
On one PDF of a case folder, the folder's manifest is found above it and that file is checked. On an attorney's
copy alone, its own attached manifest is used. On a filing.pdf alone (no manifest found, none given with
--manifest), only its printed page numbers can be checked, and verify says so. Nothing is written anywhere.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erasure_docs.errors import ErasureDocsError, safe_message
from erasure_docs.files import sha256
from erasure_docs.packet import (BINDER, BOUND, ELIGIBILITY, ELIGIBILITY_PATH, MANIFEST, REDACTED, SUMMARY,
                                 as_generated, fingerprint_of, grouped, page_hashes, page_texts)

ATTACHMENTS = (ELIGIBILITY, REDACTED, MANIFEST)
FINGERPRINT_ON_PAGE = re.compile(r"Packet\s*fingerprint\s*((?:[0-9a-f]\s*){16})")
FILING_PAGE = re.compile(r"Filing page (\d+) of (\d+)")
STAMP = "ATTORNEY COPY — NOT FOR FILING"
NOT_IN_BINDER_MANIFEST = (SUMMARY, BINDER)  # the binder attaches the manifest before these entries exist


class NoFilingData(ErasureDocsError, ValueError):
    """A PDF with nothing to show: not a case folder's, or its data cannot be read."""


class UsageError(ErasureDocsError):
    """The path is neither a case folder nor a PDF."""


@dataclass
class Check:
    ok: bool
    what: str
    why: str = ""

    def line(self) -> str:
        return f"PASS  {self.what}" if self.ok else f"FAIL  {self.what}: {self.why}"


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)

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

    def summary(self) -> str:
        if self.ok:
            return f"VERIFIED: all {len(self.checks)} checks passed"
        return f"NOT VERIFIED: {len(self.failed)} of {len(self.checks)} checks failed"


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
    return found


def docx_identifier(data: bytes) -> str | None:
    """The identifier in a Word file's core properties (where the fingerprint is)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    match = re.search(r"<dc:identifier>([^<]*)</dc:identifier>", core)
    return match.group(1) if match else None


def as_attached(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest as the attorney's copy attaches it: without the summary's and the binder's own entries."""
    copy = dict(manifest)
    copy["files"] = [f for f in manifest.get("files", []) if f.get("path") not in NOT_IN_BINDER_MANIFEST]
    return copy


def read_manifest(data: bytes) -> dict[str, Any]:
    manifest = json.loads(data.decode("utf-8"))
    needed = ("tool_version", "rules_version", "case_id", "as_of", "input", "formats", "fingerprint", "files")
    missing = [key for key in needed if key not in manifest] if isinstance(manifest, dict) else list(needed)
    if missing:
        raise ValueError(f"lacks {', '.join(missing)}")
    return manifest


def attachments_of(data: bytes) -> dict[str, bytes]:
    import pypdf  # only verify and show pay for it

    reader = pypdf.PdfReader(io.BytesIO(data))
    return {name: contents[0] for name, contents in reader.attachments.items() if contents}


def parse_json(data: bytes | None) -> Any:
    try:
        return json.loads(data.decode("utf-8")) if data is not None else None
    except (ValueError, UnicodeDecodeError):
        return None


def read_json_file(path: Path) -> Any:
    try:
        return parse_json(path.read_bytes())
    except OSError:
        return None


def find_folder(pdf: Path) -> tuple[Path, str] | None:
    """The case folder above a PDF whose manifest lists it, and the PDF's path in it."""
    resolved = pdf.resolve()
    for folder in list(resolved.parents)[:4]:
        manifest = read_json_file(folder / MANIFEST)
        relative = resolved.relative_to(folder).as_posix()
        if isinstance(manifest, dict) and any(f.get("path") == relative for f in manifest.get("files", [])):
            return folder, relative
    return None


# ---------------------------------------------------------------- verify

def verify(path: Path, case_file: Path | None = None, manifest_path: Path | None = None) -> Verification:
    """Every check, in order; raises UsageError for a path that is neither a folder nor a PDF."""
    result = Verification()
    folder: Path | None
    if path.is_dir():
        folder, only = path, None
    elif path.is_file() and path.suffix.lower() == ".pdf":
        found = find_folder(path)
        folder, only = found if found else (None, None)
    else:
        raise UsageError(f"{path} is neither a case folder nor a PDF")

    if folder is not None:
        manifest = verify_folder(folder, result, only)
        if manifest is None:
            return result
        if case_file is not None:
            verify_against_case(case_file, manifest, read_json_file(folder / ELIGIBILITY_PATH), result, folder, only)
        return result

    data = path.read_bytes()
    try:
        attached = attachments_of(data)
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds for a damaged file
        result.fail(path.name, f"cannot be read as a PDF ({type(exc).__name__})")
        return result
    if MANIFEST in attached:  # an attorney's copy on its own
        manifest = verify_binder(path.name, data, attached, None, result)
        if manifest is not None and case_file is not None:
            verify_against_case(case_file, manifest, parse_json(attached.get(ELIGIBILITY)), result, None, BINDER,
                                data)
        return result
    verify_page_numbers(path.name, data, result)
    if manifest_path is None:
        result.fail("manifest", f"no manifest.json lists {path.name}: its pages cannot be checked against the "
                                "recorded text (keep it in its case folder, or give --manifest)")
        return result
    try:
        manifest = read_manifest(manifest_path.read_bytes())
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        result.fail(MANIFEST, f"cannot be read ({str(exc)[:120]})")
        return result
    entries = [f for f in manifest["files"] if f.get("path", "").endswith(f"/{path.name}")
               and f.get("sha256") == sha256(data)] or [f for f in manifest["files"]
                                                         if f.get("path", "").endswith(f"/{path.name}")]
    if len(entries) != 1:
        result.fail(path.name, f"the manifest lists {len(entries)} files of that name; verify it in its folder")
        return result
    verify_file(path.name, data, entries[0], result)
    return result


def verify_folder(folder: Path, result: Verification, only: str | None) -> dict[str, Any] | None:
    """The folder's files (or the one file `only`) against its manifest.json; returns the manifest."""
    try:
        manifest = read_manifest((folder / MANIFEST).read_bytes())
    except FileNotFoundError:
        result.fail(MANIFEST, f"missing from {folder.name}; not a case folder, or its manifest was removed")
        return None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        result.fail(MANIFEST, f"cannot be read ({str(exc)[:120]})")
        return None
    result.add(True, f"{MANIFEST} read: packet {manifest['case_id']}, law as of {manifest['as_of']}, "
                     f"rules {manifest['rules_version']}, erasure-docs {manifest['tool_version']}")
    root = folder.resolve()
    entries = [f for f in manifest["files"] if only is None or f.get("path") == only]
    good = 0
    for entry in entries:
        relative = str(entry.get("path", ""))
        target = (folder / relative).resolve()
        if not relative or not target.is_relative_to(root) or relative == MANIFEST:
            result.fail(f"file {relative or '(no path)'}", "listed in manifest.json with a path outside the packet")
        elif not target.is_file():
            result.fail(f"file {relative}", "listed in manifest.json but missing from the folder")
        else:
            good += verify_file(relative, target.read_bytes(), entry, result, quiet=True)
    if good:
        others = "other " if good < len(entries) else ""
        result.add(True, f"{good} {others}listed files present with the SHA-256 recorded in manifest.json")
    report_repacked(folder, entries, result)
    if only is None:
        listed = {str(f.get("path", "")) for f in manifest["files"]}
        unlisted = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                          if p.is_file() and p.relative_to(folder).as_posix() not in listed | {MANIFEST})
        for relative in unlisted:
            result.fail(f"file {relative}", "in the folder but not listed in manifest.json")
        if not unlisted:
            result.add(True, "no file in the folder is missing from manifest.json")
    computed = fingerprint_of(manifest)
    if computed == manifest["fingerprint"]:
        result.add(True, f"fingerprint {grouped(computed)} agrees with the files recorded in manifest.json")
    else:
        result.fail("fingerprint", f"manifest.json records {grouped(str(manifest['fingerprint']))}, "
                                   f"its recorded files give {grouped(computed)}")
    if only is None:
        verify_word_files(folder, manifest, result)
    pdfs = [str(f["path"]) for f in entries if str(f.get("path", "")).endswith(".pdf")
            and (folder / f["path"]).is_file()]
    verify_nothing_attached(folder, [p for p in pdfs if p != BINDER], result)
    for relative in pdfs:
        if relative.endswith(f"/{BOUND}"):
            verify_page_numbers(relative, (folder / relative).read_bytes(), result)
    if BINDER in pdfs:
        verify_binder(BINDER, (folder / BINDER).read_bytes(), None, manifest, result)
    return manifest


def report_repacked(folder: Path, entries: list[dict[str, Any]], result: Verification) -> None:
    """Files `erasure-docs repack` recorded as changed after generation (they match what it recorded): said,
    not failed. A file that changed with no such record fails above."""
    for entry in entries:
        relative = str(entry.get("path", ""))
        if not isinstance(entry.get("generated"), dict) or not (folder / relative).is_file() \
                or sha256((folder / relative).read_bytes()) != entry.get("sha256"):
            continue
        if entry.get("edited_after_generation"):
            result.add(True, f"file {relative}: edited after generation by the preparer (recorded in {MANIFEST})")
        else:
            result.add(True, f"file {relative}: bound again from the documents by erasure-docs repack (recorded in "
                             f"{MANIFEST})")


def verify_file(name: str, data: bytes, entry: dict[str, Any], result: Verification, quiet: bool = False) -> int:
    """One file against its manifest entry; a PDF that differs is compared page by page. Returns 1 when it
    matches (and, unless quiet, says so)."""
    if sha256(data) == entry.get("sha256"):
        if not quiet:
            result.add(True, f"{name} has the SHA-256 recorded in the manifest")
        return 1
    recorded = entry.get("page_text_sha256")
    if not name.endswith(".pdf") or not isinstance(recorded, list):
        result.fail(f"file {name}", "SHA-256 differs from manifest.json (the file was altered or replaced)")
        return 0
    try:
        current = page_hashes(data)
    except Exception as exc:  # noqa: BLE001 - a damaged PDF
        result.fail(f"file {name}", f"SHA-256 differs from manifest.json and it cannot be read as a PDF "
                                    f"({type(exc).__name__})")
        return 0
    result.fail(f"file {name}", "SHA-256 differs from manifest.json; " + page_differences(recorded, current))
    return 0


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


def verify_word_files(folder: Path, manifest: dict[str, Any], result: Verification) -> None:
    words = [f["path"] for f in manifest["files"] if str(f.get("path", "")).endswith(".docx")
             and (folder / f["path"]).is_file() and not f.get("edited_after_generation")]  # Word may drop it
    carrying = 0
    for relative in words:
        try:
            identifier = docx_identifier((folder / relative).read_bytes())
        except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, ValueError) as exc:
            result.fail(f"file {relative}", f"its Word properties cannot be read ({type(exc).__name__})")
            continue
        if identifier != manifest["fingerprint"]:
            result.fail(f"file {relative}", f"Word properties carry fingerprint {identifier or 'none'}, "
                                            f"manifest.json records {manifest['fingerprint']}")
        else:
            carrying += 1
    if words and carrying == len(words):
        result.add(True, f"{carrying} Word files carry the fingerprint in their properties")


def verify_nothing_attached(folder: Path, pdfs: list[str], result: Verification) -> None:
    carrying = []
    for relative in pdfs:
        try:
            if attachments_of((folder / relative).read_bytes()):
                carrying.append(relative)
        except Exception:  # noqa: BLE001 - a damaged PDF was named by its hash already
            continue
    for relative in carrying:
        result.fail(f"file {relative}", "carries attached files; only the attorney's copy may")
    if pdfs and not carrying:
        result.add(True, f"no attachment in any of {len(pdfs)} filed, sealed, mailed or summary PDFs")


def verify_page_numbers(name: str, data: bytes, result: Verification) -> None:
    """A bound filing prints "Filing page N of M" on every page, N running 1..M, M its page count."""
    try:
        texts = page_texts(data)
    except Exception as exc:  # noqa: BLE001
        result.fail(name, f"cannot be read as a PDF ({type(exc).__name__})")
        return
    wrong = []
    for number, text in enumerate(texts, start=1):
        found = FILING_PAGE.findall(text)
        if found != [(str(number), str(len(texts)))]:
            shown = f"prints 'Filing page {found[-1][0]} of {found[-1][1]}'" if found else "prints no filing page number"
            wrong.append(f"page {number} {shown}")
    if wrong:
        result.fail(f"{name} page numbers", f"{len(texts)} pages; " + "; ".join(wrong[:6]))
    else:
        result.add(True, f"{name}: all {len(texts)} pages print 'Filing page N of {len(texts)}' in order")


def verify_binder(name: str, data: bytes, attached: dict[str, bytes] | None, folder_manifest: dict[str, Any] | None,
                  result: Verification) -> dict[str, Any] | None:
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
        except (ValueError, UnicodeDecodeError) as exc:
            result.fail(f"attachment {MANIFEST}", f"cannot be read ({str(exc)[:120]})")
    if folder_manifest is not None and own is not None:
        expected = as_attached(folder_manifest)
        if own == expected:
            result.add(True, f"attachment {MANIFEST} equals the folder's manifest.json (less the summary's and "
                             "the attorney's copy's entries)")
        else:
            result.fail(f"attachment {MANIFEST}", "differs from the folder's manifest.json at "
                                                  + ", ".join(json_differences(expected, own)))
    elif own is not None:
        computed = fingerprint_of(own)
        result.add(computed == own["fingerprint"], f"fingerprint {grouped(computed)} agrees with the files "
                   f"recorded in the attached {MANIFEST}", f"the attached {MANIFEST} records "
                   f"{grouped(str(own['fingerprint']))}, its recorded files give {grouped(computed)}")
    reference = folder_manifest if folder_manifest is not None else own
    if reference is None:
        return None
    recorded = reference.get("attachments") or {}
    for attachment in (ELIGIBILITY, REDACTED):
        if attachment in attached:
            ok = sha256(attached[attachment]) == recorded.get(attachment)
            result.add(ok, f"attachment {attachment} matches the SHA-256 recorded in the manifest",
                       f"differs from the {attachment} recorded in the manifest")
    verify_binder_pages(name, data, reference, result)
    return reference


def verify_binder_pages(name: str, data: bytes, manifest: dict[str, Any], result: Verification) -> None:
    texts = page_texts(data)
    unstamped = [n for n, text in enumerate(texts, start=1) if STAMP not in text]
    result.add(not unstamped, f"{name}: every page is stamped '{STAMP}'",
               f"pages without the stamp: {', '.join(map(str, unstamped[:8]))}")
    match = FINGERPRINT_ON_PAGE.search(texts[0] if texts else "")
    shown = re.sub(r"\s+", "", match.group(1)) if match else None
    if shown is None:
        result.fail("fingerprint on the summary page", f"not found on the first page of {name}")
    else:
        result.add(shown == manifest["fingerprint"], f"fingerprint on the summary page ({grouped(shown)}) matches "
                   "the manifest", f"shows {grouped(shown)}, the manifest records {grouped(str(manifest['fingerprint']))}")
    body = (manifest.get("attorney_copy") or {}).get("body_page_text_sha256")
    if not isinstance(body, list):
        result.fail(f"{name} pages", "the manifest records no page texts for the attorney's copy")
        return
    summary_pages = len(texts) - len(body)
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
                        pdf_bytes: bytes | None = None) -> None:
    """Re-run the rules and re-render in memory; compare with what was recorded (every file, or `only`)."""
    import datetime as dt

    from erasure_docs import __version__, api
    from erasure_docs.rules.tables import load_tables

    as_of = dt.date.fromisoformat(manifest["as_of"])
    cases = [c for c in api.load_cases([case_file], as_of=as_of) if c.case_id == manifest["case_id"]]
    if not cases:
        result.fail("case file", f"holds no case {manifest['case_id']}")
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
        result.fail("rules version", f"rules version {manifest['rules_version']} recorded, {installed} installed; "
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
        result.fail("tool version", f"erasure-docs {manifest['tool_version']} recorded, {__version__} installed; "
                                    "files not re-rendered")
        return
    formats = tuple(f for f in manifest["formats"] if f in ("docx", "pdf"))
    wanted = set(manifest["only"]) if manifest.get("only") else None
    # the manifest names the input file; a case file copied under another name is still the same input
    input_ref = api.InputRef(manifest["input"]["file"], loaded.input_sha256)
    try:
        built = api.build_packet(loaded.case, formats=formats, only=wanted, input_ref=input_ref, redact=redacted)
    except Exception as exc:  # noqa: BLE001 - reported as a failed check, never a traceback
        result.fail("re-rendering", f"failed ({safe_message(exc)})")
        return
    if only is not None:  # one file
        data = pdf_bytes if pdf_bytes is not None else (folder / only).read_bytes() if folder else b""
        name = only.rsplit("/", 1)[-1]
        result.add(built.files.get(only) == data, f"re-rendering gives a byte-identical {name}",
                   f"{name} differs from the one rendered again from the case file")
        return
    assert folder is not None
    on_disk = {f["path"] for f in manifest["files"]} | {MANIFEST}
    generated = {f["path"]: f["generated"].get("sha256") for f in manifest["files"]
                 if isinstance(f.get("generated"), dict)}  # changed by repack: compared as generated
    differing = []
    for relative in sorted(set(built.files) | on_disk):
        target = folder / relative
        if relative not in built.files:
            differing.append(f"{relative} (not produced again)")
        elif relative == MANIFEST and generated:
            if as_generated(manifest) != json.loads(built.files[MANIFEST]):
                differing.append(relative)
        elif relative in generated:
            if sha256(built.files[relative]) != generated[relative]:
                differing.append(relative)
        elif not target.is_file():
            differing.append(f"{relative} (missing from the folder)")
        elif target.read_bytes() != built.files[relative]:
            differing.append(relative)
    if differing:  # the data and the bound files first, then the documents, the Word files last
        differing.sort(key=lambda name: (name.split(" ")[0].endswith(".docx"), name.count("/"), name))
        shown = ", ".join(differing[:12]) + (f" and {len(differing) - 12} more" if len(differing) > 12 else "")
        result.fail("re-rendering", f"{len(differing)} files differ from the ones rendered again: {shown}")
    else:
        result.add(True, f"re-rendering gives {len(built.files)} byte-identical files")


# ---------------------------------------------------------------- show

def show_text(path: Path) -> str:
    """What a case folder, one court's filing.pdf or the attorney's copy holds, readable. A filing.pdf shows
    only its own court and dockets. Raises NoFilingData when there is nothing to show."""
    if path.is_dir():
        manifest = read_json_file(path / MANIFEST)
        if not isinstance(manifest, dict):
            raise NoFilingData(f"{path.name} holds no readable {MANIFEST}")
        eligibility = read_json_file(path / ELIGIBILITY_PATH)
        return case_text(manifest, eligibility if isinstance(eligibility, dict) else {}, None)
    attached = attachments_of(path.read_bytes())
    if MANIFEST in attached:  # the attorney's copy
        manifest = parse_json(attached.get(MANIFEST))
        eligibility = parse_json(attached.get(ELIGIBILITY))
        case = parse_json(attached.get(REDACTED))
        if not isinstance(manifest, dict) or not isinstance(eligibility, dict) or not isinstance(case, dict):
            raise NoFilingData(f"{path.name} carries no readable erasure-docs filing data")
        return case_text(manifest, eligibility, case)
    found = find_folder(path)
    if found is None:
        raise NoFilingData(f"{path.name} carries no data (a filed PDF never does) and no case folder's manifest "
                         "lists it")
    manifest = read_json_file(found[0] / MANIFEST)
    for filing in manifest.get("filing_sets", []):
        if filing.get("bound") == found[1]:
            return set_text(manifest, filing)
    raise NoFilingData(f"{path.name} is not a bound filing set; show a case folder, a filing.pdf or the attorney's copy")


def header_lines(manifest: dict[str, Any]) -> list[str]:
    return [f"Packet {manifest['case_id']}",
            f"  fingerprint    {grouped(str(manifest['fingerprint']))}",
            f"  law as of      {manifest['as_of']} (rules {manifest['rules_version']})",
            f"  prepared with  erasure-docs {manifest['tool_version']}"]


def set_text(manifest: dict[str, Any], filing: dict[str, Any]) -> str:
    """One filing set: its court, its dockets, its documents with their filing pages; nothing of other courts."""
    lines = header_lines(manifest) + ["", f"Filing set for {filing['court']} ({filing['bound']})",
                                      "  dockets        " + ", ".join(filing.get("dockets", []))]
    entries = {f["path"]: f for f in manifest.get("files", [])}
    pages = (entries.get(filing["bound"]) or {}).get("pages")
    lines += ["", f"Documents ({pages} pages, cover letter first)" if pages else "Documents (cover letter first)"]
    for entry in filing.get("documents", []):
        lines.append(f"  {entry['number']:>2}. {entry['title']}  [{entry['docket_number']}]  "
                     f"filing {pages_word(entry['pages'])} {entry['pages']}")
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
            lines.append(f"  filing date    {filing_date}")
        attorney = case.get("attorney")
        lines.append(f"  prepared by    attorney {attorney['name']}, Juris No. {attorney['juris_number']}" if attorney
                     else "  prepared by    self-represented")
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
        proceeding = record.get("proceeding", "")
        lines.append(f"  {docket}  {court}".rstrip() + (f" ({proceeding.replace('_', ' ')})" if proceeding else ""))
        for charge in items:
            notice = ", victim notice required" if charge.get("victim_notice_required") else ""
            pathway = f"§ {charge['pathway']}" if charge.get("pathway") else "no pathway"
            lines.append(f"    {charge.get('index', 0) + 1}. {charge.get('citation')}: "
                         f"{str(charge.get('status', '')).replace('_', ' ')}, {pathway}, "
                         f"relief {charge.get('relief') or 'none'}{notice}")
    for filing in manifest.get("filing_sets", []):
        lines += [""] + set_text(manifest, filing).split("\n")[len(header_lines(manifest)) + 1:]
    return "\n".join(lines)
