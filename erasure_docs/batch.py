"""Batch production: many cases in, one packet folder per case out, unattended.

Cases are validated in this process, then rendered by worker processes (spawn context; each worker makes
one `Renderers`, so templates, CSS and fonts are parsed once per worker, and is recycled after
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
import sys
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from erasure_docs import __version__, api
from erasure_docs.errors import safe_message
from erasure_docs.files import FILE_MODE, atomic_write, dir_mode, json_bytes, remove_leftovers, sha256
from erasure_docs.packet import REDACTED
from erasure_docs.reading import LoadedCase

RECYCLE_AFTER = 250
GC_EVERY = 50
SUMMARY_COLUMNS = ["case_id", "source", "status", "eligible", "needs_review", "not_eligible", "automatic",
                   "documents", "files", "seconds", "stage", "error"]


@dataclass
class CaseRow:
    """One line of the batch summary."""

    case_id: str
    source: str
    status: str  # produced | skipped | failed | would_produce
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
    file_mode: int = FILE_MODE
    redact: bool = False
    debug: bool = False  # a failing case's traceback goes to stderr (never into the summary)


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

@dataclass(frozen=True)
class WorkerSettings:
    formats: tuple[str, ...]
    custom_templates: Path | None
    file_mode: int
    redact: bool
    debug: bool


class Worker:
    """What one worker process keeps between cases: its renderers and settings."""

    def __init__(self, settings: WorkerSettings):
        self.settings = settings
        self.renderers = api.Renderers()  # parses CSS and fonts at its first case
        self.done = 0

    def render(self, loaded: LoadedCase, out_dir: Path) -> CaseRow:
        """One case's packet, written atomically. Errors become the row's message."""
        started = time.perf_counter()
        row = CaseRow(loaded.case_id or "?", loaded.source, "failed", stage="render")
        settings = self.settings
        try:
            assert loaded.case is not None
            packet = api.build_packet(loaded.case, renderers=self.renderers, formats=settings.formats,
                                      templates=settings.custom_templates, input_ref=loaded.input_ref,
                                      redact=settings.redact)
            api.write_packet(packet, out_dir, file_mode=settings.file_mode)
            summary = packet.report.summary
            row = CaseRow(packet.case_id, loaded.source, "produced", summary["eligible"], summary["needs_review"],
                          summary["not_eligible"], summary["automatic"],
                          documents=len([f for f in packet.manifest["files"] if f["path"].endswith((".pdf", ".docx"))
                                         and f["path"] != "packet.pdf"]), files=len(packet.files))
        except Exception as exc:  # noqa: BLE001 - reported per case; the batch goes on
            row.error = safe_message(exc, "while rendering")
            if settings.debug:
                print(f"{loaded.case_id}: {traceback.format_exc()}", file=sys.stderr, flush=True)
        row.seconds = round(time.perf_counter() - started, 3)
        self.done += 1
        if self.done % GC_EVERY == 0:
            gc.collect()  # docxtpl leaves reference cycles behind
        return row


_worker: Worker | None = None  # the one per worker process, set by the pool's initializer


def _init_worker(settings: WorkerSettings) -> None:
    global _worker
    _worker = Worker(settings)


def render_case(loaded: LoadedCase, out_dir: Path) -> CaseRow:
    """Runs in a worker process."""
    assert _worker is not None
    return _worker.render(loaded, out_dir)


# ---------------------------------------------------------------- the parent side

def manifest_matches(folder: Path, loaded: LoadedCase, options: BatchOptions) -> bool:
    """--resume: the packet on disk was made from the same input by the same tool and rules, whole."""
    from erasure_docs.rules.tables import load_tables

    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        as_of = loaded.case.as_of.isoformat()  # type: ignore[union-attr]  # --as-of was applied at load
        same = (manifest["input"]["sha256"] == loaded.input_sha256 and manifest["tool_version"] == __version__
                and manifest["rules_version"] == load_tables().param("rules_version") and manifest["as_of"] == as_of
                and manifest["formats"] == list(options.formats)
                and any(f["path"] == REDACTED for f in manifest["files"]) == options.redact)
        return same and all(sha256((folder / f["path"]).read_bytes()) == f["sha256"] for f in manifest["files"])
    except (OSError, KeyError, ValueError, TypeError):
        return False


def failed_row(loaded: LoadedCase) -> CaseRow:
    first = loaded.problems[0] if loaded.problems else None
    message = f"{first.path + ': ' if first and first.path else ''}{first.message if first else 'invalid'}"
    if len(loaded.problems) > 1:
        message += f" (and {len(loaded.problems) - 1} more)"
    return CaseRow(loaded.case_id or "?", first.source if first else loaded.source, "failed", error=message,
                   stage="validation")


def dry_run_row(loaded: LoadedCase) -> CaseRow:
    report = api.check(loaded.case)  # type: ignore[arg-type]
    summary = report.summary
    return CaseRow(report.case_id, loaded.source, "would_produce", summary["eligible"], summary["needs_review"],
                   summary["not_eligible"], summary["automatic"],
                   documents=len(report.planned))


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
            result.rows.append(dry_run_row(loaded))
            progress(result.rows[-1])
        elif options.resume and manifest_matches(options.out_dir / loaded.case_id, loaded, options):  # type: ignore[operator]
            result.rows.append(CaseRow(loaded.case_id or "?", loaded.source, "skipped"))
            progress(result.rows[-1])
        else:
            todo.append(loaded)
    if not options.dry_run:
        remove_leftovers(options.out_dir)  # what an interrupted run left behind
    if todo:
        options.out_dir.mkdir(parents=True, exist_ok=True, mode=dir_mode(options.file_mode))
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
                                   initargs=(WorkerSettings(options.formats, options.custom_templates,
                                                            options.file_mode, options.redact, options.debug),),
                                   max_tasks_per_child=RECYCLE_AFTER)
        in_flight: dict[Future, int] = {}
        broken = False
        try:
            while (queue or in_flight) and not broken:
                while queue and len(in_flight) < options.workers * 2:
                    index = queue.pop()
                    in_flight[pool.submit(render_case, todo[index], options.out_dir)] = index
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
                for index in in_flight.values():
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
    """Spreadsheet-safe text: a cell that starts like a formula is written as text."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_summary(result: BatchResult, options: BatchOptions, rules_version: str) -> tuple[Path, Path]:
    rows = sorted(result.rows, key=lambda r: (r.case_id, r.source))
    totals = {status: sum(r.status == status for r in rows) for status in ("produced", "skipped", "failed",
                                                                             "would_produce")}
    for key in ("eligible", "needs_review", "not_eligible", "automatic", "documents"):
        totals[key] = sum(getattr(r, key) for r in rows)
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
                     f"{totals['failed']} failed", *[totals[k] for k in ("eligible", "needs_review", "not_eligible",
                                                                          "automatic", "documents")],
                     "", round(result.wall_seconds, 1), "", ""])
    return (atomic_write(options.out_dir / "batch-summary.json", json_bytes(summary), options.file_mode),
            atomic_write(options.out_dir / "batch-summary.csv", buffer.getvalue().encode("utf-8"), options.file_mode))

