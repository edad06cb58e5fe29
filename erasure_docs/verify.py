"""Clerk review: check that a packet is what erasure-docs produced (`erasure-docs verify`), and print the filing
data embedded in a packet.pdf (`erasure-docs show`).

verify, on a packet folder:
  - every file listed in manifest.json exists with its recorded SHA-256, and no file is unlisted;
  - the fingerprint recorded in manifest.json is the one its entries give (packet.fingerprint_of), and every
    Word file carries it in its properties;
  - packet.pdf: the attached eligibility.json and case-data-redacted.json have the recorded hashes, the attached
    manifest.json is the folder's manifest less packet.pdf's own entry, and the summary page prints the
    fingerprint;
  - with --case: the case file is the recorded input, the rules (same version, recorded as-of date) give the
    recorded outcomes, and rendering again, in memory, gives byte-identical files.
On a packet.pdf alone, the PDF checks run against its own attached manifest (and the folder checks too when the
PDF sits in its packet folder). Nothing is written anywhere. pypdf is imported here only, when needed.
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
from erasure_docs.packet import ELIGIBILITY, MANIFEST, PACKET_PDF, REDACTED, fingerprint_of, grouped

ATTACHMENTS = (ELIGIBILITY, REDACTED, MANIFEST)
FINGERPRINT_ON_PAGE = re.compile(r"Packet\s*fingerprint\s*((?:[0-9a-f]\s*){16})")


class NoFilingData(ErasureDocsError, ValueError):
    """A PDF that is not an erasure-docs packet (or whose attached data cannot be read)."""


class UsageError(ErasureDocsError):
    """The path is neither a packet folder nor a PDF."""


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


def without_packet_entry(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest as attached inside packet.pdf: packet.pdf cannot record its own hash."""
    copy = dict(manifest)
    copy["files"] = [f for f in manifest.get("files", []) if f.get("path") != PACKET_PDF]
    return copy


def read_manifest(data: bytes) -> dict[str, Any]:
    manifest = json.loads(data.decode("utf-8"))
    needed = ("tool_version", "rules_version", "case_id", "as_of", "input", "formats", "fingerprint", "files")
    missing = [key for key in needed if key not in manifest] if isinstance(manifest, dict) else list(needed)
    if missing:
        raise ValueError(f"lacks {', '.join(missing)}")
    return manifest


@dataclass
class PdfData:
    """What a packet.pdf carries: its attachments, the text of its first page, its page count."""

    attachments: dict[str, bytes]
    first_page: str
    pages: int


def read_pdf(data: bytes) -> PdfData:
    import pypdf  # only verify and show pay for it

    reader = pypdf.PdfReader(io.BytesIO(data))
    attachments = {name: contents[0] for name, contents in reader.attachments.items() if contents}
    first = reader.pages[0].extract_text() if reader.pages else ""
    return PdfData(attachments, first or "", len(reader.pages))


# ---------------------------------------------------------------- verify

def verify(path: Path, case_file: Path | None = None) -> Verification:
    """Every check, in order; raises UsageError for a path that is neither a folder nor a PDF."""
    result = Verification()
    if path.is_dir():
        folder: Path | None = path
        pdf_path = path / PACKET_PDF
    elif path.is_file() and path.suffix.lower() == ".pdf":
        pdf_path = path
        folder = path.parent if (path.parent / MANIFEST).is_file() and path.name == PACKET_PDF else None
    else:
        raise UsageError(f"{path} is neither a packet folder nor a PDF")

    manifest = None
    if folder is not None:
        manifest = verify_folder(folder, result)
        if manifest is None:
            return result
        listed = any(f.get("path") == PACKET_PDF for f in manifest["files"])
        pdf_data = verify_pdf(folder / PACKET_PDF, manifest, result, folder) if listed else None
        recorded_eligibility = read_json_file(folder / ELIGIBILITY)
    else:
        pdf_data = verify_pdf(pdf_path, None, result, None)
        if pdf_data is None:
            return result
        manifest = read_attached_manifest(pdf_data)
        if manifest is None:
            return result
        recorded_eligibility = parse_json(pdf_data.attachments.get(ELIGIBILITY))
    if case_file is not None:
        verify_against_case(case_file, manifest, recorded_eligibility, result, folder,
                            pdf_path.read_bytes() if folder is None else None)
    return result


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


def read_attached_manifest(pdf_data: PdfData) -> dict[str, Any] | None:
    try:
        return read_manifest(pdf_data.attachments[MANIFEST])
    except (KeyError, ValueError, UnicodeDecodeError):
        return None


def verify_folder(folder: Path, result: Verification) -> dict[str, Any] | None:
    """The folder's files against its manifest.json; returns the manifest (None when it cannot be read)."""
    try:
        manifest = read_manifest((folder / MANIFEST).read_bytes())
    except FileNotFoundError:
        result.fail(MANIFEST, f"missing from {folder.name}; not a packet folder, or its manifest was removed")
        return None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        result.fail(MANIFEST, f"cannot be read ({str(exc)[:120]})")
        return None
    result.add(True, f"{MANIFEST} read: packet {manifest['case_id']}, law as of {manifest['as_of']}, "
                     f"rules {manifest['rules_version']}, erasure-docs {manifest['tool_version']}")

    root = folder.resolve()
    good, listed = 0, set()
    for entry in manifest["files"]:
        relative = str(entry.get("path", ""))
        listed.add(relative)
        target = (folder / relative).resolve()
        if not relative or not target.is_relative_to(root) or relative == MANIFEST:
            result.fail(f"file {relative or '(no path)'}", "listed in manifest.json with a path outside the packet")
        elif not target.is_file():
            result.fail(f"file {relative}", "listed in manifest.json but missing from the folder")
        elif sha256(target.read_bytes()) != entry.get("sha256"):
            result.fail(f"file {relative}", "SHA-256 differs from manifest.json (the file was altered or replaced)")
        else:
            good += 1
    if good:
        others = "other " if good < len(manifest["files"]) else ""
        result.add(True, f"{good} {others}listed files present with the SHA-256 recorded in manifest.json")
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

    words = [f["path"] for f in manifest["files"] if str(f.get("path", "")).endswith(".docx")
             and (folder / f["path"]).is_file()]
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
    return manifest


def verify_pdf(pdf_path: Path, folder_manifest: dict[str, Any] | None, result: Verification,
               folder: Path | None) -> PdfData | None:
    """packet.pdf's attachments and summary page, against the folder's manifest (or its own attached one)."""
    name = pdf_path.name
    try:
        pdf_data = read_pdf(pdf_path.read_bytes())
    except FileNotFoundError:
        if folder_manifest is None:
            result.fail(name, "missing")
        return None  # in a folder, the missing file was named already
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds for a damaged file
        result.fail(name, f"cannot be read as a PDF ({type(exc).__name__})")
        return None

    missing = [a for a in ATTACHMENTS if a not in pdf_data.attachments]
    for attachment in missing:
        result.fail(f"attachment {attachment}", f"missing from {name}")
    if not missing:
        result.add(True, f"{name} carries {', '.join(ATTACHMENTS)}")

    attached = None
    if MANIFEST in pdf_data.attachments:
        try:
            attached = read_manifest(pdf_data.attachments[MANIFEST])
        except (ValueError, UnicodeDecodeError) as exc:
            result.fail(f"attachment {MANIFEST}", f"cannot be read ({str(exc)[:120]})")
    if folder_manifest is not None and attached is not None:
        expected = without_packet_entry(folder_manifest)
        if attached == expected:
            result.add(True, f"attachment {MANIFEST} equals the folder's manifest.json (less packet.pdf's entry)")
        else:
            result.fail(f"attachment {MANIFEST}", "differs from the folder's manifest.json at "
                                                  + ", ".join(json_differences(expected, attached)))
    elif attached is not None:
        computed = fingerprint_of(attached)
        if computed == attached["fingerprint"]:
            result.add(True, f"fingerprint {grouped(computed)} agrees with the files recorded in the attached "
                             f"{MANIFEST}")
        else:
            result.fail("fingerprint", f"the attached {MANIFEST} records {grouped(str(attached['fingerprint']))}, "
                                       f"its recorded files give {grouped(computed)}")
    reference = folder_manifest if folder_manifest is not None else attached
    if reference is None:
        return pdf_data

    recorded_files = {f.get("path"): f.get("sha256") for f in reference["files"]}
    recorded_attachments = reference.get("attachments") or {}
    for attachment in (ELIGIBILITY, REDACTED):
        if attachment not in pdf_data.attachments:
            continue
        digest = sha256(pdf_data.attachments[attachment])
        wanted = [recorded_attachments.get(attachment)]
        if attachment == ELIGIBILITY:
            wanted.append(recorded_files.get(ELIGIBILITY))
        if all(digest == w for w in wanted):
            result.add(True, f"attachment {attachment} matches the SHA-256 recorded in the manifest")
            continue
        why = f"differs from the {attachment} recorded in the manifest"
        if attachment == ELIGIBILITY:
            recorded = read_json_file(folder / ELIGIBILITY) if folder else None
            current = parse_json(pdf_data.attachments[attachment])
            if recorded is not None and current is not None:
                why += " (at " + ", ".join(json_differences(recorded, current)) + ")"
        result.fail(f"attachment {attachment}", why)

    if attached is not None and folder_manifest is None:
        eligibility = parse_json(pdf_data.attachments.get(ELIGIBILITY))
        if isinstance(eligibility, dict):
            agree = all(eligibility.get(k) == attached[k] for k in ("case_id", "as_of", "rules_version"))
            result.add(agree, "attachments agree on case id, as-of date and rules version",
                       "" if agree else "eligibility.json and manifest.json name different ones")

    pages = (reference.get("packet") or {}).get("pages")
    if pages is not None:
        result.add(pages == pdf_data.pages, f"{name} has the {pages} pages recorded",
                   f"it has {pdf_data.pages} pages, the manifest records {pages}")
    match = FINGERPRINT_ON_PAGE.search(pdf_data.first_page)
    shown = re.sub(r"\s+", "", match.group(1)) if match else None
    if shown is None:
        result.fail("fingerprint on the summary page", f"not found on the first page of {name}")
    elif shown == reference["fingerprint"]:
        result.add(True, f"fingerprint on the summary page ({grouped(shown)}) matches the manifest")
    else:
        result.fail("fingerprint on the summary page", f"shows {grouped(shown)}, the manifest records "
                                                       f"{grouped(str(reference['fingerprint']))}")
    return pdf_data


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
                        result: Verification, folder: Path | None, pdf_bytes: bytes | None) -> None:
    """Re-run the rules and re-render in memory; compare with what was recorded."""
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
    report = api.check(loaded.case)
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
    only = set(manifest["only"]) if manifest.get("only") else None
    # the manifest names the input file; a case file copied under another name is still the same input
    input_ref = api.InputRef(manifest["input"]["file"], loaded.input_sha256)
    try:
        redact = any(f["path"] == REDACTED for f in manifest["files"])  # made with --redact
        built = api.build_packet(loaded.case, formats=formats, only=only, input_ref=input_ref, redact=redact)
    except Exception as exc:  # noqa: BLE001 - reported as a failed check, never a traceback
        result.fail("re-rendering", f"failed ({safe_message(exc)})")
        return
    if folder is None:  # a packet.pdf on its own
        rebuilt = built.files.get(PACKET_PDF)
        result.add(rebuilt == pdf_bytes, "re-rendering gives a byte-identical packet.pdf",
                   "packet.pdf differs from the one rendered again from the case file")
        return
    on_disk = {f["path"] for f in manifest["files"]} | {MANIFEST}
    differing = []
    for relative in sorted(set(built.files) | on_disk):
        target = folder / relative
        if relative not in built.files:
            differing.append(f"{relative} (not produced again)")
        elif not target.is_file():
            differing.append(f"{relative} (missing from the folder)")
        elif target.read_bytes() != built.files[relative]:
            differing.append(relative)
    if differing:  # the data and the packet first, then the documents, the Word files last
        differing.sort(key=lambda name: (name.split(" ")[0].endswith(".docx"), "/" in name, name))
        shown = ", ".join(differing[:12]) + (f" and {len(differing) - 12} more" if len(differing) > 12 else "")
        result.fail("re-rendering", f"{len(differing)} files differ from the ones rendered again: {shown}")
    else:
        result.add(True, f"re-rendering gives {len(built.files)} byte-identical files")


# ---------------------------------------------------------------- show

def show_text(pdf_path: Path) -> str:
    """The filing data embedded in a packet.pdf, readable. Raises NoFilingData when there is none."""
    from types import SimpleNamespace

    from erasure_docs.context import court_names
    from erasure_docs.model import Court

    pdf_data = read_pdf(pdf_path.read_bytes())
    manifest = read_attached_manifest(pdf_data)
    eligibility = parse_json(pdf_data.attachments.get(ELIGIBILITY))
    case = parse_json(pdf_data.attachments.get(REDACTED))
    if manifest is None or not isinstance(eligibility, dict) or not isinstance(case, dict):
        raise NoFilingData(f"{pdf_path.name} carries no readable erasure-docs filing data")
    lines = [f"Packet {manifest['case_id']}",
             f"  fingerprint    {grouped(str(manifest['fingerprint']))}",
             f"  law as of      {manifest['as_of']} (rules {manifest['rules_version']})",
             f"  prepared with  erasure-docs {manifest['tool_version']}"]
    filing_date = (case.get("filing") or {}).get("date")
    if filing_date:
        lines.append(f"  filing date    {filing_date}")
    attorney = case.get("attorney")
    lines.append(f"  prepared by    attorney {attorney['name']}, Juris No. {attorney['juris_number']}" if attorney
                 else "  prepared by    self-represented")
    lines += ["", "Dockets"]
    records = {r.get("docket_number"): r for r in case.get("records", [])}
    charges: dict[str, list[dict[str, Any]]] = {}
    for charge in eligibility.get("charges", []):
        charges.setdefault(charge.get("docket_number"), []).append(charge)
    for docket, items in charges.items():
        record = records.get(docket) or {}
        try:
            court = court_names(SimpleNamespace(court=Court.model_validate(record["court"])))["full"]  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a court the redacted copy does not describe
            court = "court not recorded"
        proceeding = record.get("proceeding", "")
        lines.append(f"  {docket}  {court}" + (f" ({proceeding.replace('_', ' ')})" if proceeding else ""))
        for charge in items:
            notice = ", victim notice required" if charge.get("victim_notice_required") else ""
            pathway = f"§ {charge['pathway']}" if charge.get("pathway") else "no pathway"
            lines.append(f"    {charge.get('index', 0) + 1}. {charge.get('citation')}: "
                         f"{str(charge.get('status', '')).replace('_', ' ')}, {pathway}, "
                         f"relief {charge.get('relief') or 'none'}{notice}")
    packet = manifest.get("packet") or {}
    lines += ["", f"Documents ({pdf_path.name}, {packet.get('pages', pdf_data.pages)} pages)"]
    for number, entry in enumerate(packet.get("documents", []), start=1):
        docket = f"  [{entry['docket_number']}]" if entry.get("docket_number") else ""
        pages = entry.get("pages", "")
        where = pages if pages == "under seal" else f"{'pages' if '–' in pages else 'page'} {pages}"
        lines.append(f"  {number:>2}. {entry.get('title')}{docket}  {where}")
    return "\n".join(lines)
