"""`erasure-docs schema`: a valid JSON Schema that accepts the case files the tool accepts."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_cases"
VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
OWN = sorted(p for p in VALID.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*") if p.suffix in (".yaml", ".yml", ".json"))


@pytest.fixture(scope="module")
def schema() -> dict:
    from click.testing import CliRunner

    from erasure_docs.cli import main

    result = CliRunner().invoke(main, ["schema"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def validator(schema) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


def isoformat_dates(value: Any) -> Any:
    """yaml.safe_load reads dates as date objects; a JSON Schema sees them as ISO text."""
    if isinstance(value, dict):
        return {k: isoformat_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [isoformat_dates(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def read(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else isoformat_dates(yaml.safe_load(text))


def problems(validator, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def test_schema_command_prints_valid_json_schema(cli, schema):
    code, out, err = cli("schema")
    assert code == 0 and err == ""
    assert json.loads(out) == schema
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"case_id", "petitioner", "trafficking", "records"}


def test_schema_indent_option(cli):
    code, out, _ = cli("schema", "--indent", "0")
    assert code == 0
    jsonschema.Draft202012Validator.check_schema(json.loads(out))


def test_own_fixtures_exist():
    assert OWN, "tests/fixtures/valid/ must hold at least one case file"


@pytest.mark.parametrize("path", OWN + SAMPLE_FILES, ids=[f"{p.parent.name}/{p.name}" for p in OWN + SAMPLE_FILES])
def test_schema_accepts_valid_case_files(validator, path):
    assert problems(validator, read(path)) == []


@pytest.fixture
def base() -> dict:
    return read(VALID / "base.yaml")


@pytest.mark.parametrize("where", [(), ("petitioner",), ("records", 0, "charges", 0), ("records", 0, "court")])
def test_schema_refuses_unknown_keys(validator, base, where):
    target = base
    for part in where:
        target = target[part]
    target["dispostion"] = "convicted"
    found = problems(validator, base)
    assert len(found) == 1 and "dispostion" in found[0]


def test_schema_allows_anything_under_extra(validator, base):
    base["extra"] = {"any": {"thing": [1, None, {"x": True}]}}
    assert problems(validator, base) == []


@pytest.mark.parametrize("where, value", [
    (("records", 0, "court", "kind"), "superior"),
    (("records", 0, "proceeding"), "adults"),
    (("records", 0, "charges", 0, "disposition"), "guilty"),
    (("trafficking", "evidence", 0, "kind"), "visa"),
    (("format",), 2),
    (("petitioner", "first_name"), "x" * 101),
    (("petitioner", "address", "zip"), 6106),
    (("records",), []),
], ids=["court-kind", "proceeding", "disposition", "evidence-kind", "format-2", "name-101", "zip-number", "no-records"])
def test_schema_refuses_what_the_model_refuses(validator, base, where, value):
    data = copy.deepcopy(base)
    target = data
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = value
    assert problems(validator, data)


@pytest.mark.parametrize("missing", ["case_id", "petitioner", "trafficking", "records"])
def test_schema_requires_the_required_sections(validator, base, missing):
    del base[missing]
    assert problems(validator, base)


@pytest.mark.parametrize("where, value", [
    (("case_id",), ".hidden"),
    (("petitioner", "address", "state"), "ct"),
    (("petitioner", "address", "zip"), "6106"),
    (("attorney", "juris_number"), "12345"),
    (("records", 0, "docket_number"), "-H14H"),
], ids=["case_id", "state", "zip", "juris_number", "docket_number"])
def test_schema_has_the_text_patterns(validator, base, where, value):
    target = base
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = value
    assert problems(validator, base)
