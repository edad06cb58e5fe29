"""The spreadsheet form of a batch: one row per charge, CSV or XLSX (../shared/spec/case-file.md).

Rows with the same case_id form one case, rows with the same docket_number within it one record.
Person- and case-level columns must agree across a case's rows. Every problem names the sheet row.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any, Iterator

import json

from erasure_docs.loading import (MAX_SHEET_BYTES, InputError, LoadedCase, Loc, Problem, case_id_hint, decode_text,
                                  read_bytes, split_path, validate_data)

CASE_COLUMNS = ["first_name", "middle_name", "last_name", "suffix", "date_of_birth", "street", "city", "state", "zip",
                "attorney_name", "juris_number", "firm", "attorney_street", "attorney_city", "attorney_state",
                "attorney_zip", "predicates", "trafficking_start", "trafficking_end", "filing_date",
                "prosecutor_office", "as_of"]
RECORD_COLUMNS = ["court_kind", "court_number", "court_location", "proceeding", "arrest_date", "arresting_agency",
                  "name_on_record", "date_of_birth_on_record"]
CHARGE_COLUMNS = ["statute", "description", "offense_class", "max_term_years", "offense_date", "disposition",
                  "disposition_date", "sentence", "related_to_trafficking", "victim_name", "victim_street",
                  "victim_city", "victim_state", "victim_zip"]
ALL_COLUMNS = ["case_id", "docket_number", *CASE_COLUMNS, *RECORD_COLUMNS, *CHARGE_COLUMNS]
MAX_ROWS = 200_000
YES, NO = {"yes", "y", "true"}, {"no", "n", "false"}

Row = dict[str, str]


def read_rows(path: Path, sheet: str | None = None) -> Iterator[tuple[int, Row]]:
    """(sheet row number, {column: text}) for every non-blank row; the header is row 1."""
    source = str(path)
    if path.suffix.lower() == ".xlsx":
        yield from _xlsx_rows(path, sheet)
        return
    text = decode_text(read_bytes(path, MAX_SHEET_BYTES), source)
    if text.count("\n") > MAX_ROWS + 1:  # refuse at once, before building any case (an upper bound on rows)
        raise InputError(source, f"has more than {MAX_ROWS:,} rows; split it into several sheets")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
        _check_header(header, source)
        for number, cells in enumerate(reader, start=2):
            if number > MAX_ROWS + 1:
                raise InputError(source, f"has more than {MAX_ROWS:,} rows; split it into several sheets")
            if any(c.strip() for c in cells):
                if len(cells) > len(header):
                    raise InputError(source, f"row {number} has {len(cells)} cells but the header has {len(header)}")
                yield number, dict(zip(header, (c.strip() for c in cells)))
    except csv.Error as exc:
        raise InputError(source, f"is not valid CSV: {exc}") from None


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, Row]]:
    import openpyxl  # only sheets need it
    from zipfile import BadZipFile

    source = str(path)
    read_bytes(path, MAX_SHEET_BYTES)  # existence and size checks
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError):
        raise InputError(source, "is not a readable .xlsx workbook") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(source, f"has no sheet named '{sheet}' (sheets: {', '.join(book.sheetnames)})")
        rows = book[sheet] if sheet else book.worksheets[0]
        values = rows.iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(values, ())]
        _check_header(header, source)
        for number, cells in enumerate(values, start=2):
            if number > MAX_ROWS + 1:
                raise InputError(source, f"has more than {MAX_ROWS:,} rows; split it into several sheets")
            texts = [_cell_text(c) for c in cells]
            if any(texts):
                yield number, dict(zip(header, texts))
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):  # datetime → its date
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_header(header: list[str], source: str) -> None:
    unknown = [h for h in header if h and h not in ALL_COLUMNS]
    if unknown:
        raise InputError(source, f"has unknown column(s): {', '.join(u[:40] for u in unknown[:5])}")
    missing = [c for c in ("case_id", "docket_number", "statute", "disposition") if c not in header]
    if missing:
        raise InputError(source, f"lacks the required column(s): {', '.join(missing)}")


# ---------------------------------------------------------------- rows → case data

def _address(row: Row, prefix: str) -> dict | None:
    parts = {k: row.get(f"{prefix}{k}", "") for k in ("street", "city", "state", "zip")}
    return {k: v for k, v in parts.items() if v} or None


def _drop_empty(mapping: dict) -> dict:
    return {k: v for k, v in mapping.items() if v not in ("", None, [], {})}


def _case_data(row: Row) -> dict:
    petitioner = _drop_empty({k: row.get(k, "") for k in ("first_name", "middle_name", "last_name", "suffix",
                                                          "date_of_birth")})
    petitioner["address"] = _address(row, "")
    attorney = None
    if row.get("attorney_name") or row.get("juris_number"):
        attorney = _drop_empty({"name": row.get("attorney_name", ""), "juris_number": row.get("juris_number", ""),
                                "firm": row.get("firm", ""), "address": _address(row, "attorney_")})
    period = _drop_empty({"start": row.get("trafficking_start", ""), "end": row.get("trafficking_end", "")})
    predicates = [p.strip() for p in row.get("predicates", "").split(";") if p.strip()]
    data = _drop_empty({
        "case_id": row["case_id"],
        "as_of": row.get("as_of", ""),
        "petitioner": _drop_empty(petitioner),
        "attorney": attorney,
        "trafficking": _drop_empty({"predicates": predicates, "period": period or None}),
        "filing": _drop_empty({"date": row.get("filing_date", ""), "prosecutor_office": row.get("prosecutor_office", "")}),
    })
    data["records"] = []
    return data


def _record_data(row: Row) -> dict:
    court = _drop_empty({"kind": row.get("court_kind", ""), "number": row.get("court_number", ""),
                         "location": row.get("court_location", "")})
    record = _drop_empty({"docket_number": row["docket_number"], "court": court, "proceeding": row.get("proceeding", ""),
                          "arrest_date": row.get("arrest_date", ""), "arresting_agency": row.get("arresting_agency", ""),
                          "name_on_record": row.get("name_on_record", ""),
                          "date_of_birth_on_record": row.get("date_of_birth_on_record", "")})
    record["charges"] = []
    return record


def _charge_data(row: Row) -> dict:
    charge = _drop_empty({k: row.get(k, "") for k in ("statute", "description", "offense_class", "max_term_years",
                                                       "offense_date", "disposition", "disposition_date", "sentence")})
    related = row.get("related_to_trafficking", "").lower()
    if related in YES | NO:
        charge["related_to_trafficking"] = related in YES
    elif related:
        charge["related_to_trafficking"] = row["related_to_trafficking"]  # refused by the model, at its path
    if row.get("victim_name"):
        charge["victims"] = [_drop_empty({"name": row["victim_name"], "address": _address(row, "victim_")})]
    return charge


def _numbers(data: dict) -> dict:
    """Court numbers and maximum terms arrive as text; the model wants numbers."""
    for record in data.get("records", []):
        number = record.get("court", {}).get("number")
        if isinstance(number, str) and number.isdigit():
            record["court"]["number"] = int(number)
        for charge in record.get("charges", []):
            term = charge.get("max_term_years")
            try:
                charge["max_term_years"] = float(term) if term is not None else None
            except ValueError:
                pass  # the model reports it
            if charge.get("max_term_years") is None:
                charge.pop("max_term_years", None)
    return data


class _CaseRows:
    """The rows of one case, and which sheet row each part of the case came from."""

    def __init__(self, first_row: int, row: Row):
        self.data = _case_data(row)
        self.first_row_cells = {k: row.get(k, "") for k in CASE_COLUMNS}
        self.rows: dict[Loc, int] = {(): first_row}
        self.records: dict[str, int] = {}
        self.disagreements: list[tuple[int, str]] = []
        self.problems: list[Problem] = []

    def add(self, number: int, row: Row) -> None:
        for column in CASE_COLUMNS:
            if row.get(column, "") != self.first_row_cells[column]:
                self.disagreements.append((number, column))
        docket = row["docket_number"]
        if docket not in self.records:
            self.records[docket] = len(self.data["records"])
            self.data["records"].append(_record_data(row))
            self.rows[("records", self.records[docket])] = number
        r = self.records[docket]
        record = self.data["records"][r]
        c = len(record["charges"])
        record["charges"].append(_charge_data(row))
        self.rows[("records", r, "charges", c)] = number

    def locate(self, loc: Loc) -> int:
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.rows:
                return self.rows[loc[:end]]
        return self.rows[()]


def load_sheet(path: Path, as_of: Any = None, sheet: str | None = None) -> list[LoadedCase]:
    """Every case in a sheet. A broken case is reported and the others still load."""
    source = str(path)
    cases: dict[str, _CaseRows] = {}
    loaded: list[LoadedCase] = []
    try:
        for number, row in read_rows(path, sheet):
            case_id = row.get("case_id", "")
            if not case_id:
                loaded.append(LoadedCase(f"{source} row {number}", None, None,
                                         [Problem(f"{source} row {number}", "case_id is empty; every row needs "
                                                  "the case it belongs to")]))
                continue
            if case_id not in cases:
                cases[case_id] = _CaseRows(number, row)
            if not row.get("docket_number"):
                cases[case_id].problems.append(Problem(f"{source} row {number}", "is empty", case_id,
                                                       "docket_number"))
                continue
            cases[case_id].add(number, row)
    except InputError as exc:
        return [LoadedCase(source, None, None, [exc.problem])]
    for raw_id, rows in cases.items():
        # A malformed case_id cell (a name typed in the wrong column, say) is never echoed.
        loaded.append(_validate_rows(source, case_id_hint({"case_id": raw_id}), rows, as_of))
    return loaded


def _validate_rows(source: str, case_id: str | None, rows: _CaseRows, as_of: Any) -> LoadedCase:
    first = rows.rows[()]
    for problem in rows.problems:
        problem.case_id = case_id
    problems = rows.problems + [
        Problem(f"{source} row {number}", f"differs from row {first}, the case's first row; person- and case-level "
                                          "columns must agree", case_id, column)
        for number, column in rows.disagreements]
    data = _numbers(rows.data)
    # A case's own fingerprint, so editing one person's rows does not change another's.
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    case, invalid = validate_data(data, source, as_of=as_of)
    for p in invalid:
        p.source = f"{source} row {rows.locate(split_path(p.path))}"
    problems += invalid
    label = f"{source} row {first}"
    loaded = LoadedCase(label, case_id, None if problems else case, problems, input_sha256=digest)
    if case and not problems:
        loaded.warnings = [Problem(f"{source} row {rows.locate(split_path(where))}", message, case_id, where)
                           for where, message in case.warnings()]
    return loaded
