"""Reading case files: YAML, JSON and spreadsheets in, validated `Case`s or problems people can act on.

Nothing here raises on bad input. Every problem names the file (and sheet row), the case id, the field
path and what is wrong, and every problem in a file is reported at once. The pieces for one input are in
reading.py; sheets in spreadsheet.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable, Iterable

from erasure_docs.reading import (CASE_SUFFIXES, SHEET_SUFFIXES, InputError, LoadedCase, Loc, Problem, case_id_hint,
                                  decode_text, line_locator, parse_json, parse_yaml, read_bytes, split_path,
                                  validate_data)
from erasure_docs.spreadsheet import load_sheet

__all__ = ["InputError", "LoadedCase", "Problem", "expand_inputs", "load_case_file", "load_inputs",
           "validate_data"]


def expand_inputs(paths: Iterable[str | Path]) -> list[Path | InputError]:
    """Files as given; folders become the case files and sheets they contain, sorted."""
    found: list[Path | InputError] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in CASE_SUFFIXES | SHEET_SUFFIXES
                            and not p.name.startswith("."))
            if not inside:
                found.append(InputError(str(path), "folder holds no case files (.yaml, .yml, .json, .csv, .xlsx)"))
        else:
            inside = [path]
        for item in inside:  # a file named twice (itself and through its folder) is read once
            if item.resolve() not in seen:
                seen.add(item.resolve())
                found.append(item)
    return found


def load_case_file(path: Path, as_of: Any = None) -> LoadedCase:
    """Read and validate one YAML or JSON case file."""
    source = str(path)
    try:
        if path.suffix.lower() not in CASE_SUFFIXES:
            raise InputError(source, f"has an unsupported type '{path.suffix or '(none)'}'; "
                                     "use .yaml, .yml or .json (or .csv/.xlsx for a batch)")
        raw = read_bytes(path)
        text = decode_text(raw, source)
        if path.suffix.lower() == ".json":
            data, problems = parse_json(text, source)
            locate: Callable[[Loc], int | None] = lambda loc: None  # noqa: E731 - JSON gives no positions per key
        else:
            data, lines, problems = parse_yaml(text, source)
            locate = line_locator(lines)
    except InputError as exc:
        return LoadedCase(source, None, None, [exc.problem])
    case, invalid = validate_data(data, source, locate, as_of)
    case_id = case.case_id if case else case_id_hint(data)
    for p in problems:
        p.case_id = case_id
    problems += invalid
    loaded = LoadedCase(source, case_id, case if not problems else None, problems,
                        input_sha256=hashlib.sha256(raw).hexdigest(), input_name=path.name)
    if case:
        loaded.warnings = [Problem(source, msg, case_id, path_, locate(split_path(path_)))
                           for path_, msg in case.warnings()]
    return loaded


def load_inputs(paths: Iterable[str | Path], as_of: Any = None, sheet: str | None = None) -> list[LoadedCase]:
    """Every case in the given files, folders and sheets, in order; duplicate case ids are refused."""
    loaded: list[LoadedCase] = []
    for item in expand_inputs(paths):
        if isinstance(item, InputError):
            loaded.append(LoadedCase(item.problem.source, None, None, [item.problem]))
        elif item.suffix.lower() in SHEET_SUFFIXES:
            loaded.extend(load_sheet(item, as_of=as_of, sheet=sheet))
        else:
            loaded.append(load_case_file(item, as_of))
    return refuse_duplicate_ids(loaded)


def refuse_duplicate_ids(loaded: list[LoadedCase]) -> list[LoadedCase]:
    first_seen: dict[str, str] = {}
    for item in loaded:
        if item.case_id is None:
            continue
        if item.case_id in first_seen:
            item.problems.append(Problem(item.source, f"case_id is used again in this batch (first in "
                                                      f"{first_seen[item.case_id]})", item.case_id, "case_id"))
            item.case = None
        else:
            first_seen[item.case_id] = item.source
    return loaded
