"""The rules that turn on the date a law took effect, driven by the values in parameters.yaml: each test reads
the parameter and checks the day before and the day it takes effect, so every row of those parameters is
exercised and a corrected date moves the boundary with it."""

from __future__ import annotations

import datetime as dt

import pytest

from erasure_docs.citations import parse_citation
from erasure_docs.rules.engine import evaluate
from erasure_docs.rules.tables import load_tables
from tests.test_rules_tables import make_case, only_charge, rule_ids

TABLES = load_tables()
DAY = dt.timedelta(days=1)


def param_date(name: str) -> dt.date:
    return dt.date.fromisoformat(str(TABLES.param(name)))


def born_aged(age: int, on: dt.date) -> str:
    return dt.date(on.year - age, 1, 1).isoformat() if (on.month, on.day) != (1, 1) else \
        dt.date(on.year - age - 1, 12, 31).isoformat()


@pytest.mark.parametrize("age, name", [(16, "juvenile_jurisdiction_age_16_since"),
                                       (17, "juvenile_jurisdiction_age_17_since")])
def test_juvenile_age_in_adult_court_from_the_parameter_date(age, name):
    since = param_date(name)
    for day, flagged in ((since - DAY, False), (since, True)):
        charge = only_charge(make_case("53a-181", born=born_aged(age, day), offense=day.isoformat(),
                                       disposed=(day + 30 * DAY).isoformat(), period={"start": "2000-01-01"}))
        assert charge["age_at_offense"] == age
        assert ("juvenile_age_in_adult_court" in charge["flags"]) is flagged
        assert charge["status"] == "eligible"  # a question for counsel, never a change of status


def test_juvenile_age_never_flags_juvenile_or_youthful_offender_proceedings():
    charge = only_charge(make_case("53a-181", born="2000-01-01", offense="2015-03-01", disposition="youthful_offender",
                                   proceeding="youthful_offender", discharge_date="2016-06-01"))
    assert "juvenile_age_in_adult_court" not in charge["flags"]


@pytest.mark.parametrize("age, name", [(15, "minor_prostitution_under_16_bar_date"),
                                       (17, "minor_prostitution_bar_date")])
def test_prostitution_finding_barred_from_the_parameter_date(age, name):
    since = param_date(name)
    for day, barred in ((since - DAY, False), (since, True)):
        charge = only_charge(make_case("53a-82", born=born_aged(age, day), offense=day.isoformat(),
                                       disposed=(day + 30 * DAY).isoformat(), period={"start": "2000-01-01"}))
        assert "minor_prostitution" in charge["flags"]
        assert ("prostitution.finding_barred" in rule_ids(charge)) is barred


@pytest.mark.parametrize("citation", sorted(TABLES.param("predicate_in_force_since")))
def test_predicate_in_force_from_the_parameter_date(citation):
    since = dt.date.fromisoformat(str(TABLES.param("predicate_in_force_since")[citation]))
    assert parse_citation(citation).section_cite == citation  # the key is the canonical spelling
    for period_end in (since - DAY, since):  # trafficking ended the day before the predicate existed, or that day
        charge = only_charge(make_case("53a-82", offense=(since - 400 * DAY).isoformat(),
                                       disposed=(since - 300 * DAY).isoformat(), predicates=(citation,),
                                       period={"start": (since - 800 * DAY).isoformat(),
                                               "end": period_end.isoformat()}))
        too_early = period_end < since
        assert ("predicate_not_in_force" in charge["flags"]) is too_early
        assert charge["status"] == ("needs_review" if too_early else "eligible")


def test_a_predicate_in_force_carries_the_ground_beside_one_that_is_not():
    charge = only_charge(make_case("53a-82", offense="2005-03-01", disposed="2005-06-01",
                                   predicates=("53a-192a", "18 U.S.C. § 1591"),
                                   period={"start": "2004-01-01", "end": "2006-06-30"}))
    assert charge["status"] == "eligible" and "predicate_not_in_force" in charge["flags"]


@pytest.mark.parametrize("statute", [str(s) for s in TABLES.param("clean_slate_excluded_statutes")])
def test_clean_slate_never_flags_an_excluded_offense(statute):
    charge = only_charge(make_case(statute, offense_class="A misdemeanor", offense="2012-03-01", disposed="2012-06-01"))
    assert "clean_slate_may_apply" not in charge["flags"]


@pytest.mark.parametrize("recorded, max_term, name", [
    ("B misdemeanor", None, "clean_slate_misdemeanor_years"),
    ("unclassified misdemeanor", 0.5, "clean_slate_misdemeanor_years"),
    ("D felony", None, "clean_slate_felony_years"),
    ("E felony", None, "clean_slate_felony_years"),
    ("unclassified felony", TABLES.param("clean_slate_unclassified_felony_max_years"), "clean_slate_felony_years"),
])
def test_clean_slate_period_by_class(recorded, max_term, name):
    years = int(TABLES.param(name))
    disposed = dt.date(2016, 6, 1)  # both periods then end after Clean Slate took effect
    due = disposed.replace(year=disposed.year + years)
    extra = {"max_term_years": max_term} if max_term is not None else {}
    for as_of, flagged in ((due - DAY, False), (due, True)):
        charge = only_charge(make_case("53a-999", offense_class=recorded, offense="2016-03-01",
                                       disposed=disposed.isoformat(), as_of=as_of.isoformat(), **extra))
        assert ("clean_slate_may_apply" in charge["flags"]) is flagged, (recorded, as_of)


@pytest.mark.parametrize("recorded, max_term", [("C felony", None), ("B felony", None), ("A felony", None),
                                                ("unclassified felony", 5.5)])
def test_clean_slate_never_for_higher_felonies(recorded, max_term):
    extra = {"max_term_years": max_term} if max_term is not None else {}
    charge = only_charge(make_case("53a-999", offense_class=recorded, offense="2001-03-01", disposed="2001-06-01",
                                   **extra))
    assert "clean_slate_may_apply" not in charge["flags"]


def test_clean_slate_dates_from_the_parameters():
    start, offenses = param_date("clean_slate_in_effect_since"), param_date("clean_slate_offenses_since")
    old = {"offense_class": "B misdemeanor", "offense": "2005-03-01", "disposed": "2005-06-01"}
    assert "clean_slate_may_apply" not in only_charge(make_case("53a-181", as_of=(start - DAY).isoformat(), **old))["flags"]
    assert "clean_slate_may_apply" in only_charge(make_case("53a-181", as_of=start.isoformat(), **old))["flags"]
    for offense, flagged in ((offenses - DAY, False), (offenses, True)):
        charge = only_charge(make_case("53a-181", offense_class="B misdemeanor", offense=offense.isoformat(),
                                       disposed=(offense + 40 * DAY).isoformat(), period={"start": "1995-01-01"}))
        assert ("clean_slate_may_apply" in charge["flags"]) is flagged


@pytest.mark.parametrize("other, waits", [("convicted", True), ("pending", True), ("dismissed", False)])
def test_multi_count_docket(other, waits):
    case = make_case(disposition="nolle", disposed="2024-01-15")
    data = case.model_dump(mode="json")
    second = {"statute": "53a-181", "disposition": other, "offense_date": "2015-03-01", "related_to_trafficking": True}
    if other != "pending":
        second["disposition_date"] = "2024-01-15"
    data["records"][0]["charges"].append(second)
    nolled = evaluate(type(case).model_validate(data)).to_json()["charges"][0]
    assert nolled["status"] == "automatic" and nolled["erasure_date"] == "2025-02-15"
    assert ("awaits_other_counts" in nolled["flags"]) is waits
    assert ("public electronic records" in nolled["reasons"][0]["text"]) is waits


def test_rules_command_lists_the_second_pass_rules():
    from click.testing import CliRunner

    from erasure_docs.cli import main

    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    for rule in ("erasure.awaits_other_counts", "erasure.youthful_offender_later_felony",
                 "erasure.youthful_offender_discharge_unknown", "flag.juvenile_age_in_adult_court",
                 "flag.minor_prostitution", "prostitution.finding_barred", "ground.predicate_in_force",
                 "flag.clean_slate_may_apply"):
        [line] = [line for line in result.stdout.splitlines() if line.startswith(rule + " ")]
        assert "C.G.S." in line
