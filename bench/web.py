"""The web app's speed against the in-process API, measured side by side in one run.

    .venv/bin/python bench/web.py            # about a minute on 2 cores
    .venv/bin/python bench/web.py --rounds 9

A real `erasure-docs serve` runs in its own process (its renderers warm after the first request). Each
round, interleaved so both see the same machine state, times one sample case:
1. in-process: `ed.validate` + `ed.build_packet` with one warm `ed.Renderers` (the API's build time);
2. the JSON API: `POST /api/v1/generate` with the case as JSON, until the whole zip has arrived;
3. the page: `POST /cases/<id>/generate` (builds and writes the case folder into the work folder), until
   the filing-sets page it leads to has arrived.
The first round warms both sides and is not counted. Medians print as a table and go to
bench/results/web.json; the target is web ≤ 1.2 × in-process.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "sample_cases" / "adult-with-victim.yaml"

import erasure_docs as ed  # noqa: E402


def start_server(work: Path) -> tuple[subprocess.Popen, str, str]:
    process = subprocess.Popen([sys.executable, "-m", "erasure_docs", "serve", "--no-browser", "--port", "0",
                                "--work", str(work)], stderr=subprocess.PIPE, text=True)
    printed = ""
    while "Stop with Ctrl+C" not in printed:
        line = process.stderr.readline()
        if not line:
            raise SystemExit(f"the server did not start:\n{printed}")
        printed += line
    found = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=([A-Za-z0-9_-]+)", printed)
    return process, found.group(1), found.group(2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    rounds = parser.parse_args().rounds
    data = json.loads(json.dumps(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")), default=str))
    body = json.dumps(data).encode()
    renderers = ed.Renderers()
    with tempfile.TemporaryDirectory() as tmp:
        process, url, token = start_server(Path(tmp) / "work")
        try:
            api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600)
            page = httpx.Client(base_url=url, timeout=600, follow_redirects=True)
            for _ in range(100):
                try:
                    page.get(f"/?token={token}")
                    break
                except httpx.ConnectError:
                    time.sleep(0.1)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.get("/").text).group(1)
            (Path(tmp) / "case.yaml").write_bytes(SAMPLE.read_bytes())
            with open(Path(tmp) / "case.yaml", "rb") as handle:
                page.post("/cases/upload", data={"csrf": csrf}, files={"file": ("case.yaml", handle)})
            times: dict[str, list[float]] = {"in_process": [], "api": [], "page": []}
            for round_number in range(rounds + 1):
                started = time.perf_counter()
                case, problems = ed.validate(data)
                ed.build_packet(case, renderers=renderers)
                in_process = time.perf_counter() - started

                started = time.perf_counter()
                response = api.post("/api/v1/generate", content=body)
                api_time = time.perf_counter() - started
                assert response.status_code == 200, response.status_code

                started = time.perf_counter()
                response = page.post(f"/cases/{case.case_id}/generate", data={"csrf": csrf})
                page_time = time.perf_counter() - started
                assert response.status_code == 200 and "/filings" in str(response.url), response.status_code
                if round_number:  # the first round warms both sides
                    times["in_process"].append(in_process)
                    times["api"].append(api_time)
                    times["page"].append(page_time)
        finally:
            process.terminate()
            process.wait(10)
    medians = {k: statistics.median(v) for k, v in times.items()}
    result = {"case": SAMPLE.name, "rounds": rounds, "median_seconds": medians,
              "api_ratio": medians["api"] / medians["in_process"], "page_ratio": medians["page"] / medians["in_process"],
              "all_seconds": times}
    print(f"{'sample case':<38}{'median s':>10}{'× in-process':>14}")
    print(f"{'in-process API (validate + build)':<38}{medians['in_process']:>10.3f}{1:>14.2f}")
    print(f"{'web: POST /api/v1/generate (zip)':<38}{medians['api']:>10.3f}{result['api_ratio']:>14.2f}")
    print(f"{'web: page Generate (writes folder)':<38}{medians['page']:>10.3f}{result['page_ratio']:>14.2f}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "web.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
