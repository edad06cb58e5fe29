"""Batch production: many cases in, one packet folder per case out, unattended.

Cases are validated in this process, then rendered by worker processes (spawn context; each worker builds
one `PacketWriter`, so templates, CSS and fonts are parsed once per worker, and is recycled after
`RECYCLE_AFTER` cases as a guard against slow memory growth). A case that fails is reported and the run
goes on; a worker that dies takes only its case with it (the case is retried once on a fresh worker).
Nothing printed names a person: only case ids, files, sheet rows and field paths.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import multiprocessing
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from erasure_docs import __version__
from erasure_docs.loading import LoadedCase
from erasure_docs.packet import REDACTED, atomic_write, json_bytes, remove_leftovers, write_folder

RECYCLE_AFTER = 250
GC_EVERY = 50
SUMMARY_COLUMNS = ["case_id", "source", "status", "ready", "blockers", "eligible", "needs_review", "not_eligible", "automatic",
                   "documents", "files", "seconds", "stage", "error"]


@dataclass
class CaseRow:
    """One line of the batch summary."""

    case_id: str
    source: str
    status: str  # produced | skipped | failed | would_produce
    ready: bool | None = None  # ready to file (readiness.py); None when the case was not judged in this run
    blockers: list[str] = field(default_factory=list)  # the blocker ids, each once, in order
    eligible: int = 0
    needs_review: int = 0
    not_eligible: int = 0
    automatic: int = 0
    documents: int = 0
    files: int = 0
    seconds: float = 0.0
    error: str = ""
    stage: str = ""  # where a failure happened: validation | render


@dataclass
class BatchOptions:
    out_dir: Path
    workers: int
    as_of: Any = None
    formats: tuple[str, ...] = ("docx", "pdf")
    fail_fast: bool = False
    dry_run: bool = False
    resume: bool = False
    custom_templates: Path | None = None
    umask: int = 0o077
    redact: bool = False


@dataclass
class BatchResult:
    rows: list[CaseRow] = field(default_factory=list)
    wall_seconds: float = 0.0
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)  # what went wrong but was recovered from

    @property
    def failed(self) -> int:
        return sum(row.status == "failed" for row in self.rows)


# ---------------------------------------------------------------- the worker side

_writer = None


def _init_worker(formats: tuple[str, ...], custom_templates: Path | None, umask: int = 0o077,
                 redact: bool = False) -> None:
    global _writer
    from erasure_docs.packet import PacketWriter, set_umask

    set_umask(umask)
    _writer = PacketWriter(custom_templates, formats, redact)  # parses CSS and fonts at its first case


_done_here = 0


def render_case(loaded: LoadedCase, out_dir: Path, as_of: Any, only: set[str] | None = None) -> CaseRow:
    """Runs in a worker: one case's packet, written atomically. Errors become the row's message."""
    global _done_here
    started = time.perf_counter()
    row = CaseRow(loaded.case_id or "?", loaded.source, "failed", stage="render")
    try:
        assert _writer is not None
        built = _writer.build(loaded, as_of, only)
        write_folder(out_dir, built.report.case_id, built.outputs)
        summary = built.report.summary
        row = CaseRow(built.report.case_id, loaded.source, "produced", *readiness_cells(built.report),
                      summary["eligible"], summary["needs_review"], summary["not_eligible"], summary["automatic"],
                      documents=len([f for f in built.manifest["files"] if f["path"].endswith((".pdf", ".docx"))
                                     and f["path"] != "packet.pdf"]), files=len(built.outputs))
    except Exception as exc:  # noqa: BLE001 - reported per case; the batch goes on
        row.error = describe_error(exc)
    row.seconds = round(time.perf_counter() - started, 3)
    _done_here += 1
    if _done_here % GC_EVERY == 0:
        gc.collect()  # docxtpl leaves reference cycles behind
    return row


def describe_error(exc: BaseException) -> str:
    """What went wrong, without echoing data: exception messages can quote a person's details."""
    safe = {"FileExistsError", "MissingFontError", "DocxRenderError", "RenderError", "TemplateNotFound"}
    if type(exc).__name__ in safe and not getattr(exc, "strerror", None):  # our own messages name no person
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {exc.strerror or 'I/O error'}"
    return f"{type(exc).__name__} while rendering"


# ---------------------------------------------------------------- the parent side

def manifest_matches(folder: Path, loaded: LoadedCase, options: BatchOptions) -> bool:
    """--resume: the packet on disk was made from the same input by the same tool and rules, whole."""
    from erasure_docs.packet import sha256
    from erasure_docs.rules.tables import load_tables

    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        as_of = (options.as_of or loaded.case.as_of).isoformat()  # type: ignore[union-attr]
        same = (manifest["input"]["sha256"] == loaded.input_sha256 and manifest["tool_version"] == __version__
                and manifest["rules_version"] == load_tables().param("rules_version") and manifest["as_of"] == as_of
                and manifest["formats"] == list(options.formats)
                and any(f["path"] == REDACTED for f in manifest["files"]) == options.redact)
        return same and all(sha256((folder / f["path"]).read_bytes()) == f["sha256"] for f in manifest["files"])
    except (OSError, KeyError, ValueError, TypeError):
        return False


def readiness_cells(report: Any) -> tuple[bool, list[str]]:
    readiness = report.readiness
    return readiness.ready, list(dict.fromkeys(item.id for item in readiness.blockers))


def failed_row(loaded: LoadedCase) -> CaseRow:
    first = loaded.problems[0] if loaded.problems else None
    message = f"{first.path + ': ' if first and first.path else ''}{first.message if first else 'invalid'}"
    if len(loaded.problems) > 1:
        message += f" (and {len(loaded.problems) - 1} more)"
    return CaseRow(loaded.case_id or "?", first.source if first else loaded.source, "failed", error=message,
                   stage="validation")


def dry_run_row(loaded: LoadedCase, as_of: Any) -> CaseRow:
    from erasure_docs.packet import plan_documents
    from erasure_docs.rules.engine import evaluate

    report = evaluate(loaded.case, as_of)  # type: ignore[arg-type]
    summary = report.summary
    return CaseRow(report.case_id, loaded.source, "would_produce", *readiness_cells(report), summary["eligible"],
                   summary["needs_review"],
                   summary["not_eligible"], summary["automatic"],
                   documents=len(plan_documents(loaded.case, report)))  # type: ignore[arg-type]


def run_batch(cases: list[LoadedCase], options: BatchOptions,
              progress: Callable[[CaseRow], None] = lambda row: None) -> BatchResult:
    result = BatchResult()
    started = time.perf_counter()
    todo: list[LoadedCase] = []
    for loaded in cases:
        if not loaded.ok:
            result.rows.append(failed_row(loaded))
            progress(result.rows[-1])
            if options.fail_fast:
                result.wall_seconds = time.perf_counter() - started
                return result
        elif options.dry_run:
            result.rows.append(dry_run_row(loaded, options.as_of))
            progress(result.rows[-1])
        elif options.resume and manifest_matches(options.out_dir / loaded.case_id, loaded, options):  # type: ignore[operator]
            result.rows.append(CaseRow(loaded.case_id or "?", loaded.source, "skipped"))
            progress(result.rows[-1])
        else:
            todo.append(loaded)
    if not options.dry_run:
        remove_leftovers(options.out_dir)  # what an interrupted run left behind
    if todo:
        options.out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        render_all(todo, options, result, progress)
    result.wall_seconds = time.perf_counter() - started
    return result


def render_all(todo: list[LoadedCase], options: BatchOptions, result: BatchResult,
               progress: Callable[[CaseRow], None]) -> None:
    """Render in worker processes, a bounded window of cases in flight; survive a dying worker."""
    context = multiprocessing.get_context("spawn")
    attempts: dict[int, int] = {}
    queue = list(range(len(todo)))
    queue.reverse()
    while queue:
        pool = ProcessPoolExecutor(max_workers=options.workers, mp_context=context, initializer=_init_worker,
                                   initargs=(options.formats, options.custom_templates, options.umask, options.redact),
                                   max_tasks_per_child=RECYCLE_AFTER)
        in_flight: dict[Future, int] = {}
        broken = False
        try:
            while (queue or in_flight) and not broken:
                while queue and len(in_flight) < options.workers * 2:
                    index = queue.pop()
                    in_flight[pool.submit(render_case, todo[index], options.out_dir, options.as_of)] = index
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    index = in_flight.pop(future)
                    try:
                        row = future.result()
                    except BrokenProcessPool:
                        broken = True
                        attempts[index] = attempts.get(index, 0) + 1
                        if attempts[index] < 2:
                            result.notes.append(f"{todo[index].case_id}: a worker process died while rendering "
                                                "it; tried again on a fresh worker")
                            queue.append(index)
                            continue
                        row = CaseRow(todo[index].case_id or "?", todo[index].source, "failed",
                                      error="the worker process died while rendering this case", stage="render")
                    result.rows.append(row)
                    progress(row)
                    if row.status == "failed" and options.fail_fast:
                        queue.clear()
                        for pending in in_flight:
                            pending.cancel()
                        return
            if broken:  # the others in flight died with the pool: try them again on a fresh one
                for future, index in in_flight.items():
                    attempts[index] = attempts.get(index, 0) + 1
                    queue.append(index)
        except KeyboardInterrupt:
            result.interrupted = True
            queue.clear()
            raise
        finally:
            pool.shutdown(wait=not result.interrupted, cancel_futures=True)


# ---------------------------------------------------------------- the account of the run

def csv_cell(value: Any) -> str:
    """Spreadsheet-safe text: a cell that starts like a formula is written as text. Readiness reads
    yes / no (empty when not judged); a list of ids is joined with '; '."""
    if value is None or isinstance(value, bool):
        return {None: "", True: "yes", False: "no"}[value]
    text = "; ".join(value) if isinstance(value, list) else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_summary(result: BatchResult, options: BatchOptions, rules_version: str) -> tuple[Path, Path]:
    rows = sorted(result.rows, key=lambda r: (r.case_id, r.source))
    totals = {status: sum(r.status == status for r in rows) for status in ("produced", "skipped", "failed",
                                                                             "would_produce")}
    for key in ("eligible", "needs_review", "not_eligible", "automatic", "documents"):
        totals[key] = sum(getattr(r, key) for r in rows)
    totals["ready"], totals["drafts"] = sum(r.ready is True for r in rows), sum(r.ready is False for r in rows)
    summary = {"tool": "erasure-docs", "tool_version": __version__, "rules_version": rules_version,
               "as_of": options.as_of.isoformat() if options.as_of else "per case",
               "wall_seconds": round(result.wall_seconds, 3), "workers": options.workers,
               "formats": list(options.formats), "interrupted": result.interrupted, "notes": result.notes,
               "totals": totals,
               "cases": [asdict(r) for r in rows]}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(getattr(row, column)) for column in SUMMARY_COLUMNS])
    writer.writerow(["TOTAL", "", f"{totals['produced']} produced, {totals['skipped']} skipped, "
                     f"{totals['failed']} failed", f"{totals['ready']} ready", f"{totals['drafts']} drafts",
                     *[totals[k] for k in ("eligible", "needs_review", "not_eligible",
                                                                          "automatic", "documents")],
                     "", round(result.wall_seconds, 1), "", ""])
    return (atomic_write(options.out_dir / "batch-summary.json", json_bytes(summary)),
            atomic_write(options.out_dir / "batch-summary.csv", buffer.getvalue().encode("utf-8")))

