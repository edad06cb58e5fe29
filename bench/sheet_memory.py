"""Peak memory of reading a 100,000-row sheet: `validate` and `batch --dry-run`, whole processes.

    .venv/bin/python bench/sheet_memory.py                     # this checkout
    .venv/bin/python bench/sheet_memory.py --code /path/to/src # another checkout of the code, for a before figure

Writes one synthetic, fictional sheet of ROWS rows in the one-row-per-charge form (CSV; 4 charges on 2 dockets
per person, so 25,000 people) and the same facts as an intake workbook (XLSX: Cases, Records, Charges,
Evidence), runs each command once in a fresh process and reports its peak resident memory (ru_maxrss) and
wall time. Results print as a table and go to bench/results/sheet-memory.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHARGES_PER_CASE = 4
PERSON = {"first_name": "Fictional", "last_name": "Person", "date_of_birth": "1990-01-01", "street": "1 Main St",
          "city": "Hartford", "state": "CT", "zip": "06106", "attorney_name": "Pat Counsel",
          "juris_number": "123456", "attorney_street": "2 Court St", "attorney_city": "Hartford",
          "attorney_state": "CT", "attorney_zip": "06103", "predicates": "53a-192a",
          "trafficking_start": "2012-01-01", "trafficking_end": "2016-12-31", "as_of": "2026-11-30"}
DOCKET = {"court_kind": "ga", "court_number": "14", "court_location": "Hartford", "proceeding": "adult"}
CHARGE = {"statute": "53a-82", "description": "Prostitution", "offense_class": "A misdemeanor",
          "offense_date": "2015-03-01", "disposition": "nolle", "disposition_date": "2015-06-10",
          "related_to_trafficking": "yes"}


def cases(rows: int):
    for n in range(rows // CHARGES_PER_CASE):
        case_id = f"MEM-{n:06d}"
        dockets = [f"H14H-CR15-{n:07d}-S", f"H14H-CR16-{n:07d}-S"]
        yield case_id, dockets


def write_csv(path: Path, rows: int) -> None:
    header = ["case_id", *PERSON, "docket_number", *DOCKET, *CHARGE]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for case_id, dockets in cases(rows):
            for i in range(CHARGES_PER_CASE):
                writer.writerow([case_id, *PERSON.values(), dockets[i % 2], *DOCKET.values(), *CHARGE.values()])


def write_xlsx(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheets = {name: book.create_sheet(name) for name in ("Cases", "Records", "Charges", "Evidence")}
    sheets["Cases"].append(["case_id", *PERSON])
    sheets["Records"].append(["case_id", "docket_number", *DOCKET])
    sheets["Charges"].append(["case_id", "docket_number", *CHARGE])
    sheets["Evidence"].append(["case_id", "evidence_kind"])
    for case_id, dockets in cases(rows):
        sheets["Cases"].append([case_id, *PERSON.values()])
        for docket in dockets:
            sheets["Records"].append([case_id, docket, *DOCKET.values()])
        for i in range(CHARGES_PER_CASE):
            sheets["Charges"].append([case_id, dockets[i % 2], *CHARGE.values()])
        sheets["Evidence"].append([case_id, "t_visa"])
    book.save(path)


def measure(code: Path, args: list[str]) -> dict:
    """One command in a fresh process: its peak resident memory and wall time."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - t, r.returncode)")
    # The package is run from `code`: an editable install's import hook is set aside so that it cannot win.
    launcher = ("import runpy, sys; sys.meta_path[:] = [f for f in sys.meta_path "
                "if not type(f).__module__.startswith('__editable__')]; sys.path.insert(0, sys.argv.pop(1)); "
                "sys.argv[0] = 'erasure-docs'; runpy.run_module('erasure_docs', run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", probe, sys.executable, "-c", launcher, str(code), *args],
                            capture_output=True, text=True, check=True)
    kb, seconds, status = result.stdout.split()
    return {"command": " ".join(args[:1] + [a for a in args[1:] if a.startswith("--")]),
            "peak_mb": round(int(kb) / 1024), "seconds": round(float(seconds), 1), "exit": int(status)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose code is measured")
    parser.add_argument("--skip-xlsx", action="store_true", help="only the CSV (code without the workbook)")
    options = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sheet = folder / "big.csv"
        write_csv(sheet, options.rows)
        results.append({"input": f"{options.rows:,}-row CSV", **measure(options.code, ["validate", str(sheet)])})
        results.append({"input": f"{options.rows:,}-row CSV",
                        **measure(options.code, ["batch", str(sheet), "--dry-run", "--quiet", "--out",
                                                 str(folder / "out")])})
        if not options.skip_xlsx:
            book = folder / "big.xlsx"
            write_xlsx(book, options.rows)
            label = f"workbook, {options.rows:,} charge rows"
            results.append({"input": label, **measure(options.code, ["validate", str(book)])})
            results.append({"input": label, **measure(options.code, ["batch", str(book), "--dry-run", "--quiet",
                                                                     "--out", str(folder / "out")])})
    for row in results:
        print(f"{row['input']:<32} {row['command']:<22} peak {row['peak_mb']:>5} MB  {row['seconds']:>6} s  "
              f"exit {row['exit']}")
    record = {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()} {os.cpu_count()} cores, "
              f"Python {platform.python_version()}", "code": str(options.code), "results": results}
    (HERE / "results").mkdir(exist_ok=True)
    name = "sheet-memory.json" if options.code == ROOT else "sheet-memory-before.json"
    (HERE / "results" / name).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
