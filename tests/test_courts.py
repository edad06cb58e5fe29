"""The court directory (erasure_docs/law/courts.yaml): every row, the lookups, docket parsing, and the
validation messages it produces (exact field path, suggestion), through the real CLI."""

from __future__ import annotations

import copy
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
    courts.entries.cache_clear()
    try:
        with pytest.raises(courts.DirectoryError, match="ga-1"):
            courts.entries()
    finally:
        courts.entries.cache_clear()


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
