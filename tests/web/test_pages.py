"""The pages without a browser: every sample case survives the intake form unchanged (the form shows every
field), a case file goes in and out of the work folder, the attorney is remembered, and each court's files
can be downloaded."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

import erasure_docs as ed
from tests.web.conftest import ROOT

SAMPLES = sorted((ROOT / "sample_cases").glob("*.yaml"))


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


class FormFields(HTMLParser):
    """The (name, value) pairs a browser would post for the intake form, as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") != "file":
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_of(html: str, action: str = "save") -> dict[str, list[str]]:
    """What the browser posts when the button `action` is pressed, as httpx takes form data."""
    parser = FormFields()
    parser.feed(html[html.index('<form method="post" action="/cases/'):])
    posted: dict[str, list[str]] = {"action": [action]}
    for name, value in parser.fields:
        if name != "action":
            posted.setdefault(name, []).append(value)
    return posted


def upload(live, client, path) -> str:
    """Open a case file in the app (a copy left by an earlier test is removed first)."""
    case, _ = ed.validate(path)
    (live.work / "cases" / f"{case.case_id}.yaml").unlink(missing_ok=True)
    csrf = live.csrf(client)
    response = client.post("/cases/upload", data={"csrf": csrf}, files={"file": (path.name, path.read_bytes())})
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_case_survives_the_form_unchanged(live, sample):
    client = live.session()
    original, problems = ed.validate(sample)
    assert problems == []
    case_id = upload(live, client, sample)
    page = client.get(f"/cases/{case_id}").text
    assert client.post(f"/cases/{case_id}", data=form_of(page)).status_code == 303
    saved, problems = ed.validate(live.work / "cases" / f"{case_id}.yaml")
    assert problems == [] and saved == original


def test_a_case_file_downloads_as_a_valid_case_file(live, tmp_path):
    client = live.session()
    sample = ROOT / "sample_cases" / "adult-prostitution.yaml"
    original, _ = ed.validate(sample)
    upload(live, client, sample)
    response = client.get(f"/cases/{original.case_id}/download")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert f'filename="{original.case_id}.yaml"' in response.headers["content-disposition"]
    downloaded = tmp_path / "downloaded.yaml"
    downloaded.write_bytes(response.content)
    command = subprocess.run([sys.executable, "-m", "erasure_docs", "validate", str(downloaded)],
                             capture_output=True, text=True)
    assert command.returncode == 0, command.stderr
    assert ed.validate(downloaded)[0] == original


def test_the_attorney_is_remembered_for_the_next_case(live):
    client = live.session()
    upload(live, client, ROOT / "sample_cases" / "adult-with-victim.yaml")
    case_id = "CLINIC-2026-0013"
    client.post(f"/cases/{case_id}", data=form_of(client.get(f"/cases/{case_id}").text))
    csrf = live.csrf(client)
    assert client.post("/cases", data={"case_id": "NEXT-1", "csrf": csrf}).status_code == 303
    page = client.get("/cases/NEXT-1").text
    assert 'value="Catherine Moss"' in page and 'value="427355"' in page
    assert (live.work / "settings.yaml").stat().st_mode & 0o777 == 0o600


def test_one_court_s_files_and_the_whole_folder_download(live):
    client = live.session()
    sample = ROOT / "sample_cases" / "mixed-multi-docket.yaml"
    case_id = upload(live, client, sample)
    csrf = live.csrf(client)
    response = client.post(f"/cases/{case_id}/generate", data={"csrf": csrf})
    assert response.status_code == 303 and response.headers["location"].endswith("/filings")
    page = client.get(f"/cases/{case_id}/filings").text
    links = sorted(set(re.findall(r'href="(/cases/[^"]+/files/[^"?]+\.pdf)"', page)))
    manifest = json.loads(client.get(f"/cases/{case_id}/files/manifest.json").content)
    sets = manifest["filing_sets"]
    bound = [link for link in links if link.endswith("/filing.pdf")]
    assert len(sets) >= 2 and len(bound) == len(sets)  # one bound filing per court, each downloadable
    assert len(re.findall(r'<img[^>]+class="thumb"', page)) == len(sets)
    for filing in sets:  # each court's bound PDF holds its own dockets and no other court's
        link = next(link for link in bound if link.endswith(f"/files/{filing['bound']}"))
        text = pdf_text(client.get(link).content)
        others = [d for s in sets if s is not filing for d in s["dockets"]]
        assert all(docket in text for docket in filing["dockets"]) and not any(d in text for d in others)
        thumb = client.get(f"/cases/{case_id}/thumb/{filing['bound']}")
        assert thumb.status_code == 200 and thumb.content.startswith(b"\x89PNG")
    pdf = client.get(links[0])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    assert client.get(links[0] + "?inline=1").headers["content-disposition"].startswith("inline")
    assert client.get(f"/cases/{case_id}/files/../../settings.yaml").status_code == 404
    assert client.get(f"/cases/{case_id}/files/%2e%2e/%2e%2e/settings.yaml").status_code == 404
    words = client.get(f"/cases/{case_id}/word.zip")
    assert words.status_code == 200 and words.content.startswith(b"PK")


def test_a_clinic_workbook_is_read_case_by_case(live):
    client = live.session()
    csrf = live.csrf(client)
    workbook = ROOT / "sample_cases" / "clinic-intake.xlsx"
    response = client.post("/batches", data={"csrf": csrf}, files={"file": (workbook.name, workbook.read_bytes())})
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    expected = [c.case_id for c in ed.load_cases([workbook])]
    assert expected and all(f"<th scope=\"row\">{case_id}</th>" in page for case_id in expected)
    assert "Cases!A2" in page and str(live.work) not in page  # where in the workbook; never the server's path
    bad = client.post("/batches", data={"csrf": csrf}, files={"file": ("notes.txt", b"hello")})
    assert bad.status_code == 400
