"""The court directory (erasure_docs/law/courts.yaml): every row, the lookups, docket parsing, and the
validation messages it produces (exact field path, suggestion), through the real CLI."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from erasure_docs import courts

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE: dict = yaml.safe_load((FIXTURES / "valid" / "base.yaml").read_text(encoding="utf-8"))
CASE_ID = BASE["case_id"]
ROWS = courts.entries()
GA_COURTS = {1: "Stamford", 2: "Bridgeport", 3: "Danbury", 4: "Waterbury", 5: "Derby", 7: "Meriden",
             9: "Middletown", 10: "New London", 11: "Danielson", 12: "Manchester", 13: "Enfield", 14: "Hartford",
             15: "New Britain", 17: "Bristol", 18: "Torrington", 19: "Rockville", 20: "Norwalk", 21: "Norwich",
             22: "Milford", 23: "New Haven"}
DISTRICTS = {"Ansonia-Milford", "Bridgeport", "Danbury", "Hartford", "Litchfield", "Middlesex", "New Britain",
             "New Haven", "New London", "Stamford-Norwalk", "Tolland", "Waterbury", "Windham"}


def court(kind: str, location: str, number: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, number=number, location=location)


# ---------------------------------------------------------------- every row

@pytest.mark.parametrize("entry", ROWS, ids=[e.id for e in ROWS])
def test_every_row_is_found_by_its_own_names(entry):
    for name in entry.names():
        found = courts.find(court(entry.kind, name, entry.number))
        assert found is entry or (entry.kind != "ga" and found.kind == entry.kind)
    assert courts.find(court(entry.kind, entry.location, entry.number)) is entry
    assert entry.source.strip() and isinstance(entry.verified, bool)
    assert entry.district in DISTRICTS


@pytest.mark.parametrize("entry", ROWS, ids=[e.id for e in ROWS])
def test_every_row_routes_to_an_open_court_with_a_clerk_and_a_prosecutor(entry):
    now = courts.lookup(court(entry.kind, entry.location, entry.number))
    assert now.is_open and now.kind == entry.kind
    assert now.clerk is not None and now.prosecutor is not None
    assert now.prosecutor.name.startswith("Office of the State's Attorney")
    if now.kind == "juvenile":
        assert "Juvenile Matters" in now.prosecutor.name
    if now.complete:
        for office in (now.clerk, now.prosecutor):
            street, town = office.address.lines
            assert street and town.endswith(office.address.zip) and office.address.state == "CT"
            assert len(office.address.zip) == 5 and office.address.zip.startswith("06")
    else:  # an address the directory does not know is never made up: the row says so
        assert not now.verified and "address" in (now.source + now.notes).lower()
    if entry.is_open:
        assert now is entry and entry in courts.choices(entry.kind)
    else:
        assert entry not in courts.choices() and courts.by_id(entry.records_at) is now


def test_every_ga_court_of_the_issue_is_in_the_directory():
    for number, town in GA_COURTS.items():
        entry = courts.find(court("ga", town, number))
        assert entry.location == town and entry.caption_court == f"G.A. {number}"


def test_every_judicial_district_has_a_part_a_court_with_its_state_attorney():
    districts = {e.district: e for e in courts.choices("jd")}
    assert set(districts) == DISTRICTS
    for name, entry in districts.items():
        assert entry.prosecutor.name == f"Office of the State's Attorney, Judicial District of {name}"
        assert entry.caption_court == f"JUDICIAL DISTRICT OF {name.upper()}"


@pytest.mark.parametrize("kind, location, number, now", [
    ("ga", "New Haven", 6, "ga-23"), ("ga", "New Haven", 8, "ga-23"), ("ga", "Bristol", 17, "ga-15"),
    ("ga", "West Hartford", 16, "ga-14"), ("ga", "Bantam", 18, "ga-18"), ("jd", "Litchfield", None, "jd-litchfield"),
    ("jd", "Fairfield", None, "jd-bridgeport"), ("juvenile", "Stamford", None, "juv-bridgeport"),
    ("juvenile", "Torrington", None, "juv-waterbury"), ("juvenile", "Danbury", None, "juv-waterbury"),
])
def test_closed_and_renamed_courts_map_to_where_the_records_are(kind, location, number, now):
    assert courts.lookup(court(kind, location, number)).id == now


def test_lookup_by_id_and_the_picker_lists():
    assert courts.lookup("ga-6").id == "ga-23"
    assert [e.number for e in courts.choices("ga")] == sorted(n for n in GA_COURTS if n != 17)
    assert "Hartfrod" not in courts.locations("juvenile") and "Hartford" in courts.locations("juvenile")
    assert courts.by_id("ga-14").label == "G.A. 14 — Hartford"
    assert courts.by_id("jd-hartford").name == "Superior Court, Judicial District of Hartford, at Hartford"


def test_matching_ignores_case_and_spacing():
    assert courts.find(court("jd", "  new   haven ")).id == "jd-new-haven"
    assert courts.find(court("jd", "STAMFORD-NORWALK")).id == "jd-stamford-norwalk"


def test_a_malformed_directory_is_refused(tmp_path, monkeypatch):
    rows = yaml.safe_load(courts.COURTS_FILE.read_text(encoding="utf-8"))
    broken = copy.deepcopy(rows)
    broken[0]["status"] = "closed"  # closed without records_at
    path = tmp_path / "courts.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    monkeypatch.setattr(courts, "COURTS_FILE", path)
    for cached in (courts.entries, courts.locations, courts._by_name, courts._court_findings):
        cached.cache_clear()
    try:
        with pytest.raises(courts.DirectoryError, match="ga-1"):
            courts.entries()
    finally:
        for cached in (courts.entries, courts.locations, courts._by_name, courts._court_findings):
            cached.cache_clear()


# ---------------------------------------------------------------- docket numbers

@pytest.mark.parametrize("docket, kind, code, number", [
    ("H14H-CR15-0123456-S", "ga", "H14H", 14), ("N23N-MV26-0311428-S", "ga", "N23N", 23),
    ("HHD-CR19-0123456-T", "jd", "HHD", None), ("H12-JV16-0029954", "juvenile", "H12", None),
    ("h14h-cr15-0123456-s", "ga", "H14H", 14),
])
def test_docket_formats(docket, kind, code, number):
    assert courts.parse_docket(docket) == courts.Docket(kind, code, number)


@pytest.mark.parametrize("docket", ["3:17-cr-00052-TWB", "CR06-0123456", "12345"])
def test_other_docket_forms_are_not_judged(docket):
    assert courts.parse_docket(docket) is None
    assert courts.docket_warnings(docket, courts.by_id("ga-14")) == []


# ---------------------------------------------------------------- validation messages (real CLI)

def validate(cli, tmp_path, data: dict) -> tuple[int, list[str], list[str]]:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out, err = cli("validate", path)
    assert "Traceback" not in out + err
    lines = err.splitlines()
    return code, [x for x in lines if x.startswith("error: ")], [x for x in lines if x.startswith("warning: ")]


def with_record(record: int, **changes) -> dict:
    data = copy.deepcopy(BASE)
    data["records"][record].update(changes)
    return data


def test_unknown_location_is_refused_with_a_suggestion(cli, tmp_path):
    data = with_record(1, court={"kind": "jd", "location": "Hartfrod"})
    code, errors, _ = validate(cli, tmp_path, data)
    assert code == 1 and len(errors) == 1
    assert f"[{CASE_ID}] records[1].court.location: no judicial-district (Part A) court sits at this location; " \
           'did you mean "Hartford"?' in errors[0]
    assert "Hartfrod" not in errors[0]  # the input value is never echoed


def test_unknown_juvenile_location_lists_the_known_ones(cli, tmp_path):
    data = with_record(1, court={"kind": "juvenile", "location": "Xyzzy"}, proceeding="juvenile")
    code, errors, _ = validate(cli, tmp_path, data)
    assert code == 1
    line = next(e for e in errors if "records[1].court.location" in e)
    assert "no Juvenile Matters court sits at this location (known locations: Bridgeport, Hartford" in line


def test_a_ga_number_that_does_not_exist_is_refused(cli, tmp_path):
    data = with_record(0, court={"kind": "ga", "number": 99, "location": "Hartford"})
    code, errors, _ = validate(cli, tmp_path, data)
    assert code == 1 and len(errors) == 1
    assert f"[{CASE_ID}] records[0].court.number: there is no G.A. with this number (G.A. courts: 1, 2," in errors[0]


def test_a_docket_from_another_ga_is_a_warning(cli, tmp_path):
    data = with_record(0, docket_number="H15N-CR15-0123456-S")
    code, errors, warnings = validate(cli, tmp_path, data)
    assert code == 0 and errors == []
    assert any(f"[{CASE_ID}] records[0].docket_number: the docket number is a G.A. 15 number, but court.number "
               "is 14" in w for w in warnings), warnings


def test_a_jd_docket_code_from_another_district_is_a_warning(cli, tmp_path):
    data = with_record(1, docket_number="NNH-CR19-0123456-T")
    code, _, warnings = validate(cli, tmp_path, data)
    assert code == 0
    assert any("records[1].docket_number: the docket's court code NNH is not the code of the Hartford judicial "
               "district (HHD)" in w for w in warnings), warnings


def test_a_ga_docket_on_a_jd_record_is_a_warning(cli, tmp_path):
    data = with_record(1, docket_number="H14H-CR19-0123457-S")
    code, _, warnings = validate(cli, tmp_path, data)
    assert code == 0
    assert any("records[1].docket_number: the docket number has the form of a G.A. docket, but court.kind is 'jd'"
               in w for w in warnings), warnings


def test_a_closed_court_is_a_warning_naming_its_successor(cli, tmp_path):
    data = with_record(0, court={"kind": "ga", "number": 17, "location": "Bristol"},
                       docket_number="H17B-CR15-0123456-S")
    code, _, warnings = validate(cli, tmp_path, data)
    assert code == 0
    assert any("records[0].court: this court is closed; its records are held by the Superior Court, G.A. 15, at "
               "New Britain" in w for w in warnings), warnings


def test_a_ga_number_at_another_towns_name_is_a_warning(cli, tmp_path):
    data = with_record(0, court={"kind": "ga", "number": 14, "location": "New Britain"})
    code, _, warnings = validate(cli, tmp_path, data)
    assert code == 0
    assert any("records[0].court.location: G.A. 14 sits at Hartford; the papers are addressed there" in w
               for w in warnings), warnings


# ---------------------------------------------------------------- routing (which office is served)

def loaded(data: dict):
    from erasure_docs.loading import validate_data

    case, problems = validate_data(data, "case.yaml")
    assert case is not None, problems
    return case


OVERRIDE = {"office": "Office of the Chief State's Attorney", "address": {"street": "300 Corporate Place",
                                                                            "city": "Rocky Hill", "state": "CT",
                                                                            "zip": "06067"}}
OLD = {"prosecutor_office": "Office of the State's Attorney, Judicial District of Hartford",
       "prosecutor_address": {"street": "101 Lafayette St", "city": "Hartford", "state": "CT", "zip": "06106"}}
JUVENILE = {"docket_number": "H12-JV16-0029954", "court": {"kind": "juvenile", "location": "Hartford"},
            "proceeding": "juvenile",
            "charges": [{"statute": "53a-82", "offense_date": "2004-06-01", "disposition": "adjudicated_delinquent",
                         "disposition_date": "2004-08-01", "discharge_date": "2005-02-01",
                         "related_to_trafficking": True}]}


def test_each_docket_is_served_on_the_office_the_directory_names():
    case = loaded(copy.deepcopy(BASE))
    ga, jd = (courts.prosecutor_for(r, case.filing) for r in case.records)
    assert ga == courts.by_id("ga-14").prosecutor and ga.name == "Office of the State's Attorney, Geographical Area No. 14"
    assert ga.address.lines == ["101 Lafayette Street", "Hartford, CT 06106"]
    assert jd == courts.by_id("jd-hartford").prosecutor
    assert courts.clerk_for(case.records[1]).name == "Clerk, Superior Court, Judicial District of Hartford"


def test_a_record_override_replaces_the_directory():
    data = copy.deepcopy(BASE)
    data["records"][0]["prosecutor"] = OVERRIDE
    data["filing"].update(OLD)
    case = loaded(data)
    office = courts.prosecutor_for(case.records[0], case.filing)
    assert office.name == OVERRIDE["office"] and office.address.lines == ["300 Corporate Place", "Rocky Hill, CT 06067"]


def test_the_deprecated_case_level_fields_still_serve_adult_dockets_but_never_a_juvenile_one():
    data = copy.deepcopy(BASE)
    data["filing"].update(OLD)
    data["records"].append(copy.deepcopy(JUVENILE))
    case = loaded(data)
    adult, _, juvenile = (courts.prosecutor_for(r, case.filing) for r in case.records)
    assert adult.name == OLD["prosecutor_office"] and adult.address.street == "101 Lafayette St"
    assert juvenile == courts.by_id("juv-hartford").prosecutor
    data["filing"].pop("prosecutor_address")  # an office without an address cannot be served: the directory is
    case = loaded(data)
    assert courts.prosecutor_for(case.records[0], case.filing) == courts.by_id("ga-14").prosecutor


def test_the_deprecated_fields_give_one_warning_at_their_path(cli, tmp_path):
    data = copy.deepcopy(BASE)
    data["filing"].update(OLD)
    code, errors, warnings = validate(cli, tmp_path, data)
    assert code == 0 and errors == []
    assert len(warnings) == 1
    assert f"[{CASE_ID}] filing.prosecutor_office: is deprecated: with both prosecutor fields it is served on " \
           "every adult docket" in warnings[0]


def test_a_federal_record_is_served_on_no_one():
    data = copy.deepcopy(BASE)
    data["records"][1]["court"] = {"kind": "federal", "location": "Hartford"}
    case = loaded(data)
    assert courts.prosecutor_for(case.records[1], case.filing) is None and courts.clerk_for(case.records[1]) is None


def test_name_and_birth_date_on_record_are_checked_like_other_fields(cli, tmp_path):
    data = with_record(0, name_on_record="Bree Collins", date_of_birth_on_record="2099-01-01")
    code, errors, _ = validate(cli, tmp_path, data)
    assert code == 1 and len(errors) == 1
    assert f"[{CASE_ID}] records[0].date_of_birth_on_record: 2099-01-01 is after as_of" in errors[0]
    data = with_record(0, name_on_record="", date_of_birth_on_record="1990-01-01")
    code, errors, _ = validate(cli, tmp_path, data)
    assert code == 1 and any(f"[{CASE_ID}] records[0].name_on_record:" in e for e in errors), errors


def test_an_unknown_address_makes_the_papers_a_draft_and_the_review_sheet_asks_for_it():
    from erasure_docs.context import ContextBuilder
    from erasure_docs.rules.engine import evaluate

    case = loaded(middletown_juvenile_case())
    builder = ContextBuilder(case, evaluate(case))
    assert builder.prosecutor(case.records[0]) == {"office": "Office of the State's Attorney, Juvenile Matters at "
                                                   "Middletown", "address_lines": [], "missing": True}
    to_confirm = "\n".join(builder.to_confirm())
    assert "Docket M08-JV04-0012345: the address of the office to be served is not known" in to_confirm
    assert "the clerk's mailing address for the Superior Court for Juvenile Matters at Middletown is not in" in to_confirm
    assert "confirm the addresses of the Superior Court for Juvenile Matters at Middletown" in to_confirm


def middletown_juvenile_case() -> dict:
    data = copy.deepcopy(BASE)
    data["records"] = [copy.deepcopy(JUVENILE)]
    data["records"][0]["court"] = {"kind": "juvenile", "location": "Middletown"}
    data["records"][0]["docket_number"] = "M08-JV04-0012345"
    data["petitioner"]["date_of_birth"] = "1990-02-03"
    data["trafficking"]["period"] = {"start": "2003-01-01", "end": "2005-01-01"}
    return data


@pytest.mark.render
def test_the_draft_mark_is_printed_where_the_address_would_be(tmp_path):
    from tests.textextract import docx_text, generate

    case_file = tmp_path / "case.yaml"
    case_file.write_text(yaml.safe_dump(middletown_juvenile_case(), sort_keys=False, allow_unicode=True),
                         encoding="utf-8")
    code, out, err = generate(case_file, tmp_path / "out", "--format", "docx", "--only", "petition_46b_146",
                              "--only", "cover_letter")
    assert code == 0, err
    [petition] = (tmp_path / "out").rglob("petition_46b_146.docx")
    assert ("Office of the State's Attorney, Juvenile Matters at Middletown\nDRAFT — the mailing address of this "
            "office must be supplied before filing (Practice Book § 10-14).") in docx_text(petition).replace("\xa0", " ")
    [letter] = (tmp_path / "out").rglob("cover_letter*.docx")
    assert ("Clerk, Superior Court for Juvenile Matters at Middletown\nDRAFT — the clerk's mailing address must be "
            "supplied before mailing.") in docx_text(letter)


@pytest.mark.render
def test_juvenile_and_adult_dockets_in_hartford_are_each_served_on_their_own_prosecutor(tmp_path):
    from tests.textextract import docx_text, generate

    data = copy.deepcopy(BASE)
    data["records"] = [data["records"][0], copy.deepcopy(JUVENILE)]
    data["petitioner"]["date_of_birth"] = "1988-02-03"
    data["trafficking"]["period"] = {"start": "2003-01-01", "end": "2016-01-01"}
    case_file = tmp_path / "case.yaml"
    case_file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out, err = generate(case_file, tmp_path / "out", "--format", "docx", "--only", "certification_of_service",
                              "--only", "petition_46b_146")
    assert code == 0, err
    [adult] = (tmp_path / "out").rglob("certification_of_service.docx")
    [juvenile] = (tmp_path / "out").rglob("petition_46b_146.docx")
    adult_text, juvenile_text = docx_text(adult), docx_text(juvenile)
    assert "Office of the State's Attorney, Geographical Area No. 14\n101 Lafayette Street\nHartford, CT 06106" \
        in adult_text
    assert "Office of the State's Attorney, Juvenile Matters at Hartford\n920 Broad Street\nHartford, CT 06106" \
        in juvenile_text
    assert "Geographical Area" not in juvenile_text and "Juvenile Matters at Hartford" not in adult_text


def test_the_courts_command_lists_open_courts_and_exports_every_row(cli):
    code, out, err = cli("courts", "--kind", "ga")
    assert code == 0 and err == ""
    assert "G.A. 14 — Hartford\n    Clerk, Superior Court, Geographical Area No. 14: 101 Lafayette Street; " \
           "Hartford, CT 06106\n" in out
    assert "G.A. 17" not in out  # closed: not offered in a picker
    assert "Juvenile Matters" not in out
    code, out, _ = cli("courts", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["id"] for r in rows] == [e.id for e in ROWS]
    g17 = next(r for r in rows if r["id"] == "ga-17")
    assert g17["status"] == "closed" and g17["records_at"] == "ga-15" and g17["clerk"] is None
    middletown = next(r for r in rows if r["id"] == "juv-middletown")
    assert middletown["prosecutor"]["address_lines"] == [] and middletown["verified"] is False
