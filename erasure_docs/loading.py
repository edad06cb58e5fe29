"""Reading case files: YAML, JSON and spreadsheets in, validated `Case`s or problems people can act on.

Nothing here raises on bad input. Every problem names the file (and sheet row), the case id, the field
path and what is wrong, and every problem in a file is reported at once. The pieces for one input are in
reading.py; sheets in spreadsheet.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from erasure_docs.reading import (CASE_SUFFIXES, MAX_SHEET_BYTES, SHEET_SUFFIXES, InputError, LoadedCase, Loc,
                                  Problem, case_id_hint, decode_text, expand_inputs, line_locator, parse_json,
                                  parse_yaml, read_bytes, split_path, validate_data)
from erasure_docs.spreadsheet import load_sheet

__all__ = ["MAX_SHEET_BYTES", "SHEET_SUFFIXES", "InputError", "LoadedCase", "Problem", "case_id_hint",
           "expand_inputs", "iter_inputs", "load_case_file", "load_inputs", "read_bytes", "validate_data"]


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
    said = {p.path for p in problems if p.path}  # a value YAML could not read is reported once, by its tag
    invalid = [p for p in invalid if p.path not in said]
    case_id = case.case_id if case else case_id_hint(data)
    for p in problems:
        p.case_id = case_id
    problems += invalid
    loaded = LoadedCase(source, case_id, case if not problems else None, problems,
                        input_sha256=hashlib.sha256(raw).hexdigest())
    if case:
        loaded.warnings = [Problem(source, msg, case_id, path_, locate(split_path(path_)))
                           for path_, msg in case.warnings()]
    return loaded


def load_inputs(paths: Iterable[str | Path], as_of: Any = None, sheet: str | None = None) -> list[LoadedCase]:
    """Every case in the given files, folders and sheets, in order; duplicate case ids are refused."""
    return list(iter_inputs(paths, as_of, sheet))


def iter_inputs(paths: Iterable[str | Path], as_of: Any = None, sheet: str | None = None) -> Iterator[LoadedCase]:
    """Like `load_inputs`, one case at a time: a big sheet is read without holding all its cases."""
    first_seen: dict[str, str] = {}
    for item in expand_inputs(paths):
        if isinstance(item, InputError):
            yield LoadedCase(item.problem.source, None, None, [item.problem], unreadable=True)
        elif item.suffix.lower() in SHEET_SUFFIXES:
            for loaded in load_sheet(item, as_of=as_of, sheet=sheet):
                yield refuse_duplicate_id(loaded, first_seen)
        else:
            yield refuse_duplicate_id(load_case_file(item, as_of), first_seen)


def refuse_duplicate_id(item: LoadedCase, first_seen: dict[str, str]) -> LoadedCase:
    """Case ids name folders, and some disks (macOS, Windows) ignore case: ids that differ only by case are
    the same id."""
    if item.case_id is None:
        return item
    key = item.case_id.casefold()
    if key in first_seen:
        item.problems.append(Problem(item.source, f"case_id is used again in this batch, perhaps in other capitals "
                                                  f"(first in {first_seen[key]})", item.case_id, "case_id"))
        item.case = None
    else:
        first_seen[key] = item.source
    return item
