"""What every HTTP answer gets, whatever route it comes from (SPEC §10, "abuse"):

- security headers (CSP, ``nosniff``, frame denial, no referrer) and ``no-store`` on the API;
- request bodies refused with 413 above a limit, before the route reads them (an asset upload
  has its own, larger limit, checked as it streams to disk);
- 415 for an API write whose body is not JSON;
- ``HEAD`` wherever ``GET`` works (the same answer without the body).

Plain ASGI middleware rather than Starlette's ``BaseHTTPMiddleware``: it adds no task or copy
per request, which matters at thousands of decisions a second.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from likeness.api.problems import problem

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_WRITES = frozenset({"POST", "PUT", "PATCH"})


class BodyTooLarge(Exception):
    """The request body went over the limit while it was being read."""


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _is_json(content_type: bytes) -> bool:
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


class GuardMiddleware:
    """Security headers, body limits, JSON-only API writes and ``HEAD`` (see the module)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        streamed: Callable[[str, str], bool],
    ) -> None:
        """``streamed(method, path)`` names requests whose route streams and limits its own
        body (asset uploads)."""
        self.app = app
        self.max_body = max_body
        self.streamed = streamed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        path: str = scope["path"]
        api = path.startswith("/v1/") or path == "/health"
        head = method == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        started = False

        async def send_guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if api:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b"", "more_body": False}
                if not started:
                    return
            await send(message)

        refusal = self._refusal(scope, method, path, api)
        if refusal is not None:
            await refusal(scope, receive, send_guarded)
            return
        limited = receive if self.streamed(method, path) else self._limited(receive)
        try:
            await self.app(scope, limited, send_guarded)
        except BodyTooLarge:
            if started:
                raise
            await self._too_large()(scope, receive, send_guarded)

    def _refusal(self, scope: Scope, method: str, path: str, api: bool) -> Any:
        if method not in _WRITES or self.streamed(method, path):
            return None
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            return self._too_large()
        content_type = _header(scope, b"content-type")
        has_body = (length is not None and length != b"0") or _header(
            scope, b"transfer-encoding"
        ) is not None
        if api and has_body and (content_type is None or not _is_json(content_type)):
            return problem(
                415,
                f"the body of {method} {path} must be JSON (send Content-Type: application/json)",
            )
        return None

    def _too_large(self) -> Any:
        return problem(
            413,
            f"the request body is larger than {self.max_body} bytes "
            "(send less, e.g. split a batch; LIKENESS_MAX_BODY_BYTES sets the limit)",
        )

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        return limited
