"""Filing instructions, one page per court in the attorney's copy, and the review sheet's warnings where
papers meet a pending case or a narrative meets juvenile or erased records."""

from __future__ import annotations

import copy
import io

import pytest
from pypdf import PdfReader

import erasure_docs as ed
from erasure_docs.instructions import crossing_warnings, planned_by_docket
from erasure_docs.render import Renderers
from tests.conftest import SAMPLES

CONVICTION = {"statute": "53a-125b", "description": "Larceny in the sixth degree", "offense_class": "C misdemeanor",
              "offense_date": "2015-03-01", "disposition": "convicted", "disposition_date": "2015-05-01",
              "related_to_trafficking": True,
              "victims": [{"name": "Pat Shopkeeper", "address": {"street": "9 Elm St", "city": "Hartford",
                                                                  "state": "CT", "zip": "06105"}}]}
TWO_PLACES = {
    "case_id": "TEST-TWO-PLACES", "as_of": "2026-11-30",
    "petitioner": {"first_name": "Ana", "last_name": "Ruiz", "date_of_birth": "1996-05-01"},
    "attorney": {"name": "Jo Counsel", "juris_number": "123456",
                 "address": {"street": "1 Court St", "city": "Hartford", "state": "CT", "zip": "06103"}},
    "trafficking": {"predicates": ["53a-192a"], "period": {"start": "2011-01-01", "end": "2016-01-01"},
                    "narrative": "He took my papers and sent me to steal.\n\nI was afraid of him."},
    "records": [
        {"docket_number": "H14H-CR15-0100001-S", "court": {"kind": "ga", "number": 14, "location": "Hartford"},
         "proceeding": "adult", "charges": [CONVICTION]},
        {"docket_number": "N10-JV12-0000077", "court": {"kind": "juvenile", "location": "New Haven"},
         "proceeding": "juvenile",
         "charges": [{"statute": "53a-125b", "offense_date": "2012-06-01", "disposition": "adjudicated_delinquent",
                      "disposition_date": "2012-08-01", "related_to_trafficking": True}]},
        {"docket_number": "H14H-CR26-0200002-S", "court": {"kind": "ga", "number": 14, "location": "Hartford"},
         "proceeding": "adult",
         "charges": [{"statute": "14-215", "offense_date": "2026-08-01", "disposition": "pending",
                      "related_to_trafficking": False}]},
    ],
    "filing": {"date": "2026-11-30"},
}


def valid(data) -> ed.Case:
    case, problems = ed.validate(data)
    assert case is not None, [str(p) for p in problems]
    return case


def text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture(scope="module")
def renderers() -> Renderers:
    return Renderers()


@pytest.fixture(scope="module")
def two_places(renderers):
    return ed.build_packet(valid(TWO_PLACES), renderers=renderers, only={"filing_instructions", "review_sheet"}).files


@pytest.mark.render
def test_one_instructions_page_per_court_with_its_own_address(two_places):
    pages = sorted(path for path in two_places if path.startswith("attorney/filing_instructions") and path.endswith(".pdf"))
    assert pages == ["attorney/filing_instructions-ga-14-hartford.pdf",
                     "attorney/filing_instructions-juvenile-new-haven.pdf"]
    hartford, new_haven = (text(two_places[p]) for p in pages)
    assert "Clerk, Superior Court, Geographical Area No. 14 101 Lafayette Street Hartford, CT 06106" in hartford
    assert "Clerk, Superior Court for Juvenile Matters at New Haven 239 Whalley Avenue New Haven, CT 06511" in new_haven
    assert "Whalley" not in hartford and "Lafayette" not in new_haven
    # each page lists only its own court's papers, the cover letter first
    assert "1. Cover Letter to the Clerk 2. Application to Vacate" in hartford
    assert "N10-JV12-0000077" not in hartford.split("Before filing")[0] and "H14H-CR15-0100001-S" not in new_haven
    assert "JD-CL-12) in Docket No. H14H-CR15-0100001-S" in hartford
    assert "JD-JM-12" in new_haven and "JD-JM-12" not in hartford
    for page in (hartford, new_haven):
        assert "No filing fee" in page and "State Police Bureau of Identification and the FBI" in page
        assert "He took my papers" not in page  # the narrative stays in the affidavit
    # the sealed affidavit and the victim-notice steps, only where they apply
    assert "“Lodged conditionally under seal pending the Court's ruling on the motion to seal”" in hartford
    assert ("DOCKET NO. H14H-CR15-0100001-S, STATE OF CONNECTICUT V. ANA RUIZ, SUPERIOR COURT, G.A. 14, AT HARTFORD: "
            "“Lodged") in hartford
    assert "certified or registered mail" in hartford and "postal receipts" in hartford
    assert "1 victim notice; 0 recorded as mailed" in hartford
    assert "Pat Shopkeeper" not in hartford and "9 Elm St" not in hartford
    assert "sealed envelope" not in new_haven and "victim" not in new_haven.lower()


@pytest.mark.render
def test_the_review_sheet_names_the_pending_docket(two_places):
    sheet = text(two_places["attorney/review_sheet.pdf"])
    assert ("Docket H14H-CR15-0100001-S: the application and the affidavit will be read by the Superior Court, "
            "G.A. 14, at Hartford, where H14H-CR26-0200002-S is pending") in sheet
    assert "review the narrative for admissions" in sheet
    assert "juvenile or erased records (N10-JV12-0000077)" in sheet
    hartford = text(two_places["attorney/filing_instructions-ga-14-hartford.pdf"])
    assert "where H14H-CR26-0200002-S is pending" in hartford  # repeated on the court's own page


def warnings_for(data) -> list[str]:
    case = valid(data)
    return crossing_warnings(case, planned_by_docket(case, ed.check(case)))


def test_a_pending_case_in_another_court_of_the_same_prosecutor_is_named():
    data = copy.deepcopy(TWO_PLACES)
    del data["records"][1]  # no juvenile record
    data["records"][1]["court"] = {"kind": "jd", "location": "Hartford"}
    data["records"][1]["docket_number"] = "HHD-CR26-0200002-T"
    assert not [w for w in warnings_for(data) if "HHD-CR26" in w]  # a J.D. office is another office
    data["records"][1]["court"] = {"kind": "ga", "number": 14, "location": "Hartford"}
    data["records"][1]["docket_number"] = "H14H-CR26-0200002-S"
    assert [w for w in warnings_for(data) if "H14H-CR26-0200002-S is pending" in w]


def test_no_pending_case_and_no_hidden_record_means_no_warning():
    data = copy.deepcopy(TWO_PLACES)
    data["records"] = data["records"][:1]
    assert warnings_for(data) == []
    data["trafficking"].pop("narrative")
    data["records"].append(copy.deepcopy(TWO_PLACES["records"][1]))
    assert warnings_for(data) == []  # a juvenile record, but no narrative to reveal it


@pytest.mark.render
def test_a_court_the_directory_cannot_address_says_draft(renderers, monkeypatch):
    from erasure_docs import courts

    case = valid(TWO_PLACES)
    entry = courts.lookup(case.records[0].court)
    monkeypatch.setattr(courts, "lookup", lambda court: entry.__class__(**{**entry.__dict__, "clerk": None}))
    page = text(ed.build_packet(case, renderers=renderers, formats=("pdf",), only={"filing_instructions"})
                .files["attorney/filing_instructions-ga-14-hartford.pdf"])
    assert "DRAFT: the court directory has no clerk's address for this court" in page


@pytest.mark.render
@pytest.mark.parametrize("sample", ["mixed-multi-docket", "adult-with-victim"])
def test_samples_have_instructions_for_each_court_they_file_in(renderers, sample):
    case, _ = ed.validate(SAMPLES / f"{sample}.yaml")
    outputs = ed.build_packet(case, renderers=renderers, formats=("pdf",),
                              only={"cover_letter", "filing_instructions"}).files
    letters = {p.split("/")[1] for p in outputs if p.startswith("filings/") and p.endswith("/cover_letter.pdf")}
    pages = {p.split("-", 1)[1].removesuffix(".pdf") for p in outputs if p.startswith("attorney/filing_instructions")}
    assert letters == pages and pages


@pytest.mark.render
def test_the_attorney_s_copy_holds_each_court_s_instructions_and_no_filing_does(renderers):
    files = ed.build_packet(valid(TWO_PLACES), renderers=renderers).files
    binder = text(files["attorney/attorney-copy.pdf"])
    assert "Clerk, Superior Court, Geographical Area No. 14 101 Lafayette Street Hartford, CT 06106" in binder
    assert "Clerk, Superior Court for Juvenile Matters at New Haven 239 Whalley Avenue New Haven, CT 06511" in binder
    assert "No filing fee" in binder
    bound = [path for path in files if path.startswith("filings/") and path.endswith("/filing.pdf")]
    assert len(bound) == 2
    for path in bound:
        assert "No filing fee" not in text(files[path]) and "JD-CL-12" not in text(files[path])
