"""What the documents say about the second pass of the law (docs/law.md): the multi-count clause of § 54-142a,
prostitution findings the law barred, and the § 54-95c(d) wording while it is unverified. Each test generates a
packet through the real CLI (Word files only) and reads the text of the documents."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES
from tests.textextract import SAMPLES, docx_text, generate

RULES = FIXTURES / "rules"
UNVERIFIED_D = "the Court shall vacate a judgment of conviction for prostitution"


def texts(case_file: Path, tmp_path: Path) -> dict[Path, str]:
    """document path → text, for every Word document of the case's packet (any folder layout)."""
    code, _, err = generate(case_file, tmp_path, "--format", "docx")
    assert code == 0, err
    return {p.relative_to(tmp_path): " ".join(docx_text(p).split()) for p in tmp_path.rglob("*.docx")}


def one(found: dict[Path, str], kind: str, docket: str = "") -> str:
    [text] = [t for path, t in found.items() if path.stem.startswith(kind) and docket in str(path)]
    return text


def test_order_erases_every_count_when_every_count_becomes_erasable(tmp_path):
    # 43: a prostitution conviction being vacated and a nolled count on the same docket
    found = texts(RULES / "43-multi-count-nolle-beside-conviction.yaml", tmp_path)
    order = one(found, "proposed_order")
    assert "all police, court and prosecutorial records pertaining to every count of Docket No. " \
           "H14H-CR17-0310001-S shall be erased in accordance with C.G.S. § 54-142a" in order
    assert "ERASED" not in order and "54-142a(a)" not in order
    assert "does not vacate or dismiss any other count" not in order
    application = one(found, "application_54_95c")
    assert "pertaining to every count of Docket No. H14H-CR17-0310001-S be erased in accordance with " \
           "C.G.S. § 54-142a" in application
    assert "records remain" not in one(found, "review_sheet")


def test_order_never_reaches_a_count_that_stays(tmp_path):
    # excluded-class-b-felony: a class B § 53a-86 conviction beside an eligible § 53a-167a one, same docket
    found = texts(SAMPLES / "excluded-class-b-felony.yaml", tmp_path)
    order = one(found, "proposed_order", "NNH-CR17-0275513-T")
    assert "53a-86" not in order and "Promoting prostitution" not in order
    assert "This order does not vacate or dismiss any other count of Docket No. NNH-CR17-0275513-T." in order
    assert "shall be erased in accordance with C.G.S. § 54-142a; the other records of Docket No. " \
           "NNH-CR17-0275513-T remain until every count of it is entitled to erasure." in order
    assert "all charges related to each offense so vacated" not in order.lower()
    application = one(found, "application_54_95c", "NNH-CR17-0275513-T")
    assert "does not ask the Court to act on any other count" in application
    review = one(found, "review_sheet")
    assert "Docket NNH-CR17-0275513-T: count 1 (C.G.S. § 53a-86) stays, so the docket's records remain" in review


def test_barred_prostitution_finding_gets_its_own_paragraph_in_the_application(tmp_path):
    barred = one(texts(RULES / "34-minor-prostitution-2016-10-01.yaml", tmp_path / "a"), "application_54_95c")
    assert "Since October 1, 2016 (P.A. 16-71), no person under 18 years of age can be guilty of prostitution " \
           "in Connecticut." in barred
    assert "at the age of 17" in barred
    before = one(texts(RULES / "33-minor-prostitution-2016-09-30.yaml", tmp_path / "b"), "application_54_95c")
    assert "can be guilty of prostitution" not in before


def test_barred_prostitution_finding_gets_its_own_paragraph_in_the_petition(tmp_path):
    found = texts(RULES / "54-prostitution-age-15-2010-10-01.yaml", tmp_path / "a")
    petition = one(found, "petition_46b_146")
    assert "Since October 1, 2010 (P.A. 10-115), no person under 16 years of age can be guilty of prostitution " \
           "in Connecticut." in petition
    assert "that the law then barred; the filing says so in its own paragraph" in one(found, "review_sheet")
    before = one(texts(RULES / "53-prostitution-age-15-2010-09-30.yaml", tmp_path / "b"), "petition_46b_146")
    assert "can be guilty of prostitution" not in before


def test_unverified_54_95c_d_wording_is_not_paraphrased_and_is_listed_for_counsel(tmp_path):
    found = texts(SAMPLES / "adult-prostitution.yaml", tmp_path)
    [application] = [t for path, t in found.items() if path.stem == "application_54_95c"][:1]
    assert UNVERIFIED_D not in application
    assert "The relief the Applicant seeks is that provided by C.G.S. § 54-95c(d)" in application
    assert "exact wording of C.G.S. § 54-95c(d)" in one(found, "review_sheet")
