"""One case in, one packet folder out.

    output/<case_id>/
      <docket>/<document>.docx|.pdf     the documents of each docket, in filing order
      cover_letter-<court>.docx|.pdf    one for each court anything is filed in
      review_sheet.docx|.pdf            always; not for filing
      filing_instructions-<court>.docx|.pdf   the attorney's instructions for each court; not for filing
      client_letter.docx|.pdf           always: the letter to the client (instructions.py, client_letter.py)
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
renamed into place (files.py). Folders are created 0700 and files 0600 unless the caller asks otherwise.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erasure_docs import __version__
from erasure_docs.context import (ContextBuilder, DocumentRef, build_context, cite, court_names, draft_mark,
                                  when)
from erasure_docs.files import HIDDEN_PREFIX, json_bytes, sha256
from erasure_docs.model import Case
from erasure_docs.reading import InputRef
from erasure_docs.redact import redact_case
from erasure_docs.render import Renderers
from erasure_docs.rules.documents import TITLES, charges_by_docket, sealed_kinds, spec
from erasure_docs.rules.outcome import ChargeOutcome, Report, Status
from erasure_docs.rules.pathways import pathway

__all__ = ["HIDDEN_PREFIX", "InputRef", "Packet", "build", "plan_documents"]

FORMATS = ("docx", "pdf")
PACKET_PDF, MANIFEST, ELIGIBILITY, REDACTED = "packet.pdf", "manifest.json", "eligibility.json", \
    "case-data-redacted.json"
def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "_", text).strip("_") or "docket"


def plan_documents(report: Report, only: set[str] | None = None) -> list[DocumentRef]:
    """The documents planned with the report (rules/documents.py), less those `only` leaves out."""
    return [ref for ref in report.planned if only is None or ref.kind in only]


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


@dataclass(frozen=True)
class Packet:
    """Every output of one case, in memory: `files` maps a path inside the case folder to its bytes."""

    case_id: str
    report: Report
    files: dict[str, bytes]
    manifest: dict[str, Any]


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


def relief_sought(charge: ChargeOutcome) -> str:
    """What the packet asks the court for on this charge (its pathway's wording; "" when nothing is filed)."""
    return (pathway(charge.pathway).relief_wording or "") if charge.pathway else ""


def pages_word(pages: str) -> str:
    return "pages" if "–" in pages else "page"


def grouped(fingerprint: str) -> str:
    """'3f2a9c0177de0b45' → '3f2a 9c01 77de 0b45', as printed."""
    return " ".join(fingerprint[i:i + 4] for i in range(0, len(fingerprint), 4))


class _Composer:
    """One packet's rendering: the shared renderers for the chosen templates, and the chosen formats."""

    def __init__(self, renderers: Renderers, templates: Path | None, formats: tuple[str, ...]):
        self.renderers, self.templates, self.formats = renderers, templates, formats

    @property
    def pdf(self) -> Any:
        return self.renderers.pdf(self.templates)

    @property
    def docx(self) -> Any:
        return self.renderers.docx(self.templates)

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
        entries, page, where = [], first_page, dict[tuple[str, int | None], str]()
        for item in listed:
            docket = case.records[item.ref.record].docket_number if item.ref.record is not None else ""
            if item.ref.kind in sealed:
                entries.append({"title": TITLES[item.ref.kind], "docket_number": docket, "pages": "under seal"})
                continue
            length = item.pages or 0  # every listed document was laid out
            pages = f"{page}–{page + length - 1}" if length > 1 else str(page)
            entries.append({"title": TITLES[item.ref.kind], "docket_number": docket, "pages": pages})
            where.setdefault((item.ref.kind, item.ref.record), pages)
            page += length
        dockets, notices = [], []
        for record_index, charges in charges_by_docket(report.charges).items():
            record = case.records[record_index]
            sought = [c for c in charges if c.status is Status.eligible and relief_sought(c)]
            if not sought:
                continue
            dockets.append({"number": record.docket_number, "court": court_names(record)["full"],
                            "relief": cite(relief_sought(sought[0])),
                            "charges": [cite(f"{c.citation} ({c.relief})" if c.relief else c.citation)
                                        for c in sought]})
            noticed = [c for c in sought if c.victim_notice_required]
            if noticed:
                victims = [v for c in noticed for v in record.charges[c.index].victims]
                mailed = [v.notice.mailed_on for v in victims if v.notice and v.notice.mailed_on]
                count = f"{len(victims)} victim{'s' if len(victims) != 1 else ''}"
                line = f"Docket {record.docket_number}: notice required to {count}; "
                line += (f"mailed to {len(mailed)} of {len(victims)} (last on {when(max(mailed))}); " if mailed
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
                sealed_lines.append(f"{TITLES[item.ref.kind]}, docket {docket}: under seal, submitted separately in a "
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
        listed = [r for r in rendered if r.layout is not None and spec(r.ref.kind).filed]
        if not listed:
            return None
        sealed = sealed_kinds(case)  # filed in their own envelope
        filed = [r for r in listed if r.ref.kind not in sealed]
        # The summary numbers the pages after itself, so its own length must be known: start from the length
        # a summary of the same size had last time (one layout instead of two, case after case).
        size = (self.templates, len(listed), len(charges_by_docket(report.charges)))
        summary_pages = self.renderers.summary_pages.get(size, 1)
        while True:
            context = self.summary_context(case, report, listed, sealed, summary_pages + 1, manifest)
            summary = self.pdf.layout(self.pdf.html("summary", context), draft_mark(report))
            if len(summary.pages) == summary_pages:
                break
            summary_pages = len(summary.pages)
        self.renderers.summary_pages[size] = summary_pages
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

# ---------------------------------------------------------------- one case

def build(case: Case, report: Report, renderers: Renderers, *, input_ref: InputRef,
          formats: tuple[str, ...] = FORMATS, only: set[str] | None = None, templates: Path | None = None,
          redact: bool = False) -> Packet:
    """Every output file of a judged case, in memory (see the module docstring for the order)."""
    composer = _Composer(renderers, templates, formats)
    builder = ContextBuilder(case, report)
    refs = plan_documents(report, only)
    contexts = [build_context(builder, ref, refs) for ref in refs]
    rendered = [composer.render_pdf(case, ref, context) for ref, context in zip(refs, contexts)]
    eligibility = json_bytes(report.to_json())

    def entries(extensions: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{"path": f"{item.stem}.{ext}", "sha256": sha256(item.files[ext]), "pages": item.pages}
                for item in rendered for ext in extensions if ext in item.files]

    manifest: dict[str, Any] = {
        "tool": "erasure-docs", "tool_version": __version__, "rules_version": report.rules_version,
        "case_id": case.case_id, "as_of": report.as_of.isoformat(),
        "input": {"file": input_ref.name, "sha256": input_ref.sha256},
        "formats": list(formats), "only": sorted(only) if only else None, "fingerprint": "",
        "files": entries(("pdf",)) + [{"path": ELIGIBILITY, "sha256": sha256(eligibility), "pages": None}]}
    work_copy = json_bytes(redact_case(case)) if redact else None
    if work_copy:
        manifest["files"].insert(-1, {"path": REDACTED, "sha256": sha256(work_copy), "pages": None})
    manifest["fingerprint"] = fingerprint_of(manifest)
    for item, context in zip(rendered, contexts):
        composer.render_docx(case, item, context, manifest["fingerprint"])
    data_files = manifest["files"][-2:] if work_copy else manifest["files"][-1:]
    manifest["files"] = entries(("pdf", "docx")) + data_files  # every document, then the JSON files
    outputs: dict[str, bytes] = {}
    for item in rendered:
        for ext in ("pdf", "docx"):
            if ext in item.files:
                outputs[f"{item.stem}.{ext}"] = item.files[ext]
    packet = composer.packet_pdf(case, report, rendered, manifest) if "pdf" in formats else None
    if packet:
        outputs[PACKET_PDF] = packet[0]
        manifest["files"].insert(-1, {"path": PACKET_PDF, "sha256": sha256(packet[0]), "pages": packet[1]})
    if work_copy:
        outputs[REDACTED] = work_copy
    outputs[ELIGIBILITY] = eligibility
    outputs[MANIFEST] = json_bytes(manifest)
    return Packet(case.case_id, report, outputs, manifest)
