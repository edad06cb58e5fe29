"""The server's defences, against a real server on a loopback port: the token, the session cookie, CSRF,
the Host check, the headers, size limits, the log, and owner-only work files."""

from __future__ import annotations

import re

import httpx

from erasure_docs.web.security import CSP, Guard


def test_without_the_token_every_page_and_the_api_are_refused(live):
    anonymous = httpx.Client(base_url=live.url)
    for path in ("/", "/cases/ANY", "/batches", "/api/v1/openapi.json"):
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response.text.startswith("Refused")
    assert anonymous.get("/?token=wrong-token").status_code == 401
    assert anonymous.post("/api/v1/check", json={}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert anonymous.post("/cases", data={"case_id": "X"}).status_code == 401


def test_the_token_link_gives_a_strict_http_only_cookie_and_leaves_the_address_bar(live):
    client = httpx.Client(base_url=live.url)
    response = client.get(f"/?token={live.token}")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and live.token not in cookie
    assert client.get("/").status_code == 200


def test_a_post_without_the_csrf_token_is_refused(live):
    client = live.session()
    assert client.post("/cases", data={"case_id": "NO-CSRF-1"}).status_code == 403
    assert client.post("/cases", data={"case_id": "NO-CSRF-1", "csrf": "forged"}).status_code == 403
    assert not (live.work / "cases" / "NO-CSRF-1.yaml").exists()
    csrf = live.csrf(client)
    other_site = client.post("/cases", data={"case_id": "NO-CSRF-1", "csrf": csrf},
                             headers={"Origin": "http://evil.example"})
    assert other_site.status_code == 403
    assert client.post("/cases", data={"case_id": "WITH-CSRF-1", "csrf": csrf}).status_code == 303
    assert (live.work / "cases" / "WITH-CSRF-1.yaml").exists()


def test_every_response_carries_the_security_headers(live):
    client = live.session()
    for path in ("/", "/batches", "/static/app.js", "/nowhere"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CSP, path
        assert "'unsafe-inline'" not in CSP and "http" not in CSP
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert client.get("/").headers["cache-control"] == "no-store"
    assert "<script>" not in client.get("/").text  # no inline script: only /static/app.js


def test_another_host_name_is_refused(live):
    response = httpx.get(f"{live.url}/?token={live.token}", headers={"Host": "attacker.example:80"})
    assert response.status_code == 421


def test_uploads_are_limited_in_size(live):
    client = live.session()
    csrf = live.csrf(client)
    huge = b"case_id: BIG\n" + b"#" * (21 * 1024 * 1024)
    response = client.post("/cases/upload", data={"csrf": csrf}, files={"file": ("big.yaml", huge)})
    assert response.status_code == 413
    big_case = b"case_id: BIG-2\n" + b"# padding\n" * 600_000  # over the case file's 5 MB, under the body limit
    response = client.post("/cases/upload", data={"csrf": csrf}, files={"file": ("big.yaml", big_case)})
    assert response.status_code == 413 and not (live.work / "cases" / "BIG-2.yaml").exists()


def upload_alone(live, name: str, data: bytes):  # noqa: ANN001, ANN201
    """One file uploaded by a fresh session."""
    client = live.session()
    return client.post("/cases/upload", data={"csrf": live.csrf(client)}, files={"file": (name, data)})


def test_an_uploaded_file_is_read_by_the_safe_loader(live):
    hostile = b"case_id: HOSTILE-1\npetitioner: !!python/object/apply:os.system ['true']\n"
    response = upload_alone(live, "h.yaml", hostile)
    assert response.status_code == 400 and "only plain values are allowed" in response.text
    assert not (live.work / "cases" / "HOSTILE-1.yaml").exists()


def test_an_uploaded_value_with_a_mistyped_tag_is_refused_never_saved_empty(live):
    upload = b"case_id: TAGGED-1\npetitioner:\n  first_name: Ana\n  middle_name: !!int Maria\n"
    response = upload_alone(live, "t.yaml", upload)
    assert response.status_code == 400 and "petitioner.middle_name (line 4)" in response.text
    assert "does not fit" in response.text and "Maria" not in response.text
    assert not (live.work / "cases" / "TAGGED-1.yaml").exists()


def test_an_uploaded_case_never_replaces_one_in_the_work_folder(live):
    client = live.session()
    csrf = live.csrf(client)
    first = client.post("/cases/upload", data={"csrf": csrf}, files={"file": ("a.yaml", b"case_id: SAME-1\n")})
    assert first.status_code == 303
    before = (live.work / "cases" / "SAME-1.yaml").read_bytes()
    again = client.post("/cases/upload", data={"csrf": csrf},
                        files={"file": ("b.yaml", b"case_id: SAME-1\nas_of: 2026-01-01\n")})
    assert again.status_code == 409 and (live.work / "cases" / "SAME-1.yaml").read_bytes() == before


def test_the_log_has_no_query_string_and_no_form_values(live):
    client = live.session()
    csrf = live.csrf(client)
    client.post("/cases", data={"case_id": "LOG-1", "csrf": csrf})
    client.post("/cases/LOG-1", data={"csrf": csrf, "petitioner.first_name": "Zyxwvuta", "petitioner.last_name": "Q"})
    logged = "\n".join(live.log)
    assert "POST /cases/LOG-1 303" in logged
    assert live.token not in logged and "token" not in logged and "?" not in logged
    assert "Zyxwvuta" not in logged and csrf not in logged


def test_work_files_are_owner_only(live):
    client = live.session()
    csrf = live.csrf(client)
    client.post("/cases", data={"case_id": "PERM-1", "csrf": csrf})
    assert (live.work.stat().st_mode & 0o777) == 0o700
    assert ((live.work / "cases" / "PERM-1.yaml").stat().st_mode & 0o777) == 0o600


def test_idle_sessions_expire():
    guard = Guard(idle_minutes=30)
    idle, busy = guard.start_session(), guard.start_session()
    assert guard.session(idle) is not None and guard.session("other") is None
    guard.sessions[idle].last_seen -= 31 * 60  # as if 31 minutes had gone by without a request
    guard.sessions[busy].last_seen -= 29 * 60
    assert guard.session(idle) is None and idle not in guard.sessions
    assert guard.session(busy) is not None


def test_the_csrf_token_differs_per_session(live):
    one, two = live.session(), live.session()
    assert live.csrf(one) != live.csrf(two)
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", live.csrf(one))


def test_a_failure_is_logged_by_its_kind_only(tmp_path, caplog):
    from starlette.testclient import TestClient

    from erasure_docs.web.app import create_app
    from erasure_docs.web.service import Service

    class Failing(Service):
        def validate(self, data):
            raise ValueError("Maria Santos, born 1997-03-14")

    guard = Guard(token="t" * 40, hosts={"testserver"})
    client = TestClient(create_app(tmp_path / "w", guard, Failing()), raise_server_exceptions=False)
    client.get("/?token=" + "t" * 40)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    client.post("/cases", data={"case_id": "FAIL-1", "csrf": csrf})
    with caplog.at_level("INFO"):
        response = client.get("/cases/FAIL-1")
    assert response.status_code == 500 and "Maria" not in response.text
    assert "GET /cases/FAIL-1 failed: ValueError" in caplog.text
    assert "Maria" not in caplog.text and "1997" not in caplog.text
