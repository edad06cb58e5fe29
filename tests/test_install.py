"""A non-editable install finds everything it ships: templates, law tables, sample cases, every subpackage."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # make test-fast leaves these out


def test_wheel_install_has_everything(tmp_path):
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    [wheel] = wheels.glob("erasure_docs-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
                    str(wheel)], check=True, capture_output=True)
    out = tmp_path / "out"
    code = f"""
import erasure_docs, sys
from pathlib import Path
assert Path(erasure_docs.__file__).is_relative_to({str(site)!r}), erasure_docs.__file__
from erasure_docs.paths import TEMPLATE_DIR
from erasure_docs.rules.tables import load_tables
from erasure_docs.custom_templates import sample_contexts
assert TEMPLATE_DIR.is_relative_to({str(site)!r}) and (TEMPLATE_DIR / "application_54_95c.docx").exists()
assert len(load_tables().offenses) >= 60
assert sample_contexts()
from erasure_docs import i18n
assert i18n.LOCALE_DIR.is_relative_to({str(site)!r}) and "es" in i18n.languages()
assert i18n.messages("es")["Sincerely,"] == "Atentamente,"
from erasure_docs.web.app import HERE as WEB
assert WEB.is_relative_to({str(site)!r})
assert (WEB / "templates" / "case.html").exists() and (WEB / "static" / "app.js").exists()
from erasure_docs.cli import main
for sample in ("juvenile-adjudication", "mixed-multi-docket"):
    try:
        main(["generate", str(Path({str(ROOT / "sample_cases")!r}) / f"{{sample}}.yaml"), "--out", {str(out)!r}])
    except SystemExit as exit:
        assert not exit.code, exit.code
"""
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (out / "CLINIC-2026-0011" / "filings" / "juvenile-hartford" / "filing.pdf").exists()
    letter = PdfReader(out / "CLINIC-2026-0018" / "attorney" / "client_letter.pdf")  # Spanish, from the installed catalog
    assert "Atentamente," in letter.pages[-1].extract_text()
    # The README's one-liner, against the installed package, from a checkout's folder (for the sample path).
    one_liner = ("import erasure_docs as ed; case, problems = ed.validate('sample_cases/nolle.yaml'); "
                 "print(ed.check(case).summary); print(ed.__file__)")
    # -P: the checkout folder (the working directory) is not put before the installed package on sys.path
    result = subprocess.run([sys.executable, "-P", "-c", one_liner], env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    summary, where = result.stdout.splitlines()
    assert summary == "{'eligible': 0, 'not_eligible': 0, 'needs_review': 0, 'automatic': 2}"
    assert where.startswith(str(site))
