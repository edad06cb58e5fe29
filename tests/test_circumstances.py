"""Evidence described as it is, and the person's circumstances in the papers: exhibits by letter with an exhibit
list, a translator's certification after the jurat, an Address Confidentiality Program address with the program's
wording, discretion factors in the application, and the non-citizen warning on the review sheet."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from erasure_docs.context import exhibit_letter, exhibits
from erasure_docs.model import Evidence
from tests.conftest import SAMPLES
from tests.textextract import docx_text, generate, pdf_text

COMPLETE = yaml.safe_load((SAMPLES / "complete.yaml").read_text(encoding="utf-8"))
DOCKET = "F02B-CR16-0287731-S"


def placed(folder: Path, kind: str) -> Path:
    """A document of the docket (filed, or sealed), without its extension."""
    [found] = list(folder.glob(f"*/*/{DOCKET}/{kind}.pdf"))
    return found.with_suffix("")


def both(path: Path) -> list[str]:
    return [" ".join(pdf_text(path.with_suffix(".pdf")).split()), " ".join(docx_text(path.with_suffix(".docx")).split())]


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> Path:
    """The complete sample made self-represented with an ACP address and a non-citizen."""
    data = copy.deepcopy(COMPLETE)
    data["case_id"] = "CIRCUMSTANCES-1"
    del data["attorney"]
    data["petitioner"].update(address={"street": "P.O. Box 5520", "city": "Hartford", "state": "CT", "zip": "06102"},
                              address_is_acp=True, non_citizen=True)
    folder = tmp_path_factory.mktemp("circumstances")
    case_file = folder / "case.yaml"
    case_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    only = ["--only", "affidavit", "--only", "application_54_95c", "--only", "review_sheet"]
    code, _, err = generate(case_file, folder / "out", *only)
    assert code == 0, err
    return folder / "out" / "CIRCUMSTANCES-1"


@pytest.mark.parametrize("kind, author, expected", [
    ("i914_supplement_b", None, "Form I-914 Supplement B, Declaration of Law Enforcement Officer for Victim of "
                                "Trafficking in Persons"),
    ("i914_supplement_b", "Special Agent P. Whitfield, HSI", "Form I-914 Supplement B, Declaration of Law Enforcement "
                                                             "Officer for Victim of Trafficking in Persons, signed by "
                                                             "Special Agent P. Whitfield, HSI"),
    ("law_enforcement_declaration", "Assistant U.S. Attorney R. Castellano", "Declaration of Assistant U.S. Attorney "
                                                                             "R. Castellano"),
    ("law_enforcement_declaration", None, "Declaration of a law enforcement official"),
    ("t_visa", None, "Approval of T nonimmigrant status (T visa) by U.S. Citizenship and Immigration Services"),
    ("hhs_certification", None, "Certification letter of the U.S. Department of Health and Human Services"),
    ("hhs_eligibility_letter", None, "Eligibility letter of the U.S. Department of Health and Human Services"),
    ("service_provider_letter", "Hartford Survivors' Center", "Letter from Hartford Survivors' Center"),
    ("service_provider_letter", None, "Letter from a victim service provider"),
    ("dcf_identification", None, "Identification by the Department of Children and Families as a victim of "
                                 "trafficking"),
    ("trafficker_conviction", None, "Record of the conviction of the person who trafficked me"),
    ("trafficker_conviction", "U.S. District Court", "Record of the conviction of the person who trafficked me "
                                                     "(U.S. District Court)"),
    ("police_report", "Hartford Police Department", "Police report by Hartford Police Department"),
    ("other", None, "Record"),
])
def test_each_evidence_kind_is_described_as_what_it_is(kind, author, expected):
    [item] = exhibits([Evidence(kind=kind, author=author)])
    assert item["label"] == expected and item["letter"] == "A"
    if kind != "i914_supplement_b":
        assert "I-914" not in item["label"]  # a declaration is never called a Form I-914 Supplement B


def test_exhibit_letters_run_past_z():
    assert [exhibit_letter(i) for i in (0, 1, 25, 26, 27, 51, 52)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA"]


@pytest.mark.render
def test_the_affidavit_cites_exhibits_by_letter_and_an_exhibit_list_follows(variant):
    for text in both(placed(variant, "affidavit")):
        assert "Exhibit A: Form I-914 Supplement B, Declaration of Law Enforcement Officer for Victim of Trafficking " \
               "in Persons, signed by Detective Sergeant M. Reyes, Bridgeport Police Department (April 11, 2019)" in text
        assert "Exhibit B: Declaration of Assistant United States Attorney K. Lindqvist, District of Connecticut" in text
        listing = text[text.index("EXHIBIT LIST"):]
        assert text.index("Notary Public") < text.index("EXHIBIT LIST")
        assert "Exhibit Description Date A Form I-914 Supplement B" in listing
        assert "C Letter from a victim service provider: Letter from the client's case manager" in listing


@pytest.mark.render
def test_an_interpreter_language_adds_the_translators_certification_after_the_jurat(variant):
    for text in both(placed(variant, "affidavit")):
        jurat, certification = text.index("Notary Public"), text.index("TRANSLATOR'S CERTIFICATION")
        assert jurat < certification < text.index("EXHIBIT LIST")
        assert "competent to translate between English and Spanish" in text
        assert "I translated it in full to the affiant in Spanish" in text


@pytest.mark.render
def test_no_interpreter_no_translators_certification(tmp_path):
    data = copy.deepcopy(COMPLETE)
    del data["petitioner"]["interpreter_language"]
    case_file = tmp_path / "case.yaml"
    case_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, _, err = generate(case_file, tmp_path / "out", "--only", "affidavit", "--format", "pdf")
    assert code == 0, err
    assert "TRANSLATOR" not in pdf_text(placed(tmp_path / "out" / "CLINIC-2026-0020", "affidavit").with_suffix(".pdf"))


@pytest.mark.render
def test_an_acp_address_prints_with_the_programs_wording(variant):
    for text in both(placed(variant, "application_54_95c")):
        assert ("Address Confidentiality Program substitute address (C.G.S. § 54-240a et seq.) P.O. Box 5520 "
                "Hartford, CT 06102") in text


@pytest.mark.render
def test_discretion_factors_become_reasons_in_the_application(variant):
    for text in both(placed(variant, "application_54_95c")):
        reasons = text[text.index("exercise that discretion in the Applicant's favor"):]
        assert reasons.startswith("exercise that discretion in the Applicant's favor, for the following reasons: "
                                  "As to C.G.S. § 53a-125b (Larceny in the sixth degree): • The Applicant took")
        assert "• The Applicant has had no arrest since leaving the trafficker in 2018." in reasons


@pytest.mark.render
def test_a_non_citizen_gets_the_immigration_warning_on_the_review_sheet(variant):
    for text in both(variant / "attorney" / "review_sheet"):
        confirm = text[text.index("What you must confirm"):]
        assert "Matter of Pickering, 23 I&N Dec. 621 (BIA 2003)" in confirm
        assert "admissions the client swears to in the affidavit may bear on admissibility" in confirm


def test_the_redacted_work_copy_drops_the_new_personal_fields():
    import json

    from erasure_docs.model import Case
    from erasure_docs.redact import redact_case

    data = copy.deepcopy(COMPLETE)
    data["petitioner"]["non_citizen"] = True
    text = json.dumps(redact_case(Case.model_validate(data)), ensure_ascii=False)
    for secret in ("non_citizen", "interpreter_language", "Spanish", "Reyes", "Lindqvist", "discretion_factors",
                   "home health aide"):
        assert secret not in text, secret
