"""Readiness: a case is ready to file, or every missing fact is named (id, field path, plain sentence)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any, Callable

import pytest
import yaml

from erasure_docs.model import Case
from erasure_docs.readiness import BLOCKERS, WARNINGS, Readiness, assess
from erasure_docs.rules.engine import evaluate
from tests.conftest import SAMPLES

COMPLETE = yaml.safe_load((SAMPLES / "complete.yaml").read_text(encoding="utf-8"))
LARCENY = ("records", 0, "charges", 0)


def judged(data: dict[str, Any]) -> Readiness:
    case = Case.model_validate(data)
    return assess(case, evaluate(case))


def edited(change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    data = copy.deepcopy(COMPLETE)
    change(data)
    return data


def larceny(data: dict[str, Any]) -> dict[str, Any]:
    return data["records"][0]["charges"][0]


def only(items: tuple, item_id: str) -> tuple[str, str]:
    found = [(i.path, i.message) for i in items if i.id == item_id]
    assert len(found) == 1, f"{item_id}: {items}"
    return found[0]


def test_the_complete_sample_is_ready_with_nothing_to_supply():
    readiness = judged(COMPLETE)
    assert readiness.ready and readiness.blockers == ()
    assert [w.id for w in readiness.warnings] == []


def self_represented_without_address(data):
    del data["attorney"]
    del data["petitioner"]["address"]


def no_victim_statement(data):
    larceny(data)["victims"] = []


def victim_without_address(data):
    del larceny(data)["victims"][0]["address"]


def notice_not_mailed(data):
    del larceny(data)["victims"][0]["notice"]


def notice_without_date(data):
    del larceny(data)["victims"][0]["notice"]["mailed_on"]


def notice_without_tracking(data):
    del larceny(data)["victims"][0]["notice"]["tracking_number"]


def juvenile_without_discharge(data):
    data["records"][0].update(docket_number="F02B-CP16-0001234-A",
                              court={"kind": "juvenile", "location": "Bridgeport"}, proceeding="juvenile")
    data["petitioner"]["date_of_birth"] = "1999-09-08"  # 16 at the offenses
    for charge in data["records"][0]["charges"]:
        charge.update(disposition="adjudicated_delinquent", offense_class=None, victims=[], discharge_date="2017-05-01")
    del larceny(data)["discharge_date"]


def juvenile_at_middletown(data: dict[str, Any]) -> None:
    """A court whose prosecutor's address the directory does not know."""
    juvenile_without_discharge(data)
    larceny(data)["discharge_date"] = "2017-05-01"
    data["records"][0].update(docket_number="M08-JV16-0001234", court={"kind": "juvenile", "location": "Middletown"})


BLOCKER_CASES = [
    ("narrative_missing", lambda d: d["trafficking"].pop("narrative"), "trafficking.narrative",
     "The affidavit has no account of the trafficking"),
    ("evidence_missing", lambda d: d["trafficking"].pop("evidence"), "trafficking.evidence", "No evidence is listed"),
    ("signer_address_missing", self_represented_without_address, "petitioner.address",
     "A self-represented petitioner signs with an address"),
    ("prosecutor_address_missing", juvenile_at_middletown, "records[0].prosecutor",
     "are served on the Office of the State's Attorney, Juvenile Matters at Middletown, whose address the court "
     "directory does not know"),
    ("victims_not_stated", no_victim_statement, "records[0].charges[0].victims",
     "For docket F02B-CR16-0287731-S, charge 1 (C.G.S. § 53a-125b), an offense that usually has a victim, no "
     "victim is listed"),
    ("victim_address_missing", victim_without_address, "records[0].charges[0].victims[0].address",
     "The notice to victim 1 of docket F02B-CR16-0287731-S, charge 1 (C.G.S. § 53a-125b) cannot be mailed"),
    ("victim_notice_not_mailed", notice_not_mailed, "records[0].charges[0].victims[0].notice",
     "is not recorded as mailed"),
    ("victim_notice_not_mailed", notice_without_date, "records[0].charges[0].victims[0].notice",
     "is not recorded as mailed"),
    ("victim_notice_tracking_missing", notice_without_tracking,
     "records[0].charges[0].victims[0].notice.tracking_number", "has no tracking number"),
    ("juvenile_discharge_unknown", juvenile_without_discharge, "records[0].charges[0].discharge_date",
     "the date of discharge from the court's supervision or custody is not known"),
]


@pytest.mark.parametrize("blocker, change, path, sentence", BLOCKER_CASES, ids=[c[0] for c in BLOCKER_CASES])
def test_each_blocker_names_its_field_and_says_what_to_supply(blocker, change, path, sentence):
    readiness = judged(edited(change))
    assert not readiness.ready
    got_path, message = only(readiness.blockers, blocker)
    assert got_path == path
    assert sentence in message and message.endswith(".")


def test_every_blocker_id_is_tested():
    assert {c[0] for c in BLOCKER_CASES} == set(BLOCKERS)


def test_an_explicit_no_victim_statement_is_a_decision_not_an_omission():
    def stated(data):
        larceny(data)["victims"] = []
        larceny(data)["no_identifiable_victim"] = True
    readiness = judged(edited(stated))
    assert readiness.ready
    report = evaluate(Case.model_validate(edited(stated)))
    assert "victim_list_missing" not in report.charges[0].flags


def test_a_no_victim_statement_with_victims_listed_is_refused():
    data = edited(lambda d: larceny(d).update(no_identifiable_victim=True))
    with pytest.raises(ValueError, match=r"charges\[0\]\.no_identifiable_victim: is true, but victims are listed"):
        Case.model_validate(data)


def needs_review(data):
    larceny(data)["related_to_trafficking"] = None


def unverified_statute() -> str:
    """A table row not yet verified that decides a 2016 misdemeanor conviction as eligible on its own."""
    from erasure_docs.rules.tables import load_tables

    for row in load_tables().offenses.values():
        classes = [c for p in row.periods for c in p.classes if p.covers(dt.date(2016, 3, 19))]
        if not row.verified and len(classes) == 1 and classes[0].kind == "misdemeanor" and "(" not in row.statute:
            return row.statute
    raise AssertionError("the table has no unverified misdemeanor row")


def unverified(data):
    larceny(data).update(statute=unverified_statute(), description="Offense", offense_class=None)


def no_factors(data):
    larceny(data)["discretion_factors"] = []


def anonymous_declaration(data):
    del data["trafficking"]["evidence"][1]["author"]


def non_citizen(data):
    data["petitioner"]["non_citizen"] = True


WARNING_CASES = [
    ("charge_needs_review", needs_review, "records[0].charges[0]",
     "Docket F02B-CR16-0287731-S, charge 1 (C.G.S. § 53a-125b) is left out of the papers until it is decided: "),
    ("unverified_law", unverified, "records[0].charges[0].statute", "rests on a law-table entry not yet verified"),
    ("discretion_factors_missing", no_factors, "records[0].charges[0].discretion_factors",
     "is discretionary, but no reasons are given"),
    ("evidence_author_missing", anonymous_declaration, "trafficking.evidence[1].author",
     "Evidence 2 is a law-enforcement declaration that does not say who made it"),
    ("non_citizen", non_citizen, "petitioner.non_citizen",
     "Matter of Pickering, 23 I&N Dec. 621 (BIA 2003)"),
]


@pytest.mark.parametrize("warning, change, path, sentence", WARNING_CASES, ids=[c[0] for c in WARNING_CASES])
def test_each_warning_names_its_field_and_says_what_to_weigh(warning, change, path, sentence):
    data = edited(change)
    readiness = judged(data)
    got_path, message = only(readiness.warnings, warning)
    assert got_path == path and sentence in message
    if warning == "non_citizen":
        assert "admissions" in message and "admissibility" in message


def test_every_warning_id_is_tested():
    assert {c[0] for c in WARNING_CASES} == set(WARNINGS)


def test_an_unverified_predicate_that_qualifies_is_a_warning():
    from erasure_docs.rules.tables import load_tables

    federal = [f"18 U.S.C. § {row.section}" for row in load_tables().federal_ch77.values()
               if row.criminal and not row.verified]
    if not federal:
        pytest.skip("every criminal chapter 77 row is verified")
    readiness = judged(edited(lambda d: d["trafficking"].update(predicates=[federal[0]])))
    on_predicate = [i for i in readiness.warnings if i.path == "trafficking.predicates[0]"]
    assert [i.id for i in on_predicate] == ["unverified_law"] and federal[0] in on_predicate[0].message


def test_nothing_to_file_means_nothing_blocks():
    data = yaml.safe_load((SAMPLES / "nolle.yaml").read_text(encoding="utf-8"))
    data["trafficking"].pop("narrative", None)
    data["trafficking"].pop("evidence", None)
    assert judged(data).blockers == ()


def test_messages_never_name_a_person():
    data = edited(lambda d: (notice_not_mailed(d), victim_without_address(d), self_represented_without_address(d),
                             non_citizen(d)))
    readiness = judged(data)
    text = json.dumps(readiness.to_json(), ensure_ascii=False)
    for name in ("Rosa", "Quintero", "Seaview", "Okafor"):
        assert name not in text


# ---------------------------------------------------------------- check: JSON and table

def test_check_json_reports_readiness(cli):
    complete = json.loads(cli("check", SAMPLES / "complete.yaml", "--json")[1])
    assert complete["readiness"] == {"ready": True, "blockers": [], "warnings": []}
    draft = json.loads(cli("check", SAMPLES / "batch-clinic-day.csv", "--json")[1])
    first = draft[0]["readiness"]
    assert first["ready"] is False
    assert {"id": "narrative_missing", "path": "trafficking.narrative"}.items() <= first["blockers"][0].items()
    assert set(first["blockers"][0]) == {"id", "path", "message"}


def test_check_table_says_ready_or_lists_the_blockers(cli):
    code, out, _ = cli("check", SAMPLES / "complete.yaml")
    assert code == 0 and out.rstrip().endswith("Ready to file.")
    code, out, _ = cli("check", SAMPLES / "batch-clinic-day.csv")
    assert code == 0
    assert "Not ready to file: " in out and "[narrative_missing] trafficking.narrative" in out


def test_the_readme_minimal_example_is_a_draft_with_the_blockers_it_lists():
    import re

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("A minimal case:"):]
    example = yaml.safe_load(section[section.index("```yaml") + 7:section.index("```", section.index("```yaml") + 7)])
    listing = section[section.index("```text"):section.index("```", section.index("```text") + 7)]
    readiness = judged(example)
    assert not readiness.ready
    assert f"Not ready to file: {len(readiness.blockers)} blockers" in listing
    listed = re.findall(r"\[(\w+)\] (\S+)", listing)
    assert listed == [(b.id, b.path) for b in readiness.blockers]
