"""One case in, one case folder out, laid out so that a clerk, a mail room and the attorney each get only their
own papers:

    output/<case_id>/
      filings/<court>/                  one filing set per court (a juvenile court never shares one)
        cover_letter.docx|.pdf            addressed to that court; lists only its dockets, with filing page ranges
        <docket>/<document>.docx|.pdf     the documents filed in that docket, in filing order
        filing.pdf                        the bound set: cover letter, then the documents; every page also prints
                                          "Filing page N of M" (PDF/A-2a, tagged, nothing attached)
      sealed/<court>/<docket>/          sealed affidavits, never bound into a filing
        affidavit.docx|.pdf               the affidavit
        affidavit-envelope.pdf            the cover sheet for its sealed envelope (caption, docket, lodged under seal)
      mailings/<docket>/                victim notices, never bound into a filing
        victim_notice-N.docx|.pdf         one notice per victim (the only document with the victim's address),
                                          and victim_hearing_notice-N when a hearing date is set
        victim_notice-N-envelope.pdf      the addressed page for that notice's envelope
      attorney/                         the attorney's copy, not for filing
        review_sheet.docx|.pdf            the review sheet (every note to the attorney is here)
        filing-summary.pdf                every filing set, its pages, victim notice and what is sealed; fingerprint
        attorney-copy.pdf                 everything above in one binder, "ATTORNEY COPY — NOT FOR FILING" on every
                                          page (PDF/A-3a), with eligibility.json, the redacted case data and
                                          manifest.json attached: the only PDF that carries data
        filing_instructions-<court>.docx|.pdf  what the attorney does with each court's papers (never filed)
        client_letter.docx|.pdf           the letter to the client (instructions.py, client_letter.py; never filed)
        eligibility.json                  the report of `erasure-docs check --json`
        case-data-redacted.json           with --redact: the redacted work copy (redact.py)
      manifest.json                     tool and rules version, as-of date, input SHA-256, options (formats, only,
                                        redacted, file_mode), templates (source and SHA-256 of the set), the
                                        fingerprint, every file's SHA-256, a PDF's page count and the SHA-256 of
                                        each page's text, a Word file's content_sha256, and each filing set's
                                        court, dockets and enclosures

Each document is laid out and written once; its court's filing.pdf and the attorney's binder take its written
pages and draw the "Filing page" line or the attorney stamp over them (render/bind.py). With a helper process
(`render_helper`), the documents are shared between two processes.

The fingerprint (see `fingerprinted_view`) covers everything the manifest records — options, templates, every
file's SHA-256 and page texts — but what shows or stores it: a Word file counts by its content hash (the
fingerprint in its properties read as a placeholder), the filing summary and the binder by the recorded pages
of what they bind. `erasure-docs verify` (verify.py) checks all of it; `--sign` (signing.py) signs it.

`build` makes every file in memory; the folder is written whole or not at all (files.py, `api.write_packet`):
owner-only unless the caller asks otherwise.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from erasure_docs import __version__
from erasure_docs.context import (ENVELOPES, ContextBuilder, DocumentRef, build_context, cite, court_names,
                                  draft_mark, when)
from erasure_docs.errors import ErasureDocsError
from erasure_docs.files import FILE_MODE, HIDDEN_PREFIX, json_bytes, sha256
from erasure_docs.model import Case
from erasure_docs.paths import template_set
from erasure_docs.reading import InputRef
from erasure_docs.redact import redact_case, redacted_for_rendering
from erasure_docs.render import Renderers
from erasure_docs.render.helper import RenderHelper, claim, helper_claims
from erasure_docs.rules.documents import (TITLES, VICTIM_NOTICES, charges_by_docket, court_key, is_filed, sealed_kinds,
                                          spec)
from erasure_docs.rules.engine import evaluate
from erasure_docs.rules.outcome import ChargeOutcome, Report, Status
from erasure_docs.rules.pathways import pathway

__all__ = ["HIDDEN_PREFIX", "InputRef", "Packet", "build", "is_filed", "plan_documents"]

FORMATS = ("docx", "pdf")
FILINGS, SEALED, MAILINGS, ATTORNEY = "filings", "sealed", "mailings", "attorney"
BOUND = "filing.pdf"  # the bound filing set, in each filings/<court>/ folder
MANIFEST = "manifest.json"
ELIGIBILITY, REDACTED = "eligibility.json", "case-data-redacted.json"  # names in attorney/ and as attachments
SUMMARY, BINDER = f"{ATTORNEY}/filing-summary.pdf", f"{ATTORNEY}/attorney-copy.pdf"
ELIGIBILITY_PATH, REDACTED_PATH = f"{ATTORNEY}/{ELIGIBILITY}", f"{ATTORNEY}/{REDACTED}"
NOT_FINGERPRINTED = ("fingerprint", "signature")
CORE_PROPERTIES = "docProps/core.xml"
FILED_VARIANT, BINDER_VARIANT = "pdf/a-2a", "pdf/a-3a"  # archival and tagged; only PDF/A-3 may attach data
Court = tuple[str, int | None, str]  # rules/documents.py, court_key


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "_", text).strip("_") or "docket"


def court_slug(court: Court) -> str:
    """('ga', 15, 'New Britain') → 'ga-15-new-britain'; ('juvenile', None, 'New Haven') → 'juvenile-new-haven'."""
    words = " ".join(str(part) for part in court if part is not None).lower()
    return re.sub(r"[^a-z0-9]+", "-", words).strip("-") or "court"


def plan_documents(report: Report, only: set[str] | None = None) -> list[DocumentRef]:
    """The documents planned with the report (rules/documents.py), less those `only` leaves out."""
    return [ref for ref in report.planned if only is None or ref.kind in only]


def court_of(case: Case, ref: DocumentRef) -> Court | None:
    return ref.court if ref.court is not None else court_key(case.records[ref.record]) if ref.record is not None \
        else None


def file_stem(case: Case, ref: DocumentRef) -> str:
    """Where a document goes in the case folder (see the module docstring)."""
    if not spec(ref.kind).filed and ref.kind not in VICTIM_NOTICES:  # the attorney's, for the case or one court
        return f"{ATTORNEY}/{ref.kind}" + (f"-{court_slug(ref.court)}" if ref.court is not None else "")
    if ref.record is None and ref.court is None:
        return f"{ATTORNEY}/{ref.kind}"
    court = court_slug(court_of(case, ref))  # type: ignore[arg-type]
    if ref.record is None:
        return f"{FILINGS}/{court}/{ref.kind}"
    docket = slug(case.records[ref.record].docket_number)
    if ref.kind in VICTIM_NOTICES:
        return f"{MAILINGS}/{docket}/{ref.kind}-{(ref.victim or 0) + 1}"
    if ref.kind in sealed_kinds(case):
        return f"{SEALED}/{court}/{docket}/{ref.kind}"
    return f"{FILINGS}/{court}/{docket}/{ref.kind}"


@dataclass
class RenderedDocument:
    ref: DocumentRef
    stem: str
    files: dict[str, bytes] = field(default_factory=dict)  # extension → bytes
    pages: int | None = None
    layout: Any = None  # a cover letter's laid-out WeasyPrint document: its pages head the bound filing set
    envelope: bytes | None = None  # the PDF of the envelope page (or sealed-envelope cover sheet) going with it

    def fill(self, pdf: bytes, pages: int, envelope: bytes | None) -> None:
        self.files["pdf"], self.pages, self.envelope = pdf, pages, envelope


@dataclass
class FilingSet:
    """One court's filing set: its cover letter and filed documents, bound."""

    court: Court
    folder: str
    cover: RenderedDocument
    documents: list[RenderedDocument]
    entries: list[dict[str, Any]]  # the cover letter's enclosure table, with filing page ranges
    sealed: list[RenderedDocument]
    pages: int = 0  # of filing.pdf, once bound


@dataclass(frozen=True)
class Packet:
    """Every output of one case, in memory: `files` maps a path inside the case folder to its bytes."""

    case_id: str
    report: Report
    files: dict[str, bytes]
    manifest: dict[str, Any]


def page_texts(data: bytes) -> list[str]:
    """The text of every page of a PDF, whitespace-normalised: what the manifest's page hashes are taken of."""
    import pypdfium2  # one reader for generate and verify, so both see the same text

    document = pypdfium2.PdfDocument(data)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(" ".join(textpage.get_text_range().split()))
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def page_hashes(data: bytes) -> list[str]:
    return [sha256(text.encode("utf-8")) for text in page_texts(data)]


def file_entry(path: str, data: bytes) -> dict[str, Any]:
    """A file's manifest entry: its SHA-256, and a PDF's page texts or a Word file's content hash."""
    entry: dict[str, Any] = {"path": path, "sha256": sha256(data), "pages": None}
    if path.endswith(".pdf"):
        hashes = page_hashes(data)
        entry["pages"], entry["page_text_sha256"] = len(hashes), hashes
    elif path.endswith(".docx"):
        import zipfile

        try:
            entry["content_sha256"] = word_content_sha256(data, word_identifier(data))
        except (ValueError, KeyError, OSError, zipfile.BadZipFile):  # not a Word file: verify says so
            pass
    return entry


def word_identifier(data: bytes) -> str | None:
    """The identifier in a Word file's core properties (where the fingerprint is)."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read(CORE_PROPERTIES).decode("utf-8")
    match = re.search(r"<dc:identifier>([^<]*)</dc:identifier>", core)
    return match.group(1) if match else None


def word_content_sha256(data: bytes, fingerprint: str | None = None) -> str:
    """What the fingerprint records of a Word file: the SHA-256 of every part's name and content (its text, its
    formatting, its properties), with the fingerprint its properties carry read back as the placeholder it
    replaced, so that the hash is the same before and after the fingerprint is known."""
    import zipfile

    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(archive.namelist()):
            content = archive.read(name)
            if name == CORE_PROPERTIES and fingerprint:
                content = content.replace(grouped(fingerprint).encode(), grouped(FINGERPRINT_MARK).encode())
                content = content.replace(fingerprint.encode(), FINGERPRINT_MARK.encode())
            digest.update(f"{name}\0{len(content)}\0".encode("utf-8") + content)
    return digest.hexdigest()


def fingerprinted_view(manifest: dict[str, Any]) -> dict[str, Any]:
    """What the fingerprint covers: the whole manifest (versions, case id, as-of date, input, options, templates,
    filing sets, attachments, the attorney's copy's page texts, every file's hash and page texts) but the
    fingerprint itself, the signature (signing.py), the filing summary's and the binder's entries (they print
    the fingerprint; the binder's pages after its summary are covered by `attorney_copy`), and the whole-file
    hash of each Word file (it stores the fingerprint; its `content_sha256` is covered). A signed PDF counts
    as rendered: its hash before signing."""
    view = {key: value for key, value in manifest.items() if key not in NOT_FINGERPRINTED}
    files = []
    for entry in manifest["files"]:
        if entry["path"] in (SUMMARY, BINDER):
            continue
        entry = dict(entry)
        if entry["path"].endswith(".docx"):
            entry.pop("sha256", None)
        signed = entry.pop("signed", None)
        if isinstance(signed, dict):
            entry["sha256"] = signed.get("rendered_sha256")
        files.append(entry)
    view["files"] = files
    return view


def as_generated(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest as generated: each entry `erasure-docs repack` changed (a document edited after generation,
    a bound set or the attorney's copy bound again) back to what was generated, repack's own record left out
    (repack.py)."""
    view = {key: value for key, value in manifest.items() if key != "repacked"}
    view["files"] = [{"path": f["path"], **f["generated"]} if isinstance(f, dict) and isinstance(f.get("generated"),
                                                                                               dict) else f
                     for f in manifest["files"]]
    copy = manifest.get("attorney_copy")
    if isinstance(copy, dict) and isinstance(copy.get("generated"), dict):
        view["attorney_copy"] = copy["generated"]
    return view


def fingerprint_of(manifest: dict[str, Any]) -> str:
    """The packet fingerprint: the first 16 hex digits of the SHA-256 of the canonical JSON of
    `fingerprinted_view` of the manifest as generated (`as_generated`: what repack recorded later is not in it)."""
    view = fingerprinted_view(as_generated(manifest))
    canonical = json.dumps(view, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return sha256(canonical.encode("utf-8"))[:16]


def page_range(first: int, count: int) -> str:
    return f"{first}–{first + count - 1}" if count > 1 else str(first)


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
    """One packet's rendering: the shared renderers for the chosen templates, and the chosen formats. The Word
    files, and part of the PDFs, are rendered in the renderers' helper process when there is one
    (`render_helper`), else here."""

    def __init__(self, renderers: Renderers, templates: Path | None, formats: tuple[str, ...]):
        self.renderers, self.templates, self.formats = renderers, templates, formats
        self.helper = renderers.helper
        self._words: dict[str, bytes] = {}  # rendered here, waiting for the fingerprint

    @property
    def pdf(self) -> Any:
        return self.renderers.pdf(self.templates)

    # -------------------------------------------------------- rendering

    def render_pdf(self, case: Case, ref: DocumentRef, context: dict[str, Any]) -> RenderedDocument:
        """One document rendered here, its layout kept (a cover letter's pages head its bound filing set)."""
        rendered = RenderedDocument(ref, file_stem(case, ref))
        if "pdf" in self.formats:
            layout = self.pdf.layout(self.pdf.html(ref.kind, context), context.get("draft_mark", ""))
            rendered.files["pdf"] = self.pdf.write(layout, case.filing_date, variant=FILED_VARIANT)
            rendered.pages, rendered.layout = len(layout.pages), layout
        return rendered

    def offer_pdfs(self, case: Case, items: list[tuple[RenderedDocument, dict[str, Any]]]) -> Any:
        """Share the documents' PDFs (and envelope pages) with the helper process, if there is one: it takes them
        from the first on (render/helper.py). Returns what to wait for."""
        if self.helper is None or "pdf" not in self.formats:
            return None
        self.helper.share(len(items))
        return self.helper.submit(render_shared, self.templates, [pdf_job(case, *item) for item in items],
                                  case.filing_date)

    def render_pdfs(self, case: Case, items: list[tuple[RenderedDocument, dict[str, Any]]], offered: Any) -> int:
        """Render here the PDFs this process claims, from the last on (all of them without a helper); then take
        the helper's. Returns how many the helper rendered."""
        if "pdf" not in self.formats:
            return 0
        mine: Iterable[int] = reversed(range(len(items)))
        if offered is not None:
            mine = iter(lambda: claim(self.helper.claims, from_front=False), None)
        try:
            for index in mine:
                item, context = items[index]
                item.fill(*pdf_files(self.templates, *pdf_job(case, item, context), case.filing_date,
                                     self.renderers))
        except BaseException:
            if offered is not None:  # the helper stops before the next case shares its documents
                self.helper.stop_sharing()
                offered.exception()
            raise
        theirs = offered.result() if offered is not None else {}
        for index, files in theirs.items():
            items[index][0].fill(*files)
        return len(theirs)

    def start_words(self, case: Case, items: list[tuple[RenderedDocument, dict[str, Any]]], fresh: bool) -> Any:
        """Render these Word files (in the helper process when there is one); returns what to wait for."""
        if "docx" not in self.formats:
            return None
        jobs = [(r.stem, r.ref.kind, context, word_properties(context)) for r, context in items]
        if self.helper is not None:
            return self.helper.submit(render_words, self.templates, jobs, case.filing_date, fresh)
        docx = self.renderers.docx(self.templates)
        for stem, kind, context, properties in jobs:
            self._words[stem] = docx.render(kind, context, properties, case.filing_date)
        return None

    @staticmethod
    def wait_for(waiting: list[Any]) -> None:
        """Wait for the Word files submitted to the helper; raises what the helper raised."""
        for future in waiting:
            if future is not None:
                future.result()

    def word_contents(self, waiting: list[Any]) -> dict[str, str]:
        """Every Word file's `word_content_sha256`, before the fingerprint is known (stem → hash)."""
        if "docx" not in self.formats:
            return {}
        self.wait_for(waiting)
        if self.helper is not None:
            return dict(self.helper.submit(word_contents).result())
        return {stem: word_content_sha256(data) for stem, data in self._words.items()}

    def finish_words(self, waiting: list[Any], fingerprint: str) -> dict[str, bytes]:
        if "docx" not in self.formats:
            return {}
        self.wait_for(waiting)
        if self.helper is not None:
            return dict(self.helper.submit(finish_words, fingerprint).result())
        return with_fingerprint(self._words, fingerprint)

    def cover_letter(self, case: Case, builder: ContextBuilder, court: tuple, refs: list[DocumentRef],
                     filed: list[RenderedDocument], sealed: list[RenderedDocument]) -> tuple[RenderedDocument,
                                                                                             dict[str, Any]]:
        """The court's cover letter, whose enclosure table gives each document's pages in the bound set. Its
        own length must be known first: start from what a letter of the same size took last time."""
        cover_ref = DocumentRef("cover_letter", court=court)
        size = (self.templates, len(filed))
        pages = self.renderers.cover_pages.get(size, 1)
        while True:
            context = build_context(builder, cover_ref, refs)
            entries, first = [], pages + 1
            for number, item in enumerate(filed, start=1):
                count = item.pages or 0
                entries.append({"number": number, "title": TITLES[item.ref.kind], "pages": page_range(first, count),
                                "path": f"{item.stem}.pdf",
                                "docket_number": case.records[item.ref.record].docket_number  # type: ignore[index]
                                if item.ref.record is not None else ""})
                first += count
            context["enclosures"], context["filing_pages"] = entries, first - 1
            cover = self.render_pdf(case, cover_ref, context)
            if "pdf" not in self.formats or cover.pages == pages:
                break
            pages = cover.pages or 1
        self.renderers.cover_pages[size] = pages
        return cover, context

    def filing_set(self, case: Case, builder: ContextBuilder, court: tuple, refs: list[DocumentRef],
                   rendered: list[RenderedDocument]) -> tuple[FilingSet, dict[str, Any]]:
        mine = [r for r in rendered if r.ref.record is not None and court_key(case.records[r.ref.record]) == court]
        filed = [r for r in mine if is_filed(case, r.ref)]
        sealed = [r for r in mine if r.ref.kind in sealed_kinds(case)]
        cover, context = self.cover_letter(case, builder, court, refs, filed, sealed)
        folder = f"{FILINGS}/{court_slug(court)}"
        return FilingSet(court, folder, cover, filed, context["enclosures"], sealed), context

    def bind(self, case: Case, filing: FilingSet, signer: str) -> bytes:
        """filing.pdf: the cover letter, then the filed documents as written, each page numbered in the set too.
        Only the cover letter's pages are drawn again (they carry the set's metadata); the documents' pages are
        taken from their PDFs with the "Filing page" line drawn over them (render/bind.py)."""
        cover = filing.cover.layout.pages
        filing.pages = len(cover) + sum(item.pages or 0 for item in filing.documents)
        sheets = self.pdf.stamp_sheets(filing.pages, "filing-stamp")
        head = filing.cover.layout.copy(self.pdf.stamped(cover, sheets.pages[:len(cover)]))
        record = builder_record(case, filing.court)
        head.metadata.title = f"Filing — {court_names(record)['full']}"
        head.metadata.authors = [signer]
        head.metadata.lang = "en"
        head_pdf = self.pdf.write(head, case.filing_date, variant=FILED_VARIANT)
        parts = [(f"{entry['number']}. {entry['title']}", item.files["pdf"])
                 for entry, item in zip(filing.entries, filing.documents, strict=True)]
        from erasure_docs.render.bind import bind

        return bind(head_pdf, TITLES["cover_letter"], parts, self.pdf.write_stamps(sheets, len(cover)))

    def summary_context(self, case: Case, report: Report, sets: list[FilingSet], mailings: list[RenderedDocument],
                        manifest: dict[str, Any], body_pages: int, summary_pages: int) -> dict[str, Any]:
        """What the filing summary in the attorney's copy shows; every section is there for every case."""
        filing_sets = [{"court": court_names(builder_record(case, s.court))["full"], "path": f"{s.folder}/{BOUND}",
                        "pages": s.pages or sum((d.pages or 0) for d in [s.cover, *s.documents]),
                        "cover_pages": page_range(1, s.cover.pages or 1), "entries": s.entries} for s in sets]
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
                line += f"notices and envelope pages in {MAILINGS}/{slug(record.docket_number)}/."
                notices.append(line)
            notices += undecided_notices(case, record, sought)
        sealed_lines = [f"{TITLES[s.ref.kind]}, docket {case.records[s.ref.record].docket_number}: in {s.stem}.pdf, with "
                        "its sealed-envelope cover sheet; submitted separately, never bound into the filing."
                        for fs in sets for s in fs.sealed if s.ref.record is not None]
        attorney = case.attorney
        if attorney:
            preparer = f"Attorney {attorney.name}, Juris No. {attorney.juris_number}" + \
                (f", {attorney.firm}" if attorney.firm else "") + "."
        else:
            preparer = "Self-represented: the applicant or petitioner signs each document; no attorney appears."
        return {"case_id": case.case_id, "fingerprint": grouped(manifest["fingerprint"]),
                "tool_version": manifest["tool_version"], "rules_version": manifest["rules_version"],
                "as_of": when(report.as_of), "filing_date": when(case.filing_date), "dockets": dockets,
                "filing_sets": filing_sets, "victim_notice": notices, "sealed": sealed_lines, "preparer": preparer,
                "mailings": len(mailings), "body_pages": body_pages, "binder_pages": summary_pages + body_pages}

    def summary_layout(self, case: Case, report: Report, sets: list[FilingSet], mailings: list[RenderedDocument],
                       manifest: dict[str, Any], body_pages: int) -> Any:
        """A summary may name the binder's whole length (`binder_pages`, its own pages included; the built-in one
        names the pages after it): laid out again only if its length differs from the guess (one page) and that
        changes its text."""
        guess, html, layout = 1, "", None
        while True:
            again = self.pdf.html("summary", self.summary_context(case, report, sets, mailings, manifest,
                                                                  body_pages, guess))
            if again == html:
                return layout
            html, layout = again, self.pdf.layout(again, draft_mark(report))
            if len(layout.pages) == guess:
                return layout
            guess = len(layout.pages)

    def attorney_copy(self, case: Case, report: Report, sets: list[FilingSet], rendered: list[RenderedDocument],
                      outputs: dict[str, bytes], manifest: dict[str, Any],
                      attachments: list[tuple[str, bytes, str]]) -> tuple[bytes, bytes]:
        """The filing summary, and the binder: the summary, then the pages of `binder_sources` (the review
        sheet, each filing set as filed, the sealed affidavits with their envelope sheets, the mailings with
        their envelope pages) as written, stamped on every page."""
        from erasure_docs.render.bind import bind

        sources = binder_sources(sets, rendered)
        body_pages = sum(len(entry["page_text_sha256"]) for entry in manifest["files"] if entry["path"] in sources)
        mailings = [r for r in rendered if r.ref.kind in VICTIM_NOTICES]
        summary = self.summary_layout(case, report, sets, mailings, manifest, body_pages)
        summary.metadata.title = "Filing summary (attorney's copy)"
        summary_pdf = self.pdf.write(summary, case.filing_date, variant=FILED_VARIANT)
        sheets = self.pdf.stamp_sheets(1, "attorney-stamp")
        head = summary.copy(self.pdf.stamped(summary.pages, sheets.pages * len(summary.pages)))
        head.metadata.title = "Attorney copy — not for filing"
        head.metadata.lang = "en"
        head_pdf = self.pdf.write(head, case.filing_date, variant=BINDER_VARIANT, attachments=attachments)
        parts = [(path, outputs[path]) for path in sources]  # each bookmarked by its path in the case folder
        return summary_pdf, bind(head_pdf, "Filing summary", parts, self.pdf.write_stamps(sheets, 0))

    def attorney_outputs(self, case: Case, report: Report, sets: list[FilingSet], rendered: list[RenderedDocument],
                         outputs: dict[str, bytes], manifest: dict[str, Any], eligibility: bytes,
                         redacted: bytes) -> tuple[bytes, bytes]:
        """The binder attaches the manifest as it stands before the summary's and the binder's own entries."""
        attached = json_bytes(manifest)
        attachments = [(ELIGIBILITY, eligibility, "Eligibility report (erasure-docs check)"),
                       (REDACTED, redacted, "Case data, redacted"),
                       (MANIFEST, attached, "Case folder manifest (without the entries of the filing summary and "
                                            "this attorney's copy)")]
        return self.attorney_copy(case, report, sets, rendered, outputs, manifest, attachments)


# ---------------------------------------------------------------- one case

def build(case: Case, report: Report, renderers: Renderers, *, input_ref: InputRef,
          formats: tuple[str, ...] = FORMATS, only: set[str] | None = None, templates: Path | None = None,
          redact: bool = False, file_mode: int = FILE_MODE) -> Packet:
    """Every output file of a judged case, in memory (see the module docstring for the layout). `redact`: render
    from the redacted case (redact.py) and add the redacted work copy. `file_mode`: recorded in the manifest (the
    folder is written with it)."""
    composer = _Composer(renderers, templates, formats)
    original = case
    if redact:
        case = redacted_for_rendering(original)
        report = evaluate(case)
    builder = ContextBuilder(case, report)
    refs = plan_documents(report, only)
    contexts = {ref: build_context(builder, ref, refs) for ref in refs if ref.kind != "cover_letter"}
    refuse_collisions([file_stem(case, ref) for ref in refs])  # before a page is rendered
    placed = {ref: RenderedDocument(ref, file_stem(case, ref)) for ref in contexts}
    items = [(placed[ref], context) for ref, context in contexts.items()]
    offered = composer.offer_pdfs(case, items)
    waiting = [composer.start_words(case, items, True)]  # queued after the PDFs: wanted only once they are bound
    composer.render_pdfs(case, items, offered)
    rendered = list(placed.values())
    outputs: dict[str, bytes] = {}
    sets: list[FilingSet] = []
    for court in dict.fromkeys(court_of(case, ref) for ref in refs if ref.kind == "cover_letter"):
        assert court is not None  # a cover letter always names its court
        filing, context = composer.filing_set(case, builder, court, refs, rendered)
        contexts[filing.cover.ref] = context
        rendered.insert(rendered.index(filing.documents[0]) if filing.documents else 0, filing.cover)
        sets.append(filing)
    refuse_collisions([item.stem for item in rendered])  # the cover letters too
    waiting.append(composer.start_words(case, [(s.cover, contexts[s.cover.ref]) for s in sets], False))
    signer = next(iter(contexts.values()))["signer"]["name"] if contexts else ""
    if "pdf" in formats:
        for filing in sets:
            outputs[f"{filing.folder}/{BOUND}"] = composer.bind(case, filing, signer)
    for item in rendered:
        if "pdf" in item.files:
            outputs[f"{item.stem}.pdf"] = item.files["pdf"]
        if item.envelope is not None:
            outputs[envelope_path(item)] = item.envelope
    eligibility = json_bytes(report.to_json())
    outputs[ELIGIBILITY_PATH] = eligibility
    redacted = json_bytes(redact_case(original))
    if redact:
        outputs[REDACTED_PATH] = redacted
    manifest: dict[str, Any] = {
        "tool": "erasure-docs", "tool_version": __version__, "rules_version": report.rules_version,
        "case_id": case.case_id, "as_of": report.as_of.isoformat(),
        "input": {"file": input_ref.name, "sha256": input_ref.sha256},
        "formats": list(formats), "only": sorted(only) if only else None, "redacted": redact,
        "file_mode": f"{file_mode:04o}", "templates": template_set(templates),
        "fingerprint": "", "files": [file_entry(path, data) for path, data in sorted(outputs.items())],
        "filing_sets": [{"folder": s.folder, "court": court_names(builder_record(case, s.court))["full"],
                         "juvenile": s.court[0] == "juvenile", "bound": f"{s.folder}/{BOUND}",
                         "dockets": list(dict.fromkeys(e["docket_number"] for e in s.entries)),
                         "documents": s.entries} for s in sets]}
    contents = composer.word_contents(waiting)
    manifest["files"] += [{"path": f"{item.stem}.docx", "sha256": "", "pages": None,
                           "content_sha256": contents[item.stem]} for item in rendered if item.stem in contents]
    manifest["files"].sort(key=lambda f: f["path"])  # as the binder attaches it
    if "pdf" in formats:
        manifest["attachments"] = {ELIGIBILITY: sha256(eligibility), REDACTED: sha256(redacted)}
        hashes = {f["path"]: f.get("page_text_sha256", []) for f in manifest["files"]}
        sources = binder_sources(sets, rendered)
        manifest["attorney_copy"] = {"sources": sources,
                                     "body_page_text_sha256": [h for path in sources for h in hashes[path]]}
    manifest["fingerprint"] = fingerprint_of(manifest)
    words = composer.finish_words(waiting, manifest["fingerprint"])
    for entry in manifest["files"]:
        stem = entry["path"].removesuffix(".docx")
        if entry["path"].endswith(".docx"):
            outputs[entry["path"]] = words[stem]
            entry["sha256"] = sha256(words[stem])
    if "pdf" in formats:
        summary_pdf, binder = composer.attorney_outputs(case, report, sets, rendered, outputs, manifest, eligibility,
                                                       redacted)
        outputs[SUMMARY], outputs[BINDER] = summary_pdf, binder
        manifest["files"] += [file_entry(SUMMARY, summary_pdf), file_entry(BINDER, binder)]
    manifest["files"].sort(key=lambda f: f["path"])
    outputs[MANIFEST] = json_bytes(manifest)
    return Packet(case.case_id, report, outputs, manifest)


class FileNameCollision(ErasureDocsError):
    """Two documents of one case would be written to one file name: never write one over the other."""


def refuse_collisions(stems: list[str]) -> None:
    """Validation refuses the dockets and courts that would share a file name; this is the last guard (some
    disks ignore case, so names differing only in capitals collide too)."""
    seen: set[str] = set()
    for stem in stems:
        if stem.casefold() in seen:
            raise FileNameCollision("two documents of this case would be written to one file name (two dockets "
                                    "or courts that differ only in punctuation or capitals?); nothing was written")
        seen.add(stem.casefold())


def envelope_path(item: RenderedDocument) -> str:
    """The envelope page of a victim notice, or the sealed-envelope cover sheet of a sealed document."""
    return f"{item.stem}-envelope.pdf"


def binder_sources(sets: list[FilingSet], rendered: list[RenderedDocument]) -> list[str]:
    """The files whose pages the attorney's binder holds after its summary, in order."""
    laid_out = [r for r in rendered if "pdf" in r.files]
    paths = [f"{r.stem}.pdf" for r in laid_out if r.stem.startswith(f"{ATTORNEY}/")]  # review sheet, letters
    paths += [f"{fs.folder}/{BOUND}" for fs in sets]
    for fs in sets:
        paths += [p for s in fs.sealed if "pdf" in s.files for p in (envelope_path(s), f"{s.stem}.pdf")]
    paths += [p for r in laid_out if r.ref.kind in VICTIM_NOTICES for p in (f"{r.stem}.pdf", envelope_path(r))]
    return paths


# ---------------------------------------------------------------- Word files, in this process or a helper

FINGERPRINT_MARK = "FINGERPRINT-HERE"  # 16 characters, like a fingerprint: written first, replaced once known
# In the helper process only: its renderers, and the Word files rendered and waiting for the fingerprint.
_helper_renderers = Renderers()
_helper_words: dict[str, bytes] = {}


def render_words(templates: Path | None, jobs: list[tuple[str, str, dict[str, Any], dict[str, str]]],
                 created: Any, fresh: bool) -> None:
    """In the helper: render Word files (stem, kind, context, properties) and keep them until `finish_words`;
    `fresh`: the first files of a case (whatever a failed case left behind is dropped)."""
    if fresh:
        _helper_words.clear()
    docx = _helper_renderers.docx(templates)
    for stem, kind, context, properties in jobs:
        _helper_words[stem] = docx.render(kind, context, properties, created)


def pdf_files(templates: Path | None, kind: str, context: dict[str, Any], envelope: str | None, created: Any,
              renderers: Renderers | None = None) -> tuple[bytes, int, bytes | None]:
    """A document's PDF, its page count and its envelope page's PDF (if it has one); in the helper process when
    `renderers` is not given."""
    pdf = (renderers or _helper_renderers).pdf(templates)
    mark = context.get("draft_mark", "")
    layout = pdf.layout(pdf.html(kind, context), mark)
    sheet = pdf.write(pdf.layout(pdf.html(envelope, context), mark), created, FILED_VARIANT) if envelope else None
    return pdf.write(layout, created, FILED_VARIANT), len(layout.pages), sheet


def render_shared(templates: Path | None, jobs: list[tuple[str, dict[str, Any], str | None]],
                  created: Any) -> dict[int, tuple[bytes, int, bytes | None]]:
    """In the helper: the documents it claims, from the first on, until every one is taken (index → files)."""
    done = {}
    while (index := claim(helper_claims(), from_front=True)) is not None:
        done[index] = pdf_files(templates, *jobs[index], created)
    return done


def pdf_job(case: Case, item: RenderedDocument, context: dict[str, Any]) -> tuple[str, dict[str, Any], str | None]:
    """What `pdf_files` needs for a document: its kind, its context and its envelope page's kind."""
    return item.ref.kind, context, envelope_kind(case, item.ref)


def envelope_kind(case: Case, ref: DocumentRef) -> str | None:
    """The template of the envelope page going with a victim notice, or of a sealed document's cover sheet."""
    if ref.kind not in VICTIM_NOTICES and ref.kind not in sealed_kinds(case):
        return None
    return next((name for name, kinds in ENVELOPES.items() if ref.kind in kinds), None)


def word_contents() -> dict[str, str]:
    """In the helper: the content hash of each Word file rendered so far."""
    return {stem: word_content_sha256(data) for stem, data in _helper_words.items()}


def finish_words(fingerprint: str) -> dict[str, bytes]:
    """In the helper: the Word files rendered so far, with the fingerprint in their properties."""
    done = with_fingerprint(_helper_words, fingerprint)
    _helper_words.clear()
    return done


def with_fingerprint(words: dict[str, bytes], fingerprint: str) -> dict[str, bytes]:
    from erasure_docs.render.docx import replace_in_core_properties

    marks = [(FINGERPRINT_MARK, fingerprint), (grouped(FINGERPRINT_MARK), grouped(fingerprint))]
    return {stem: replace_in_core_properties(data, marks) for stem, data in words.items()}


def word_properties(context: dict[str, Any]) -> dict[str, str]:
    return {"title": context["doc"]["title"], "author": context["signer"]["name"],
            "subject": f"Docket {context['docket']['number']}" if "docket" in context else "",
            "keywords": "erasure-docs", "identifier": FINGERPRINT_MARK, "language": context.get("language") or "en",
            "comments": f"erasure-docs fingerprint {grouped(FINGERPRINT_MARK)} (erasure-docs {__version__})"}


def render_helper(templates: Path | None = None) -> RenderHelper | None:
    """A helper process that renders the Word files of a case and shares its PDFs with this one (`generate` uses
    both cores this way; render/helper.py); None on a single-core machine, or with a clinic's templates (they
    render in a sandbox process, api.py)."""
    return RenderHelper.start(warm_up) if templates is None else None


def warm_up() -> None:
    """In the helper: the built-in templates' renderers, made before the first document arrives."""
    _helper_renderers.pdf()
    _helper_renderers.docx()


def builder_record(case: Case, court: tuple) -> Any:
    """The first docket of a court: it names the court."""
    return next(r for r in case.records if court_key(r) == court)
