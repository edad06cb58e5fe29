"""The lawyer-posed fixture cases (tests/fixtures/rules/, table in its README) through the real CLI.

expected.csv was written from the law summary and the spec, independently of the engine."""

from __future__ import annotations

import csv
import json

import pytest

from tests.conftest import FIXTURES

RULES_DIR = FIXTURES / "rules"
EXPECTED = list(csv.DictReader(open(RULES_DIR / "expected.csv", encoding="utf-8")))


def _id(row: dict) -> str:
    return f"{row['file']}:{row['docket_number']}:{row['index']}"


@pytest.fixture(scope="module")
def reports() -> dict:
    from click.testing import CliRunner

    from erasure_docs.cli import main

    files = sorted({row["file"] for row in EXPECTED})
    result = CliRunner().invoke(main, ["check", "--json", *[str(RULES_DIR / f) for f in files]])
    assert result.exit_code == 0, result.stderr
    return dict(zip(files, json.loads(result.stdout)))


def test_at_least_thirty_fixtures():
    assert len({row["file"] for row in EXPECTED}) >= 30


@pytest.mark.parametrize("row", EXPECTED, ids=_id)
def test_fixture_outcome(row: dict, reports: dict):
    report = reports[row["file"]]
    [charge] = [c for c in report["charges"]
                if c["docket_number"] == row["docket_number"] and c["index"] == int(row["index"])]
    assert charge["status"] == row["status"], charge["reasons"]
    assert charge["pathway"] == (row["pathway"] or None)
    assert charge["relief"] == (row["relief"] or None)
    assert charge["victim_notice_required"] == (row["victim_notice_required"].lower() == "true")
    if row["erasure_date"]:
        assert charge["erasure_date"] == row["erasure_date"]
    for flag in filter(None, row["flags_include"].split(";")):
        assert flag.strip() in charge["flags"]
    for flag in filter(None, row["flags_exclude"].split(";")):
        assert flag.strip() not in charge["flags"]
