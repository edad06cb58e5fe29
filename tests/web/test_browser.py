"""The web app in a real browser (Debian's Chromium through Selenium): a case typed in from an empty form,
partly by keyboard; a problem shown beside its field and fixed; the eligibility table; the filing sets
generated and downloaded; a clinic sheet run with its progress bar; axe-core on every page; screenshots."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.web.conftest import ROOT, axe_violations, screenshot, wait_for

pytestmark = pytest.mark.slow
SCRIPT = "<script>alert(1)</script>"


def by_id(driver, element_id: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def type_into(driver, path: str, text: str) -> None:
    from erasure_docs.web.forms import field_id

    element = by_id(driver, field_id(path))
    element.clear()
    element.send_keys(text)


def choose(driver, path: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    from erasure_docs.web.forms import field_id

    Select(by_id(driver, field_id(path))).select_by_value(value)


def accessible(driver, page: str) -> None:
    screenshot(driver, page)
    assert axe_violations(driver) == [], page


def no_alert(driver) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        _ = driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def downloaded(driver, suffix: str, before: set[Path]) -> Path:
    def done():
        found = [p for p in driver.downloads.iterdir() if p.suffix == suffix and p not in before]
        return found[0] if found and not list(driver.downloads.glob("*.crdownload")) else None
    return wait_for(done, timeout=60)


def test_a_case_from_an_empty_form_to_its_filing_sets(live, browser):
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(f"{live.url}/?token={live.token}")
    assert "token" not in driver.current_url  # the link carries the token once; the cookie does the rest
    assert driver.find_element("tag name", "h1").text == "Cases"
    accessible(driver, "01-start")

    # Keyboard only: type the case id and press Enter.
    by_id(driver, "new-case-id").send_keys("WEB-2026-0001", Keys.ENTER)
    wait_for(lambda: driver.current_url.endswith("/cases/WEB-2026-0001"))
    assert "is required" in by_id(driver, "f-petitioner-error").text  # an empty case: problems shown in place

    # First, middle, last name by Tab, as a person at a keyboard does; the proceeding chosen by typing.
    by_id(driver, "f-petitioner-first-name").send_keys("Ana", Keys.TAB, "María", Keys.TAB, "O'Neil")
    by_id(driver, "f-records-0-proceeding").send_keys("adult")
    saved = live.work / "cases" / "WEB-2026-0001.yaml"
    wait_for(lambda: "Saved at" in by_id(driver, "saved").text)  # saved as it goes, without a button
    assert "O'Neil" in saved.read_text(encoding="utf-8")
    type_into(driver, "petitioner.date_of_birth", "1998-03-14")
    type_into(driver, "trafficking.predicates[0]", "53a-192a")
    type_into(driver, "records[0].docket_number", "H14H-CR15-0123456-S")
    choose(driver, "records[0].court.directory", "ga-14")  # the court directory fills kind, number, location
    type_into(driver, "records[0].charges[0].statute", "53a-82")
    type_into(driver, "records[0].charges[0].description", SCRIPT)
    choose(driver, "records[0].charges[0].disposition", "convicted")
    type_into(driver, "records[0].charges[0].offense_date", "2015-13-01")  # no 13th month
    choose(driver, "records[0].charges[0].related_to_trafficking", "true")
    by_id(driver, "f-records-0-charges-0-offense-date").send_keys(Keys.ENTER)  # Enter saves (the first button)
    wait_for(lambda: driver.find_elements("id", "f-records-0-charges-0-offense-date-error"))

    date = by_id(driver, "f-records-0-charges-0-offense-date")
    error = by_id(driver, "f-records-0-charges-0-offense-date-error")
    assert "not a valid date" in error.text
    assert date.get_attribute("aria-invalid") == "true"
    assert "f-records-0-charges-0-offense-date-error" in date.get_attribute("aria-describedby")
    assert driver.find_element("css selector", "#problems [role=alert]")  # announced to screen readers
    assert by_id(driver, "f-petitioner-last-name").get_attribute("value") == "O'Neil"
    assert by_id(driver, "f-records-0-proceeding").get_attribute("value") == "adult"
    assert [by_id(driver, f"f-records-0-court-{part}").get_attribute("value") for part in ("kind", "number", "location")] \
        == ["ga", "14", "Hartford"]
    # The script is a description like any other: shown literally, never run.
    assert by_id(driver, "f-records-0-charges-0-description").get_attribute("value") == SCRIPT
    assert no_alert(driver)
    accessible(driver, "02-intake-with-a-problem")

    assert saved.stat().st_mode & 0o777 == 0o600 and "O'Neil" in saved.read_text(encoding="utf-8")

    type_into(driver, "records[0].charges[0].offense_date", "2015-03-01")
    driver.find_element("css selector", "button[value=eligibility]").click()
    wait_for(lambda: driver.current_url.endswith("/eligibility"))
    table = driver.find_element("css selector", "table.charges").text
    assert "H14H-CR15-0123456-S, charge 1" in table and "C.G.S. § 53a-82" in table
    assert "Eligible" in table and "§ 54-95c" in table
    blockers = driver.find_elements("css selector", "ul.blockers a")
    assert blockers and "/cases/WEB-2026-0001#f-" in blockers[0].get_attribute("href")  # each links to its field
    assert no_alert(driver)
    accessible(driver, "03-eligibility")

    by_id(driver, "generate").click()
    wait_for(lambda: driver.current_url.endswith("/filings"), timeout=180)
    thumbs = driver.find_elements("css selector", "img.thumb")
    assert len(thumbs) == 1  # one court, one filing set, one picture of its first page
    wait_for(lambda: all(img.get_attribute("naturalWidth") not in (None, "0") for img in thumbs))
    assert "G.A. 14" in thumbs[0].get_attribute("alt")
    accessible(driver, "04-filing-sets")

    before = set(driver.downloads.iterdir())
    by_id(driver, "download-zip").click()
    archive = downloaded(driver, ".zip", before)
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        application = next(n for n in names if n.endswith("application_54_95c.pdf"))
        pdf = opened.read(application)
        bound = [n for n in names if n.startswith("WEB-2026-0001/filings/") and n.endswith("/filing.pdf")]
        bound_text = subprocess.run(["pdftotext", "-", "-"], input=opened.read(bound[0]), capture_output=True,
                                    check=True).stdout.decode() if len(bound) == 1 else ""
    assert all(n.startswith("WEB-2026-0001/") for n in names) and "WEB-2026-0001/manifest.json" in names
    assert application.startswith("WEB-2026-0001/filings/") and len(bound) == 1
    assert "Filing page 1 of" in bound_text and "H14H-CR15-0123456-S" in bound_text
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "H14H-CR15-0123456-S" in text and "O'Neil" in text


def test_a_clinic_sheet_runs_with_its_progress_to_the_end(live, browser):
    driver = browser
    driver.get(f"{live.url}/batches")
    accessible(driver, "05-batches")
    by_id(driver, "sheet").send_keys(str(ROOT / "sample_cases" / "batch-clinic-day.csv"))
    driver.find_element("css selector", "form[action='/batches'] button").click()
    wait_for(lambda: driver.find_elements("id", "run"))
    rows = driver.find_elements("css selector", "table.batch tbody tr")
    assert len(rows) >= 2
    accessible(driver, "06-batch-uploaded")
    by_id(driver, "run").click()
    seen: list[int] = []

    def finished() -> bool:
        from selenium.common.exceptions import StaleElementReferenceException

        try:
            bars = driver.find_elements("id", "progress")
            if bars and bars[0].is_displayed():
                seen.append(int(bars[0].get_attribute("value") or 0))
            return bool(driver.find_elements("id", "finished"))
        except StaleElementReferenceException:  # the page reloads itself when the batch is done
            return False
    wait_for(finished, timeout=600, step=0.2)
    total = int(by_id(driver, "progress").get_attribute("max"))
    assert seen and seen == sorted(seen)  # the bar only moves forward
    assert f"{total} of {total} cases built" in by_id(driver, "finished").text
    results = [td.text for td in driver.find_elements("css selector", "table.batch tbody tr td:nth-child(3)")]
    assert results and all(r in ("ready to file", "built, with blockers", "problems in the sheet") for r in results)
    accessible(driver, "07-batch-finished")

    before = set(driver.downloads.iterdir())
    by_id(driver, "download-batch").click()
    archive = downloaded(driver, ".zip", before)
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
    folders = {n.split("/")[1] for n in names if n.count("/") >= 2}
    assert len(folders) == total and any(n.endswith("batch-summary.csv") for n in names)


def test_a_page_that_says_what_went_wrong_is_accessible_too(live, browser):
    browser.get(f"{live.url}/cases/NO-SUCH-CASE")
    assert "no such case" in browser.find_element("css selector", "[role=alert]").text
    accessible(browser, "08-not-found")


def test_without_the_token_the_browser_gets_nothing(live, browser):
    driver = browser
    driver.delete_all_cookies()
    driver.get(f"{live.url}/cases/WEB-2026-0001")
    body = driver.find_element("tag name", "body").text
    assert body.startswith("Refused") and "O'Neil" not in body
