"""The work folder: case files being written (ordinary YAML case files), the settings file, generated case
folders and batches. Everything in it is owner-only (folders 0700, files 0600) and written atomically.

    <work>/cases/<case_id>.yaml       one case file per case, saved as the form is filled in
    <work>/settings.yaml              what the app remembers between cases (the attorney)
    <work>/output/<case_id>/          the generated case folder (filing sets)
    <work>/batches/<batch id>/        an uploaded sheet and the case folders made from it
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from erasure_docs.files import atomic_write
from erasure_docs.reading import InputError, decode_text, parse_json, parse_yaml

CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # the case file's own rule for case_id


class StoreError(Exception):
    """Something a person can act on; the message names no person."""


@dataclass
class CaseEntry:
    case_id: str
    modified: dt.datetime
    name: str  # the petitioner's name as typed, shown only on the (authenticated) start page


def dump_yaml(data: dict[str, Any]) -> bytes:
    header = "# erasure-docs case file (format 1), saved by the web app\n"
    return (header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)).encode("utf-8")


def parse_case_text(raw: bytes, source: str) -> dict[str, Any]:
    """A case file's data, read by the same safe loaders as the command line; InputError if unreadable."""
    text = decode_text(raw, source)
    if source.lower().endswith(".json"):
        data, _ = parse_json(text, source)
    else:
        data, _, problems = parse_yaml(text, source)
        if problems:  # a mistyped tag reads as None: saving the case would lose the value without a word
            first = problems[0]
            raise InputError(source, f"{first.path or 'a field'} (line {first.line}): {first.message}")
    if not isinstance(data, dict):
        raise InputError(source, "must hold a mapping of case-file fields at the top level")
    return data


class WorkFolder:
    def __init__(self, root: Path):
        self.root = root
        for sub in ("", "cases", "output", "batches"):
            (root / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(root, 0o700)

    # -------------------------------------------------------- case files

    def case_path(self, case_id: str) -> Path:
        if not CASE_ID.fullmatch(case_id):
            raise StoreError("not a case id")
        return self.root / "cases" / f"{case_id}.yaml"

    def cases(self) -> list[CaseEntry]:
        entries = []
        for path in sorted((self.root / "cases").glob("*.yaml")):
            if not CASE_ID.fullmatch(path.stem):
                continue
            try:
                petitioner = self.load(path.stem).get("petitioner") or {}
            except (InputError, StoreError):
                petitioner = {}
            name = " ".join(str(petitioner.get(k, "")) for k in ("first_name", "last_name")).strip()
            entries.append(CaseEntry(path.stem, dt.datetime.fromtimestamp(path.stat().st_mtime), name))
        return sorted(entries, key=lambda e: e.modified, reverse=True)

    def exists(self, case_id: str) -> bool:
        return self.case_path(case_id).exists()

    def load(self, case_id: str) -> dict[str, Any]:
        path = self.case_path(case_id)
        if not path.exists():
            raise StoreError("no such case in the work folder")
        return parse_case_text(path.read_bytes(), path.name)

    def save(self, case_id: str, data: dict[str, Any]) -> None:
        atomic_write(self.case_path(case_id), dump_yaml({**data, "case_id": case_id}))

    def delete(self, case_id: str) -> None:
        self.case_path(case_id).unlink(missing_ok=True)

    # -------------------------------------------------------- settings (the attorney, remembered)

    @property
    def settings_path(self) -> Path:
        return self.root / "settings.yaml"

    def settings(self) -> dict[str, Any]:
        if not self.settings_path.exists():
            return {}
        try:
            return parse_case_text(self.settings_path.read_bytes(), "settings.yaml")
        except InputError:
            return {}

    def remember_attorney(self, attorney: dict[str, Any]) -> None:
        if attorney and attorney != self.settings().get("attorney"):
            settings = {**self.settings(), "attorney": attorney}
            atomic_write(self.settings_path, yaml.safe_dump(settings, sort_keys=False, allow_unicode=True).encode())

    # -------------------------------------------------------- generated folders

    def output_dir(self) -> Path:
        return self.root / "output"

    def case_folder(self, case_id: str) -> Path | None:
        if not CASE_ID.fullmatch(case_id):
            return None
        folder = self.output_dir() / case_id
        return folder if folder.is_dir() else None

    def batch_dir(self, batch_id: str) -> Path:
        if not re.fullmatch(r"[a-f0-9]{16}", batch_id):
            raise StoreError("no such batch")
        return self.root / "batches" / batch_id


def inside(folder: Path, relative: str) -> Path | None:
    """`folder/relative` if it is a file inside `folder` (no way out through '..' or links), else None."""
    try:
        path = (folder / relative).resolve()
        path.relative_to(folder.resolve())
    except (ValueError, OSError):
        return None
    return path if path.is_file() else None
