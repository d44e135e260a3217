"""``PUT /v1/replicas/{id}/assets/{name}`` (SPEC §10): a replica's asset file, streamed to disk
with its size and SHA-256, refused with 413 past ``LIKENESS_MAX_ASSET_BYTES`` (by its
``Content-Length`` before anything is written, or as soon as the stream passes the limit)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from starlette.concurrency import run_in_threadpool

from likeness.api.params import PathId
from likeness.api.responses import WRITE
from likeness.api.schemas import AssetPublic
from likeness.deps import ApiPrincipal, ContainerDep
from likeness.errors import TooLargeError
from likeness.services import replica_assets
from likeness.services.assets import AssetUpload

router = APIRouter(prefix="/v1", tags=["registry"])

ASSET_PATH = "/v1/replicas/{replica_id}/assets/{name}"


def _check(container: ContainerDep, principal: ApiPrincipal, replica_id: str) -> None:
    with container.uow(write=False) as uow:
        replica_assets.check_upload(uow, principal, replica_id)


def _record(
    container: ContainerDep, principal: ApiPrincipal, replica_id: str, upload: AssetUpload
) -> tuple[dict[str, Any], bool]:
    asset = upload.complete()
    with container.uow() as uow:
        recorded, new = replica_assets.record_asset(uow, principal, replica_id, asset, upload.place)
    if not new:
        upload.discard()
    return {"location": recorded.location, "size": recorded.size, "sha256": recorded.sha256}, new


@router.put(
    "/replicas/{replica_id}/assets/{name}",
    response_model=AssetPublic,
    status_code=status.HTTP_201_CREATED,
    responses={**WRITE, 200: {"description": "the same file was already registered"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def upload_asset(
    replica_id: PathId,
    name: str,
    request: Request,
    response: Response,
    container: ContainerDep,
    principal: ApiPrincipal,
) -> dict[str, Any]:
    """Stream the body to the data directory as the replica's asset ``name``; record its size
    and SHA-256 with a ledger entry (a producer: replicas made in its productions)."""
    limit = container.settings.max_asset_bytes
    length = request.headers.get("content-length")
    await run_in_threadpool(_check, container, principal, replica_id)
    if length is not None and length.isdigit() and int(length) > limit:
        raise TooLargeError(
            f"asset {name} is {length} bytes, larger than {limit}"
            " (LIKENESS_MAX_ASSET_BYTES sets the limit)"
        )
    upload = AssetUpload(container.settings.assets_dir, replica_id, name, limit)
    try:
        async for chunk in request.stream():
            if chunk:
                upload.write(chunk)
        body, new = await run_in_threadpool(_record, container, principal, replica_id, upload)
    except BaseException:
        upload.discard()
        raise
    if not new:
        response.status_code = status.HTTP_200_OK
    return body
