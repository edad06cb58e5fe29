"""`erasure-docs serve`, the real command: it prints a link with the token, serves on loopback, and warns
when asked to listen anywhere else."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import httpx

from erasure_docs.web import server


def test_serve_prints_a_link_that_opens_a_session(tmp_path):
    work = tmp_path / "work"
    process = subprocess.Popen([sys.executable, "-m", "erasure_docs", "serve", "--no-browser", "--port", "0",
                                "--work", str(work)], stderr=subprocess.PIPE, text=True)
    try:
        printed = ""
        while "Stop with Ctrl+C" not in printed:
            line = process.stderr.readline()
            assert line, printed
            printed += line
        link = re.search(r"http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]{40,}", printed).group(0)
        assert "WARNING" not in printed
        for _ in range(100):
            try:
                response = httpx.get(link)
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert response.status_code == 303 and "HttpOnly" in response.headers["set-cookie"]
        assert httpx.get(link.split("?")[0]).status_code == 401
        assert (work.stat().st_mode & 0o777) == 0o700
    finally:
        process.terminate()
        process.wait(10)
    assert link.split("=")[1] not in process.stderr.read()  # the request log never repeats the token


def test_another_interface_only_with_a_warning(monkeypatch, tmp_path, capsys):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    server.serve("192.0.2.10", 8123, tmp_path / "w", open_browser=False)
    printed = capsys.readouterr().err
    assert "WARNING: serving on 192.0.2.10" in printed and calls[0]["host"] == "192.0.2.10"
    assert calls[0]["access_log"] is False
    assert server.is_loopback("127.0.0.1") and server.is_loopback("::1") and not server.is_loopback("0.0.0.0")
