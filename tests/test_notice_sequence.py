"""The § 54-95c(b) victim-notice sequence: before mailing, notices to mail, a certification left to be completed
and an application saying notice *will be* sent; after the mailing is recorded, the certification completed, the
application saying notice *was* sent, and dates that agree. A hearing date adds a notice of the hearing."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from tests.conftest import SAMPLES
from tests.textextract import docx_text, generate, pdf_text

pytestmark = pytest.mark.render  # make test-fast leaves these out

COMPLETE = yaml.safe_load((SAMPLES / "complete.yaml").read_text(encoding="utf-8"))
DOCKET = "F02B-CR16-0287731-S"
ONLY = ("application_54_95c", "victim_notice", "victim_hearing_notice", "certification_of_notice")


def packet(tmp_path: Path, data: dict, name: str) -> Path:
    data = copy.deepcopy(data)
    data["case_id"] = f"NOTICE-{name}"
    case_file = tmp_path / f"{name}.yaml"
    case_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    options = [arg for kind in ONLY for arg in ("--only", kind)]
    code, _, err = generate(case_file, tmp_path / "out", *options)
    assert code == 0, err
    return tmp_path / "out" / data["case_id"]


def placed(folder: Path, stem: str) -> list[Path]:
    """The docket's document wherever the case folder puts it (its filing set, or the mailings)."""
    return sorted(folder.glob(f"**/{DOCKET}/{stem}.pdf"))


def texts(folder: Path, stem: str) -> list[str]:
    """The text of one document in both formats, whitespace collapsed."""
    [pdf] = placed(folder, stem)
    return [" ".join(pdf_text(pdf).split()), " ".join(docx_text(pdf.with_suffix(".docx")).split())]


@pytest.fixture(scope="module")
def before(tmp_path_factory) -> Path:
    data = copy.deepcopy(COMPLETE)
    del data["records"][0]["charges"][0]["victims"][0]["notice"]
    del data["filing"]["hearing_date"]
    return packet(tmp_path_factory.mktemp("before"), data, "BEFORE")


@pytest.fixture(scope="module")
def after(tmp_path_factory) -> Path:
    return packet(tmp_path_factory.mktemp("after"), COMPLETE, "AFTER")


def test_before_mailing_the_application_says_notice_will_be_sent(before):
    for text in texts(before, "application_54_95c"):
        assert "the Applicant will send notice by registered or certified mail to each victim" in text
        assert "will file a Certification of Notice to Victims once notice has been sent" in text
        assert "has sent notice" not in text


def test_before_mailing_the_certification_is_left_to_be_completed(before):
    for text in texts(before, "certification_of_notice"):
        assert "TO BE COMPLETED AND SIGNED ONLY AFTER EVERY NOTICE HAS BEEN MAILED" in text
        row = text[text.index("Seaview Department Store, Inc."):]
        assert row.split("C.G.S. § 53a-125b", 1)[1].lstrip().startswith("__________ __________ __________")
        assert "certified mail November" not in text


def test_before_mailing_the_notice_to_mail_is_undated(before):
    for text in texts(before, "victim_notice-1"):
        assert "Date: ______________________ (the date of mailing)" in text
        assert "2026" not in text.split("Date:", 1)[1]
    assert not placed(before, "victim_hearing_notice-1")  # no hearing date, no hearing notice


def test_after_mailing_the_application_says_notice_was_sent(after):
    for text in texts(after, "application_54_95c"):
        assert "the Applicant has sent notice by registered or certified mail to each victim" in text
        assert "will send notice" not in text


def test_after_mailing_the_certification_is_completed_and_the_dates_agree(after):
    for certification, notice in zip(texts(after, "certification_of_notice"), texts(after, "victim_notice-1")):
        table = certification[certification.index("Tracking No."):certification.index("The mailing receipts")]
        assert "TO BE COMPLETED" not in certification and "__________" not in table
        assert "certified mail November 16, 2026 9407 1000 0000 0020 1001 01" in certification
        # the notice carries the date of its recorded mailing: never the filing date, never a later one
        assert "Date: November 16, 2026" in notice
        assert "November 30, 2026" not in notice.split("Date:", 1)[1]


def test_a_hearing_date_adds_a_notice_of_the_hearing_to_each_victim(after):
    for text in texts(after, "victim_hearing_notice-1"):
        assert "NOTICE TO VICTIM OF HEARING ON APPLICATION TO VACATE" in text
        assert "TO: Seaview Department Store, Inc. 2200 Seaview Ave Bridgeport, CT 06607" in text
        assert "is scheduled to be heard by the Superior Court, G.A. 2, at Bridgeport on January 20, 2027" in text
