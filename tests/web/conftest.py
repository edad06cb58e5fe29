"""A real server on a loopback port (one per test module) and, for the browser tests, Debian's Chromium
driven by Selenium. Screenshots go to test-artifacts/web/ at the top of the project (not committed)."""

from __future__ import annotations

import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from erasure_docs.web.app import create_app
from erasure_docs.web.security import Guard
from erasure_docs.web.server import accepted_hosts, free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@dataclass
class LiveServer:
    url: str
    token: str
    work: Path
    guard: Guard
    log: list[str]

    def session(self) -> httpx.Client:
        """An HTTP client that has opened the token link (so it holds the session cookie)."""
        client = httpx.Client(base_url=self.url, follow_redirects=False, timeout=120)
        client.get(f"/?token={self.token}")
        return client

    def csrf(self, client: httpx.Client) -> str:
        return re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)


class _Capture(__import__("logging").Handler):
    def __init__(self, lines: list[str]):
        super().__init__()
        self.lines = lines

    def emit(self, record: Any) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    import logging

    import uvicorn

    work = tmp_path_factory.mktemp("work") / "erasure-work"
    port = free_port("127.0.0.1")
    guard = Guard(hosts=accepted_hosts("127.0.0.1", port))
    config = uvicorn.Config(create_app(work, guard), host="127.0.0.1", port=port, access_log=False,
                            log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    lines: list[str] = []
    handler = _Capture(lines)
    logger = logging.getLogger("erasure_docs.web")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", guard.token, work, guard, lines)
    server.should_exit = True
    thread.join(10)
    logger.removeHandler(handler)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed (make test installs them as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--window-size=1280,1000"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.downloads = downloads
    yield driver
    driver.quit()


def screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 600), 6000))  # the whole page, as one picture
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1000)
    return path


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """Serious and critical accessibility violations on the current page, by axe-core (vendored)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations)).catch(e => done(String(e)));")
    assert isinstance(result, list), result
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result if v["impact"] in ("serious", "critical")]


def wait_for(condition: Any, timeout: float = 60, step: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(step)


def copy_sample(name: str, to: Path) -> Path:
    shutil.copy(ROOT / "sample_cases" / name, to / name)
    return to / name
