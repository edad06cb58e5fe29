"""One case in, one packet folder out.

    output/<case_id>/
      <docket>/<document>.docx|.pdf     the documents of each docket, in filing order
      cover_letter.docx|.pdf            when anything is to be filed
      review_sheet.docx|.pdf            always; not for filing
      packet.pdf                        table of contents + cover letter + every filing document (PDF/A-3b,
                                        with eligibility.json and the redacted case data attached)
      eligibility.json                  the report of `erasure-docs check --json`
      manifest.json                     tool and rules version, as-of date, input SHA-256, every file's
                                        SHA-256 and page count

The folder appears whole or not at all: it is written under a hidden name inside the output folder and
renamed into place. Folders are created 0700 and files 0600 (the umask is the caller's to widen).
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
from erasure_docs.context import ContextBuilder, DocumentRef, build_context, court_key
from erasure_docs.loading import LoadedCase
from erasure_docs.model import Case
from erasure_docs.redact import redact_case
from erasure_docs.rules.documents import charges_by_docket, docket_documents
from erasure_docs.rules.engine import evaluate
from erasure_docs.rules.outcome import Report

FORMATS = ("docx", "pdf")
HIDDEN_PREFIX = ".partial-"


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "_", text).strip("_") or "docket"


def plan_documents(case: Case, report: Report, only: set[str] | None = None) -> list[DocumentRef]:
    """Every document instance, in filing order: the cover letter, each docket's documents (one victim
    notice per victim), then the review sheet."""
    by_court: dict[tuple, list[DocumentRef]] = {}
    for record_index, charges in charges_by_docket(report).items():
        record = case.records[record_index]
        victims = sum(len(record.charges[c.index].victims) for c in charges if c.victim_notice_required)
        for kind in docket_documents(case, charges):
            refs = by_court.setdefault(court_key(record), [])
            if kind == "victim_notice":
                refs += [DocumentRef(kind, record_index, v) for v in range(victims)]
            else:
                refs.append(DocumentRef(kind, record_index))
    planned: list[DocumentRef] = []
    for court, refs in by_court.items():  # one cover letter for each court the packet goes to
        planned += [DocumentRef("cover_letter", court=court), *refs]
    planned.append(DocumentRef("review_sheet"))
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


class PacketWriter:
    """Renders packets; one per process, so templates, CSS and fonts are loaded once."""

    def __init__(self, template_dir: Path | None = None, formats: tuple[str, ...] = FORMATS):
        from erasure_docs.paths import TEMPLATE_DIR

        self.template_dir = template_dir or TEMPLATE_DIR
        self.formats = formats
        self._pdf = None
        self._docx = None

    @property
    def pdf(self):  # noqa: ANN201 - imported lazily: WeasyPrint costs half a second to import
        if self._pdf is None:
            from erasure_docs.render.pdf import PdfRenderer
            self._pdf = PdfRenderer(self.template_dir)
        return self._pdf

    @property
    def docx(self):  # noqa: ANN201
        if self._docx is None:
            from erasure_docs.render.docx import DocxRenderer
            self._docx = DocxRenderer(self.template_dir)
        return self._docx

    # -------------------------------------------------------- rendering

    def render_document(self, case: Case, ref: DocumentRef, context: dict[str, Any]) -> RenderedDocument:
        rendered = RenderedDocument(ref, file_stem(case, ref))
        if "pdf" in self.formats:
            layout = self.pdf.layout(self.pdf.html(ref.kind, context))
            rendered.files["pdf"] = self.pdf.write(layout, case.filing_date)
            rendered.pages, rendered.layout = len(layout.pages), layout
        if "docx" in self.formats:
            properties = {"title": context["doc"]["title"], "author": context["signer"]["name"],
                          "subject": f"Docket {context['docket']['number']}" if "docket" in context else "",
                          "keywords": "erasure-docs", "comments": f"erasure-docs {__version__}"}
            rendered.files["docx"] = self.docx.render(ref.kind, context, properties, case.filing_date)
        return rendered

    def packet_pdf(self, case: Case, report: Report, rendered: list[RenderedDocument]) -> tuple[bytes, int] | None:
        """Table of contents, then the filing documents in order, as one PDF/A-3b with the data attached."""
        listed = [r for r in rendered if r.layout is not None and r.ref.kind != "review_sheet"]
        if not listed:
            return None
        sealed = {"affidavit"} if case.filing.seal_affidavit else set()  # sealed: filed in their own envelope
        filed = [r for r in listed if r.ref.kind not in sealed]
        toc_pages = 1
        while True:
            entries, page = [], toc_pages + 1
            for item in listed:
                docket = case.records[item.ref.record].docket_number if item.ref.record is not None else ""
                if item.ref.kind in sealed:
                    entries.append({"title": item.ref.title, "docket_number": docket, "pages": "under seal"})
                    continue
                entries.append({"title": item.ref.title, "docket_number": docket,
                                "pages": f"{page}–{page + item.pages - 1}" if item.pages > 1 else str(page)})
                page += item.pages
            toc = self.pdf.layout(self.pdf.html("toc", {"entries": entries, "total_pages": page - 1}))
            if len(toc.pages) == toc_pages:
                break
            toc_pages = len(toc.pages)
        combined = toc.copy([p for doc in [toc] + [r.layout for r in filed] for p in doc.pages])
        combined.metadata.title = "Filing packet"
        combined.metadata.authors = [rendered[0].layout.metadata.authors[0]] if rendered[0].layout.metadata.authors \
            else []
        combined.metadata.lang = "en"
        attachments = [("eligibility.json", json_bytes(report.to_json()), "Eligibility report (erasure-docs check)"),
                       ("case-data-redacted.json", json_bytes(redact_case(case)), "Case data, redacted")]
        data = self.pdf.write(combined, case.filing_date, variant="pdf/a-3b", attachments=attachments)
        return data, len(combined.pages)

    # -------------------------------------------------------- one case

    def build(self, loaded: LoadedCase, as_of: Any = None, only: set[str] | None = None) -> BuiltPacket:
        """Every output file of a case, in memory."""
        case = loaded.case
        assert case is not None
        report = evaluate(case, as_of)
        if as_of is not None:
            case = case.model_copy(update={"as_of": as_of})
        builder = ContextBuilder(case, report)
        refs = plan_documents(case, report, only)
        rendered = [self.render_document(case, ref, build_context(builder, ref, refs)) for ref in refs]
        outputs: dict[str, tuple[bytes, int | None]] = {}
        for item in rendered:
            for ext, data in item.files.items():
                outputs[f"{item.stem}.{ext}"] = (data, item.pages)
        if "pdf" in self.formats:
            packet = self.packet_pdf(case, report, rendered)
            if packet:
                outputs["packet.pdf"] = packet
        outputs["eligibility.json"] = (json_bytes(report.to_json()), None)
        files = [{"path": path, "sha256": sha256(data), "pages": pages} for path, (data, pages) in outputs.items()]
        manifest = {"tool": "erasure-docs", "tool_version": __version__, "rules_version": report.rules_version,
                    "case_id": case.case_id, "as_of": report.as_of.isoformat(),
                    "input": {"file": Path(loaded.source.split(" row ")[0]).name, "sha256": loaded.input_sha256},
                    "formats": list(self.formats), "files": files}
        outputs["manifest.json"] = (json_bytes(manifest), None)
        return BuiltPacket(report, {path: data for path, (data, _) in outputs.items()}, manifest)

    def write(self, loaded: LoadedCase, out_dir: Path, as_of: Any = None, only: set[str] | None = None) -> PacketResult:
        built = self.build(loaded, as_of, only)
        folder = write_folder(out_dir, built.report.case_id, built.outputs)
        return PacketResult(built.report.case_id, folder, built.report, built.manifest)


def write_folder(out_dir: Path, case_id: str, outputs: dict[str, bytes]) -> Path:
    """Write every file under a hidden temporary folder, then rename it into place (replacing an old one)."""
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = out_dir / case_id
    staging = Path(tempfile.mkdtemp(prefix=f"{HIDDEN_PREFIX}{case_id}-", dir=out_dir))
    try:
        for relative, data in outputs.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
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

