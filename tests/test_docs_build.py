"""The generated reference tables (README command table, case-file fields, template variables) are current."""

from __future__ import annotations

import shutil

import pytest

from erasure_docs import docs_build
from tests.conftest import ROOT


def test_generated_tables_are_up_to_date():
    assert docs_build.stale() == [], "run `make docs` (python -m erasure_docs.docs_build) and commit the result"


def test_a_new_command_or_field_makes_them_stale(tmp_path, monkeypatch):
    for path, _ in docs_build.TARGETS.values():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    assert docs_build.stale(tmp_path) == []
    path, make = docs_build.TARGETS["commands"]
    monkeypatch.setitem(docs_build.TARGETS, "commands", (path, lambda: make() + "\n| `erasure-docs new` | | |"))
    assert docs_build.stale(tmp_path) == ["README.md (commands)"]
    assert docs_build.build(tmp_path) == ["README.md"] and docs_build.stale(tmp_path) == []


def test_every_command_field_and_variable_is_listed():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("validate", "check", "generate", "batch", "verify", "show", "rules", "schema",
                    "templates export", "templates check"):
        assert f"`erasure-docs {command}" in readme
    fields = (ROOT / "docs" / "case-file.md").read_text(encoding="utf-8")
    assert "`records[].charges[].victims[].notice.tracking_number`" in fields
    variables = (ROOT / "templates" / "source" / "README.md").read_text(encoding="utf-8")
    assert "| `narrative_paragraphs` | affidavit_46b_146, affidavit |" in variables


def test_markers_must_be_there():
    with pytest.raises(ValueError, match="markers"):
        docs_build.replaced("no markers here", "commands", "table")
