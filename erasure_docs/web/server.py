"""Starting the web app: the work folder, the token, the printed link, uvicorn."""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
import threading
import webbrowser
from pathlib import Path

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def accepted_hosts(host: str, port: int) -> set[str]:
    names = {host, "localhost", LOOPBACK} if is_loopback(host) else {host}
    shown = {f"[{name}]" if ":" in name else name for name in names}
    return {f"{name}:{port}" for name in shown}


def serve(host: str, port: int, work: Path, open_browser: bool, idle_minutes: float = 30) -> None:
    import uvicorn

    from erasure_docs.web.app import create_app
    from erasure_docs.web.security import Guard

    port = port or free_port(host)
    guard = Guard(idle_minutes=idle_minutes, hosts=accepted_hosts(host, port))
    app = create_app(work, guard)
    shown_host = f"[{host}]" if ":" in host else host
    link = f"http://{shown_host}:{port}/?token={guard.token}"
    out = sys.stderr
    if not is_loopback(host):
        print(f"WARNING: serving on {host}, not only this computer: anyone who can reach this address and "
              "holds the token can read survivors' case data. The connection is not encrypted.", file=out)
    print(f"erasure-docs web app: work folder {work}", file=out)
    print(f"Open this link (it carries the access token; keep it private):\n  {link}", file=out)
    print("Stop with Ctrl+C.", file=out, flush=True)
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log = logging.getLogger("erasure_docs.web")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(link,)).start()
    # uvicorn's own access log would print query strings (the token on the first request): it stays off,
    # and erasure_docs.web logs method, path and status only.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning", server_header=False)
