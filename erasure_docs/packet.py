"""One case in, one packet folder out.

    output/<case_id>/
      <docket>/<document>.docx|.pdf     the documents of each docket, in filing order
      cover_letter-<court>.docx|.pdf    one for each court anything is filed in
      review_sheet.docx|.pdf            always; not for filing
      packet.pdf                        filing summary (with the table of contents) + cover letter + every
                                        filing document (PDF/A-3b, with eligibility.json, the redacted case
                                        data and manifest.json attached)
      eligibility.json                  the report of `erasure-docs check --json`
      case-data-redacted.json           with --redact: the redacted work copy (redact.py)
      manifest.json                     tool and rules version, as-of date, input SHA-256, the packet
                                        fingerprint, every file's SHA-256 and page count

The packet fingerprint (see `fingerprint_of`) covers the input, the versions, the as-of date and every output
except the Word files, packet.pdf and manifest.json, so that it can be printed on the summary page of
packet.pdf and stored in the Word files' properties without circularity. Build order: the PDF documents and
eligibility.json → the fingerprint → the Word files → packet.pdf (which attaches manifest.json without its own
entry) → manifest.json (with packet.pdf's entry). `erasure-docs verify` (erasure_docs/verify.py) checks all of it.

The folder appears whole or not at all: it is written under a hidden name inside the output folder and
renamed into place. Folders are created 0700 and files 0600 (`set_umask`, the CLI's --umask, widens them).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erasure_docs import __version__
from erasure_docs.context import (ContextBuilder, DocumentRef, build_context, cite, court_key, court_names, draft_mark,
                                  when)
from erasure_docs.loading import LoadedCase
from erasure_docs.model import Case
from erasure_docs.redact import redact_case
from erasure_docs.rules.documents import NOT_FILED, VICTIM_NOTICES, charges_by_docket, docket_documents
from erasure_docs.rules.engine import evaluate
from erasure_docs.rules.outcome import Report

FORMATS = ("docx", "pdf")
HIDDEN_PREFIX = ".partial-"
PACKET_PDF, MANIFEST, ELIGIBILITY, REDACTED = "packet.pdf", "manifest.json", "eligibility.json", \
    "case-data-redacted.json"
# Confidential by default: owner-only folders and files. `--umask` widens them (set_umask).
MODES = {"file": 0o600, "dir": 0o700}


def set_umask(mask: int) -> None:
    """Output permissions from a umask, e.g. 0o077 (the default) → files 0600, folders 0700; 0o027 → 0640/0750."""
    MODES["file"], MODES["dir"] = 0o666 & ~mask, 0o777 & ~mask


PATHWAY_RELIEF = {"54-95c": "Vacate, dismiss and erase (C.G.S. § 54-95c)",
                  "46b-146": "Erase juvenile records (C.G.S. § 46b-146)"}


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "_", text).strip("_") or "docket"


def plan_documents(case: Case, report: Report, only: set[str] | None = None) -> list[DocumentRef]:
    """Every document instance, in filing order: the cover letter, each docket's documents (one victim
    notice per victim), then the review sheet, the filing instructions of each court and the letter to the
    client."""
    by_court: dict[tuple, list[DocumentRef]] = {}
    for record_index, charges in charges_by_docket(report).items():
        record = case.records[record_index]
        victims = sum(len(record.charges[c.index].victims) for c in charges if c.victim_notice_required)
        for kind in docket_documents(case, charges):
            refs = by_court.setdefault(court_key(record), [])
            if kind in VICTIM_NOTICES:
                refs += [DocumentRef(kind, record_index, v) for v in range(victims)]
            else:
                refs.append(DocumentRef(kind, record_index))
    planned: list[DocumentRef] = []
    for court, refs in by_court.items():  # one cover letter for each court the packet goes to
        planned += [DocumentRef("cover_letter", court=court), *refs]
    planned.append(DocumentRef("review_sheet"))
    planned += [DocumentRef("filing_instructions", court=court) for court in by_court]  # one page per court
    planned.append(DocumentRef("client_letter"))
    return [ref for ref in planned if only is None or ref.kind in only]


def file_stem(case: Case, ref: DocumentRef) -> str:
    if ref.court is not None:
        return f"{ref.kind}-{slug(' '.join(str(part) for part in ref.court if part is not None))}"
    if ref.record is None:
        return ref.kind
    folder = slug(case.records[ref.record].docket_number)
    suffix = f"-{ref.victim + 1}" if ref.victim is not None else ""
    return f"{folder}/{ref.kind}{suffix}"


@dataclass
class RenderedDocument:
    ref: DocumentRef
    stem: str
    files: dict[str, bytes] = field(default_factory=dict)  # extension → bytes
    pages: int | None = None
    layout: Any = None  # the laid-out WeasyPrint document, reused for packet.pdf


@dataclass
class BuiltPacket:
    report: Report
    outputs: dict[str, bytes]  # path relative to the case folder → bytes
    manifest: dict[str, Any]


@dataclass
class PacketResult:
    case_id: str
    folder: Path
    report: Report
    manifest: dict[str, Any]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def fingerprinted(path: str) -> bool:
    """Whether a manifest entry is covered by the fingerprint: not the Word files (they carry the fingerprint),
    not packet.pdf (it prints it) and not manifest.json (it records it)."""
    return not path.endswith(".docx") and path not in (PACKET_PDF, MANIFEST)


def fingerprint_of(manifest: dict[str, Any]) -> str:
    """The packet fingerprint: the first 16 hex digits of the SHA-256 of canonical JSON of the versions, case
    id, as-of date, input SHA-256 and the SHA-256 of every fingerprinted output file."""
    covered = {"tool_version": manifest["tool_version"], "rules_version": manifest["rules_version"],
               "case_id": manifest["case_id"], "as_of": manifest["as_of"], "input_sha256": manifest["input"]["sha256"],
               "files": {f["path"]: f["sha256"] for f in manifest["files"] if fingerprinted(f["path"])}}
    canonical = json.dumps(covered, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return sha256(canonical)[:16]


def undecided_notices(case: Case, record: Any, sought: list[Any]) -> list[str]:
    """What the summary says of an eligible conviction with no victim listed: ruled out by counsel, or not yet
    decided (then the packet is a draft: readiness blocker victims_not_stated)."""
    lines = []
    for outcome in sought:
        charge = record.charges[outcome.index]
        where = f"Docket {record.docket_number}, charge {outcome.index + 1} ({cite(outcome.citation)}): "
        if charge.no_identifiable_victim:
            lines.append(where + "counsel states that the offense has no identifiable victim; no notice is required.")
        elif "victim_list_missing" in outcome.flags:
            lines.append(where + "an offense that usually has a victim, with no victim listed; whether notice is "
                         "required is not yet decided.")
    return lines


def pages_word(pages: str) -> str:
    return "pages" if "–" in pages else "page"


def grouped(fingerprint: str) -> str:
    """'3f2a9c0177de0b45' → '3f2a 9c01 77de 0b45', as printed."""
    return " ".join(fingerprint[i:i + 4] for i in range(0, len(fingerprint), 4))


class PacketWriter:
    """Renders packets; one per process, so templates, CSS and fonts are loaded once."""

    def __init__(self, custom_templates: Path | None = None, formats: tuple[str, ...] = FORMATS,
                 redact: bool = False):
        self.custom_templates = custom_templates  # a clinic's own templates, None for the built-in ones
        self.formats = formats
        self.redact = redact  # also write the redacted work copy of the case (redact.py)
        self._summary_pages: dict[tuple[int, int], int] = {}
        self._pdf = None
        self._docx = None

    @property
    def pdf(self):  # noqa: ANN201 - imported lazily: WeasyPrint costs half a second to import
        if self._pdf is None:
            from erasure_docs.render.pdf import PdfRenderer
            self._pdf = PdfRenderer(self.custom_templates)
        return self._pdf

    @property
    def docx(self):  # noqa: ANN201
        if self._docx is None:
            from erasure_docs.render.docx import DocxRenderer
            self._docx = DocxRenderer(self.custom_templates)
        return self._docx

    # -------------------------------------------------------- rendering

    def render_pdf(self, case: Case, ref: DocumentRef, context: dict[str, Any]) -> RenderedDocument:
        rendered = RenderedDocument(ref, file_stem(case, ref))
        if "pdf" in self.formats:
            layout = self.pdf.layout(self.pdf.html(ref.kind, context), context.get("draft_mark", ""))
            rendered.files["pdf"] = self.pdf.write(layout, case.filing_date)
            rendered.pages, rendered.layout = len(layout.pages), layout
        return rendered

    def render_docx(self, case: Case, rendered: RenderedDocument, context: dict[str, Any], fingerprint: str) -> None:
        if "docx" in self.formats:
            properties = {"title": context["doc"]["title"], "author": context["signer"]["name"],
                          "subject": f"Docket {context['docket']['number']}" if "docket" in context else "",
                          "keywords": "erasure-docs", "identifier": fingerprint,
                          "comments": f"erasure-docs fingerprint {grouped(fingerprint)} (erasure-docs {__version__})"}
            rendered.files["docx"] = self.docx.render(rendered.ref.kind, context, properties, case.filing_date)

    def summary_context(self, case: Case, report: Report, listed: list[RenderedDocument], sealed: set[str],
                        first_page: int, manifest: dict[str, Any]) -> dict[str, Any]:
        """What the filing summary shows; every section is there for every case (empty ones say so)."""
        entries, page, where = [], first_page, {}
        for item in listed:
            docket = case.records[item.ref.record].docket_number if item.ref.record is not None else ""
            if item.ref.kind in sealed:
                entries.append({"title": item.ref.title, "docket_number": docket, "pages": "under seal"})
                continue
            pages = f"{page}–{page + item.pages - 1}" if item.pages > 1 else str(page)
            entries.append({"title": item.ref.title, "docket_number": docket, "pages": pages})
            where.setdefault((item.ref.kind, item.ref.record), pages)
            page += item.pages
        dockets, notices = [], []
        for record_index, charges in charges_by_docket(report).items():
            record = case.records[record_index]
            sought = [c for c in charges if c.status == "eligible" and c.pathway in PATHWAY_RELIEF]
            if not sought:
                continue
            pathway = sought[0].pathway
            dockets.append({"number": record.docket_number, "court": court_names(record)["full"],
                            "relief": cite(PATHWAY_RELIEF[pathway]),
                            "charges": [cite(f"{c.citation} ({c.relief})" if c.relief else c.citation)
                                        for c in sought]})
            noticed = [c for c in sought if c.victim_notice_required]
            if noticed:
                victims = [v for c in noticed for v in record.charges[c.index].victims]
                mailed = [v for v in victims if v.notice and v.notice.mailed_on]
                count = f"{len(victims)} victim{'s' if len(victims) != 1 else ''}"
                line = f"Docket {record.docket_number}: notice required to {count}; "
                line += (f"mailed to {len(mailed)} of {len(victims)} "
                         f"(last on {when(max(v.notice.mailed_on for v in mailed))}); " if mailed  # type: ignore[union-attr]
                         else "not yet recorded as mailed; ")
                certification = where.get(("certification_of_notice", record_index))
                line += (f"certification of notice enclosed ({pages_word(certification)} {certification})." if certification
                         else "certification of notice not enclosed.")
                notices.append(line)
            notices += undecided_notices(case, record, sought)
        sealed_lines = []
        for item in listed:
            if item.ref.kind in sealed:
                docket = case.records[item.ref.record].docket_number if item.ref.record is not None else ""
                motion = where.get(("motion_to_seal", item.ref.record))
                sealed_lines.append(f"{item.ref.title}, docket {docket}: under seal, submitted separately in a "
                                    "sealed envelope" + (f"; motion to seal at {pages_word(motion)} {motion}." if motion else "."))
        attorney = case.attorney
        if attorney:
            preparer = f"Attorney {attorney.name}, Juris No. {attorney.juris_number}" + \
                (f", {attorney.firm}" if attorney.firm else "") + "."
        else:
            preparer = "Self-represented: the applicant or petitioner signs each document; no attorney appears."
        return {"case_id": case.case_id, "fingerprint": grouped(manifest["fingerprint"]),
                "tool_version": manifest["tool_version"], "rules_version": manifest["rules_version"],
                "as_of": when(report.as_of), "filing_date": when(case.filing_date), "total_pages": page - 1,
                "dockets": dockets, "entries": entries, "victim_notice": notices, "sealed": sealed_lines,
                "preparer": preparer}

    def packet_pdf(self, case: Case, report: Report, rendered: list[RenderedDocument],
                   manifest: dict[str, Any]) -> tuple[bytes, int] | None:
        """The filing summary (with the table of contents), then the filing documents in order, as one
        PDF/A-3b with the filing data attached. Adds the "packet" and "attachments" entries to `manifest`,
        which is attached as it stands (without packet.pdf's own entry)."""
        listed = [r for r in rendered if r.layout is not None and r.ref.kind not in NOT_FILED]
        if not listed:
            return None
        sealed = {"affidavit"} if case.filing.seal_affidavit else set()  # sealed: filed in their own envelope
        filed = [r for r in listed if r.ref.kind not in sealed]
        # The summary numbers the pages after itself, so its own length must be known: start from the length
        # a summary of the same size had last time (one layout instead of two, case after case).
        size = (len(listed), len(charges_by_docket(report)))
        summary_pages = self._summary_pages.get(size, 1)
        while True:
            context = self.summary_context(case, report, listed, sealed, summary_pages + 1, manifest)
            summary = self.pdf.layout(self.pdf.html("summary", context), draft_mark(report))
            if len(summary.pages) == summary_pages:
                break
            summary_pages = len(summary.pages)
        self._summary_pages[size] = summary_pages
        combined = summary.copy([p for doc in [summary] + [r.layout for r in filed] for p in doc.pages])
        combined.metadata.title = "Filing packet"
        combined.metadata.authors = [rendered[0].layout.metadata.authors[0]] if rendered[0].layout.metadata.authors \
            else []
        combined.metadata.lang = "en"
        eligibility, redacted = json_bytes(report.to_json()), json_bytes(redact_case(case))
        manifest["packet"] = {"pages": len(combined.pages), "summary_pages": summary_pages,
                              "documents": context["entries"]}
        manifest["attachments"] = {ELIGIBILITY: sha256(eligibility), REDACTED: sha256(redacted)}
        attachments = [(ELIGIBILITY, eligibility, "Eligibility report (erasure-docs check)"),
                       (REDACTED, redacted, "Case data, redacted"),
                       (MANIFEST, json_bytes(manifest), "Packet manifest (without the entry of packet.pdf itself)")]
        data = self.pdf.write(combined, case.filing_date, variant="pdf/a-3b", attachments=attachments)
        return data, len(combined.pages)

    # -------------------------------------------------------- one case

    def build(self, loaded: LoadedCase, as_of: Any = None, only: set[str] | None = None) -> BuiltPacket:
        """Every output file of a case, in memory (see the module docstring for the order)."""
        case = loaded.case
        assert case is not None
        report = evaluate(case, as_of)
        if as_of is not None:
            case = case.model_copy(update={"as_of": as_of})
        builder = ContextBuilder(case, report)
        refs = plan_documents(case, report, only)
        contexts = [build_context(builder, ref, refs) for ref in refs]
        rendered = [self.render_pdf(case, ref, context) for ref, context in zip(refs, contexts)]
        eligibility = json_bytes(report.to_json())

        def entries(extensions: tuple[str, ...]) -> list[dict[str, Any]]:
            return [{"path": f"{item.stem}.{ext}", "sha256": sha256(item.files[ext]), "pages": item.pages}
                    for item in rendered for ext in extensions if ext in item.files]

        manifest: dict[str, Any] = {
            "tool": "erasure-docs", "tool_version": __version__, "rules_version": report.rules_version,
            "case_id": case.case_id, "as_of": report.as_of.isoformat(),
            "input": {"file": Path(loaded.input_file).name, "sha256": loaded.input_sha256},
            "formats": list(self.formats), "only": sorted(only) if only else None, "fingerprint": "",
            "files": entries(("pdf",)) + [{"path": ELIGIBILITY, "sha256": sha256(eligibility), "pages": None}]}
        work_copy = json_bytes(redact_case(case)) if self.redact else None
        if work_copy:
            manifest["files"].insert(-1, {"path": REDACTED, "sha256": sha256(work_copy), "pages": None})
        manifest["fingerprint"] = fingerprint_of(manifest)
        for item, context in zip(rendered, contexts):
            self.render_docx(case, item, context, manifest["fingerprint"])
        data_files = manifest["files"][-2:] if work_copy else manifest["files"][-1:]
        manifest["files"] = entries(("pdf", "docx")) + data_files  # every document, then the JSON files
        outputs: dict[str, bytes] = {}
        for item in rendered:
            for ext in ("pdf", "docx"):
                if ext in item.files:
                    outputs[f"{item.stem}.{ext}"] = item.files[ext]
        packet = self.packet_pdf(case, report, rendered, manifest) if "pdf" in self.formats else None
        if packet:
            outputs[PACKET_PDF] = packet[0]
            manifest["files"].insert(-1, {"path": PACKET_PDF, "sha256": sha256(packet[0]), "pages": packet[1]})
        if work_copy:
            outputs[REDACTED] = work_copy
        outputs[ELIGIBILITY] = eligibility
        outputs[MANIFEST] = json_bytes(manifest)
        return BuiltPacket(report, outputs, manifest)

    def write(self, loaded: LoadedCase, out_dir: Path, as_of: Any = None, only: set[str] | None = None) -> PacketResult:
        built = self.build(loaded, as_of, only)
        folder = write_folder(out_dir, built.report.case_id, built.outputs)
        return PacketResult(built.report.case_id, folder, built.report, built.manifest)


def write_folder(out_dir: Path, case_id: str, outputs: dict[str, bytes]) -> Path:
    """Write every file under a hidden temporary folder, then rename it into place (replacing an old one)."""
    out_dir.mkdir(parents=True, exist_ok=True, mode=MODES["dir"])
    target = out_dir / case_id
    staging = Path(tempfile.mkdtemp(prefix=f"{HIDDEN_PREFIX}{case_id}-", dir=out_dir))
    try:
        for relative, data in outputs.items():
            path = staging / relative
            if not path.parent.exists():
                path.parent.mkdir(parents=True)
                path.parent.chmod(MODES["dir"])
            write_private(path, data)
        staging.chmod(MODES["dir"])
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            raise FileExistsError(f"{target.name} exists and is not a packet folder; refusing to replace it")
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f"{HIDDEN_PREFIX}old-", dir=out_dir))
            os.replace(target, old / case_id)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def write_private(path: Path, data: bytes, exclusive: bool = True) -> None:
    """Write bytes with the output permissions (MODES) exactly, whatever the process umask."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    with os.fdopen(os.open(path, flags, MODES["file"]), "wb") as handle:
        os.fchmod(handle.fileno(), MODES["file"])
        handle.write(data)


def atomic_write(path: Path, data: bytes) -> Path:
    """One file that appears whole or not at all (the batch summary, a redacted work copy)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=MODES["dir"])
    temporary = path.with_name(f"{HIDDEN_PREFIX}{path.name}")
    write_private(temporary, data, exclusive=False)
    os.replace(temporary, path)
    return path


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

