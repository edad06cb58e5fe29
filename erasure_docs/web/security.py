"""What stands between survivors' data and anyone else on the machine or the network.

- An access token, random per start, printed once. Opening the printed link (`/?token=…`) starts a session:
  an HttpOnly, SameSite=Strict cookie; the address bar is then cleared of the token by a redirect. The JSON
  API takes the token as `Authorization: Bearer <token>` instead. Anything else is refused (401).
- Sessions expire after `idle_minutes` without a request.
- Every state-changing request from the browser carries the session's CSRF token (a hidden form field or
  the X-CSRF-Token header) and, when the browser sends one, an Origin of this server.
- Only Host headers naming this server are served (a page elsewhere cannot reach it by DNS rebinding).
- Every response carries a strict Content-Security-Policy (no inline script, nothing from another origin),
  X-Frame-Options DENY and, except the packaged static files, Cache-Control: no-store.
- Request bodies are limited in size; the log line of a request has its method, path (never the query
  string) and status, nothing else.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.types import ASGIApp as App
from starlette.types import Message, Receive, Scope, Send

COOKIE = "erasure_docs_session"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
log = logging.getLogger("erasure_docs.web")


@dataclass
class Session:
    csrf: str
    last_seen: float


@dataclass
class Guard:
    """The server's secrets and its live sessions."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    idle_minutes: float = 30
    hosts: set[str] = field(default_factory=set)  # acceptable Host headers (host:port)
    sessions: dict[str, Session] = field(default_factory=dict)

    def token_ok(self, offered: str | None) -> bool:
        return bool(offered) and hmac.compare_digest(offered.encode(), self.token.encode())  # type: ignore[union-attr]

    def start_session(self) -> str:
        session_id = secrets.token_urlsafe(32)
        self.sessions[session_id] = Session(secrets.token_urlsafe(32), time.monotonic())
        return session_id

    def session(self, session_id: str | None) -> Session | None:
        """The live session of this cookie, touched; None when there is none or it has expired."""
        now = time.monotonic()
        for key in [k for k, s in self.sessions.items() if now - s.last_seen > self.idle_minutes * 60]:
            del self.sessions[key]
        found = self.sessions.get(session_id or "")
        if found:
            found.last_seen = now
        return found


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookie(headers: dict[str, str], name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


async def _plain(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})


REFUSED = ("Refused: open the link printed by `erasure-docs serve` (it carries the access token). "
           "A session ends after a while without use; open the link again.")


class SecurityMiddleware:
    """Authentication, CSRF, Host check, body limit and security headers, around the whole app."""

    def __init__(self, app: App, guard: Guard, max_body: int):
        self.app, self.guard, self.max_body = app, guard, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        status_seen: list[int] = []
        static = path.startswith("/static/")

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_seen.append(message["status"])
                log.info("%s %s %s", method, path, message["status"])
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"cache-control", b"x-frame-options")]
                headers += [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"),
                            (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                            (b"cross-origin-opener-policy", b"same-origin"),
                            (b"cache-control", b"private, max-age=3600" if static else b"no-store")]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self._guarded(scope, receive, send_secured)
        except Exception as exc:  # noqa: BLE001 - its kind is logged, never its message or traceback (data)
            log.warning("%s %s failed: %s", method, path, type(exc).__name__)
            if not status_seen:
                await _plain(send_secured, 500, f"The request failed ({type(exc).__name__}).")

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        if self.guard.hosts and headers.get("host", "") not in self.guard.hosts:
            await _plain(send, 421, "Refused: this server answers only to the address it printed.")
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await _plain(send, 413, f"Refused: an upload may be at most {self.max_body // 1024 // 1024} MB.")
            return
        path, method = scope["path"], scope["method"]
        if path.startswith("/static/"):
            await self.app(scope, receive, send)
            return
        if path.startswith("/api/"):
            bearer = headers.get("authorization", "")
            if not (bearer.startswith("Bearer ") and self.guard.token_ok(bearer[7:].strip())):
                await _plain(send, 401, "Refused: send Authorization: Bearer <token> (the token printed at start).",
                             [(b"www-authenticate", b"Bearer")])
                return
            await self.app(scope, self._limited(receive), send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if method == "GET" and self.guard.token_ok((query.get("token") or [None])[0]):
            session_id = self.guard.start_session()
            cookie = f"{COOKIE}={session_id}; HttpOnly; SameSite=Strict; Path=/"
            await send({"type": "http.response.start", "status": 303,
                        "headers": [(b"location", path.encode()), (b"set-cookie", cookie.encode()),
                                    (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        session = self.guard.session(_cookie(headers, COOKIE))
        if session is None:
            await _plain(send, 401, REFUSED)
            return
        scope.setdefault("state", {})["csrf"] = session.csrf
        if method not in SAFE_METHODS:
            origin = headers.get("origin")
            if origin and origin.split("://", 1)[-1] not in self.guard.hosts | {headers.get("host", "")}:
                await _plain(send, 403, "Refused: this request did not come from this app's own pages.")
                return
            receive = self._limited(receive)
            receive, offered = await self._csrf_of(scope, receive, headers)
            if not (offered and hmac.compare_digest(offered.encode(), session.csrf.encode())):
                await _plain(send, 403, "Refused: the form's security token is missing or out of date; "
                                        "reload the page and try again.")
                return
        await self.app(scope, receive, send)

    def _limited(self, receive: Receive) -> Receive:
        seen = [0]

        async def limited() -> Message:
            message = await receive()
            seen[0] += len(message.get("body", b""))
            if seen[0] > self.max_body:
                raise BodyTooLarge()
            return message
        return limited

    async def _csrf_of(self, scope: Scope, receive: Receive, headers: dict[str, str]) -> tuple[Receive, str | None]:
        """The CSRF token from the header, or from the form body (read here and replayed to the app)."""
        if headers.get("x-csrf-token"):
            return receive, headers["x-csrf-token"]
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = [False]

        async def replay() -> Message:
            if not replayed[0]:
                replayed[0] = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()
        return replay, _form_field(headers.get("content-type", ""), body, "csrf")


class BodyTooLarge(Exception):
    pass


def _form_field(content_type: str, body: bytes, name: str) -> str | None:
    """One field of an urlencoded or multipart form body, without parsing uploaded files' contents."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1")).get(name)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        marker = f'name="{name}"'.encode()
        at = body.find(marker)
        if at < 0:
            return None
        start = body.find(b"\r\n\r\n", at)
        end = body.find(b"\r\n", start + 4)
        if start < 0 or end < 0:
            return None
        return body[start + 4:end].decode("latin-1")
    return None
