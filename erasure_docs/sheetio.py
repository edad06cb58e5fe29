"""Reading spreadsheets the way people fill them in: forgiving headers and values, exact answers.

- Headers match ignoring case, spaces, underscores and punctuation, and common synonyms ("Date of Birth",
  "DOB"); an unknown header is reported with the closest known one.
- Values are accepted in the forms people type (see `convert`); what cannot be read is passed on unchanged
  so that the case-file model reports it at its field, and the field is then named by its cell.
- Rows are streamed: `Grouped` indexes a sheet's rows by case id in a first pass (row numbers only) and
  hands out one case's rows at a time in a second, so a big sheet is never held in memory as cases.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from erasure_docs.columns import BY_NAME, COLUMNS, Column
from erasure_docs.reading import MAX_SHEET_BYTES, InputError, is_utf16, read_bytes

UNCALCULATED = type("Uncalculated", (), {"__repr__": lambda self: "UNCALCULATED"})()
MAX_ROWS = 200_000
# Decompressed sizes of an .xlsx's parts (the file-size limit is on the compressed file; a small file can
# expand a thousandfold). Shared strings are held in memory whole; worksheets are streamed.
MAX_STRINGS_PART = 64 * 1024 * 1024
MAX_SHEET_PART = 512 * 1024 * 1024
MAX_OTHER_PART = 16 * 1024 * 1024
MAX_UNPACKED = 1024 * 1024 * 1024
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0"}
RawRow = tuple[Any, ...]

# Choice values as people write them, after `choice_key`; the model's own values are accepted as they are.
CHOICE_SYNONYMS: dict[str, dict[str, str]] = {
    "disposition": {"nolle_prosequi": "nolle", "nolled": "nolle", "nol": "nolle", "guilty": "convicted",
                    "conviction": "convicted", "acquitted": "not_guilty", "acquittal": "not_guilty",
                    "yo": "youthful_offender", "delinquent": "adjudicated_delinquent",
                    "family_with_service_needs": "fwsn", "open": "pending"},
    "court_kind": {"g_a": "ga", "geographical_area": "ga", "j_d": "jd", "judicial_district": "jd",
                   "juvenile_matters": "juvenile", "federal_court": "federal"},
    "proceeding": {"yo": "youthful_offender", "youthful": "youthful_offender", "criminal": "adult"},
    "notice_method": {"certified_mail": "certified", "registered_mail": "registered"},
}
UPPER_WORDS = {"ga": "GA", "jd": "JD", "fwsn": "FWSN", "hhs": "HHS", "dcf": "DCF", "t": "T", "i914": "I-914", "b": "B"}


def label(value: str) -> str:
    """A model value as a drop-down shows it: 'adjudicated_delinquent' → 'Adjudicated delinquent'."""
    words = [UPPER_WORDS.get(w, w) for w in value.split("_")]
    first = words[0] if words[0] in UPPER_WORDS.values() else words[0].capitalize()
    return " ".join([first, *words[1:]])


def header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def choice_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def cell_name(column: int, row: int) -> str:
    """1-based column and row → 'F12'."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def sheet_ref(sheet: str, column: int, row: int) -> str:
    name = sheet if re.fullmatch(r"[A-Za-z0-9_]+", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{cell_name(column, row)}"


# ---------------------------------------------------------------- values

def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _number_text(value).strip()
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", (0, 1, 2)), (r"(\d{1,2})/(\d{1,2})/(\d{4})", (2, 0, 1))):
        found = re.fullmatch(pattern, text)
        if found:
            parts = [int(found.group(i + 1)) for i in order]
            try:
                return dt.date(*parts).isoformat()
            except ValueError:
                return text  # 2/30/2016: the model says it is not a date
    return text


def _zip(value: Any) -> Any:
    text = _number_text(value).strip()
    digits = text.replace("-", "")
    if not digits.isdigit():
        return text
    if len(digits) in (4, 8):  # a spreadsheet dropped the leading zero of a Connecticut ZIP
        digits = "0" + digits
    if len(digits) == 9:
        return f"{digits[:5]}-{digits[5:]}"
    return digits if len(digits) == 5 else text


def _yes_no(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    text = _number_text(value).strip().lower()
    return True if text in YES else False if text in NO else text


def _choice(column: Column, value: Any) -> Any:
    key = choice_key(_number_text(value))
    key = CHOICE_SYNONYMS.get(column.name, {}).get(key, key)
    if key in column.choices:
        return key
    loose = {header_key(choice): choice for choice in column.choices}  # "I-914 Supplement B"
    return loose.get(header_key(key), _number_text(value).strip())


def _int(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    text = re.sub(r"^(g\.?\s*a\.?|ga|no\.?)\s*", "", _number_text(value).strip().lower())
    return int(text) if text.isdigit() else _number_text(value).strip()


def _float(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(_number_text(value))
    except ValueError:
        return _number_text(value).strip()


def _list(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", _number_text(value)) if part.strip()]


def convert(column: Column, value: Any) -> Any:
    """A cell's value as the case file wants it; None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column.kind == "date":
        return _date(value)
    if column.kind == "zip":
        return _zip(value)
    if column.kind == "yesno":
        return _yes_no(value)
    if column.kind == "choice":
        return _choice(column, value)
    if column.kind == "int":
        return _int(value)
    if column.kind == "number":
        return _float(value)
    if column.kind == "list":
        return _list(value) or None
    if column.kind == "evidence_list":
        return [{"kind": _choice(BY_NAME["evidence_kind"], part)} for part in _list(value)] or None
    if column.kind == "state":
        return _number_text(value).strip().upper()
    if isinstance(value, (dt.date, dt.datetime)):
        return _date(value)
    return _number_text(value).strip()


def key_text(value: Any) -> str:
    """A joining cell (case id, docket number) as text: a number typed into it stays the same number."""
    return "" if value is None else _number_text(value).strip()


# ---------------------------------------------------------------- headers

@dataclass
class Header:
    """Which column of a sheet holds which field."""

    sheet: str
    columns: dict[int, Column] = field(default_factory=dict)  # 1-based column index → column
    problems: list[tuple[str, str]] = field(default_factory=list)  # (cell, message)

    def index(self, name: str) -> int | None:
        return next((i for i, c in self.columns.items() if c.name == name), None)

    def has(self, name: str) -> bool:
        return self.index(name) is not None


def _aliases(column: Column, level: str | None) -> list[str]:
    names = [column.name, *column.synonyms]
    prefix = {"victim": "victim_", "evidence": "evidence_"}.get(column.level, "")
    if level == column.level and prefix and column.name.startswith(prefix):
        names.append(column.name.removeprefix(prefix))  # "Name" on the Victims sheet
    return names


def read_header(cells: RawRow, sheet: str, allowed: list[Column], level: str | None = None) -> Header:
    """Match a header row to the allowed columns; every unknown or repeated header is a problem."""
    known: dict[str, Column] = {}
    for column in allowed:
        for alias in _aliases(column, level):
            known.setdefault(header_key(alias), column)
    header = Header(sheet)
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells, start=1):
        text = key_text(cell)
        if not text:
            continue
        found = known.get(header_key(text))
        where = sheet_ref(sheet, i, 1)
        if found is None:
            header.problems.append((where, unknown_header(text, known, allowed)))
        elif found.name in seen:
            header.problems.append((where, f"is a second '{found.title}' column (the first is "
                                           f"{cell_name(seen[found.name], 1)}); keep one"))
        else:
            seen[found.name] = i
            header.columns[i] = found
    return header


def unknown_header(text: str, known: dict[str, Column], allowed: list[Column]) -> str:
    shown = text if len(text) <= 40 else text[:40] + "…"
    close = difflib.get_close_matches(header_key(text), list(known), n=1, cutoff=0.6)
    hint = f"; did you mean '{known[close[0]].title}'?" if close else \
        "; the columns this sheet reads are listed on the Instructions sheet of `erasure-docs workbook`"
    return f"column '{shown}' is not one this sheet reads{hint}"


# ---------------------------------------------------------------- raw rows, streamed

class SheetSource:
    """One sheet of a CSV or XLSX file, readable from the top any number of times."""

    def __init__(self, path: Path, sheet: str, book: Any = None):
        self.path, self.sheet, self.book = path, sheet, book

    def rows(self) -> Iterator[tuple[int, RawRow]]:
        """(row number, cells) for every row after the header, blank rows skipped."""
        rows = self._all()
        header = next(rows, (0, ()))[1]
        width = max((i + 1 for i, c in enumerate(header) if c is not None and str(c).strip()), default=0)
        for number, cells in rows:
            if number > MAX_ROWS + 1:
                raise InputError(f"{self.path} {self.sheet}", f"has more than {MAX_ROWS:,} rows; split it into "
                                                              "several sheets")
            filled = [i for i, c in enumerate(cells) if c is not None and str(c).strip()]
            if filled and filled[-1] >= width:
                raise InputError(f"{self.path} {sheet_ref(self.sheet, filled[-1] + 1, number)}",
                                 f"row {number} has {filled[-1] + 1} cells but the header has {width}")
            if filled:
                yield number, cells

    def header(self) -> RawRow:
        return next(self._all(), (0, ()))[1]

    def _all(self) -> Iterator[tuple[int, RawRow]]:
        if self.book is not None:
            try:
                for number, cells in enumerate(self.book[self.sheet].iter_rows(values_only=True), start=1):
                    if UNCALCULATED in cells:
                        column = cells.index(UNCALCULATED) + 1
                        raise InputError(f"{self.path} {sheet_ref(self.sheet, column, number)}",
                                         "is a formula whose result was never saved (the program that wrote the "
                                         "workbook did not calculate it); open the workbook in Excel or LibreOffice "
                                         "and save it, or type the value")
                    yield number, cells
            except InputError:
                raise
            except Exception:  # noqa: BLE001 - a damaged part (zip, XML) surfaces only while rows are read
                raise InputError(str(self.path), f"is not a readable .xlsx workbook (sheet {self.sheet!r} is "
                                                 "damaged); save it again from Excel or LibreOffice") from None
            return
        try:
            with open(self.path, encoding="utf-8-sig", newline="") as handle:
                yield from enumerate((tuple(r) for r in csv.reader(handle)), start=1)
        except UnicodeDecodeError:
            raise InputError(str(self.path), "is not UTF-8 text; save it as CSV UTF-8") from None
        except csv.Error as exc:
            raise InputError(str(self.path), f"is not valid CSV: {exc}") from None
        except OSError as exc:
            raise InputError(str(self.path), f"cannot be read ({exc.strerror or 'I/O error'})") from None


def open_csv(path: Path) -> SheetSource:
    data = read_bytes(path, MAX_SHEET_BYTES)[:4096]  # existence and size checks; a glance for binary data
    if is_utf16(data):
        raise InputError(str(path), "is UTF-16 text; save it as CSV UTF-8")
    if b"\x00" in data:
        raise InputError(str(path), "is not a text file (it holds binary data)")
    return SheetSource(path, path.stem)


def open_book(path: Path) -> Any:
    import openpyxl  # only sheets need it
    from zipfile import BadZipFile

    read_bytes(path, MAX_SHEET_BYTES)
    try:
        check_unpacked_sizes(path)
        report_uncalculated()
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except InputError:
        raise
    except (BadZipFile, OSError, EOFError):
        raise InputError(str(path), "is not a readable .xlsx workbook") from None
    except Exception:  # noqa: BLE001 - openpyxl raises what its XML and zip layers raise for a damaged file
        raise InputError(str(path), "is not a readable .xlsx workbook (damaged, or not a workbook); save it again "
                                    "from Excel or LibreOffice") from None


def check_unpacked_sizes(path: Path) -> None:
    """Refuse a workbook whose parts would expand beyond the limits, from the zip directory alone. Python's
    zipfile never returns more bytes than a part's recorded size (a lying size fails its CRC check), so the
    recorded sizes bound what openpyxl can read."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    total = sum(part.file_size for part in parts)
    for part in parts:
        name = part.filename.lower()
        limit = (MAX_STRINGS_PART if name.endswith("sharedstrings.xml") else
                 MAX_SHEET_PART if name.startswith("xl/worksheets/") else MAX_OTHER_PART)
        if part.file_size > limit:
            raise InputError(str(path), f"unpacks to over {limit // 1024 // 1024} MB in one part; a sheet of cases "
                                        "is far smaller (is it the right file?)")
    if total > MAX_UNPACKED:
        raise InputError(str(path), f"unpacks to over {MAX_UNPACKED // 1024 // 1024} MB; a sheet of cases is far "
                                    "smaller (is it the right file?)")


def report_uncalculated() -> None:
    """Make openpyxl's read-only worksheets read a formula cell without a saved result as UNCALCULATED, not
    blank (a blank would silently drop, say, a victim). Done when the first workbook is opened, so that
    commands that read no workbook do not import openpyxl."""
    from openpyxl.worksheet import _read_only
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    if getattr(_read_only.WorkSheetParser, "reports_uncalculated", False):
        return

    class Parser(WorkSheetParser):  # type: ignore[misc]
        reports_uncalculated = True

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell = super().parse_cell(element)
            if cell["value"] is None and self.data_only and element.find(FORMULA_TAG) is not None:
                cell["value"] = UNCALCULATED
            return cell

    _read_only.WorkSheetParser = Parser


class Grouped:
    """A sheet's rows handed out one case at a time.

    The first pass keeps only each case id's last row number; the second buffers the rows of cases not yet
    complete. A sheet kept in case order (as the workbook's are) holds one case's rows at a time.
    """

    def __init__(self, source: SheetSource, key_column: int | None):
        self.source, self.key_column = source, key_column
        self.last: dict[str, int] = {}
        self.order: list[str] = []
        for number, cells in source.rows():
            key = self.key(cells)
            if key not in self.last:
                self.order.append(key)
            self.last[key] = number
        self._rows = source.rows()
        self._pending: dict[str, list[tuple[int, RawRow]]] = {}
        self._taken: set[str] = set()

    def key(self, cells: RawRow) -> str:
        if self.key_column is None or self.key_column > len(cells):
            return ""
        return key_text(cells[self.key_column - 1])

    def take(self, key: str) -> list[tuple[int, RawRow]]:
        """The rows of one case (read on until its last row)."""
        self._taken.add(key)
        last = self.last.get(key)
        if last is not None:
            for number, cells in self._rows:
                self._pending.setdefault(self.key(cells), []).append((number, cells))
                if number >= last:
                    break
        return self._pending.pop(key, [])

    def groups(self) -> Iterator[tuple[str, list[tuple[int, RawRow]]]]:
        """Every case's rows, each case as soon as its last row is read."""
        for number, cells in self._rows:
            key = self.key(cells)
            self._pending.setdefault(key, []).append((number, cells))
            if self.last.get(key) == number:
                yield key, self._pending.pop(key)

    def leftover(self) -> dict[str, list[tuple[int, RawRow]]]:
        """Rows of case ids never taken (no such case), read to the end."""
        for number, cells in self._rows:
            key = self.key(cells)
            if key not in self._taken:
                self._pending.setdefault(key, []).append((number, cells))
        return {k: v for k, v in self._pending.items() if k not in self._taken}


def row_values(header: Header, cells: RawRow, level: str | None = None,
               skip: tuple[Column, ...] = ()) -> dict[Column, Any]:
    """The non-empty cells of a row, converted, by column (only one level's columns when given)."""
    found = {}
    for index, column in header.columns.items():
        if index > len(cells) or cells[index - 1] is None or (level is not None and column.level != level) \
                or column in skip:
            continue
        value = convert(column, cells[index - 1])
        if value is not None:
            found[column] = value
    return found


def put(data: dict, path: str, value: Any) -> None:
    """Set a dotted path inside nested dicts."""
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


# ---------------------------------------------------------------- locating a field path on the sheet

def template(path: str) -> str:
    """'records[1].charges[0].offense_date' → 'records[].charges[].offense_date'."""
    return re.sub(r"\[\d+\]", "[]", path)


@dataclass
class RowPlace:
    header: Header
    row: int


def locate(places: dict[str, RowPlace], path: str, key_name: str = "case_id") -> tuple[str, str]:
    """(cell reference, note) for a field path: the row of its most specific part, the column of its field.

    `places` maps field paths of rows ("" for the case, "records[0]", "records[0].charges[1]", …) to rows.
    The note says when the sheet lacks the column the field needs.
    """
    parts = path.split(".") if path else []
    prefix = ""
    for end in range(len(parts), -1, -1):
        candidate = ".".join(parts[:end])
        if candidate in places:
            prefix = candidate
            break
    place = places.get(prefix) or places[""]
    wanted = template(path)
    best: tuple[int, int] | None = None  # (length of the matching column path, column index)
    for index, column in place.header.columns.items():
        full = column.full_path
        if wanted == full or wanted.startswith((full + ".", full + "[")):
            score = len(full)  # the field itself, or the part of it the column holds
        elif full.startswith((wanted + ".", wanted + "[")):
            score = 0  # a group of fields (an address): its first column
        else:
            continue
        if best is None or score > best[0]:
            best = (score, index)
    if best is not None:
        return sheet_ref(place.header.sheet, best[1], place.row), ""
    key = place.header.index(key_name) or 1
    missing = next((c for c in COLUMNS if c.full_path == wanted), None)
    note = f" (the sheet has no '{missing.title}' column)" if missing else ""
    return sheet_ref(place.header.sheet, key, place.row), note


def sheet_message(message: str) -> str:
    """A case-file message rewritten for someone working in a spreadsheet."""
    replacements = [
        (r"is not a valid date; write YYYY-MM-DD, e\.g\. 2015-03-01",
         "is not a date; use a date cell, or write 2015-03-01 or 3/1/2015 (month/day/year)"),
        (r"must be a 5-digit ZIP code \(or ZIP\+4\) written in quotes, e\.g\. \"06106\"",
         "must be a 5-digit ZIP code (or ZIP+4), e.g. 06106"),
        (r"must be the 6-digit Juris number, in quotes", "must be the 6-digit Juris number"),
        (r"must be text; put it in quotes", "must be text; format the column as Text"),
        (r"must be true or false", "must be yes or no"),
        (r"needs at least one entry", "needs at least one row"),
    ]
    for pattern, replacement in replacements:
        message = re.sub(pattern, replacement, message)
    # Never repeat what a cell holds: values quoted by the case-file messages are dropped.
    message = re.sub(r"^'[^']*' (?=is )", "", message)
    message = re.sub(r"^\S+ (is (?:before|after)) (?:the petitioner's )?(\w+)(?: \S+)?$",
                     lambda m: f"{m.group(1)} the {label(m.group(2)).lower()}", message)
    message = re.sub(r", but proceeding is '[^']*'$", ", which the docket's proceeding does not allow", message)
    message = re.sub(r", not '[^']*'$", "", message)
    message = re.sub(r"^.* appears twice \(also records\[\d+\]\)$", "appears twice in this case", message)
    found = re.match(r"is not one of: (.*)$", message)
    if found:
        choices = [label(c.strip().strip("'")) for c in re.split(r",| or ", found.group(1)) if c.strip()]
        message = f"is not one of the drop-down choices: {', '.join(choices)}"
    return message

