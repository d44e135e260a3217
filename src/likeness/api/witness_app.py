"""The witness's HTTP interface (c2sp.org/tlog-witness): ``POST /add-checkpoint``.

Answers as the protocol says: 200 with cosignature lines; 409 with the cosigned size as
``text/x.tlog.size``; 400, 403, 404 or 422 with the reason as plain text.
"""

from __future__ import annotations

import time

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from likeness.errors import WitnessRefusedError
from likeness.ledger.witness import MAX_REQUEST_BYTES, Witness, parse_add_checkpoint

__all__ = ["witness_app"]


def witness_app(witness: Witness) -> FastAPI:
    """An application that answers add-checkpoint requests for ``witness``."""
    app = FastAPI(title=f"witness {witness.name}", docs_url=None, redoc_url=None)

    @app.post("/add-checkpoint")
    async def add_checkpoint(request: Request) -> Response:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_REQUEST_BYTES:
                return PlainTextResponse("request too large\n", status_code=413)
        try:
            line = witness.add_checkpoint(parse_add_checkpoint(body), int(time.time()))
        except WitnessRefusedError as exc:
            if exc.status == 409 and exc.known_size is not None:
                return PlainTextResponse(
                    f"{exc.known_size}\n", status_code=409, media_type="text/x.tlog.size"
                )
            return PlainTextResponse(f"{exc}\n", status_code=exc.status)
        return PlainTextResponse(line)

    return app
