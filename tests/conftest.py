"""Shared test helpers: run the real CLI, find the samples."""

from __future__ import annotations

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
