"""The batch benchmark: our per-case time against the bare render floor, measured in one run.

    .venv/bin/python bench/run.py                 # about 12 minutes on 2 cores (the soak is most of it)
    .venv/bin/python bench/run.py --quick         # smaller numbers, about a minute

What it measures (all on synthetic, fictional cases from bench/cases.py):
1. per-case time of the real packet code (build_packet + write_packet, the atomic folder write), one process;
2. the bare render floor of the SAME outputs, in the same run: every already-built HTML rendered with one
   `weasyprint.HTML(string=...).write_pdf()`, every DOCX with one `DocxTemplate(...).render(); save()`, and
   the pages of each court's bound filing set and of the attorney's copy (the same documents) written once
   more with one bare `write_pdf()` each; the ratio of 1 to 2 is the cost of everything we add (rules,
   contexts, checks, cover letters' page ranges, the stamps, envelope pages, the filing summary, PDF/A and
   tags, the attachments, page-text hashes, the manifest). The ratio against the documents alone is reported
   too;
3. `erasure-docs batch` throughput with 1 worker and with 2 workers (whole processes, wall clock);
4. peak memory of one worker process after 100 and after N (2,000) cases rendered in a row;
5. `erasure-docs check --json` over 1,000 case files (whole process).
Results print as a table and go to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from cases import write_cases  # noqa: E402

CLI = [sys.executable, "-m", "erasure_docs"]


def per_case_vs_floor(paths: list[Path], out: Path) -> dict:
    """Our per-case time and the floor for the same outputs, interleaved case by case."""
    import jinja2
    import weasyprint
    from docxtpl import DocxTemplate

    import erasure_docs as ed
    from erasure_docs.context import ContextBuilder, build_context
    from erasure_docs.loading import load_case_file
    from erasure_docs.paths import TEMPLATE_DIR
    from erasure_docs.rules.documents import court_key, is_filed

    renderers = ed.Renderers()
    pdf = renderers.pdf()
    from erasure_docs import i18n

    env = jinja2.Environment(autoescape=True)
    i18n.install(env)  # the client letter's {% trans %} blocks
    ours, floor, floor_documents, documents = [], [], [], 0
    for i, path in enumerate(paths):
        loaded = load_case_file(path)
        case = loaded.case
        report = ed.check(case)
        builder = ContextBuilder(case, report)
        refs = list(report.planned)
        contexts = [(ref, build_context(builder, ref, refs)) for ref in refs]
        htmls = [pdf.html(ref.kind, context) for ref, context in contexts]  # already built: not timed
        layouts = [pdf.layout(html) for html in htmls]
        courts: dict[tuple, list] = {}  # each court's filing set: its cover letter and filed documents
        for (ref, _), layout in zip(contexts, layouts):
            court = ref.court if ref.court is not None else \
                court_key(case.records[ref.record]) if ref.record is not None else None
            if court is not None and is_filed(case, ref):
                courts.setdefault(court, []).append(layout)
        bound = [docs[0].copy([p for d in docs for p in d.pages]) for docs in courts.values()]
        everything = layouts[0].copy([p for d in layouts for p in d.pages])  # the attorney's copy

        started = time.perf_counter()
        for html in htmls:
            weasyprint.HTML(string=html, base_url=str(pdf.template_dir), url_fetcher=pdf.fetcher).write_pdf(
                stylesheets=[pdf.css], font_config=pdf.font_config)
        for ref, context in contexts:
            template = DocxTemplate(str(TEMPLATE_DIR / f"{ref.kind}.docx"))
            template.render(context, jinja_env=env, autoescape=True)
            template.save(io.BytesIO())
        documents_time = time.perf_counter() - started
        for document in [*bound, everything]:  # the bound sets and the attorney's copy, written once more
            document.write_pdf()
        floor_time = time.perf_counter() - started

        started = time.perf_counter()
        ed.write_packet(ed.build_packet(case, renderers=renderers, input_ref=loaded.input_ref), out)
        ours_time = time.perf_counter() - started
        if i:  # the first case warms caches on both sides
            ours.append(ours_time)
            floor.append(floor_time)
            floor_documents.append(documents_time)
            documents += len(refs)
    ratios = [o / f for o, f in zip(ours, floor)]
    return {"cases": len(ours), "documents_per_case": documents / len(ours),
            "ours_seconds_per_case": statistics.median(ours), "floor_seconds_per_case": statistics.median(floor),
            "ratio_median": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
            "floor_documents_only_seconds": statistics.median(floor_documents),
            "ratio_vs_documents_only": statistics.median([o / f for o, f in zip(ours, floor_documents)])}


def throughput(folder: Path, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([*CLI, "batch", str(folder), "--out", out, "--workers", str(workers), "--quiet"],
                       check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
    count = len(list(folder.glob("*.yaml")))
    return {"workers": workers, "cases": count, "wall_seconds": wall, "cases_per_second": count / wall}


SOAK = """
import gc, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
import erasure_docs as ed
from erasure_docs.loading import load_case_file
renderers = ed.Renderers()  # one worker's renderers, kept across cases as a batch worker keeps them
paths = sorted(Path({folder!r}).glob("*.yaml"))
loaded = [load_case_file(p) for p in paths]
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
marks = {{}}
peak = 0.0
for i in range({count}):
    case = loaded[i % len(loaded)]
    packet = ed.build_packet(case.case, renderers=renderers, input_ref=case.input_ref, only={{"application_54_95c"}})
    ed.write_packet(packet, Path({out!r}), force=True)
    peak = max(peak, rss_mb())
    if i + 1 in (100, {count}):
        marks[i + 1] = peak
print(marks[100], marks[{count}], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def soak(folder: Path, count: int) -> dict:
    """One worker's memory over `count` cases in a row (no recycling): peak RSS at 100 and at `count`.
    Each case renders its application (DOCX, PDF and the attorney's copy) to keep the run to minutes: memory growth
    comes from the renderers' state across documents, which this exercises as a full packet would."""
    with tempfile.TemporaryDirectory() as out:
        code = SOAK.format(root=str(ROOT), folder=str(folder), out=out, count=count)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
        wall = time.perf_counter() - started
    at_100, at_n, maxrss = (float(x) for x in result.stdout.split())
    return {"cases": count, "peak_rss_mb_at_100": at_100, f"peak_rss_mb_at_{count}": at_n,
            "growth_percent": 100 * (at_n - at_100) / at_100, "seconds": wall}


def check_speed(count: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        write_cases(Path(folder), count)
        started = time.perf_counter()
        subprocess.run([*CLI, "check", folder, "--json"], check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
    return {"cases": count, "wall_seconds": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small numbers, for a smoke run")
    parser.add_argument("--cases", type=int, default=None, help="cases for the per-case and throughput runs")
    parser.add_argument("--soak", type=int, default=None, help="cases for the memory soak")
    args = parser.parse_args()
    cases = args.cases or (8 if args.quick else 30)
    soak_count = args.soak or (150 if args.quick else 2000)

    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "system": f"{platform.system()} {platform.release()}",
                                 "processor": platform.machine()}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cases"
        paths = write_cases(folder, cases)
        print(f"per-case time vs bare render floor ({cases} cases)…", flush=True)
        results["per_case"] = per_case_vs_floor(paths, Path(tmp) / "out")
        print("batch throughput, 1 and 2 workers…", flush=True)
        one, two = throughput(folder, 1), throughput(folder, 2)
        results["throughput"] = {"1": one, "2": two, "speedup": two["cases_per_second"] / one["cases_per_second"]}
        small = Path(tmp) / "small"
        write_cases(small, 20, charges=1)
        print(f"memory soak ({soak_count} cases in one worker)…", flush=True)
        results["soak"] = soak(small, soak_count)
    print("check over 1,000 cases…", flush=True)
    results["check"] = check_speed(1000)

    per, tp, mem = results["per_case"], results["throughput"], results["soak"]
    print(f"""
machine: {results['machine']}
per case (median of {per['cases']}, {per['documents_per_case']:.1f} documents each, docx + pdf + filing sets + attorney's copy):
  ours {per['ours_seconds_per_case']:.3f} s   floor {per['floor_seconds_per_case']:.3f} s   ratio {per['ratio_median']:.2f} (min {per['ratio_min']:.2f}, max {per['ratio_max']:.2f})
  against the documents alone, without the bound files ({per['floor_documents_only_seconds']:.3f} s): {per['ratio_vs_documents_only']:.2f}
batch throughput: 1 worker {tp['1']['cases_per_second']:.2f} cases/s, 2 workers {tp['2']['cases_per_second']:.2f} cases/s, speed-up {tp['speedup']:.2f}x
memory, one worker: peak {mem['peak_rss_mb_at_100']:.0f} MB after 100 cases, {mem[f"peak_rss_mb_at_{mem['cases']}"]:.0f} MB after {mem['cases']} ({mem['growth_percent']:+.1f} %)
check --json over 1,000 case files: {results['check']['wall_seconds']:.2f} s""")
    target = HERE / "results"
    target.mkdir(exist_ok=True)
    (target / "latest.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
