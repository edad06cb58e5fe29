"""Batch production: many cases in, one packet folder per case out, unattended.

Cases are validated in this process, then rendered by worker processes (spawn context; each worker makes
one `Renderers`, so templates, CSS and fonts are parsed once per worker, and is recycled after
`RECYCLE_AFTER` cases as a guard against slow memory growth). A case that fails is reported and the run
goes on; a worker that dies takes only its case with it (the case is retried once on a fresh worker).
Nothing printed names a person: only case ids, files, sheet rows and field paths.
"""

from __future__ import annotations

import gc
import itertools
import json
import multiprocessing
import os
import signal
import stat
import sys
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from erasure_docs import __version__, api
from erasure_docs.errors import safe_message
from erasure_docs.files import (FILE_MODE, atomic_write, dir_mode, json_bytes, make_folder, recover_leftovers,
                                sha256)
from erasure_docs.packet import BINDER, BOUND, REDACTED_PATH, SUMMARY
from erasure_docs.paths import template_set
from erasure_docs.reading import LoadedCase
from erasure_docs.signing import SigningKey
from erasure_docs.summary import COLUMNS as SUMMARY_LAYOUT, attention, summary_csv, summary_xlsx

RECYCLE_AFTER = 250
GC_EVERY = 50
SUMMARY_COLUMNS = [name for name, _, _ in SUMMARY_LAYOUT]


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
    stage: str = ""  # where a failure happened: validation | write (its folder may not be written) | render
    to_do: str = ""  # the blockers' sentences: what to supply
    warnings: list[str] = field(default_factory=list)  # the warnings' ids, each once
    flags: list[str] = field(default_factory=list)  # every flag the rules raised on a charge, each once
    filing_sets: list[str] = field(default_factory=list)  # the filing sets produced (filings/<court>/)
    attention: str = ""  # why someone must look at the case ('' when nobody must)
    kept: str = ""  # the old case folder kept beside the new one: it held files edited or added by a person

    def judged(self, report: Any) -> CaseRow:
        """What the summary says beyond readiness: what to supply, the warnings and the flags."""
        self.to_do = " ".join(item.message for item in report.readiness.blockers)
        self.warnings = list(dict.fromkeys(item.id for item in report.readiness.warnings))
        self.flags = list(dict.fromkeys(flag for charge in report.charges for flag in charge.flags))
        return self


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
    force: bool = False  # replace existing case folders (what a person changed in them is kept aside)
    sign: SigningKey | None = None  # --sign: each packet signed (signing.py)


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
    replace: bool  # --force, or --resume redoing a case whose folder is stale
    parent: int  # the batch process: a worker never writes once it is gone
    sign: SigningKey | None = None  # --sign (signing.py)


class ParentGone(Exception):
    """The batch process died: this worker stops before it writes anything."""


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
                                      redact=settings.redact, file_mode=settings.file_mode)
            if os.getppid() != settings.parent:
                raise ParentGone
            written = api.write_case_folder(packet, out_dir, force=settings.replace, sign=settings.sign)
            summary = packet.report.summary
            row = CaseRow(packet.case_id, loaded.source, "produced", *readiness_cells(packet.report),
                          summary["eligible"], summary["needs_review"], summary["not_eligible"], summary["automatic"],
                          documents=len([f for f in packet.manifest["files"] if is_document(f["path"])]),
                          files=len(packet.files))
            row.judged(packet.report)
            row.kept = written.backup.name if written.backup else ""
            row.filing_sets = sorted({path.split("/")[1] for path in packet.files
                                      if path.startswith("filings/") and path.count("/") >= 2})
        except ParentGone:
            os._exit(1)
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
_started: Any = None  # where the worker says which case it is on (the parent's, for this pool)
PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when the batch process dies (even by kill -9), so no orphan goes on
    rendering; if the parent is already gone, stop now. Elsewhere, the check before each write remains."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _init_worker(settings: WorkerSettings, started: Any) -> None:
    global _worker, _started
    die_with_parent(settings.parent)
    _worker, _started = Worker(settings), started


def render_case(ticket: int, loaded: LoadedCase, out_dir: Path) -> CaseRow:
    """Runs in a worker process. It first tells the parent which case it holds, so that if it dies only that
    case is charged with its death."""
    assert _worker is not None
    _started.put((os.getpid(), ticket))
    return _worker.render(loaded, out_dir)


def is_document(path: str) -> bool:
    """A document of the case (.docx or .pdf), not a bound set, the attorney's binder or summary, an envelope."""
    name = path.rsplit("/", 1)[-1]
    return path.endswith((".pdf", ".docx")) and path not in (SUMMARY, BINDER) and name != BOUND \
        and not name.endswith("-envelope.pdf")


# ---------------------------------------------------------------- the parent side

def manifest_matches(folder: Path, loaded: LoadedCase, options: BatchOptions) -> bool:
    """--resume: the packet on disk was made from the same input by the same tool, rules and options (every
    document, these formats, no other templates, files with this run's permissions), and is whole. Only files
    inside the folder are read, and only regular files: a planted manifest cannot make it read anything else."""
    from erasure_docs.rules.tables import load_tables

    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        as_of = loaded.case.as_of.isoformat()  # type: ignore[union-attr]  # --as-of was applied at load
        same = (manifest["input"]["sha256"] == loaded.input_sha256 and manifest["tool_version"] == __version__
                and manifest["rules_version"] == load_tables().param("rules_version") and manifest["as_of"] == as_of
                and manifest["formats"] == list(options.formats) and manifest.get("only") is None
                and any(f["path"] == REDACTED_PATH for f in manifest["files"]) == options.redact
                and same_templates(manifest, options))
        return same and all(unchanged_file(folder, f, options.file_mode) for f in manifest["files"])
    except (OSError, KeyError, ValueError, TypeError, AttributeError, RecursionError):
        return False


def same_templates(manifest: dict[str, Any], options: BatchOptions) -> bool:
    """The packet was made with the templates this run uses. A clinic's folder can change between runs, and
    only a manifest that records the template set can show it did not: without one, the case is redone."""
    recorded = manifest.get("templates")
    if not isinstance(recorded, dict):
        return False
    return recorded == template_set(options.custom_templates)


def unchanged_file(folder: Path, entry: dict[str, Any], file_mode: int) -> bool:
    """One manifest entry: a regular file inside the folder (no link on the way), with this run's permissions
    and the recorded SHA-256."""
    relative = Path(str(entry["path"]))
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return False
    path = folder / relative
    for step in [*reversed(relative.parents[:-1]), relative]:
        if (folder / step).is_symlink():
            return False
    status = path.lstat()
    if not stat.S_ISREG(status.st_mode) or stat.S_IMODE(status.st_mode) != file_mode:
        return False
    return sha256(path.read_bytes()) == entry["sha256"]


def write_refusal(loaded: LoadedCase, options: BatchOptions) -> CaseRow | None:
    """A case whose folder may not be written (it exists; no --force or --resume), found before rendering."""
    try:
        api.check_writable(options.out_dir, loaded.case_id or "", force=options.force or options.resume)
    except api.ErasureDocsError as exc:
        return CaseRow(loaded.case_id or "?", loaded.source, "failed", error=str(exc), stage="write")
    return None


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


def dry_run_row(loaded: LoadedCase) -> CaseRow:
    report = api.check(loaded.case)  # type: ignore[arg-type]
    summary = report.summary
    row = CaseRow(report.case_id, loaded.source, "would_produce", *readiness_cells(report), summary["eligible"],
                  summary["needs_review"], summary["not_eligible"], summary["automatic"],
                  documents=len(report.planned))
    return row.judged(report)


def run_batch(cases: Iterable[LoadedCase], options: BatchOptions,
              progress: Callable[[CaseRow], None] = lambda row: None) -> BatchResult:
    """Judge and render every case. Cases are taken from `cases` as workers free up, so a long sheet is
    never held in memory whole."""
    result = BatchResult()
    started = time.perf_counter()
    def to_render() -> Iterator[LoadedCase]:
        for loaded in cases:
            if not loaded.ok:
                result.rows.append(failed_row(loaded))
                progress(result.rows[-1])
                if options.fail_fast:
                    return
            elif options.dry_run:
                result.rows.append(dry_run_row(loaded))
                progress(result.rows[-1])
            elif options.resume and manifest_matches(options.out_dir / loaded.case_id, loaded, options):  # type: ignore[operator]
                result.rows.append(CaseRow(loaded.case_id or "?", loaded.source, "skipped"))
                progress(result.rows[-1])
            elif (refusal := write_refusal(loaded, options)) is not None:
                result.rows.append(refusal)
                progress(refusal)
                if options.fail_fast:
                    return
            else:
                yield loaded

    if not options.dry_run:
        result.notes += recover_leftovers(options.out_dir)  # what an interrupted run left behind
    todo = to_render()
    first = next(todo, None)
    if first is not None:
        make_folder(options.out_dir, dir_mode(options.file_mode))
        render_all(itertools.chain([first], todo), options, result, progress)
    result.wall_seconds = time.perf_counter() - started
    return result


def render_all(todo: Iterator[LoadedCase], options: BatchOptions, result: BatchResult,
               progress: Callable[[CaseRow], None]) -> None:
    """Render in worker processes, a bounded window of cases in flight; survive a dying worker. A worker's
    death is charged to the case it held only (a case is tried twice); the cases merely queued behind it, or
    held by the workers the broken pool took down with it, are tried again without being charged."""
    context = multiprocessing.get_context("spawn")
    attempts: dict[int, int] = {}
    retry: list[tuple[int, LoadedCase]] = []
    tickets = itertools.count()
    settings = WorkerSettings(options.formats, options.custom_templates, options.file_mode, options.redact,
                              options.debug, options.force or options.resume, os.getpid(), options.sign)

    def next_case() -> tuple[int, LoadedCase] | None:
        if retry:  # in their first order: a case that was in hand when its worker died goes first
            return retry.pop(0)
        loaded = next(todo, None)
        return None if loaded is None else (next(tickets), loaded)

    def record(row: CaseRow) -> None:
        result.rows.append(row)
        if row.kept:
            result.notes.append(f"{row.case_id}: the old case folder held files edited or added "
                                f"since it was made; it is kept as {row.kept}")
        progress(row)

    pending = next_case()
    while pending is not None:
        started = context.SimpleQueue()  # a fresh one per pool: a killed writer cannot jam the next pool's
        pool = ProcessPoolExecutor(max_workers=options.workers, mp_context=context, initializer=_init_worker,
                                   initargs=(settings, started), max_tasks_per_child=RECYCLE_AFTER)
        in_flight: dict[Future, tuple[int, LoadedCase]] = {}
        lost: list[tuple[int, LoadedCase]] = []  # cases whose future the broken pool failed
        workers: dict[int, Any] = {}
        try:
            while (pending is not None or in_flight) and not lost:
                while pending is not None and len(in_flight) < options.workers * 2:
                    in_flight[pool.submit(render_case, pending[0], pending[1], options.out_dir)] = pending
                    pending = next_case()
                workers.update(getattr(pool, "_processes", None) or {})  # their exit codes tell who died
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    item = in_flight.pop(future)
                    try:
                        row = future.result()
                    except BrokenProcessPool:
                        lost.append(item)
                        continue
                    record(row)
                    if row.status == "failed" and options.fail_fast:
                        finish_fast(in_flight, record)
                        return
            if lost:
                lost += in_flight.values()
                charged = blamed(started, workers, {ticket for ticket, _ in lost})
                for item in lost:
                    if item[0] in charged:
                        attempts[item[0]] = attempts.get(item[0], 0) + 1
                        if attempts[item[0]] >= 2:
                            record(CaseRow(item[1].case_id or "?", item[1].source, "failed",
                                           error="the worker process died while rendering this case", stage="render"))
                            continue
                        result.notes.append(f"{item[1].case_id}: a worker process died while rendering it; tried "
                                            "again on a fresh worker")
                    retry.append(item)
                if pending is not None:
                    retry.append(pending)
                retry.sort(key=lambda item: item[0])
                pending = next_case()
        except KeyboardInterrupt:
            result.interrupted = True
            raise
        finally:
            pool.shutdown(wait=not result.interrupted, cancel_futures=True)
            started.close()


def finish_fast(in_flight: dict[Future, tuple[int, LoadedCase]], record: Callable[[CaseRow], None]) -> None:
    """--fail-fast: cases not started are dropped; those already rendering finish, and the summary lists them
    (a produced folder the summary did not mention would be a surprise)."""
    running = [future for future in in_flight if not future.cancel()]
    for future in running:
        try:
            record(future.result())
        except BrokenProcessPool:
            pass


def blamed(started: Any, workers: dict[int, Any], lost: set[int]) -> set[int]:
    """The tickets of the cases held by the worker(s) that died. A worker says which case it starts; when the
    pool breaks, the executor terminates the surviving workers (SIGTERM), so a worker that ended otherwise is
    the one that died. Without that evidence, every case some worker held is charged, never a queued one."""
    holding: dict[int, int] = {}
    while not started.empty():
        pid, ticket = started.get()
        holding[pid] = ticket
    held = {pid: ticket for pid, ticket in holding.items() if ticket in lost}
    dead = {ticket for pid, ticket in held.items()
            if pid in workers and workers[pid].exitcode not in (None, -signal.SIGTERM)}
    return dead or set(held.values())


# ---------------------------------------------------------------- the account of the run

def write_summary(result: BatchResult, options: BatchOptions, rules_version: str) -> tuple[Path, Path, Path]:
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
               "totals": totals}
    for row in rows:
        row.attention = attention(row)
    summary["cases"] = [asdict(r) for r in rows]
    total_row: dict[str, Any] = {name: "" for name in SUMMARY_COLUMNS}
    total_row.update(case_id="TOTAL", status=f"{totals['produced']} produced, {totals['skipped']} skipped, "
                                             f"{totals['failed']} failed",
                     attention=f"{sum(bool(r.attention) for r in rows)} need attention",
                     ready=f"{totals['ready']} ready", blockers=f"{totals['drafts']} drafts",
                     seconds=round(result.wall_seconds, 1),
                     **{k: totals[k] for k in ("eligible", "needs_review", "not_eligible", "automatic", "documents")})
    totals_line = [total_row[name] for name in SUMMARY_COLUMNS]
    mode = options.file_mode
    return (atomic_write(options.out_dir / "batch-summary.json", json_bytes(summary), mode),
            atomic_write(options.out_dir / "batch-summary.csv", summary_csv(rows, totals_line), mode),
            atomic_write(options.out_dir / "batch-summary.xlsx", summary_xlsx(rows, totals_line), mode))
