"""Batches in the web app: an uploaded sheet (CSV/XLSX, read by the same loader as `erasure-docs batch`),
its per-row problems, then a run in a background thread that builds each valid case's folder with the
server's warm renderers, one case after another, counting as it goes.
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import erasure_docs as ed
from erasure_docs.files import atomic_write
from erasure_docs.reading import LoadedCase
from erasure_docs.web.service import Service

SUMMARY_COLUMNS = ["case_id", "rows", "result", "eligible", "needs_review", "not_eligible", "automatic",
                   "blockers", "detail"]


@dataclass
class BatchRow:
    case_id: str
    where: str  # the sheet rows, e.g. "rows 2–4"
    problems: list[str] = field(default_factory=list)  # field path: message (never a value)
    result: str = ""  # ready | blockers | failed | invalid (before the run: "" or invalid)
    summary: dict[str, int] = field(default_factory=dict)
    blockers: list[str] = field(default_factory=list)


@dataclass
class Batch:
    batch_id: str
    folder: Path
    sheet_name: str
    rows: list[BatchRow]
    loaded: list[LoadedCase]
    done: int = 0
    running: bool = False
    finished: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def total(self) -> int:
        return sum(1 for item in self.loaded if item.ok)

    def progress(self) -> dict[str, Any]:
        return {"done": self.done, "total": self.total, "running": self.running, "finished": self.finished}


def _where(source: str, sheet: Path) -> str:
    """'<work>/batches/…/input.csv row 4' → 'row 4' (or 'Cases!A2' in a workbook): the server's own path is
    not shown."""
    return source[len(str(sheet)):].strip() if source.startswith(str(sheet)) else ""


def read_batch(batch_id: str, folder: Path, sheet: Path, shown_name: str) -> Batch:
    loaded = ed.load_cases([sheet])
    rows = []
    for item in loaded:
        problems = [f"{_where(p.source, sheet) or 'sheet'}, {p.path or '(case)'}: {p.message}" for p in item.problems]
        rows.append(BatchRow(item.case_id or "?", _where(item.source, sheet), problems, "" if item.ok else "invalid"))
    return Batch(batch_id, folder, shown_name, rows, loaded)


def run_batch(batch: Batch, service: Service) -> None:
    """Build every valid case of the batch (in the calling thread); each row gets its result."""
    out = batch.folder / "out"
    for row, item in zip(batch.rows, batch.loaded):
        if not item.ok:
            continue
        try:
            judged = service.judge(item.case)
            service.generate(item.case, item.input_sha256, out)
            row.summary = dict(judged.report.summary)
            row.blockers = [f"{b.path}: {b.message}" for b in judged.readiness.blockers]
            row.result = "ready" if judged.readiness.ready else "blockers"
        except Exception as exc:  # noqa: BLE001 - one case's failure is its row's; the batch goes on
            row.result, row.problems = "failed", [f"could not be built ({type(exc).__name__})"]
        with batch.lock:
            batch.done += 1
    atomic_write(out / "batch-summary.csv", summary_csv(batch))
    batch.running, batch.finished = False, True


def start(batch: Batch, service: Service) -> bool:
    with batch.lock:
        if batch.running or batch.finished:
            return False
        batch.running = True
    threading.Thread(target=run_batch, args=(batch, service), daemon=True, name=f"batch-{batch.batch_id}").start()
    return True


def summary_csv(batch: Batch) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SUMMARY_COLUMNS)
    for row in batch.rows:
        s = row.summary
        writer.writerow([row.case_id, row.where, row.result, s.get("eligible", ""), s.get("needs_review", ""),
                         s.get("not_eligible", ""), s.get("automatic", ""), len(row.blockers),
                         "; ".join(row.problems + row.blockers)])
    return buffer.getvalue().encode("utf-8")
