"""What the web app asks of erasure-docs, through its Python API only: validate, judge, assess readiness,
build a case folder. One `Renderers` lives as long as the server (templates, stylesheets and fonts parsed
once); building is serialised, because a renderer is not shared between threads.
"""

from __future__ import annotations

import io
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import erasure_docs as ed
from erasure_docs.readiness import Readiness, assess


@dataclass
class Judged:
    """A valid case with its eligibility report and its readiness (which the report carries)."""

    case: Any
    report: Any
    readiness: Readiness


class Service:
    def __init__(self) -> None:
        self._renderers: Any = None
        self._lock = threading.Lock()

    @property
    def renderers(self) -> Any:
        if self._renderers is None:
            self._renderers = ed.Renderers()
        return self._renderers

    def validate(self, data: dict[str, Any]) -> tuple[Any, list[Any]]:
        return ed.validate(data)

    def judge(self, case: Any) -> Judged:
        report = ed.check(case)
        return Judged(case, report, report.readiness if report.readiness is not None else assess(case, report))

    def build(self, case: Any, input_sha256: str) -> Any:
        """The case folder's files in memory; the SHA-256 of the input it came from is recorded in it."""
        ref = ed.InputRef(f"{case.case_id}.yaml", input_sha256)
        with self._lock:
            return ed.build_packet(case, renderers=self.renderers, input_ref=ref)

    def generate(self, case: Any, input_sha256: str, out_dir: Path) -> Path:
        """Build the case folder and write it (atomically, owner-only) under `out_dir`."""
        packet = self.build(case, input_sha256)
        return ed.write_packet(packet, out_dir, file_mode=0o600, force=True)  # edits are kept in <id>~kept-…


def zip_files(files: dict[str, bytes], prefix: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(f"{prefix}/{name}", files[name])
    return buffer.getvalue()


def zip_folder(folder: Path, prefix: str | None = None) -> bytes:
    """A whole folder as a zip, its files under `prefix/` (the folder's name by default)."""
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    return zip_files(files, prefix or folder.name)
