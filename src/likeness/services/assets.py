"""Content digests of replica asset files, computed in a stream.

A scan can be many gigabytes: the file is read in 1 MiB chunks into SHA-256, so memory stays
flat whatever its size.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from likeness.domain.replicas import AssetFile
from likeness.errors import InvalidInputError, TooLargeError

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


#: an asset's name in an upload: letters, digits, dot, dash, underscore; not hidden
_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")


class AssetUpload:
    """An asset file streamed to disk: size and SHA-256 computed as it is written, refused as
    soon as it passes ``limit`` bytes, and moved into place only when whole.

    Use :meth:`write` for each chunk, :meth:`complete`, then :meth:`place` once recorded;
    :meth:`discard` on any failure.
    """

    def __init__(self, directory: Path, replica_id: str, name: str, limit: int) -> None:
        if not _NAME.fullmatch(name):
            raise InvalidInputError(
                f"asset name {name!r} is not allowed (expected 1 to 200 letters, digits, '.',"
                " '-' or '_', not starting with '.')"
            )
        if not _NAME.fullmatch(replica_id):
            raise InvalidInputError(f"replica id {replica_id!r} cannot name a folder")
        self.target = directory / replica_id / name
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.limit = limit
        self.size = 0
        self._sha = hashlib.sha256()
        handle, temporary = tempfile.mkstemp(prefix=".upload-", dir=self.target.parent)
        self._temporary = Path(temporary)
        self._file = os.fdopen(handle, "wb")

    def write(self, chunk: bytes) -> None:
        """Add ``chunk``; :class:`TooLargeError` once the file passes the limit."""
        self.size += len(chunk)
        if self.size > self.limit:
            self.discard()
            raise TooLargeError(
                f"asset {self.target.name} is larger than {self.limit} bytes"
                " (LIKENESS_MAX_ASSET_BYTES sets the limit)"
            )
        self._sha.update(chunk)
        self._file.write(chunk)

    def complete(self) -> AssetFile:
        """Make the written file durable; its size, digest and the location it will have."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        return AssetFile(str(self.target.resolve()), self.size, self._sha.hexdigest())

    def place(self) -> None:
        """Move the completed file to its location (replacing nothing registered: the
        service calls this only for a new asset, inside the transaction that records it)."""
        os.replace(self._temporary, self.target)

    def discard(self) -> None:
        """Remove what was written (safe to call more than once)."""
        if not self._file.closed:
            self._file.close()
        self._temporary.unlink(missing_ok=True)
