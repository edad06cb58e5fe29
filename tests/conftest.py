"""Shared test helpers: run the real CLI, find the samples."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from erasure_docs.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_cases"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def cli():
    """Invoke the real click command; returns (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


@pytest.fixture(scope="session")
def renderers():
    """One set of renderers for the whole run, as a long-lived process keeps it."""
    import erasure_docs as ed

    return ed.Renderers()


# A batch run in its own process that reports each finished case on stdout as it happens, so that a test can
# wait for that event (a blocking read) instead of polling the output folder with sleeps.
BATCH_DRIVER = """
import sys
from pathlib import Path

import erasure_docs as ed
from erasure_docs.batch import BatchOptions, run_batch

inputs, out, workers = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
result = run_batch(ed.load_cases([inputs]), BatchOptions(out, workers),
                   lambda row: print("case", row.status, row.case_id, flush=True))
for note in result.notes:
    print("note", note, flush=True)
"""


def start_batch(inputs: Path, out: Path, workers: int, cwd: Path) -> subprocess.Popen[str]:
    """A batch in a new session (so the test can kill its whole process group); read `.stdout` line by line."""
    return subprocess.Popen([sys.executable, "-c", BATCH_DRIVER, str(inputs), str(out), str(workers)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
