"""Property-based tests (Hypothesis).

A (expensive): any valid case built by `valid_cases()` validates and renders: the review sheet opens in
python-docx and pypdf, and the petitioner's full name prints in the cover letter(s), in Word and in PDF.
(The review sheet itself never prints the petitioner's name, so the cover letter carries that check: the first
charge of every generated case is an eligible § 53a-82 conviction in a G.A. court, so a cover letter always
exists and names the petitioner in full.)

B (cheap): any input at all — arbitrary JSON-like data, arbitrary text files, valid cases with one key deleted
or one value replaced — yields a valid case or a list of problems, never an exception; every problem has a
message, and a field path unless it is about the whole input.

Profiles, registered here: `ci` when the environment variable CI is set (A 2,000 examples, B 5,000 each,
derandomized), `dev` otherwise (A 100, B 500).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import erasure_docs as ed
from erasure_docs.loading import load_case_file, validate_data
from tests.textextract import normalise

ROOT = Path(__file__).resolve().parent.parent
CI = bool(os.environ.get("CI"))
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
                          print_blob=True)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if CI else "dev")
EXAMPLES_A = 300 if CI else 100  # each example renders a packet with its filing sets and binder (~1.5 s)
EXAMPLES_B = 5_000 if CI else 500

AS_OF = dt.date(2026, 11, 30)
CT_STATUTES = [row["statute"] for row in yaml.safe_load((ROOT / "erasure_docs/law/ct_offenses.yaml")
                                                       .read_text(encoding="utf-8"))]
FEDERAL = ["18 U.S.C. § 1591", "18 U.S.C. § 1589", "18 U.S.C. § 2421", "18 U.S.C. 1594(c)"]
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéñüçłßÉÑÜÇŁ"
DISPOSITIONS = {
    "adult": ["convicted", "dismissed", "nolle", "not_guilty", "pending"],
    "juvenile": ["adjudicated_delinquent", "fwsn", "statement_of_responsibility", "dismissed", "nolle",
                 "not_guilty", "pending"],
    "youthful_offender": ["youthful_offender", "dismissed", "nolle", "not_guilty", "pending"],
}


# ---------------------------------------------------------------- strategies

@st.composite
def names(draw) -> str:
    """A name from a safe alphabet: letters (with accents), apostrophes, hyphens and single spaces."""
    first = draw(st.sampled_from(LETTERS))
    middle = draw(st.text(alphabet=LETTERS + "'- ", max_size=14))
    last = draw(st.sampled_from(LETTERS)) if middle else ""
    return " ".join((first + middle + last).split())  # no runs of spaces (they are trimmed anyway)


def dates(low: dt.date, high: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=low, max_value=max(low, high))


@st.composite
def charges(draw, proceeding: str, born: dt.date, start: dt.date) -> dict:
    statute = draw(st.sampled_from(CT_STATUTES + FEDERAL))
    offense = draw(dates(max(born, start - dt.timedelta(days=3000)), AS_OF - dt.timedelta(days=30)))
    disposed = draw(dates(offense, AS_OF))
    charge: dict = {"statute": statute, "offense_date": offense.isoformat(),
                    "disposition": draw(st.sampled_from(DISPOSITIONS[proceeding])),
                    "disposition_date": disposed.isoformat()}
    if draw(st.booleans()):
        charge["description"] = draw(names())
    if draw(st.booleans()):
        charge["related_to_trafficking"] = draw(st.booleans())
    return charge


@st.composite
def valid_cases(draw) -> dict:
    born = draw(dates(dt.date(1960, 1, 1), dt.date(2005, 12, 31)))
    start = draw(dates(born + dt.timedelta(days=18 * 366), dt.date(2024, 1, 1)))
    # the trafficking ends after every predicate drawn below existed (§ 53a-192a: 2006), so the ground holds
    end = draw(st.none() | dates(max(start + dt.timedelta(days=400), dt.date(2009, 1, 1)), AS_OF))
    petitioner: dict = {"first_name": draw(names()), "last_name": draw(names()), "date_of_birth": born.isoformat()}
    if draw(st.booleans()):
        petitioner["middle_name"] = draw(names())
    if draw(st.booleans()):
        petitioner["suffix"] = draw(st.sampled_from(["Jr.", "III", "Sr."]))
    if draw(st.booleans()):
        petitioner["aliases"] = draw(st.lists(names(), max_size=2))
    # The first charge: an adult § 53a-82 conviction during the trafficking, nexus found: always eligible.
    last_day = min(end or AS_OF, AS_OF - dt.timedelta(days=60))
    offense = draw(dates(max(start, born + dt.timedelta(days=18 * 366)), last_day))
    first = {"statute": "53a-82", "description": "Prostitution", "offense_date": offense.isoformat(),
             "disposition": "convicted", "disposition_date": draw(dates(offense, AS_OF)).isoformat(),
             "related_to_trafficking": True}
    records = []
    for i in range(draw(st.integers(1, 3))):
        proceeding = "adult" if i == 0 else draw(st.sampled_from(sorted(DISPOSITIONS)))
        kind = "ga" if i == 0 else ("juvenile" if proceeding == "juvenile" else draw(st.sampled_from(["ga", "jd"])))
        court: dict = {"kind": kind, "location": draw(st.sampled_from(["Hartford", "New Haven", "Bridgeport"]))}
        if kind == "ga":
            court["number"] = draw(st.integers(1, 23))
        record_charges = draw(st.lists(charges(proceeding, born, start), min_size=0 if i == 0 else 1,
                                       max_size=2 if i == 0 else 3))
        if i == 0:
            record_charges.insert(0, first)
        record: dict = {"docket_number": f"H{i}{court.get('number', 0)}-CR{i:02d}-{draw(st.integers(0, 9_999_999)):07d}-S",
                        "court": court, "proceeding": proceeding, "charges": record_charges}
        if draw(st.booleans()):
            record["arresting_agency"] = draw(names()) + " Police"
        records.append(record)
    return {"format": 1, "case_id": f"HYP-{draw(st.integers(0, 10**6))}", "as_of": AS_OF.isoformat(),
            "petitioner": petitioner,
            "trafficking": {"predicates": draw(st.lists(st.sampled_from(["53a-192a", "18 U.S.C. § 1591",
                                                                        "18 U.S.C. § 1589"]),
                                                       min_size=1, max_size=2, unique=True)),
                            "period": {"start": start.isoformat(), **({"end": end.isoformat()} if end else {})}},
            "records": records,
            "filing": {"use_initials": draw(st.sampled_from([None, False])),
                       "seal_affidavit": draw(st.booleans()), "request_hearing": draw(st.booleans())}}


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30)
    | st.dates().map(dt.date.isoformat),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25)
KEYS = ["format", "case_id", "as_of", "petitioner", "attorney", "trafficking", "records", "filing", "extra",
        "first_name", "last_name", "date_of_birth", "predicates", "period", "docket_number", "court", "kind",
        "number", "location", "proceeding", "charges", "statute", "disposition", "offense_date", "victims"]
case_like = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 3000) | st.text(max_size=20) | st.sampled_from(
        ["2015-02-30", "2015-03-01", "0000-01-01", "adult", "ga", "convicted", "53a-82", "CLINIC-1", "CT"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner,
                                                                 max_size=6),
    max_leaves=30)


# ---------------------------------------------------------------- helpers

def check_outcome(case, problems, data) -> None:
    assert (case is None) == bool(problems), problems
    for problem in problems:
        assert isinstance(problem.message, str) and problem.message.strip(), problem
        if isinstance(data, dict) and "" not in data:  # an empty key has an empty path: reported as "(case)"
            assert problem.path, f"a problem without a field path: {problem}"
        str(problem)  # printable


def paths_of(node, prefix=()):
    """Every (path) into a nested structure of dicts and lists."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths_of(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths_of(value, prefix + (i,))


# ---------------------------------------------------------------- A: valid cases render

def docx_plain(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_plain(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.render
@settings(max_examples=EXAMPLES_A)
@given(valid_cases())
def test_valid_cases_render_with_the_name(renderers, data):
    case, problems = validate_data(data, "hypothesis.yaml")
    assert case is not None, [str(p) for p in problems]
    built = ed.build_packet(case, renderers=renderers, only={"review_sheet", "cover_letter"},
                            input_ref=ed.InputRef("hypothesis.yaml", "0" * 64))
    outputs = built.files
    docx_plain(outputs["attorney/review_sheet.docx"])
    assert pdf_plain(outputs["attorney/review_sheet.pdf"]).strip()
    letters = sorted(p for p in outputs if p.endswith("/cover_letter.docx"))
    assert letters, sorted(outputs)
    name = normalise(unicodedata.normalize("NFC", case.petitioner.full_name))
    assert name == normalise(" ".join(filter(None, [data["petitioner"]["first_name"],
                                                    data["petitioner"].get("middle_name"),
                                                    data["petitioner"]["last_name"]]))
                             + (f", {data['petitioner']['suffix']}" if data["petitioner"].get("suffix") else ""))
    word = normalise(unicodedata.normalize("NFC", "".join(docx_plain(outputs[p]) for p in letters)))
    pdf = normalise(unicodedata.normalize("NFC", "".join(pdf_plain(outputs[p[:-5] + ".pdf"]) for p in letters)))
    assert name in word
    assert name in pdf


# ---------------------------------------------------------------- B: nothing raises

@settings(max_examples=EXAMPLES_B)
@given(json_like | case_like)
def test_any_data_gives_a_case_or_problems(data):
    case, problems = validate_data(data, "any.json")
    check_outcome(case, problems, data)


@settings(max_examples=EXAMPLES_B)
@given(valid_cases(), st.data())
def test_mutated_valid_cases_give_a_case_or_problems(data, draw):
    mutated = copy.deepcopy(data)
    paths = [p for p in paths_of(mutated) if p]
    path = draw.draw(st.sampled_from(paths))
    parent = mutated
    for key in path[:-1]:
        parent = parent[key]
    if draw.draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw.draw(json_like | case_like)
    case, problems = validate_data(mutated, "mutated.json")
    check_outcome(case, problems, mutated)


YAML_PRINTABLE = st.characters(codec="utf-8", exclude_categories=["Cs"]).filter(
    lambda c: c in "\t\n\r" or c == "\x85" or "\x20" <= c <= "\x7e" or "\xa0" <= c <= "\ufffd" or c >= "\U00010000")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


def load_text(folder: Path, name: str, content: bytes):
    path = folder / name
    path.write_bytes(content)
    loaded = load_case_file(path)
    assert loaded.ok == (loaded.case is not None)
    assert loaded.ok or loaded.problems
    for problem in loaded.problems:
        assert problem.message.strip(), problem
        str(problem)
    return loaded


@settings(max_examples=EXAMPLES_B)
@given(st.sampled_from(["case.yaml", "case.json", "case.yml"]),
       st.text(alphabet=YAML_PRINTABLE, max_size=300)
       | st.builds(lambda d: yaml.safe_dump(d, allow_unicode=True), json_like | case_like))
def test_any_text_file_gives_a_case_or_problems(scratch, name, text):
    load_text(scratch, name, text.encode("utf-8"))


@settings(max_examples=EXAMPLES_B)
@given(st.sampled_from(["case.yaml", "case.json", "case.yml"]), st.binary(max_size=300))
def test_any_bytes_give_a_case_or_problems(scratch, name, data):
    load_text(scratch, name, data)


def _printable(c: str) -> bool:
    return c in "\t\n\r\x85" or "\x20" <= c <= "\x7e" or "\xa0" <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" \
        or c >= "\U00010000"


@settings(max_examples=EXAMPLES_B)
@example(text="case_id: X\npetitioner: {first_name: \"Ma\x07ria\"}\n")
@given(st.text(min_size=1, max_size=100))
def test_any_yaml_text_gives_a_case_or_problems(scratch, text):
    load_text(scratch, "raw.yaml", text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("value", [["convicted"], {"a": 1}])
def test_unhashable_disposition_is_a_problem(value):
    data = yaml.safe_load((ROOT / "tests/fixtures/valid/base.yaml").read_text(encoding="utf-8"))
    data = {**data, "as_of": "2026-11-30"}
    data["records"][0]["charges"][0]["disposition"] = value
    case, problems = validate_data(data, "bug.yaml")
    assert case is None and any(p.path == "records[0].charges[0].disposition" for p in problems)
