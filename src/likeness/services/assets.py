"""Content digests of replica asset files, computed in a stream.

A scan can be many gigabytes: the file is read in 1 MiB chunks into SHA-256, so memory stays
flat whatever its size.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path

from likeness.domain.replicas import AssetFile
from likeness.errors import InvalidInputError, TooLargeError

CHUNK = 1 << 20


#: what a path that is not a regular file is, by the file type bits of its mode
_NOT_REGULAR = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)

#: what an asset file must be, as every refusal says
REGULAR_FILE = "a regular file, not a symbolic link, directory, device or FIFO"


def _not_regular(path: Path, mode: int) -> InvalidInputError | None:
    if stat.S_ISREG(mode):
        return None
    what = next((name for test, name in _NOT_REGULAR if test(mode)), "not a regular file")
    return InvalidInputError(f"asset file {path}: is {what} (expected {REGULAR_FILE})")


def digest_file(path: Path) -> AssetFile:
    """Size and SHA-256 of the regular file at ``path``, with its absolute location.

    Only a regular file is read: a symbolic link (which could point at any file the process
    may read, e.g. ``/etc/passwd``), a directory, a device or a FIFO is refused. The file is
    opened without following links and checked again once open, so it cannot be swapped.

    Raises :class:`InvalidInputError` when the file is missing, not a regular file or
    unreadable.
    """
    given = path.expanduser().absolute()
    try:
        refusal = _not_regular(path, given.lstat().st_mode)
    except FileNotFoundError:
        raise InvalidInputError(
            f"asset file {path}: no such file (expected a path to a scan file)"
        ) from None
    except OSError as exc:
        raise InvalidInputError(f"asset file {path}: cannot be read: {exc.strerror}") from exc
    if refusal is not None:
        raise refusal
    sha = hashlib.sha256()
    size = 0
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(given, flags)
        with os.fdopen(descriptor, "rb", buffering=0) as handle:
            refusal = _not_regular(path, os.fstat(descriptor).st_mode)
            if refusal is not None:
                raise refusal
            while read := handle.readinto(buffer):
                sha.update(view[:read])
                size += read
    except OSError as exc:
        raise InvalidInputError(f"asset file {path}: cannot be read: {exc.strerror}") from exc
    return AssetFile(location=str(given.resolve()), size=size, sha256=sha.hexdigest())


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of the file at ``path``, read in 1 MiB chunks (raises ``OSError``)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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
