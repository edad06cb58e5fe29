"""`erasure-docs validate` on YAML and JSON case files, through the real CLI.

Every test starts from tests/fixtures/valid/base.yaml (a valid case), changes one thing, and checks the
exit status and the exact field path of the message. The contract is docs/case-file.md.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from erasure_docs.loading import load_case_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = FIXTURES / "valid"
BAD = FIXTURES / "bad"
BASE: dict = yaml.safe_load((VALID / "base.yaml").read_text(encoding="utf-8"))
CASE_ID = BASE["case_id"]
AS_OF = "2026-11-30"
DAY_AFTER = "2026-12-01"


# ---------------------------------------------------------------- helpers

@pytest.fixture
def case() -> dict:
    """A fresh copy of the valid base case, to change one thing in."""
    return copy.deepcopy(BASE)


def write_case(folder: Path, data: Any, name: str = "case.yaml") -> Path:
    path = folder / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def put(data: dict, path: str, value: Any) -> dict:
    """Set `records.0.charges.1.offense_date`-style paths; returns data."""
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = data
    for part in parents:
        target = target[part]
    target[last] = value
    return data


def drop(data: dict, path: str) -> dict:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = data
    for part in parents:
        target = target[part]
    del target[last]
    return data


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning: ")]


def run(cli, *paths):
    code, out, err = cli("validate", *paths)
    assert "Traceback" not in out + err
    return code, out, err


def check(cli, tmp_path, data, name="case.yaml"):
    return run(cli, write_case(tmp_path, data, name))


def assert_valid(cli, tmp_path, data, name="case.yaml") -> str:
    code, out, err = check(cli, tmp_path, data, name)
    assert code == 0, err
    assert errors(err) == []
    assert "1 valid, 0 invalid" in out
    return err


def assert_refused(cli, tmp_path, data, path: str, *fragments: str, only: bool = True, case_id: str = CASE_ID) -> str:
    """Exit 1 and an error naming exactly `path`; with only=True it is the sole error. Returns that line."""
    code, out, err = check(cli, tmp_path, data)
    assert code == 1, err
    found = errors(err)
    matching = [line for line in found if f"[{case_id}] {path}: " in line]
    assert matching, f"no error at {path!r} in:\n{err}"
    if only:
        assert len(found) == 1, err
    for fragment in fragments:
        assert fragment in matching[0], matching[0]
    assert "0 valid, 1 invalid" in out
    return matching[0]


# ---------------------------------------------------------------- the valid fixtures

@pytest.mark.parametrize("name", sorted(p.name for p in VALID.iterdir() if p.suffix in (".yaml", ".json")))
def test_valid_fixture(cli, name):
    code, out, err = run(cli, VALID / name)
    assert code == 0, err
    assert err == ""
    assert "1 valid, 0 invalid (1 case read)" in out


def test_folder_of_case_files(cli, tmp_path):
    names = sorted(p.name for p in VALID.iterdir() if p.suffix in (".yaml", ".json"))
    for name in names:
        (tmp_path / name).write_bytes((VALID / name).read_bytes())
    code, out, err = run(cli, tmp_path)
    assert code == 0, err
    assert f"{len(names)} valid, 0 invalid ({len(names)} cases read)" in out


def test_same_case_as_json(cli, tmp_path, case):
    assert_valid(cli, tmp_path, case, "case.json")


# ---------------------------------------------------------------- cross-field rules

def test_disposition_before_offense(cli, tmp_path, case):
    put(case, "records.0.charges.1.disposition_date", "2015-02-28")
    put(case, "records.0.arrest_date", "2015-02-01")
    assert_refused(cli, tmp_path, case, "records[0].charges[1].disposition_date",
                   "2015-02-28 is before offense_date 2015-03-01")


def test_offense_before_birth(cli, tmp_path, case):
    put(case, "records.1.charges.0.offense_date", "1998-03-13")
    assert_refused(cli, tmp_path, case, "records[1].charges[0].offense_date", "before the petitioner's date_of_birth")


def test_disposition_before_arrest(cli, tmp_path, case):
    put(case, "records.0.arrest_date", "2015-06-11")
    code, out, err = check(cli, tmp_path, case)
    assert code == 1
    lines = errors(err)
    assert len(lines) == 2, err  # both charges of the record
    for j in (0, 1):
        assert any(f"[{CASE_ID}] records[0].charges[{j}].disposition_date: 2015-06-10 is before arrest_date 2015-06-11"
                   in line for line in lines), err


LATER_DATES = {  # dates that must move with the one tested, so only the as_of rule is in play
    "records.0.arrest_date": ["records.0.charges.0.disposition_date", "records.0.charges.1.disposition_date"],
    "records.0.charges.0.offense_date": ["records.0.charges.0.disposition_date"],
}
AFTER_AS_OF = [
    # (where to put the day after as_of, the path reported)
    ("petitioner.date_of_birth", "petitioner.date_of_birth"),
    ("records.0.arrest_date", "records[0].arrest_date"),
    ("records.0.charges.0.offense_date", "records[0].charges[0].offense_date"),
    ("records.0.charges.0.disposition_date", "records[0].charges[0].disposition_date"),
    ("records.0.charges.0.discharge_date", "records[0].charges[0].discharge_date"),
    ("trafficking.evidence.0.date", "trafficking.evidence[0].date"),
    ("records.0.charges.1.victims.0.notice.mailed_on", "records[0].charges[1].victims[0].notice.mailed_on"),
    ("trafficking.period.start", "trafficking.period.start"),
    ("trafficking.period.end", "trafficking.period.end"),
]


@pytest.mark.parametrize("where, path", AFTER_AS_OF, ids=[p for _, p in AFTER_AS_OF])
def test_no_date_after_as_of(cli, tmp_path, case, where, path):
    if where == "trafficking.period.start":
        drop(case, "trafficking.period.end")
    for field in [where, *LATER_DATES.get(where, [])]:
        put(case, field, DAY_AFTER)
    line = assert_refused(cli, tmp_path, case, path, f"is after as_of {AS_OF}", only=False)
    if path == "petitioner.date_of_birth":
        assert DAY_AFTER not in line  # a date of birth is personal: not echoed


@pytest.mark.parametrize("where, path", AFTER_AS_OF[1:], ids=[p for _, p in AFTER_AS_OF[1:]])
def test_date_on_as_of_is_fine(cli, tmp_path, case, where, path):
    if where == "trafficking.period.start":
        drop(case, "trafficking.period.end")
    for field in [where, *LATER_DATES.get(where, [])]:
        put(case, field, AS_OF)
    assert_valid(cli, tmp_path, case)


def test_birth_on_as_of_is_not_after_it(cli, tmp_path, case):
    put(case, "petitioner.date_of_birth", AS_OF)
    code, _, err = check(cli, tmp_path, case)
    assert not any("petitioner.date_of_birth" in line for line in errors(err)), err


def test_filing_date_after_as_of_is_allowed(cli, tmp_path, case):
    put(case, "filing.date", "2030-01-15")
    assert_valid(cli, tmp_path, case)


def test_equal_dates_are_fine(cli, tmp_path, case):
    put(case, "records.0.arrest_date", "2015-03-01")
    put(case, "records.0.charges.0.offense_date", "2015-03-01")
    put(case, "records.0.charges.0.disposition_date", "2015-03-01")   # disposition = offense = arrest
    put(case, "records.0.charges.0.discharge_date", "2015-03-01")
    put(case, "records.1.charges.0.offense_date", "1998-03-14")       # offense on the date of birth
    put(case, "trafficking.period.end", "2013-06-01")                 # period of one day
    put(case, "filing.date", AS_OF)
    assert_valid(cli, tmp_path, case)


def test_trafficking_period_end_before_start(cli, tmp_path, case):
    put(case, "trafficking.period.end", "2013-05-31")
    assert_refused(cli, tmp_path, case, "trafficking.period.end", "2013-05-31 is before start 2013-06-01")


def test_trafficking_period_without_end(cli, tmp_path, case):
    drop(case, "trafficking.period.end")
    assert_valid(cli, tmp_path, case)


def test_ga_court_needs_number(cli, tmp_path, case):
    drop(case, "records.0.court.number")
    assert_refused(cli, tmp_path, case, "records[0].court.number", "is required when court kind is 'ga'")


@pytest.mark.parametrize("kind", ["jd", "juvenile", "federal"])
def test_other_courts_need_no_number(cli, tmp_path, case, kind):
    drop(case, "records.0.court.number")
    put(case, "records.0.court.kind", kind)
    assert_valid(cli, tmp_path, case)


RESTRICTED = ["convicted", "adjudicated_delinquent", "fwsn", "statement_of_responsibility", "youthful_offender"]
ALLOWED_IN = {"adult": {"convicted"}, "juvenile": {"adjudicated_delinquent", "fwsn", "statement_of_responsibility"},
              "youthful_offender": {"youthful_offender"}}


@pytest.mark.parametrize("proceeding", list(ALLOWED_IN))
@pytest.mark.parametrize("disposition", RESTRICTED)
def test_disposition_fits_proceeding(cli, tmp_path, case, proceeding, disposition):
    record = case["records"][1]
    record["proceeding"] = proceeding
    record["charges"][0]["disposition"] = disposition
    if disposition in ALLOWED_IN[proceeding]:
        assert_valid(cli, tmp_path, case)
    else:
        assert_refused(cli, tmp_path, case, "records[1].charges[0].disposition", f"'{disposition}'", proceeding)


@pytest.mark.parametrize("disposition", ["dismissed", "nolle", "not_guilty", "pending"])
@pytest.mark.parametrize("proceeding", list(ALLOWED_IN))
def test_unrestricted_dispositions_fit_every_proceeding(cli, tmp_path, case, proceeding, disposition):
    put(case, "records.1.proceeding", proceeding)
    put(case, "records.1.charges.0.disposition", disposition)
    assert_valid(cli, tmp_path, case)


def test_victims_on_a_charge_not_convicted_warn(cli, tmp_path, case):
    put(case, "records.0.charges.1.disposition", "dismissed")
    code, out, err = check(cli, tmp_path, case)
    assert code == 0, err
    assert errors(err) == []
    [line] = warnings(err)
    assert f"[{CASE_ID}] records[0].charges[1].victims: " in line
    assert "'dismissed'" in line
    assert "1 valid, 0 invalid" in out


def test_victims_on_a_conviction_do_not_warn(cli, tmp_path, case):
    assert warnings(assert_valid(cli, tmp_path, case)) == []


@pytest.mark.parametrize("second", ["H14H-CR15-0123456-S", "h14h cr15 0123456 s", "H14HCR150123456S"])
def test_duplicate_docket_numbers(cli, tmp_path, case, second):
    put(case, "records.1.docket_number", second)
    assert_refused(cli, tmp_path, case, "records[1].docket_number", "is the same docket as records[0].docket_number")


def test_case_id_unique_across_files(cli, tmp_path, case):
    first = write_case(tmp_path, case, "a.yaml")
    second = write_case(tmp_path, case, "b.json")
    code, out, err = run(cli, first, second)
    assert code == 1
    [line] = errors(err)
    assert line.startswith(f"error: {second} [{CASE_ID}] case_id: ")
    assert str(first) in line
    assert "1 valid, 1 invalid (2 cases read)" in out


def test_case_id_unique_in_a_folder(cli, tmp_path, case):
    write_case(tmp_path, case, "a.yaml")
    write_case(tmp_path, case, "b.yaml")
    put(case, "case_id", "OTHER-1")
    write_case(tmp_path, case, "c.yaml")
    code, out, err = run(cli, tmp_path)
    assert code == 1
    [line] = errors(err)
    assert f"[{CASE_ID}] case_id: " in line and "b.yaml" in line
    assert "2 valid, 1 invalid (3 cases read)" in out


def test_same_file_named_twice_is_read_once(cli, tmp_path, case):
    path = write_case(tmp_path, case)
    code, out, _ = run(cli, path, tmp_path)
    assert code == 0
    assert "1 valid, 0 invalid (1 case read)" in out


# ---------------------------------------------------------------- field rules

@pytest.mark.parametrize("where, path", [
    ("colour", "colour"),
    ("petitioner.nickname", "petitioner.nickname"),
    ("records.0.charges.0.dispostion", "records[0].charges[0].dispostion"),
    ("records.0.court.room", "records[0].court.room"),
    ("trafficking.evidence.0.page", "trafficking.evidence[0].page"),
    ("filing.judge", "filing.judge"),
    ("records.0.charges.1.victims.0.notice.sent", "records[0].charges[1].victims[0].notice.sent"),
])
def test_unknown_keys_refused(cli, tmp_path, case, where, path):
    put(case, where, "x")
    assert_refused(cli, tmp_path, case, path, "is not a field of the case file", "'extra'")


def test_typo_reports_the_typo_and_the_missing_field(cli):
    code, _, err = run(cli, BAD / "typo-key.yaml")
    assert code == 1
    lines = errors(err)
    assert len(lines) == 2, err
    assert any("[BAD-1] records[0].charges[0].dispostion: is not a field" in line for line in lines)
    assert any("[BAD-1] records[0].charges[0].disposition: is required" in line for line in lines)


def test_extra_is_free_form(cli, tmp_path, case):
    case["extra"] = {"anything": {"goes": [1, 2.5, None, {"deep": {"keys": "are fine"}}]}, "Unknown Key": True}
    assert_valid(cli, tmp_path, case)


@pytest.mark.parametrize("where, path, bad", [
    ("records.0.court.kind", "records[0].court.kind", "superior"),
    ("records.0.proceeding", "records[0].proceeding", "adults"),
    ("records.0.charges.0.disposition", "records[0].charges[0].disposition", "guilty"),
    ("trafficking.evidence.0.kind", "trafficking.evidence[0].kind", "visa"),
    ("records.0.charges.1.victims.0.notice.method", "records[0].charges[1].victims[0].notice.method", "email"),
])
def test_enumerations_refuse_other_values(cli, tmp_path, case, where, path, bad):
    assert_refused(cli, tmp_path, put(case, where, bad), path, "is not one of")


@pytest.mark.parametrize("kind", ["t_visa", "hhs_certification", "hhs_eligibility_letter",
                                  "law_enforcement_declaration", "service_provider_letter", "dcf_identification",
                                  "trafficker_conviction", "police_report", "i914_supplement_b", "other"])
def test_every_evidence_kind(cli, tmp_path, case, kind):
    assert_valid(cli, tmp_path, put(case, "trafficking.evidence.0.kind", kind))


@pytest.mark.parametrize("method", ["certified", "registered"])
def test_every_notice_method(cli, tmp_path, case, method):
    assert_valid(cli, tmp_path, put(case, "records.0.charges.1.victims.0.notice.method", method))


@pytest.mark.parametrize("where, path", [
    ("case_id", "case_id"),
    ("petitioner", "petitioner"),
    ("petitioner.first_name", "petitioner.first_name"),
    ("petitioner.last_name", "petitioner.last_name"),
    ("petitioner.date_of_birth", "petitioner.date_of_birth"),
    ("petitioner.address.zip", "petitioner.address.zip"),
    ("attorney.name", "attorney.name"),
    ("attorney.juris_number", "attorney.juris_number"),
    ("attorney.address", "attorney.address"),
    ("trafficking", "trafficking"),
    ("trafficking.predicates", "trafficking.predicates"),
    ("trafficking.period.start", "trafficking.period.start"),
    ("trafficking.evidence.0.kind", "trafficking.evidence[0].kind"),
    ("records", "records"),
    ("records.0.docket_number", "records[0].docket_number"),
    ("records.0.court", "records[0].court"),
    ("records.0.court.kind", "records[0].court.kind"),
    ("records.0.court.location", "records[0].court.location"),
    ("records.0.proceeding", "records[0].proceeding"),
    ("records.0.charges", "records[0].charges"),
    ("records.0.charges.0.statute", "records[0].charges[0].statute"),
    ("records.0.charges.0.disposition", "records[0].charges[0].disposition"),
    ("records.0.charges.1.victims.0.name", "records[0].charges[1].victims[0].name"),
    ("records.0.charges.1.victims.0.notice.method", "records[0].charges[1].victims[0].notice.method"),
])
def test_required_fields(cli, tmp_path, case, where, path):
    drop(case, where)
    assert_refused(cli, tmp_path, case, path, "is required", case_id="?" if path == "case_id" else CASE_ID)


@pytest.mark.parametrize("where, path", [
    ("records", "records"), ("records.0.charges", "records[0].charges"),
    ("trafficking.predicates", "trafficking.predicates")])
def test_required_lists_need_an_entry(cli, tmp_path, case, where, path):
    assert_refused(cli, tmp_path, put(case, where, []), path, "needs at least one entry")


def test_optional_sections_may_be_omitted(cli, tmp_path, case):
    for section in ("attorney", "filing", "extra", "format", "as_of"):
        del case[section]
    for key in ("middle_name", "aliases", "address", "address_is_acp", "phone", "email"):
        del case["petitioner"][key]
    assert_valid(cli, tmp_path, case)


@pytest.mark.parametrize("case_id", [
    "CLINIC 2026", "clinic/2026", "clinic#1", "Zoë-1", ".hidden", "-dash-first", "_under", "a" * 65, ""],
    ids=["space", "slash", "hash", "accent", "leading-dot", "leading-dash", "leading-underscore", "65-chars", "empty"])
def test_bad_case_ids(cli, tmp_path, case, case_id):
    code, _, err = check(cli, tmp_path, put(case, "case_id", case_id))
    assert code == 1
    [line] = errors(err)
    assert "] case_id: " in line


@pytest.mark.parametrize("case_id", ["a", "A" * 64, "clinic_2026.v2-final", "2026.0042"],
                         ids=["one-char", "64-chars", "dots-underscores-dashes", "digit-first"])
def test_good_case_ids(cli, tmp_path, case, case_id):
    assert_valid(cli, tmp_path, put(case, "case_id", case_id))


@pytest.mark.parametrize("juris", ["12345", "1234567", "12345a", "123 456"])
def test_juris_number_is_six_digits(cli, tmp_path, case, juris):
    assert_refused(cli, tmp_path, put(case, "attorney.juris_number", juris), "attorney.juris_number", "6-digit")


@pytest.mark.parametrize("field, path", [
    ("zip: '06106'", "petitioner.address.zip"), ("juris_number: '123456'", "attorney.juris_number")])
def test_unquoted_numbers_must_be_quoted(cli, tmp_path, case, field, path):
    text = yaml.safe_dump(case, sort_keys=False, allow_unicode=True)
    assert field in text
    (tmp_path / "case.yaml").write_text(text.replace(field, field.replace("'", ""), 1), encoding="utf-8")
    code, _, err = run(cli, tmp_path / "case.yaml")
    assert code == 1
    [line] = errors(err)
    assert f"[{CASE_ID}] {path}: " in line and "put it in quotes" in line


@pytest.mark.parametrize("zip_code", ["6106", "061060", "06106-12", "ABCDE", "06106 1234"])
def test_bad_zip(cli, tmp_path, case, zip_code):
    assert_refused(cli, tmp_path, put(case, "petitioner.address.zip", zip_code), "petitioner.address.zip", "ZIP")


def test_zip_plus_four(cli, tmp_path, case):
    assert_valid(cli, tmp_path, put(case, "petitioner.address.zip", "06106-1234"))


@pytest.mark.parametrize("state", ["ct", "Ct", "C", "CTT", "C1"])
def test_state_is_two_capitals(cli, tmp_path, case, state):
    assert_refused(cli, tmp_path, put(case, "attorney.address.state", state), "attorney.address.state", "2-letter")


def test_address_needs_every_line(cli, tmp_path, case):
    put(case, "petitioner.address", {"street": "12 Main St"})
    code, _, err = check(cli, tmp_path, case)
    assert code == 1
    lines = errors(err)
    assert len(lines) == 3, err
    for part in ("city", "state", "zip"):
        assert any(f"petitioner.address.{part}: is required" in line for line in lines)


LENGTHS = [
    # (where, path, longest allowed)
    ("petitioner.first_name", "petitioner.first_name", 100),
    ("petitioner.last_name", "petitioner.last_name", 100),
    ("attorney.name", "attorney.name", 100),
    ("records.0.charges.1.victims.0.name", "records[0].charges[1].victims[0].name", 100),
    ("petitioner.address.street", "petitioner.address.street", 200),
    ("records.0.court.location", "records[0].court.location", 200),
    ("trafficking.narrative", "trafficking.narrative", 20_000),
    ("records.0.charges.0.description", "records[0].charges[0].description", 1000),
    ("records.0.charges.0.sentence", "records[0].charges[0].sentence", 1000),
    ("attorney.firm", "attorney.firm", 1000),
    ("filing.prosecutor_office", "filing.prosecutor_office", 1000),
]


@pytest.mark.parametrize("where, path, limit", LENGTHS, ids=[p for _, p, _ in LENGTHS])
def test_length_limit_itself_is_fine(cli, tmp_path, case, where, path, limit):
    if where.endswith("court.location"):  # Superior Court locations come from the court directory
        put(case, "records.0.court", {"kind": "federal", "location": "Hartford"})
    assert_valid(cli, tmp_path, put(case, where, "x" * limit))


@pytest.mark.parametrize("where, path, limit", LENGTHS, ids=[p for _, p, _ in LENGTHS])
def test_one_over_the_length_limit_refused(cli, tmp_path, case, where, path, limit):
    assert_refused(cli, tmp_path, put(case, where, "x" * (limit + 1)), path, str(limit))


@pytest.mark.parametrize("value, wording", [("x" * 101, "is longer than 100 characters"), ("   ", "is empty")],
                         ids=["101-characters", "blank"])
def test_text_length_messages_are_friendly(cli, tmp_path, case, value, wording):
    line = assert_refused(cli, tmp_path, put(case, "petitioner.first_name", value), "petitioner.first_name")
    assert wording in line
    assert "items" not in line and "entry" not in line


def test_blank_name_is_refused(cli, tmp_path, case):
    assert_refused(cli, tmp_path, put(case, "petitioner.first_name", "   "), "petitioner.first_name")


def names_as_loaded(tmp_path, case) -> Any:
    loaded = load_case_file(write_case(tmp_path, case))
    assert loaded.ok, loaded.problems
    return loaded.case.petitioner


@pytest.mark.parametrize("name", ["O'Brien", "D’Angelo", "Núñez-García", "Zoë", "Nguyễn", "Ó Briain", "Lindqvist-Ångström"])
def test_names_kept_exactly(tmp_path, case, name):
    put(case, "petitioner.last_name", name)
    assert names_as_loaded(tmp_path, case).last_name == name


def test_names_are_trimmed_and_nfc_normalised(tmp_path, case):
    decomposed = "Jose\u0301"
    assert len(decomposed) == 5
    put(case, "petitioner.first_name", f"  {decomposed} ")
    first = names_as_loaded(tmp_path, case).first_name
    assert first == "Jos\u00e9" == unicodedata.normalize("NFC", decomposed)
    assert len(first) == 4


def test_decomposed_name_of_100_characters_fits(cli, tmp_path, case):
    # 100 letters once composed, 200 code points as written
    assert_valid(cli, tmp_path, put(case, "petitioner.last_name", "e\u0301" * 100))


HIDDEN = [
    ("\x07", "control character U+0007"),
    ("\x1b", "control character U+001B"),
    ("\r", "control character U+000D"),
    ("\t", "control character U+0009"),
    ("\u200b", "zero-width"),
    ("\ufeff", "zero-width"),
    ("\u202e", "bidirectional"),
    ("\u2066", "bidirectional"),
    ("\u200f", "bidirectional"),
]


@pytest.mark.parametrize("char, wording", HIDDEN, ids=[f"U+{ord(c):04X}" for c, _ in HIDDEN])
@pytest.mark.parametrize("where, path", [
    ("petitioner.first_name", "petitioner.first_name"),
    ("records.0.charges.0.description", "records[0].charges[0].description"),
    ("records.0.docket_number", "records[0].docket_number"),
])
def test_hidden_characters_refused(cli, tmp_path, case, char, wording, where, path):
    put(case, where, f"Ma{char}ria" if "name" in where else f"H14H{char}CR15-0123456-S" if "docket" in where
        else f"Prosti{char}tution")
    line = assert_refused(cli, tmp_path, case, path)
    if "docket" not in where:
        assert wording in line


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\x07"], ids=["U+202E", "U+200B", "U+0007"])
def test_hidden_characters_refused_in_narrative(cli, tmp_path, case, char):
    put(case, "trafficking.narrative", f"Line one.\nLine {char}two.")
    assert_refused(cli, tmp_path, case, "trafficking.narrative", "remove it")


def test_newline_allowed_in_narrative(tmp_path, case):
    put(case, "trafficking.narrative", "Line one.\r\nLine two.\n\n\tIndented.")
    loaded = load_case_file(write_case(tmp_path, case))
    assert loaded.ok, loaded.problems
    assert loaded.case.trafficking.narrative == "Line one.\nLine two.\n\n\tIndented."


@pytest.mark.parametrize("where, path", [
    ("petitioner.first_name", "petitioner.first_name"), ("petitioner.last_name", "petitioner.last_name"),
    ("attorney.name", "attorney.name"), ("records.0.charges.0.description", "records[0].charges[0].description")])
def test_newline_refused_outside_narrative(cli, tmp_path, case, where, path):
    assert_refused(cli, tmp_path, put(case, where, "Maria\nSantos"), path, "control character U+000A")


def test_hidden_characters_refused_in_extra(cli, tmp_path, case):
    case["extra"] = {"clinic_note": "pay \u202e0001$"}
    assert_refused(cli, tmp_path, case, "extra.clinic_note", "bidirectional")


@pytest.mark.parametrize("spelling", [
    "AM", "A misdemeanor", "class A misdemeanor", "Class B Misd.", "CM", "DM", "D misdemeanor", "class D felony",
    "DF", "EF", "C felony", "UF", "UM", "unclassified felony", "unclassified misdemeanor", "violation", "infraction"])
def test_offense_class_spellings_accepted(cli, tmp_path, case, spelling):
    assert_valid(cli, tmp_path, put(case, "records.0.charges.0.offense_class", spelling))


@pytest.mark.parametrize("spelling", ["E misdemeanor", "EM", "FF", "class Z felony", "felony", "misdemeanor A",
                                      "AMF", "serious", "1"])
def test_offense_class_nonsense_refused(cli, tmp_path, case, spelling):
    assert_refused(cli, tmp_path, put(case, "records.0.charges.0.offense_class", spelling),
                   "records[0].charges[0].offense_class", "class")


@pytest.mark.parametrize("where, path", [
    ("records.0.charges.0.statute", "records[0].charges[0].statute"),
    ("trafficking.predicates.1", "trafficking.predicates[1]")])
def test_citation_nonsense_refused(cli, tmp_path, case, where, path):
    assert_refused(cli, tmp_path, put(case, where, "the prostitution law"), path, "statute citation")


@pytest.mark.parametrize("value", [2, 0, "two"])
def test_other_formats_refused(cli, tmp_path, case, value):
    assert_refused(cli, tmp_path, put(case, "format", value), "format", "must be 1")


def test_as_of_defaults_to_today(tmp_path, case):
    del case["as_of"]
    del case["filing"]
    loaded = load_case_file(write_case(tmp_path, case))
    assert loaded.ok, loaded.problems
    assert loaded.case.as_of == dt.date.today()


def test_as_of_given_is_kept(tmp_path, case):
    loaded = load_case_file(write_case(tmp_path, case))
    assert loaded.case.as_of == dt.date(2026, 11, 30)


def test_as_of_omitted_refuses_future_dates(cli, tmp_path, case):
    del case["as_of"]
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    put(case, "trafficking.evidence.0.date", future)
    assert_refused(cli, tmp_path, case, "trafficking.evidence[0].date", f"is after as_of {dt.date.today()}")


@pytest.mark.parametrize("value", ["yes", "No", "On"])
def test_yaml_yes_no_words_stay_names(tmp_path, case, value):
    put(case, "petitioner.middle_name", value)
    assert names_as_loaded(tmp_path, case).middle_name == value


# ---------------------------------------------------------------- dates that do not exist

def test_impossible_date_at_its_field_with_line(cli):
    code, _, err = run(cli, BAD / "impossible-date.yaml")
    assert code == 1
    [line] = errors(err)
    text = (BAD / "impossible-date.yaml").read_text().splitlines()
    lineno = next(i for i, t in enumerate(text, 1) if "date_of_birth: 1999-02-30" in t)
    assert "[BAD-1] petitioner.date_of_birth: " in line
    assert "not a valid date" in line
    assert line.endswith(f"(line {lineno})")
    assert "YAML" not in line
    assert "1999-02-30" not in line  # a date of birth is personal


@pytest.mark.parametrize("bad", ["2015-02-29", "2015-13-01", "2015-3-1", "03/01/2015", "yesterday"])
def test_bad_dates_at_their_field(cli, tmp_path, case, bad):
    assert_refused(cli, tmp_path, put(case, "records.0.charges.0.offense_date", bad),
                   "records[0].charges[0].offense_date", "is not a valid date", "(line ")


def test_leap_day_is_a_date(cli, tmp_path, case):
    put(case, "records.1.charges.0.offense_date", "2016-02-29")
    assert_valid(cli, tmp_path, case)


# ---------------------------------------------------------------- files that cannot be read

def deep_lists(folder: Path) -> Path:
    path = folder / "deep.yaml"
    path.write_text("[" * 10_000 + "]" * 10_000)
    return path


def deep_json(folder: Path) -> Path:
    path = folder / "deep.json"
    path.write_text("[" * 10_000 + "]" * 10_000)
    return path


def deep_mapping(folder: Path) -> Path:
    path = folder / "deep-map.yaml"
    path.write_text("extra: " + "{a: " * 60 + "1" + "}" * 60 + "\n")
    return path


def huge(folder: Path) -> Path:
    path = folder / "huge.yaml"
    with open(path, "wb") as f:  # sparse: instant, takes no disk
        f.truncate(50 * 1024 * 1024)
    return path


def empty_folder(folder: Path) -> Path:
    (folder / "inbox").mkdir()
    (folder / "inbox" / "notes.txt").write_text("not a case")
    (folder / "inbox" / ".hidden.yaml").write_text("case_id: X")
    return folder / "inbox"


BAD_INPUTS = [
    # (fixture name or maker, words the one error line must contain)
    ("syntax-error.yaml", ["is not valid YAML at line 3"]),
    ("top-level-list.yaml", ["mapping", "not list"]),
    ("empty.yaml", ["is empty"]),
    ("whitespace-only.yaml", ["is empty"]),
    ("binary.yaml", ["not a text file"]),
    ("latin1.yaml", ["not UTF-8"]),
    ("notes.txt", ["unsupported type '.txt'"]),
    ("syntax-error.json", ["is not valid JSON at line 4"]),
    ("duplicate-keys.json", ["'last_name' appears twice"]),
    ("duplicate-keys.yaml", ["petitioner.last_name: appears twice", "(line 6)"]),
    ("python-tag.yaml", ["python/object/apply:os.system", "line 18", "only plain values"]),
    ("alias-bomb.yaml", ["more than 100,000 values"]),
    (deep_lists, ["nested too deeply"]),
    (deep_json, ["nested too deeply"]),
    (deep_mapping, ["nested too deeply"]),
    (huge, ["50.0 MB", "at most 5 MB"]),
    (empty_folder, ["holds no case files"]),
    (lambda folder: folder / "missing.yaml", ["no such file"]),
]


@pytest.mark.parametrize("source, words", BAD_INPUTS,
                         ids=[s if isinstance(s, str) else s.__name__.replace("<lambda>", "missing") for s, _ in BAD_INPUTS])
def test_bad_input_is_one_clear_line(cli, tmp_path, source, words):
    path = BAD / source if isinstance(source, str) else source(tmp_path)
    code, out, err = run(cli, path)
    assert code == 1
    assert len(err.splitlines()) == 1, err
    [line] = errors(err)
    assert line.startswith(f"error: {path}")
    for word in words:
        assert word in line, line
    if source is empty_folder:  # no case at all was read
        assert "0 valid, 0 invalid (0 cases read); 1 input could not be read" in out
    else:
        assert "0 valid, 1 invalid" in out


def test_python_tag_is_never_run(cli, tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "tag.yaml"
    path.write_text(f'case_id: X\nextra: !!python/object/apply:os.system ["touch {marker}"]\n')
    code, _, err = run(cli, path)
    assert code == 1 and "YAML tag" in err
    assert not marker.exists()


def test_yaml_error_line_number(cli, tmp_path, case):
    text = yaml.safe_dump(case, sort_keys=False).splitlines()
    text.insert(9, "  street_view: @home")  # '@' cannot start a YAML value: line 10
    (tmp_path / "case.yaml").write_text("\n".join(text) + "\n")
    code, _, err = run(cli, tmp_path / "case.yaml")
    assert code == 1
    [line] = errors(err)
    assert "is not valid YAML at line 10" in line


def test_bad_file_does_not_stop_the_others(cli, tmp_path, case):
    good = write_case(tmp_path, case)
    code, out, err = run(cli, good, BAD / "empty.yaml", BAD / "top-level-list.yaml")
    assert code == 1
    assert len(errors(err)) == 2
    assert "1 valid, 2 invalid (3 cases read)" in out


def test_validate_needs_an_argument(cli):
    code, out, err = cli("validate")
    assert code == 2
    assert "Traceback" not in out + err
    assert "Missing argument" in err


# ---------------------------------------------------------------- every problem at once

def test_three_problems_three_lines(cli):
    code, out, err = run(cli, BAD / "three-errors.yaml")
    assert code == 1
    lines = errors(err)
    assert len(lines) == 3, err
    for path in ("petitioner.address.state", "records[0].court.kind", "records[0].charges[0].disposition"):
        assert sum(f"[BAD-1] {path}: " in line for line in lines) == 1, err
    assert "0 valid, 1 invalid (1 case read)" in out


def test_cross_field_problems_all_reported(cli, tmp_path, case):
    put(case, "records.0.charges.0.disposition_date", "2015-02-01")   # before offense
    put(case, "records.1.charges.0.disposition_date", "2016-01-01")   # before offense, in another record
    put(case, "trafficking.period.end", "2012-01-01")                 # before start
    code, _, err = check(cli, tmp_path, case)
    assert code == 1
    lines = errors(err)  # records[0]'s new disposition date is also before its arrest date
    assert len(lines) == 4, err
    for path in ("records[0].charges[0].disposition_date", "records[1].charges[0].disposition_date",
                 "trafficking.period.end"):
        assert any(f"] {path}: " in line for line in lines), err


def test_record_level_problems_all_reported(cli, tmp_path, case):
    put(case, "records.0.arrest_date", "2015-06-11")                  # after both dispositions
    put(case, "records.0.charges.1.disposition", "fwsn")              # juvenile disposition in adult
    code, _, err = check(cli, tmp_path, case)
    lines = errors(err)
    assert len(lines) == 3, err
    for path in ("records[0].charges[0].disposition_date", "records[0].charges[1].disposition_date",
                 "records[0].charges[1].disposition"):
        assert any(f"] {path}: " in line for line in lines), err


def test_case_level_problems_all_reported(cli, tmp_path, case):
    put(case, "records.1.docket_number", BASE["records"][0]["docket_number"])
    put(case, "trafficking.evidence.0.date", DAY_AFTER)
    put(case, "records.1.charges.0.offense_date", "1990-01-01")
    code, _, err = check(cli, tmp_path, case)
    assert code == 1
    lines = errors(err)
    assert len(lines) == 3, err
    for path in ("records[1].docket_number", "trafficking.evidence[0].date", "records[1].charges[0].offense_date"):
        assert any(f"] {path}: " in line for line in lines), err





def test_field_error_does_not_hide_case_level_problems(cli, tmp_path, case):
    put(case, "petitioner.address.state", "ct")                  # a field error
    put(case, "trafficking.evidence.0.date", DAY_AFTER)          # a case-level cross-field error
    code, _, err = check(cli, tmp_path, case)
    lines = errors(err)
    assert any("] petitioner.address.state: " in line for line in lines), err
    assert any("] trafficking.evidence[0].date: " in line for line in lines), err


def test_charge_rule_does_not_hide_record_and_case_rules(cli, tmp_path, case):
    put(case, "records.0.charges.0.disposition_date", "2015-02-01")   # charge rule: before offense
    put(case, "records.0.charges.1.disposition", "fwsn")              # record rule: juvenile disposition in adult
    put(case, "trafficking.evidence.0.date", DAY_AFTER)               # case rule: after as_of
    code, _, err = check(cli, tmp_path, case)
    lines = errors(err)
    for path in ("records[0].charges[0].disposition_date", "records[0].charges[1].disposition",
                 "trafficking.evidence[0].date"):
        assert any(f"] {path}: " in line for line in lines), err


def test_arrest_rule_does_not_hide_as_of_rule(cli, tmp_path, case):
    put(case, "records.0.arrest_date", DAY_AFTER)  # after as_of, and after the dispositions
    code, _, err = check(cli, tmp_path, case)
    assert any("] records[0].arrest_date: 2026-12-01 is after as_of" in line for line in errors(err)), err


def test_messages_carry_line_numbers(cli, tmp_path, case):
    put(case, "records.0.court.kind", "superior")
    path = write_case(tmp_path, case)
    lineno = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "superior" in t)
    code, _, err = run(cli, path)
    [line] = errors(err)
    assert line.endswith(f"(line {lineno})")
