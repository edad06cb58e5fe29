"""One case, side by side, whole processes: our `generate` against the LibreOffice route for the same Word
files (`generate --format docx`, then one `soffice --convert-to pdf` call for all of them).

    .venv/bin/python bench/libreoffice.py [CASE_FILE] [--runs 3]

Each run starts every process afresh (imports and start-up included), the two routes alternating; the medians
and their ratio print as a table and go to bench/results/libreoffice.json. Needs `soffice`
(Debian: libreoffice-writer-nogui).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLI = [sys.executable, "-m", "erasure_docs"]


def timed(commands: list[list[str]]) -> float:
    started = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def ours(case: Path, out: Path) -> float:
    return timed([[*CLI, "generate", str(case), "--out", str(out)]])


def libreoffice(case: Path, out: Path, soffice: str) -> float:
    started = time.perf_counter()
    timed([[*CLI, "generate", str(case), "--out", str(out), "--format", "docx"]])
    words = sorted(str(p) for p in out.rglob("*.docx"))
    profile = out / "lo-profile"  # a fresh profile each run: LibreOffice's own first start is part of its route
    timed([[soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
            "--outdir", str(out / "pdf"), *words]])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", nargs="?", type=Path, default=ROOT / "sample_cases" / "adult-with-victim.yaml")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice not found (Debian: apt-get install libreoffice-writer-nogui)")
    times: dict[str, list[float]] = {"ours": [], "libreoffice": []}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            times["ours"].append(ours(args.case, Path(tmp) / "ours"))
            times["libreoffice"].append(libreoffice(args.case, Path(tmp) / "lo", soffice))
    result = {route: statistics.median(values) for route, values in times.items()}
    result["speedup"] = result["libreoffice"] / result["ours"]
    result["runs"] = times
    print(f"""{args.case.name}, median of {args.runs} runs, whole processes:
  erasure-docs generate (DOCX + PDF, filing sets, attorney's copy)   {result['ours']:.2f} s
  generate --format docx + one soffice --convert-to pdf call         {result['libreoffice']:.2f} s
  ours is {result['speedup']:.2f}x faster""")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "libreoffice.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
