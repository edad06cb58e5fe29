"""The intake workbook: one sheet per level of a case, joined by case id and docket number.

`write_workbook` makes an empty workbook with drop-downs, formatted columns, header comments and an
Instructions sheet; `load_workbook_cases` reads a filled one, one case at a time (each sheet is indexed by
case id in a first pass, then read alongside the Cases sheet), with every problem named by its cell.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from erasure_docs.columns import BY_NAME, CASE_ID, COLUMNS, DOCKET, Column
from erasure_docs.reading import (InputError, LoadedCase, Problem, case_id_hint, read_bytes, validate_data)
from erasure_docs.sheetio import (Grouped, Header, RawRow, RowPlace, SheetSource, header_key, key_text, label, locate,
                                  put, read_header, row_values, sheet_message, sheet_ref)

NARRATIVES = "narratives"
MAX_NARRATIVE_BYTES = 200_000
FORMATTED_ROWS = 1000  # rows that get drop-downs; the first FORMATTED_CELLS also get explicit formats
FORMATTED_CELLS = 300


@dataclass(frozen=True)
class Sheet:
    name: str
    level: str
    keys: tuple[Column, ...]
    about: str

    @property
    def columns(self) -> list[Column]:
        own = [c for c in COLUMNS if c.level == self.level and c.workbook and c not in self.keys]
        return [*self.keys, *own]


SHEETS = (
    Sheet("Cases", "case", (CASE_ID,), "One row per person."),
    Sheet("Records", "record", (CASE_ID, DOCKET), "One row per docket (court case) of a person."),
    Sheet("Charges", "charge", (CASE_ID, DOCKET), "One row per charge of a docket."),
    Sheet("Victims", "victim", (CASE_ID, DOCKET, BY_NAME["statute"]),
          "One row per victim of a charge (the charge is found by its docket and statute)."),
    Sheet("Evidence", "evidence", (CASE_ID,), "One row per document that supports the person's account."),
)


def is_workbook(book: Any) -> bool:
    """An intake workbook has Cases and Charges sheets (names compared as headers are)."""
    return {"cases", "charges"} <= {header_key(name) for name in book.sheetnames}


FORMS = {"date": "date", "zip": "ZIP code", "yesno": "yes / no", "choice": "drop-down", "int": "whole number",
         "number": "number", "list": "list, `;` between items", "id": "text", "state": "2 letters", "text": "text"}


def columns_markdown() -> str:
    """The sheets and their columns as docs/workbook.md shows them (a test keeps the page in step)."""
    parts = []
    for sheet in SHEETS:
        parts.append(f"### {sheet.name}\n\n{sheet.about}\n\n| Column | Case-file field | Form |\n|---|---|---|")
        for column in sheet.columns:
            form = "drop-down" if column.name in ("court_number", "court_location") else FORMS[column.kind]
            parts.append(f"| {column.title} | `{column.full_path}` | {form} |")
        parts.append("")
    return "\n".join(parts)


# ---------------------------------------------------------------- writing a new workbook

def _choices(column: Column) -> list[str]:
    if column.kind == "yesno":
        return ["yes", "no"]
    if column.kind == "choice":
        return [label(value) for value in column.choices]
    if column.name == "court_number":
        return [str(n) for n in _court_numbers()]
    if column.name == "court_location":
        return _court_locations()
    return []


def _court_numbers() -> list[int]:
    from erasure_docs import courts

    return courts.ga_numbers()


def _court_locations() -> list[str]:
    from erasure_docs import courts

    return sorted({entry.location for entry in courts.choices()})


INSTRUCTIONS = """How to fill in this workbook

Each sheet holds one kind of fact; rows are joined by the case id (your clinic's id for a person) and, for \
charges and victims, the docket number.
{sheets}

Narratives: write the person's account in the Narrative column of Cases, or, for a long account, save it as \
a plain text file narratives/<case id>.txt in the folder that holds this workbook (UTF-8). Use one of the two.

Values: drop-downs show the accepted choices; any capitalisation and spaces are accepted ("Adjudicated \
delinquent", "adjudicated_delinquent"). Yes/no cells accept yes, no, y, n, true, false. Dates: a date cell, \
or 2015-03-01, or 3/1/2015 (month/day/year, as US spreadsheets write dates). ZIP codes: five digits; a ZIP \
that lost its leading zero (6106) is read as 06106. Docket, Juris and ZIP columns are formatted as text so \
that nothing is lost. Headers may be renamed within reason (case, spaces, punctuation and common synonyms \
are ignored); an unknown header is reported with the closest known one.

Then run:  erasure-docs validate THIS.xlsx   and   erasure-docs batch THIS.xlsx --out packets/
Problems are reported by cell (e.g. Charges!F12); nothing in a report repeats what a cell holds.
The batch writes batch-summary.xlsx, which highlights the cases that need attention and says why.
"""


def write_workbook(path: Path) -> Path:
    """A new, empty intake workbook. Refuses to overwrite an existing file."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from erasure_docs.files import atomic_write

    if path.exists():
        raise FileExistsError(f"{path} exists; choose another name (nothing was overwritten)")
    book = Workbook()
    intro = book.active
    intro.title = "Instructions"
    sheets_text = "\n".join(f"- {s.name}: {s.about} Columns: {', '.join(c.title for c in s.columns)}."
                            for s in SHEETS)
    for i, line in enumerate(INSTRUCTIONS.format(sheets=sheets_text).splitlines(), start=1):
        intro.cell(i, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
    intro["A1"].font = Font(bold=True, size=14)
    intro.column_dimensions["A"].width = 120
    lists = book.create_sheet("Lists")
    lists.sheet_state = "hidden"
    list_ranges: dict[str, str] = {}
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        ws.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(1, index, column.title)
            cell.font, cell.fill = bold, fill
            note = column.note or f"{column.title}."
            cell.comment = Comment(note, "erasure-docs", width=300, height=120)
            letter = sheet_ref(sheet.name, index, 1).split("!")[1][:-1]
            ws.column_dimensions[letter].width = max(14, len(column.title) + 4)
            fmt = "yyyy-mm-dd" if column.kind == "date" else "@" if column.kind in ("zip", "id", "text") else None
            if fmt:
                ws.column_dimensions[letter].number_format = fmt
                for row in range(2, FORMATTED_CELLS + 2):  # the column style covers the rest
                    ws.cell(row, index).number_format = fmt
            choices = _choices(column)
            if choices:
                if column.name not in list_ranges:
                    col = len(list_ranges) + 1
                    lists.cell(1, col, column.title)
                    for r, value in enumerate(choices, start=2):
                        lists.cell(r, col, value).number_format = "@"
                    ref = sheet_ref("Lists", col, 2).split("!")[1]
                    end = sheet_ref("Lists", col, len(choices) + 1).split("!")[1]
                    list_ranges[column.name] = f"Lists!${ref[:-1]}$2:${end.rstrip('0123456789')}${len(choices) + 1}"
                strict = column.name != "court_location"  # the directory may lack a court; warn, do not refuse
                rule = DataValidation(type="list", formula1=f"={list_ranges[column.name]}", allow_blank=True,
                                      showErrorMessage=True, errorStyle="stop" if strict else "warning",
                                      errorTitle=column.title, error="Choose a value from the list.")
                rule.add(f"{letter}2:{letter}{FORMATTED_ROWS + 1}")
                ws.add_data_validation(rule)
    from io import BytesIO

    buffer = BytesIO()
    book.save(buffer)
    return atomic_write(path, buffer.getvalue())


# ---------------------------------------------------------------- reading a filled workbook

def load_workbook_cases(path: Path, book: Any, as_of: Any = None) -> Iterator[LoadedCase]:
    """Every case of an intake workbook, one at a time; a broken case is reported and the others go on."""
    file = str(path)
    names = {header_key(name): name for name in book.sheetnames}
    headers: dict[str, Header] = {}
    grouped: dict[str, Grouped] = {}
    header_problems: list[Problem] = []
    for sheet in SHEETS:
        actual = names.get(header_key(sheet.name))
        if actual is None:
            if sheet.name in ("Cases", "Records", "Charges"):
                header_problems.append(Problem(file, f"has no {sheet.name} sheet; start from "
                                                     "`erasure-docs workbook`"))
            continue
        source = SheetSource(path, actual, book)
        header = read_header(source.header(), actual, sheet.columns, sheet.level)
        header_problems += [Problem(f"{file} {cell}", message) for cell, message in header.problems]
        missing = [k.title for k in sheet.keys if not header.has(k.name)]
        if missing:
            header_problems.append(Problem(f"{file} {sheet_ref(actual, 1, 1)}",
                                           f"the {actual} sheet lacks the column(s): {', '.join(missing)}"))
        headers[sheet.name], grouped[sheet.name] = header, Grouped(source, header.index("case_id"))
    if header_problems:  # exact: a column that is not understood stops the workbook, every one listed
        yield LoadedCase(file, None, None, header_problems, unreadable=True)
        return
    cases_sheet = grouped["Cases"]
    for case_key in cases_sheet.order:
        rows = cases_sheet.take(case_key)
        if not case_key:
            for number, _ in rows:
                yield _row_problem(file, headers["Cases"], number, "case id is empty; every row needs one")
            continue
        others = {name: grouped[name].take(case_key) for name in grouped if name != "Cases"}
        yield _case(path, case_key, rows, others, headers, as_of)
    for name, sheet_rows in grouped.items():
        if name == "Cases":
            continue
        for key, rows in sheet_rows.leftover().items():
            for number, _ in rows:
                message = "case id is empty; every row needs one" if not key else \
                    "case id has no row on the Cases sheet"
                yield _row_problem(file, headers[name], number, message)


def _row_problem(file: str, header: Header, number: int, message: str) -> LoadedCase:
    cell = sheet_ref(header.sheet, header.index("case_id") or 1, number)
    return LoadedCase(f"{file} {cell}", None, None, [Problem(f"{file} {cell}", message)])


class _Builder:
    """One case's data from its rows on every sheet, and which row each part came from."""

    def __init__(self, file: str, headers: dict[str, Header]):
        self.file, self.headers = file, headers
        self.data: dict[str, Any] = {"records": []}
        self.places: dict[str, RowPlace] = {}
        self.problems: list[tuple[RowPlace, str, str]] = []  # (place, field path, message)
        self.dockets: dict[str, int] = {}

    def person(self, rows: list[tuple[int, RawRow]]) -> None:
        header = self.headers["Cases"]
        number, cells = rows[0]
        self.places[""] = RowPlace(header, number)
        for column, value in row_values(header, cells).items():
            put(self.data, column.path, value)
        for number, _ in rows[1:]:
            self.problems.append((RowPlace(header, number), "case_id",
                                  f"appears again on the Cases sheet (first on row {rows[0][0]}); keep one row"))

    def records(self, rows: list[tuple[int, RawRow]]) -> None:
        header = self.headers["Records"]
        for number, cells in rows:
            place = RowPlace(header, number)
            docket = _key_cell(header, cells, "docket_number")
            if not docket:
                self.problems.append((place, "records[].docket_number", "docket number is empty"))
                continue
            if docket in self.dockets:
                self.problems.append((place, "records[].docket_number", "this docket appears again on the "
                                      "Records sheet for this case; keep one row"))
                continue
            record: dict[str, Any] = {"charges": []}
            for column, value in row_values(header, cells, skip=(CASE_ID,)).items():
                put(record, column.path, value)
            self.dockets[docket] = len(self.data["records"])
            self.places[f"records[{self.dockets[docket]}]"] = place
            self.data["records"].append(record)

    def charges(self, rows: list[tuple[int, RawRow]]) -> None:
        header = self.headers["Charges"]
        for number, cells in rows:
            place = RowPlace(header, number)
            r = self._docket(place, cells)
            if r is None:
                continue
            charge: dict[str, Any] = {}
            for column, value in row_values(header, cells, skip=(CASE_ID, DOCKET)).items():
                put(charge, column.path, value)
            charges = self.data["records"][r]["charges"]
            self.places[f"records[{r}].charges[{len(charges)}]"] = place
            charges.append(charge)

    def victims(self, rows: list[tuple[int, RawRow]]) -> None:
        header = self.headers["Victims"]
        statute_column = BY_NAME["statute"]
        for number, cells in rows:
            place = RowPlace(header, number)
            r = self._docket(place, cells)
            if r is None:
                continue
            values = row_values(header, cells, skip=(CASE_ID, DOCKET))
            statute = values.pop(statute_column, None)
            matches = [c for c, charge in enumerate(self.data["records"][r]["charges"])
                       if statute and _same_statute(charge.get("statute"), statute)]
            if not matches:
                self.problems.append((place, "records[].charges[].statute", "matches no charge of this docket "
                                      "on the Charges sheet; write the statute as the charge row does"))
                continue
            for c in matches:
                victim: dict[str, Any] = {}
                for column, value in values.items():
                    put(victim, column.path, value)
                victims = self.data["records"][r]["charges"][c].setdefault("victims", [])
                self.places[f"records[{r}].charges[{c}].victims[{len(victims)}]"] = place
                victims.append(victim)

    def evidence(self, rows: list[tuple[int, RawRow]]) -> None:
        header = self.headers["Evidence"]
        for number, cells in rows:
            item: dict[str, Any] = {}
            for column, value in row_values(header, cells, skip=(CASE_ID,)).items():
                put(item, column.path, value)
            evidence = self.data.setdefault("trafficking", {}).setdefault("evidence", [])
            self.places[f"trafficking.evidence[{len(evidence)}]"] = RowPlace(header, number)
            evidence.append(item)

    def _docket(self, place: RowPlace, cells: RawRow) -> int | None:
        docket = _key_cell(place.header, cells, "docket_number")
        if docket in self.dockets:
            return self.dockets[docket]
        message = "docket number is empty" if not docket else \
            "docket number has no row on the Records sheet for this case"
        self.problems.append((place, "records[].docket_number", message))
        return None


def _key_cell(header: Header, cells: RawRow, name: str) -> str:
    index = header.index(name)
    return key_text(cells[index - 1]) if index and index <= len(cells) else ""


def _same_statute(a: Any, b: Any) -> bool:
    return header_key(str(a or "")) == header_key(str(b or ""))


def read_narrative(folder: Path, case_id: str) -> tuple[str | None, Problem | None]:
    """narratives/<case_id>.txt beside the sheet, when there is one."""
    path = folder / NARRATIVES / f"{case_id}.txt"
    if not path.is_file():
        return None, None
    try:
        text = read_bytes(path, MAX_NARRATIVE_BYTES).decode("utf-8-sig")
    except InputError as exc:
        return None, exc.problem
    except UnicodeDecodeError:
        return None, Problem(str(path), "is not UTF-8 text; save it as UTF-8", case_id, "trafficking.narrative")
    return text.strip() or None, None


def _case(path: Path, case_key: str, rows: list[tuple[int, RawRow]], others: dict[str, list[tuple[int, RawRow]]],
          headers: dict[str, Header], as_of: Any) -> LoadedCase:
    builder = _Builder(str(path), headers)
    builder.person(rows)
    for sheet, read in (("Records", builder.records), ("Charges", builder.charges), ("Victims", builder.victims),
                        ("Evidence", builder.evidence)):
        if others.get(sheet):  # Victims and Evidence may be left out of a workbook
            read(others[sheet])
    return finish_case(path, builder.data, builder.places, builder.problems, as_of)


def finish_case(path: Path, data: dict, places: dict[str, RowPlace], found: list[tuple[RowPlace, str, str]],
                as_of: Any) -> LoadedCase:
    """Validate a case assembled from sheet rows; every problem and warning named by its cell."""
    file = str(path)
    case_id = case_id_hint(data)
    problems = []
    for row_place, field_path, message in found:
        cell, _ = locate({"": row_place}, field_path)
        problems.append(Problem(f"{file} {cell}", message, case_id, field_path.split(".")[-1]))
    narrative_file = None
    if case_id:
        text, problem = read_narrative(path.parent, case_id)
        if problem:
            problems.append(problem)
        if text is not None:
            narrative_file = str(path.parent / NARRATIVES / f"{case_id}.txt")
            if data.get("trafficking", {}).get("narrative"):
                cell, _ = locate(places, "trafficking.narrative")
                problems.append(Problem(f"{file} {cell}", f"the narrative is both in this cell and in "
                                        f"{narrative_file}; keep one", case_id, "trafficking.narrative"))
            else:
                put(data, "trafficking.narrative", text)
    # A case's own fingerprint, so editing one person's rows does not change another's.
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    case, invalid = validate_data(data, file, as_of=as_of)

    def place(problem: Problem) -> None:
        if narrative_file and problem.path.startswith("trafficking.narrative"):
            problem.source = narrative_file
        else:
            cell, note = locate(places, problem.path)
            problem.source, problem.message = f"{file} {cell}", sheet_message(problem.message) + note
        problem.line = None

    for problem in invalid:
        place(problem)
    problems += invalid
    label_cell, _ = locate(places, "case_id")
    loaded = LoadedCase(f"{file} {label_cell}", case_id, None if problems else case, problems, input_sha256=digest,
                        file=file)
    if case and not problems:
        loaded.warnings = [Problem(file, message, case_id, where) for where, message in case.warnings()]
        for warning in loaded.warnings:
            place(warning)
    return loaded
