"""Content digests of replica asset files, computed in a stream.

A scan can be many gigabytes: the file is read in 1 MiB chunks into SHA-256, so memory stays
flat whatever its size.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from likeness.domain.replicas import AssetFile
from likeness.errors import InvalidInputError

CHUNK = 1 << 20


def digest_file(path: Path) -> AssetFile:
    """Size and SHA-256 of the file at ``path``, with its absolute location.

    Raises :class:`InvalidInputError` when the file is missing, a directory or unreadable.
    """
    resolved = path.expanduser().resolve()
    if not resolved.exists():
        raise InvalidInputError(f"asset file {path}: no such file (expected a path to a scan file)")
    if not resolved.is_file():
        raise InvalidInputError(f"asset file {path}: is not a regular file")
    sha = hashlib.sha256()
    size = 0
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    try:
        with resolved.open("rb", buffering=0) as handle:
            while read := handle.readinto(buffer):
                sha.update(view[:read])
                size += read
    except OSError as exc:
        raise InvalidInputError(f"asset file {path}: cannot be read: {exc.strerror}") from exc
    return AssetFile(location=str(resolved), size=size, sha256=sha.hexdigest())
