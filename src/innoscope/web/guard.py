"""Checks every request passes before a route sees it (an ASGI middleware).

* **Host** (DNS rebinding): the ``Host`` header must name an allowed host (default: ``localhost``,
  ``127.0.0.1``, ``::1`` and the address the server is bound to); else 400.
* **Same origin** (cross-site request forgery) for state-changing methods (POST, PUT, PATCH, DELETE): a
  browser's ``Sec-Fetch-Site`` must be ``same-origin`` or ``none``, and its ``Origin`` (or, without one, its
  ``Referer``) must be the host the request was sent to; else 403. Clients that send neither (curl,
  scripts) pass.
* **Content type** for state-changing methods: JSON (``application/json``) for the API (else 422), and for
  uploads a raw body (``application/octet-stream``, ``text/csv``, the xlsx type) or ``multipart/form-data``
  (else 415).
  None of these but multipart is a type a cross-site page may send without a CORS preflight, which this
  server never grants.
* **JSON bodies** at most ``max_json`` bytes (413) and ``max_depth`` levels of nesting (422), checked
  before FastAPI parses them.

Every refusal is a JSON ``{"detail": ...}`` of one bounded line, sent with ``Connection: close`` so the
server stops reading a body it refused (uvicorn would otherwise read and discard all of it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from innoscope.web.messages import shorten

DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_TYPES = frozenset({"application/octet-stream", "text/csv", XLSX_TYPE, "multipart/form-data"})
MAX_JSON = 1 << 20
MAX_DEPTH = 32


class Refused(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


def refusal(status: int, detail: str) -> JSONResponse:
    """A JSON error that also closes the connection, so an unread body (100 MB, say) is never read."""
    return JSONResponse({"detail": detail}, status_code=status, headers={"Connection": "close"})


def allowed_hosts(bound: str | None = None, extra: Iterable[str] = ()) -> frozenset[str]:
    """The default host allow-list plus the bound address (unless a wildcard) and any ``extra`` names."""
    hosts = {*DEFAULT_HOSTS, *(h.strip("[]").lower() for h in extra)}
    if bound and bound not in ("0.0.0.0", "::", ""):
        hosts.add(bound.strip("[]").lower())
    return frozenset(hosts)


def _host_port(netloc: str, scheme: str = "http") -> tuple[str, int] | None:
    try:
        u = urlsplit(f"{scheme}://{netloc}")
        host, port = u.hostname, u.port
    except ValueError:
        return None
    if not host:
        return None
    return host, port or (443 if scheme == "https" else 80)


def _origin(url: str) -> tuple[str, int] | None:
    try:
        u = urlsplit(url)
    except ValueError:
        return None
    return _host_port(u.netloc, u.scheme) if u.scheme in ("http", "https") else None


def media_type(headers: Headers) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def is_json(media: str) -> bool:
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def json_depth(obj: Any) -> int:
    """Levels of nesting of a parsed JSON value (a scalar is 0, ``[]`` is 1, ``[[1]]`` is 2)."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        o, d = stack.pop()
        if isinstance(o, dict):
            deepest = max(deepest, d)
            stack.extend((v, d + 1) for v in o.values())
        elif isinstance(o, list):
            deepest = max(deepest, d)
            stack.extend((v, d + 1) for v in o)
    return deepest


class RequestGuard:
    """The checks above, in front of the dashboard app."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        hosts: Iterable[str] = DEFAULT_HOSTS,
        upload_path: str = "/api/upload",
        max_json: int = MAX_JSON,
        max_depth: int = MAX_DEPTH,
    ):
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)
        self.upload_path = upload_path
        self.max_json = max_json
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            self.check_host(headers)
            if scope["method"] in UNSAFE:
                self.check_same_origin(headers)
                if scope["path"] != self.upload_path:
                    receive = await self.checked_json(headers, receive)
                elif media_type(headers) not in UPLOAD_TYPES:
                    raise Refused(
                        415,
                        f"uploads need a Content-Type of {', '.join(sorted(UPLOAD_TYPES))}; "
                        f"got {shorten(media_type(headers) or 'none', 80)!r}",
                    )
        except Refused as e:
            await refusal(e.status, e.detail)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def check_host(self, headers: Headers) -> None:
        hp = _host_port(headers.get("host", ""))
        if hp is None or hp[0] not in self.hosts:
            raise Refused(
                400,
                f"Host {shorten(headers.get('host', ''), 80)!r} is not served here; allowed: "
                f"{', '.join(sorted(self.hosts))} (innoscope serve --allow-host NAME)",
            )

    def check_same_origin(self, headers: Headers) -> None:
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            raise Refused(403, f"cross-site request refused (Sec-Fetch-Site: {shorten(site, 40)})")
        here = _host_port(headers.get("host", ""))
        for name in ("origin", "referer"):
            value = headers.get(name)
            if value is None:
                continue
            if _origin(value) != here:
                raise Refused(
                    403,
                    f"cross-site request refused: {name.title()} {shorten(value, 80)!r} "
                    f"is not this server ({shorten(headers.get('host', ''), 80)})",
                )
            return

    async def checked_json(self, headers: Headers, receive: Receive) -> Receive:
        """Refuse a non-JSON, oversized or too deeply nested body; hand the route the body it was sent."""
        media = media_type(headers)
        if not is_json(media):
            raise Refused(
                422, f"send JSON (Content-Type: application/json); got {shorten(media or 'none', 80)!r}"
            )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_json:
            raise Refused(413, f"JSON body too large: {int(declared):,} bytes; limit {self.max_json:,}")
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                raise Refused(400, "the client disconnected")
            body += message.get("body", b"")
            if len(body) > self.max_json:
                raise Refused(
                    413, f"JSON body too large: over {self.max_json:,} bytes; limit {self.max_json:,}"
                )
            more = message.get("more_body", False)
        try:
            depth = json_depth(json.loads(body)) if body else 0
        except RecursionError:
            depth = self.max_depth + 1
        except ValueError:
            depth = 0  # not JSON: FastAPI answers 422 with where it failed
        if depth > self.max_depth:
            raise Refused(422, f"JSON nested deeper than {self.max_depth} levels")
        return _replay(bytes(body), receive)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
