"""The batch summary as a clinic works from it: per case, ready or not and why, in CSV and XLSX.

Each row says whether the case's packet is ready to file; if not, the blockers (short ids and the sentences
saying what to supply), then the flags, the counts per status and the filing sets produced. The workbook
highlights the cases that need attention. Every cell that begins like a formula stays text: the CSV prefixes
it with an apostrophe, the workbook stores it as a string cell.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Sequence

# (column, header in the workbook, width)
COLUMNS = [("case_id", "Case id", 22), ("attention", "Needs attention", 26), ("ready", "Ready to file", 10),
           ("blockers", "Blockers", 30), ("to_do", "What to supply", 70), ("warnings", "Warnings", 30),
           ("flags", "Flags", 26), ("status", "Status", 12), ("eligible", "Eligible", 9),
           ("needs_review", "Needs review", 9), ("not_eligible", "Not eligible", 9), ("automatic", "Automatic", 9),
           ("filing_sets", "Filing sets", 30), ("documents", "Documents", 9), ("files", "Files", 7),
           ("seconds", "Seconds", 8), ("stage", "Failed at", 10), ("error", "Error", 60), ("source", "Source", 40)]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FILLS = {"failed": "F8CBAD", "not ready": "FFE699", "review": "FFF2CC", "": "E2EFDA"}


def attention(row: Any) -> str:
    """Why a case needs someone's attention, in a few words ('' when it does not)."""
    if row.status == "failed":
        return {"validation": "failed: fix the input", "write": "failed: its folder may not be written"}.get(
            row.stage, "failed: could not be rendered")
    reasons = []
    if row.ready is False:
        reasons.append("not ready: see blockers")
    if row.needs_review:
        reasons.append("charges to review")
    return "; ".join(reasons)


def plain(value: Any) -> Any:
    """A summary value as a cell shows it: yes / no for readiness ('' when not judged), lists joined."""
    if value is None or isinstance(value, bool):
        return {None: "", True: "yes", False: "no"}[value]
    return "; ".join(value) if isinstance(value, list) else value


def cell_text(value: Any) -> str:
    """Spreadsheet-safe text for a CSV: a cell that starts like a formula is written as text."""
    text = str(plain(value))
    return f"'{text}" if text.startswith(FORMULA_START) else text


def values(row: Any) -> list[Any]:
    return [plain(getattr(row, name)) for name, _, _ in COLUMNS]


def summary_csv(rows: Sequence[Any], totals: list[Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _, _ in COLUMNS])
    for row in rows:
        writer.writerow([cell_text(v) for v in values(row)])
    writer.writerow([cell_text(v) for v in totals])
    return buffer.getvalue().encode("utf-8")


def summary_xlsx(rows: Sequence[Any], totals: list[Any]) -> bytes:
    """The same table as a workbook; rows that need attention are filled (red: failed, amber: not ready,
    light amber: charges to review), the header is frozen and filtered."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Summary")
    sheet.freeze_panes = "A2"
    for index, (_, _, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[_letter(index)].width = width
    sheet.auto_filter.ref = f"A1:{_letter(len(COLUMNS))}{len(rows) + 1}"
    bold = Font(bold=True)

    def line(cells: list[Any], fill: str | None = None, font: Font | None = None) -> list[WriteOnlyCell]:
        out = []
        for value in cells:
            cell = WriteOnlyCell(sheet, value=value if isinstance(value, (int, float)) else None)
            if not isinstance(value, (int, float)):
                cell.value = str(value)
                cell.data_type = "s"  # text, even when it starts like a formula
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
            if font:
                cell.font = font
            out.append(cell)
        return out

    sheet.append(line([title for _, title, _ in COLUMNS], font=bold))
    for row in rows:
        why = attention(row)
        key = "failed" if row.status == "failed" else "not ready" if row.ready is False else \
            "review" if why else ""
        sheet.append(line(values(row), FILLS[key] if row.status != "skipped" or why else None))
    sheet.append(line(totals, font=bold))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
