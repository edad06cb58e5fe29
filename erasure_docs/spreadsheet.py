"""Sheets as batch input: the intake workbook (workbook.py), or one row per charge in CSV or XLSX.

In the one-row-per-charge form, rows with the same case id form one case, rows with the same docket
number within it one record; person- and case-level columns must agree across a case's rows. A sheet is
read in two passes (row numbers indexed by case id, then one case at a time), so a big sheet is never held
in memory as cases. Every problem names its cell, e.g. `clinic.csv clinic!F12`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from erasure_docs.columns import CASE_ID, COLUMNS, DOCKET, Column
from erasure_docs.reading import InputError, LoadedCase, Problem
from erasure_docs.sheetio import (Grouped, Header, RawRow, RowPlace, SheetSource, header_key, key_text, open_book,
                                  open_csv, put, read_header, row_values, sheet_ref)
from erasure_docs.workbook import finish_case, is_workbook, load_workbook_cases

# The one-row-per-charge form: the person, the docket, the charge and one victim side by side.
SHEET_COLUMNS = [c for c in COLUMNS if c.level in ("case", "record", "charge", "victim")]
CASE_COLUMNS = [c for c in SHEET_COLUMNS if c.level == "case" and c is not CASE_ID]
REQUIRED = ("case_id", "docket_number", "statute", "disposition")


def load_sheet(path: Path, as_of: Any = None, sheet: str | None = None) -> Iterator[LoadedCase]:
    """Every case in a sheet, one at a time. A broken case is reported and the others still load."""
    book = None
    try:
        if path.suffix.lower() == ".xlsx":
            book = open_book(path)
            if sheet is None and is_workbook(book):
                yield from load_workbook_cases(path, book, as_of)
                return
            if sheet is not None and sheet not in book.sheetnames:
                raise InputError(str(path), f"has no sheet named '{sheet}' (sheets: {', '.join(book.sheetnames)})")
            source = SheetSource(path, sheet or book.sheetnames[0], book)
        else:
            source = open_csv(path)
        yield from _charge_rows(source, as_of)
    except InputError as exc:
        yield LoadedCase(str(path), None, None, [exc.problem], unreadable=True)
    finally:
        if book is not None:
            book.close()


def _charge_rows(source: SheetSource, as_of: Any) -> Iterator[LoadedCase]:
    file = str(source.path)
    header = read_header(source.header(), source.sheet, SHEET_COLUMNS)
    problems = [Problem(f"{file} {cell}", message) for cell, message in header.problems]
    missing = [BY_TITLE[name] for name in REQUIRED if not header.has(name)]
    if missing:
        problems.append(Problem(f"{file} {sheet_ref(source.sheet, 1, 1)}",
                                f"the sheet lacks the required column(s): {', '.join(missing)}"))
    if problems:
        yield LoadedCase(file, None, None, problems, unreadable=True)
        return
    rows = Grouped(source, header.index("case_id"))
    for key, group in rows.groups():
        if not key:
            for number, _ in group:
                cell = f"{file} {sheet_ref(source.sheet, header.index('case_id') or 1, number)}"
                yield LoadedCase(cell, None, None, [Problem(cell, "case id is empty; every row needs the case it "
                                                                  "belongs to")])
            continue
        yield _case(source.path, header, group, as_of)


BY_TITLE = {c.name: c.title for c in COLUMNS}


def _case(path: Path, header: Header, rows: list[tuple[int, RawRow]], as_of: Any) -> LoadedCase:
    data: dict[str, Any] = {"records": []}
    places: dict[str, RowPlace] = {"": RowPlace(header, rows[0][0])}
    found: list[tuple[RowPlace, str, str]] = []
    dockets: dict[str, int] = {}
    first: dict[Column, Any] = {}
    for number, cells in rows:
        place = RowPlace(header, number)
        levels: dict[str, dict[str, Any]] = {"case": {}, "record": {}, "charge": {}, "victim": {}}
        values = row_values(header, cells)
        for column, value in values.items():
            put(levels[column.level], column.path, value)
        if not first:
            first = {column: values.get(column) for column in CASE_COLUMNS}
            data.update(levels["case"])
        else:
            found += [(place, column.full_path, f"differs from row {rows[0][0]}, the case's first row; person- and "
                                                "case-level columns must agree")
                      for column in CASE_COLUMNS if values.get(column) != first[column]]
        docket = values.get(DOCKET, "")
        if not docket:
            found.append((place, DOCKET.full_path, "docket number is empty; every row needs its docket"))
            continue
        if docket not in dockets:
            dockets[docket] = len(data["records"])
            places[f"records[{dockets[docket]}]"] = place
            data["records"].append({**levels["record"], "charges": []})
        r = dockets[docket]
        charge, charges = levels["charge"], data["records"][r]["charges"]
        if levels["victim"]:
            charge["victims"] = [levels["victim"]]
            places[f"records[{r}].charges[{len(charges)}].victims[0]"] = place
        places[f"records[{r}].charges[{len(charges)}]"] = place
        charges.append(charge)
    return finish_case(path, data, places, found, as_of)


def count_cases(paths: Any, sheet: str | None = None) -> int:
    """How many cases the inputs hold, for progress: a case file is one; a sheet's case ids are counted in a
    pass that keeps only the ids."""
    from erasure_docs.reading import SHEET_SUFFIXES, expand_inputs

    total = 0
    for item in expand_inputs(paths):
        if isinstance(item, Path) and item.suffix.lower() in SHEET_SUFFIXES:
            total += _count_sheet(item, sheet)
        else:
            total += 1
    return total


def _count_sheet(path: Path, sheet: str | None) -> int:
    book = None
    try:
        if path.suffix.lower() == ".xlsx":
            book = open_book(path)
            if sheet is None and is_workbook(book):
                source = SheetSource(path, next(n for n in book.sheetnames if header_key(n) == "cases"), book)
            else:
                source = SheetSource(path, sheet if sheet and sheet in book.sheetnames else book.sheetnames[0], book)
        else:
            source = open_csv(path)
        header = read_header(source.header(), source.sheet, SHEET_COLUMNS)
        key = header.index("case_id")
        return len({key_text(cells[key - 1]) if key and key <= len(cells) else f"row {n}"
                    for n, cells in source.rows()}) or 1
    except InputError:
        return 1
    finally:
        if book is not None:
            book.close()
