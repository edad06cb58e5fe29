"""Every row of every statute table, every rule, and the boundaries the rules turn on.

The table tests do not restate the table: for each row and each of its date ranges they build a conviction
dated inside the range and check that the engine's class and § 54-95c verdict follow from § 54-95c(a)
applied to that row — so a wrong row shows up as a wrong outcome in review, and a broken lookup as a failure.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from erasure_docs.citations import parse_citation
from erasure_docs.model import Case
from erasure_docs.offense_class import parse_offense_class
from erasure_docs.rules.engine import RULES, add_months, evaluate
from erasure_docs.rules.tables import load_tables

TABLES = load_tables()
ELIGIBLE = {parse_offense_class(c) for c in TABLES.param("vacatur_eligible_classes")}
LIMIT = TABLES.param("vacatur_unclassified_felony_max_years")


def make_case(statute: str = "53a-82", *, born: str = "1990-01-01", offense: str | None = "2015-03-01",
              disposition: str = "convicted", disposed: str | None = "2015-06-01", proceeding: str = "adult",
              court: dict | None = None, predicates: tuple[str, ...] = ("53a-192a",), related: bool | None = True,
              period: dict | None = None, as_of: str = "2026-11-30", **charge_extra) -> Case:
    charge = {"statute": statute, "disposition": disposition, **charge_extra}
    if offense:
        charge["offense_date"] = offense
    if disposed:
        charge["disposition_date"] = disposed
    if related is not None:
        charge["related_to_trafficking"] = related
    trafficking = {"predicates": list(predicates)}
    if period:
        trafficking["period"] = period
    return Case.model_validate({
        "case_id": "T-1", "as_of": as_of,
        "petitioner": {"first_name": "Test", "last_name": "Person", "date_of_birth": born},
        "trafficking": trafficking,
        "records": [{"docket_number": "H14H-CR15-0000001-S", "court": court or {"kind": "ga", "number": 14,
                                                                                  "location": "Hartford"},
                     "proceeding": proceeding, "charges": [charge]}],
    })


def only_charge(case: Case) -> dict:
    report = evaluate(case).to_json()
    [charge] = report["charges"]
    return charge


def rule_ids(charge: dict) -> list[str]:
    return [r["rule"] for r in charge["reasons"]]


# ---------------------------------------------------------------- every Connecticut row

def period_cases():
    for row in TABLES.offenses.values():
        for i, period in enumerate(row.periods):
            yield pytest.param(row, period, id=f"{row.statute}#{i}")


def inside(period) -> dt.date:
    """An offense date inside the range (and after 2013, so that every class exists)."""
    if period.start and period.until:
        return period.start + (period.until - period.start) / 2
    if period.start:
        return max(period.start, dt.date(2014, 1, 1)) if not period.until else period.start
    if period.until:
        return period.until - dt.timedelta(days=30)
    return dt.date(2018, 6, 1)


def expected_verdict(period) -> str:
    verdicts = set()
    for offense_class in period.classes or [None]:
        if offense_class is None:
            verdicts.add(None)
        elif offense_class.kind == "felony" and offense_class.unclassified:
            verdicts.add(None if period.max_term_years is None else period.max_term_years <= LIMIT)
        else:
            verdicts.add(offense_class in ELIGIBLE)
    if verdicts == {True}:
        return "eligible"
    if verdicts == {False}:
        return "not_eligible"
    return "needs_review"


@pytest.mark.parametrize("row, period", list(period_cases()))
def test_every_ct_row_decides_by_its_class(row, period):
    offense = inside(period)
    case = make_case(row.statute, offense=offense.isoformat(), disposed=(offense + dt.timedelta(days=30)).isoformat())
    charge = only_charge(case)
    assert charge["citation"] == parse_citation(row.statute).canonical
    assert charge["status"] == expected_verdict(period), charge["reasons"]
    if len(period.classes) == 1:
        assert charge["offense_class"] == period.classes[0].display
    assert ("trafficking_related" in charge["flags"]) == row.trafficking_related
    # the § 54-95c(b) notice matters only where vacatur is possible
    assert ("victim_list_missing" in charge["flags"]) == (row.has_victim and charge["status"] == "eligible")
    assert ("unverified_law" in charge["flags"]) is (not row.verified)
    if charge["status"] == "eligible":
        assert charge["relief"] == ("mandatory" if row.statute == "53a-82" else "discretionary")


def test_ct_table_is_well_formed():
    assert len(TABLES.offenses) >= 60
    for row in TABLES.offenses.values():
        assert row.source, row.statute
        for earlier, later in zip(row.periods, row.periods[1:]):
            assert earlier.until and later.start and earlier.until <= later.start, row.statute
        bare = row.statute.split("(")[0]
        assert not ("(" in row.statute and bare in TABLES.offenses), f"{bare} has both a bare and a subsection row"


# ---------------------------------------------------------------- every federal row

@pytest.mark.parametrize("row", list(TABLES.federal_ch77.values()), ids=lambda r: r.section)
def test_every_federal_row_decides_the_predicate(row):
    case = make_case(predicates=(f"18 U.S.C. § {row.section}",))
    report = evaluate(case).to_json()
    [predicate] = report["predicates"]
    assert predicate["qualifies"] is row.criminal
    assert predicate["jurisdiction"] == "federal"
    assert report["charges"][0]["status"] == ("eligible" if row.criminal else "not_eligible")


def test_federal_table_holds_all_of_chapter_77():
    sections = set(TABLES.federal_ch77)
    assert {str(n) for n in range(1581, 1598)} | {"1593A"} <= sections
    assert {s for s, r in TABLES.federal_ch77.items() if not r.criminal} >= {"1593", "1595", "1596"}


# ---------------------------------------------------------------- every parameter, by what it changes

def test_parameters_all_have_sources():
    for parameter in TABLES.parameters.values():
        assert parameter.source, parameter.name


def test_nolle_boundary_exactly_thirteen_months():
    months = TABLES.param("nolle_erasure_months")
    nolled = dt.date(2025, 10, 15)
    due = add_months(nolled, months)
    for as_of in (due - dt.timedelta(days=1), due):
        charge = only_charge(make_case(disposition="nolle", disposed=nolled.isoformat(), as_of=as_of.isoformat()))
        assert (charge["status"], charge["pathway"], charge["erasure_date"]) == ("automatic", "54-142a", due.isoformat())
        assert ("were erased" in charge["reasons"][0]["text"]) == (as_of >= due)


def test_youthful_offender_erasure_on_21st_birthday():
    age = TABLES.param("youthful_offender_erasure_age")
    charge = only_charge(make_case("53a-125b", born="2001-05-20", offense="2018-01-10", disposed="2018-03-01",
                                   disposition="youthful_offender", proceeding="youthful_offender",
                                   discharge_date="2019-03-01"))
    assert charge["status"] == "automatic" and charge["pathway"] == "54-76o"
    assert charge["erasure_date"] == f"{2001 + age}-05-20"


def test_youthful_offender_discharged_after_21_is_erased_on_discharge():
    charge = only_charge(make_case("53a-125b", born="2001-05-20", offense="2018-01-10", disposed="2018-03-01",
                                   disposition="youthful_offender", proceeding="youthful_offender",
                                   discharge_date="2023-02-01"))
    assert charge["status"] == "automatic" and charge["erasure_date"] == "2023-02-01"


def test_youthful_offender_without_discharge_needs_review():
    charge = only_charge(make_case("53a-125b", born="2001-05-20", offense="2018-01-10", disposed="2018-03-01",
                                   disposition="youthful_offender", proceeding="youthful_offender"))
    assert charge["status"] == "needs_review" and rule_ids(charge) == ["erasure.youthful_offender_discharge_unknown"]


def test_youthful_offender_with_a_later_felony_is_not_eligible():
    case = Case.model_validate({**json.loads(make_case("53a-125b", born="2001-05-20", offense="2018-01-10",
                                                       disposed="2018-03-01", disposition="youthful_offender",
                                                       proceeding="youthful_offender").model_dump_json()),
                                "records": [
        {"docket_number": "YO-1", "court": {"kind": "ga", "number": 14, "location": "Hartford"},
         "proceeding": "youthful_offender", "charges": [{"statute": "53a-125b", "disposition": "youthful_offender",
                                                         "offense_date": "2018-01-10", "disposition_date": "2018-03-01"}]},
        {"docket_number": "AD-1", "court": {"kind": "ga", "number": 14, "location": "Hartford"},
         "proceeding": "adult", "charges": [{"statute": "53a-124", "disposition": "convicted",
                                             "offense_date": "2020-01-10", "disposition_date": "2020-06-01"}]}]})
    first = evaluate(case).to_json()["charges"][0]
    assert first["status"] == "not_eligible" and "erasure.youthful_offender_later_felony" in rule_ids(first)


@pytest.mark.parametrize("offense, age", [("2016-09-30", 17), ("2016-10-01", 17), ("2009-05-01", 17)])
def test_minor_prostitution_around_the_2016_bar(offense, age):
    born = dt.date(int(offense[:4]) - age, 1, 1) if offense[5:] != "01-01" else None
    charge = only_charge(make_case("53a-82", born=born.isoformat(), offense=offense, disposed=offense))
    assert "minor_prostitution" in charge["flags"]
    text = " ".join(r["text"] for r in charge["reasons"] if r["rule"] == "flag.minor_prostitution")
    bar = dt.date.fromisoformat(TABLES.param("minor_prostitution_bar_date"))
    barred = dt.date.fromisoformat(offense) >= bar
    assert ("barred this finding" in text) == barred
    assert ("prostitution.finding_barred" in rule_ids(charge)) == barred
    assert charge["status"] == "eligible" and charge["relief"] == "mandatory"


def test_adult_prostitution_has_no_minor_flag():
    assert "minor_prostitution" not in only_charge(make_case("53a-82"))["flags"]


@pytest.mark.parametrize("maximum, status", [(10, "eligible"), (10.5, "not_eligible"), (None, "needs_review")])
def test_unclassified_felony_maximum_boundary(maximum, status):
    extra = {"max_term_years": maximum} if maximum is not None else {}
    charge = only_charge(make_case("53a-999", offense_class="unclassified felony", **extra))
    assert charge["status"] == status, charge["reasons"]


@pytest.mark.parametrize("recorded, offense, status, flag", [
    ("class E felony", "2011-06-01", "needs_review", True),   # class E did not exist yet
    ("class E felony", "2018-06-01", "eligible", True),       # exists, but the table says D felony
    ("DF", "2018-06-01", "eligible", False),
    ("class B felony", "2018-06-01", "not_eligible", True),
])
def test_recorded_class_wins_and_mismatch_is_flagged(recorded, offense, status, flag):
    charge = only_charge(make_case("53a-124", offense=offense, disposed=offense, offense_class=recorded))
    assert charge["status"] == status
    assert ("class_mismatch" in charge["flags"]) is flag


def test_class_dates_follow_the_parameters():
    created = dt.date.fromisoformat(TABLES.param("class_d_misdemeanor_and_e_felony_since"))
    before = (created - dt.timedelta(days=1)).isoformat()
    charge = only_charge(make_case("53a-125b", offense=before, disposed=before, offense_class="D misdemeanor"))
    assert charge["status"] == "needs_review" and "vacatur.class_not_in_force" in rule_ids(charge)


def test_trafficking_in_persons_class_changes_on_the_parameter_date():
    change = TABLES.param("trafficking_in_persons_class_a_since")
    day_before = (dt.date.fromisoformat(change) - dt.timedelta(days=1)).isoformat()
    assert only_charge(make_case("53a-192a", offense=day_before, disposed=change))["offense_class"] == "class B felony"
    assert only_charge(make_case("53a-192a", offense=change, disposed=change))["offense_class"] == "class A felony"


def test_drug_possession_reclassified_on_the_parameter_date():
    change = TABLES.param("drug_possession_reclassified_on")
    after = only_charge(make_case("21a-279", offense=change, disposed=change))
    assert after["status"] == "eligible" and after["offense_class"] == "class A misdemeanor"
    before = (dt.date.fromisoformat(change) - dt.timedelta(days=1)).isoformat()
    assert only_charge(make_case("21a-279", offense=before, disposed=change))["status"] == "needs_review"


def test_dismissal_erased_after_the_appeal_period():
    days = TABLES.param("appeal_period_days")
    charge = only_charge(make_case(disposition="dismissed", disposed="2024-01-10"))
    assert charge["status"] == "automatic" and charge["pathway"] == "54-142a"
    assert charge["erasure_date"] == (dt.date(2024, 1, 10) + dt.timedelta(days=days)).isoformat()


# ---------------------------------------------------------------- every rule, fired at least once

RULE_FIRING_CASES = {
    "predicate.ct_trafficking": make_case(),
    "predicate.federal_ch77": make_case(predicates=("18 U.S.C. § 1591",)),
    "predicate.federal_ch77_not_criminal": make_case(predicates=("18 U.S.C. § 1595",)),
    "predicate.federal_not_ch77": make_case(predicates=("18 U.S.C. § 2421",)),
    "predicate.not_trafficking_offense": make_case(predicates=("53a-86",)),
    "federal.conviction": make_case("18 U.S.C. § 1952", court={"kind": "federal", "location": "Hartford"}),
    "federal.record": make_case("18 U.S.C. § 1952", disposition="dismissed",
                                court={"kind": "federal", "location": "Hartford"}),
    "charge.pending": make_case(disposition="pending", disposed=None),
    "erasure.juvenile_dismissal": make_case(born="2002-01-01", disposition="dismissed", proceeding="juvenile",
                                            court={"kind": "juvenile", "location": "Hartford"}),
    "juvenile.nolle": make_case(born="2002-01-01", disposition="nolle", proceeding="juvenile",
                                court={"kind": "juvenile", "location": "Hartford"}),
    "erasure.youthful_offender": make_case(born="1997-01-01", disposition="youthful_offender",
                                           proceeding="youthful_offender", discharge_date="2016-06-01"),
    "erasure.youthful_offender_discharge_unknown": make_case(born="1997-01-01", disposition="youthful_offender",
                                                             proceeding="youthful_offender"),
    "erasure.dismissal": make_case(disposition="not_guilty"),
    "erasure.nolle": make_case(disposition="nolle"),
    "ground.predicate": make_case(),
    "ground.predicate_in_force": make_case(offense="2005-03-01", disposed="2005-06-01",
                                           period={"start": "2004-01-01", "end": "2006-06-30"}),
    "vacatur.class_eligible": make_case(),
    "vacatur.class_excluded": make_case("53a-122"),
    "vacatur.unclassified_max_unknown": make_case("53a-999", offense_class="UF"),
    "vacatur.class_unknown": make_case("53a-999"),
    "vacatur.class_depends_on_facts": make_case("53-21"),
    "vacatur.class_not_in_force": make_case(offense="2011-01-01", disposed="2011-02-01", offense_class="EF"),
    "ground.nexus": make_case(related=None),
    "ground.period": make_case(period={"start": "2016-01-01"}),
    "juvenile.trafficking_ground": make_case(born="2002-01-01", disposition="adjudicated_delinquent",
                                             proceeding="juvenile", court={"kind": "juvenile", "location": "Hartford"}),
    "juvenile.general_ground": make_case(born="2002-01-01", disposition="fwsn", proceeding="juvenile", related=False,
                                         court={"kind": "juvenile", "location": "Hartford"}),
    "vacatur.relief_mandatory": make_case(),
    "vacatur.relief_discretionary": make_case("53a-181"),
    "vacatur.then_erasure": make_case(),
    "vacatur.victim_notice": make_case("53a-125b", victims=[{"name": "Corner Store LLC"}]),
    "flag.minor_prostitution": make_case(born="1998-06-01"),
    "prostitution.finding_barred": make_case(born="1999-06-01", offense="2016-10-01", disposed="2016-11-01"),
    "flag.juvenile_age_in_adult_court": make_case("53a-181", born="1998-06-01"),
    "flag.clean_slate_may_apply": make_case("53a-181"),
    "notice.victim_list_missing": make_case("53a-125b"),
    "law.unverified": make_case("53a-125"),
    "erasure.awaits_other_counts": Case.model_validate({
        **make_case().model_dump(mode="json", exclude={"records"}),
        "records": [{"docket_number": "H14H-CR15-0000002-S", "court": {"kind": "ga", "number": 14, "location": "Hartford"},
                     "proceeding": "adult",
                     "charges": [{"statute": "53a-82", "disposition": "convicted", "offense_date": "2015-03-01",
                                  "disposition_date": "2015-06-01", "related_to_trafficking": True},
                                 {"statute": "53a-181", "disposition": "nolle", "offense_date": "2015-03-01",
                                  "disposition_date": "2015-06-01"}]}]}),
}


def test_every_rule_has_a_firing_case():
    assert set(RULE_FIRING_CASES) | {"erasure.youthful_offender_later_felony"} == {rule for rule, _, _ in RULES}
    assert len({rule for rule, _, _ in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", sorted(RULE_FIRING_CASES))
def test_rule_fires_with_its_citation(rule):
    report = evaluate(RULE_FIRING_CASES[rule]).to_json()
    reasons = [r for c in report["charges"] for r in c["reasons"]] + [r for p in report["predicates"]
                                                                      for r in p["reasons"]]
    fired = [r for r in reasons if r["rule"] == rule]
    assert fired, [r["rule"] for r in reasons]
    declared = {rule_id: cite for rule_id, cite, _ in RULES}[rule]
    assert all(r["cite"] and r["text"] for r in fired)
    sections = re.findall(r"\d+[a-z]?-\d+[a-z]*|ch\. 77|erasure_docs/law", declared)
    assert any(section in fired[0]["cite"] for section in sections), (fired[0]["cite"], declared)


def test_predicate_that_fails_leaves_automatic_erasure_alone():
    case = make_case(disposition="nolle", predicates=("18 U.S.C. § 2421",))
    assert only_charge(case)["status"] == "automatic"


def test_outside_trafficking_period_turns_eligible_into_review():
    charge = only_charge(make_case(period={"start": "2016-01-01", "end": "2017-01-01"}))
    assert charge["status"] == "needs_review" and "outside_trafficking_period" in charge["flags"]


def test_check_answers_without_importing_the_renderers():
    import subprocess
    import sys

    code = ("import sys; from erasure_docs.cli import main\n"
            "try:\n    main(['check', 'sample_cases/nolle.yaml', '--json'])\nexcept SystemExit: pass\n"
            "bad = [m for m in ('weasyprint', 'docxtpl', 'docx') if m in sys.modules]\n"
            "print('LOADED', bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "LOADED []" in out
