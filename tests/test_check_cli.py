"""`check` and `rules` as a lawyer and a tool see them: the readable table, the JSON, the exit statuses."""

from __future__ import annotations

import json

from erasure_docs.rules.engine import RULES
from erasure_docs.rules.tables import load_tables
from tests.conftest import SAMPLES


def test_readable_table_lists_every_charge_with_its_reason(cli):
    code, out, _ = cli("check", SAMPLES / "mixed-multi-docket.yaml")
    assert code == 0
    assert "\x1b[" not in out  # plain when not a terminal
    assert out.splitlines()[2].split() == ["Docket", "#", "Statute", "Status", "Pathway", "Relief"]
    report = json.loads(cli("check", SAMPLES / "mixed-multi-docket.yaml", "--json")[1])
    for charge in report["charges"]:
        row = next(line for line in out.splitlines() if line.startswith(charge["docket_number"]))
        assert charge["status"] in row and charge["citation"][:20] in row
        assert charge["reasons"]  # and the deciding reason is printed under it
    assert "Summary: 2 eligible, 2 not eligible, 0 needs review, 1 automatic." in out


def test_json_is_one_document_for_one_case_and_an_array_for_several(cli):
    one = json.loads(cli("check", SAMPLES / "nolle.yaml", "--json")[1])
    assert isinstance(one, dict) and one["case_id"] == "CLINIC-2026-0016"
    several = json.loads(cli("check", SAMPLES / "nolle.yaml", SAMPLES / "youthful-offender.yaml", "--json")[1])
    assert [r["case_id"] for r in several] == ["CLINIC-2026-0016", "CLINIC-2026-0017"]
    assert list(one) == ["case_id", "as_of", "rules_version", "predicates", "predicate_qualifies", "charges",
                         "summary", "documents", "readiness"]


def test_as_of_changes_the_law_applied(cli):
    # The sample's own as_of is 2026-11-30; its 2026 nolle is erased on 2027-07-24. Other dates must change
    # both the recorded date and what the rules say.
    own = json.loads(cli("check", SAMPLES / "nolle.yaml", "--json")[1])
    later = json.loads(cli("check", SAMPLES / "nolle.yaml", "--json", "--as-of", "2027-08-01")[1])
    assert own["as_of"] == "2026-11-30" and later["as_of"] == "2027-08-01"
    assert "will be erased" in own["charges"][1]["reasons"][0]["text"]
    assert later["charges"][1]["reasons"][0]["text"] == \
        own["charges"][1]["reasons"][0]["text"].replace("will be erased", "were erased")
    table = cli("check", SAMPLES / "nolle.yaml", "--as-of", "2027-08-01")[1]
    assert "law as of 2027-08-01" in table and "were erased" in table
    code, _, err = cli("check", SAMPLES / "nolle.yaml", "--as-of", "2026-02-30")
    assert code == 2 and "is not a date" in err


def test_invalid_input_exits_1_and_still_reports_the_valid_cases(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("case_id: X-1\n", encoding="utf-8")
    code, out, err = cli("check", SAMPLES / "nolle.yaml", bad, "--json")
    assert code == 1 and "petitioner: is required" in err
    assert json.loads(out)[0]["case_id"] == "CLINIC-2026-0016"


def test_rules_prints_every_table_row_and_rule(cli):
    code, out, _ = cli("rules")
    assert code == 0
    tables = load_tables()
    for row in tables.offenses.values():
        assert any(line.startswith(row.statute + " ") for line in out.splitlines()), row.statute
    for rule, _, _ in RULES:
        assert rule in out
    data = json.loads(cli("rules", "--json")[1])
    assert len(data["ct_offenses"]) == len(tables.offenses)
    assert {r["rule"] for r in data["rules"]} == {r for r, _, _ in RULES}
    assert data["rules_version"] == tables.param("rules_version")
