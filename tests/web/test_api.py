"""The JSON API, for clinics' case-management systems: validate, check (the JSON of `check --json`) and
generate (the case folder as a zip), with the Bearer token; its OpenAPI description."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import httpx
import pytest
import yaml

from tests.web.conftest import ROOT

SAMPLE = ROOT / "sample_cases" / "adult-with-victim.yaml"


@pytest.fixture(scope="module")
def api(live):
    return httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {live.token}"}, timeout=300)


def sample_json() -> dict:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def test_validate_lists_every_problem_with_its_field_path(api):
    assert api.post("/api/v1/validate", content=json.dumps(sample_json(), default=str)).json() == \
        {"valid": True, "problems": []}
    broken = sample_json()
    del broken["petitioner"]["last_name"]
    broken["records"][0]["charges"][0]["offense_date"] = "2019-02-30"
    result = api.post("/api/v1/validate", content=json.dumps(broken, default=str)).json()
    assert result["valid"] is False
    paths = {p["path"] for p in result["problems"]}
    assert {"petitioner.last_name", "records[0].charges[0].offense_date"} <= paths


def test_check_gives_the_same_json_as_the_command_line(api):
    response = api.post("/api/v1/check", content=json.dumps(sample_json(), default=str))
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    command = subprocess.run([sys.executable, "-m", "erasure_docs", "check", str(SAMPLE), "--json"],
                             capture_output=True, text=True, check=True)
    assert response.json() == json.loads(command.stdout)


def test_check_of_an_invalid_case_says_what_is_wrong(api):
    response = api.post("/api/v1/check", content=b'{"case_id": "X-1"}')
    assert response.status_code == 422 and any(p["path"] == "petitioner" for p in response.json()["problems"])
    assert api.post("/api/v1/check", content=b"[1, 2]").status_code == 422
    assert "not valid JSON" in api.post("/api/v1/check", content=b"{oops").json()["problems"][0]["message"]


def test_generate_returns_the_case_folder_as_a_zip(api):
    response = api.post("/api/v1/generate", content=json.dumps(sample_json(), default=str))
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("CLINIC-2026-0013/manifest.json"))
    assert manifest["case_id"] == "CLINIC-2026-0013"
    listed = {f["path"] for f in manifest["files"]}
    assert {f"CLINIC-2026-0013/{p}" for p in listed} <= set(names)
    assert any(n.endswith(".docx") for n in names) and any(n.endswith(".pdf") for n in names)


def test_the_openapi_description_names_the_three_endpoints_and_the_token(api, live):
    document = api.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/validate", "/api/v1/check", "/api/v1/generate"):
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Case"}
    assert "petitioner" in document["components"]["schemas"]["Case"]["properties"]
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert not any(p.startswith("/cases") for p in document["paths"])  # the pages are not the API
    assert httpx.get(f"{live.url}/api/v1/openapi.json").status_code == 401
