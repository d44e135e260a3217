"""What a media file holds, judged by its content, not its name (SPEC §13): an image, a video
or audio, or a :class:`MediaError` saying in one line why the scanner cannot read it.

Pillow is asked first (pictures), then FFmpeg through PyAV (video, sound, and the pictures only
FFmpeg reads). A file whose first bytes announce a container FFmpeg reads but that does not
open is called damaged, naming the container.
"""

from __future__ import annotations

import warnings
from enum import StrEnum
from pathlib import Path
from typing import Any

import av
from PIL import Image, UnidentifiedImageError

from likeness.errors import MediaError as UnreadableMedia

# FFmpeg decoders of still-image formats: a "video" of one such frame is a picture
_IMAGE_CODECS = frozenset(
    {"png", "apng", "mjpeg", "jpegls", "bmp", "gif", "tiff", "webp", "jpeg2000", "qoi", "pam"}
    | {"ppm", "pgm", "pbm", "pgmyuv", "sgi", "sunrast", "targa", "xbm", "xwd", "dds", "exr"}
    | {"hdr", "pcx", "psd", "photocd", "pictor", "jpegxl", "avif", "svg", "xpm", "pix"}
)
# Pillow identifies MPEG video by its start code but cannot read it; FFmpeg does
_PILLOW_NOT_IMAGES = frozenset({"MPEG"})


class MediaError(UnreadableMedia):
    """A file this scanner cannot read: ``str(error)`` is one line, ``path: what is wrong``.

    A :class:`likeness.errors.MediaError` (an ``InvalidInputError``), so the services catch it
    and entrypoints report it like any bad input;
    ``path`` and ``reason`` are kept for a scanner that lists the files it skipped.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = " ".join(reason.split())
        super().__init__(f"{path}: {self.reason}")


class MediaKind(StrEnum):
    """What a file holds, as far as detection is concerned."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


def ffmpeg_reason(exc: BaseException) -> str:
    """FFmpeg's own words for a failure, without the file name it repeats."""
    reason = getattr(exc, "strerror", None)
    return str(reason) if reason else str(exc) or type(exc).__name__


def _check_file(path: Path) -> None:
    if not path.exists():
        raise MediaError(path, "no such file; check the path")
    if not path.is_file():
        raise MediaError(path, "not a file (a folder or device); pass a media file")
    if path.stat().st_size == 0:
        raise MediaError(path, "the file is empty")


def pillow_format(path: Path) -> str | None:
    """The format Pillow recognises in the file's header, or None."""
    try:
        with warnings.catch_warnings():
            # a very large picture is still a picture; loading it later says so if too large
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                fmt = image.format
    except (UnidentifiedImageError, Image.DecompressionBombError):
        return None
    except (OSError, ValueError, SyntaxError):
        return None
    if fmt is None or fmt in _PILLOW_NOT_IMAGES:
        return None
    return fmt


# file signatures of containers FFmpeg reads: a file that has one but does not open is damaged
_SIGNATURES = (
    (4, b"ftyp", "an MP4/QuickTime"),
    (0, b"RIFF", "a RIFF (WAV/AVI)"),
    (0, b"\x1aE\xdf\xa3", "a Matroska/WebM"),
    (0, b"OggS", "an Ogg"),
    (0, b"fLaC", "a FLAC"),
    (0, b"ID3", "an MP3"),
)


def _damaged_kind(path: Path) -> str | None:
    """The container a file's first bytes announce, e.g. "an MP4/QuickTime", or None."""
    with path.open("rb") as file:
        head = file.read(16)
    for offset, magic, kind in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return kind
    return None


def open_container(path: Path) -> Any:
    try:
        return av.open(str(path), mode="r")
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        kind = _damaged_kind(path)
        if kind is not None:
            raise MediaError(
                path,
                f"{kind} file that is damaged or incomplete ({ffmpeg_reason(exc)}); "
                "copy it again or re-encode it from the original",
            ) from None
        raise MediaError(
            path,
            "not a video, audio or image file this scanner reads "
            f"({ffmpeg_reason(exc)}); convert it to MP4, WAV, PNG or JPEG",
        ) from None


def video_stream(container: Any) -> Any | None:
    """The first real video stream (cover art attached to audio is not one)."""
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    return None


def _is_still_image(container: Any, stream: Any) -> bool:
    """Whether FFmpeg read a picture file as a "video" of one frame."""
    if stream.codec_context.name not in _IMAGE_CODECS:
        return False
    if any(name.endswith("_pipe") or name == "image2" for name in container.format.name.split(",")):
        return True
    return stream.frames <= 1 and not container.streams.audio


_NOT_MEDIA = (
    "not a video, audio or image file this scanner reads (its name says picture, its content "
    "does not); convert it to MP4, WAV, PNG or JPEG"
)


def _decodes(container: Any, stream: Any) -> bool:
    """Whether the first frame of a stream decodes."""
    try:
        for _ in container.decode(stream):
            return True
    except av.FFmpegError:
        return False
    return False


def kind_of(path: Path | str) -> MediaKind:
    """Whether ``path`` holds an image, a video or audio, judged by its content.

    Raises :class:`MediaError` for a missing or empty file and for one that is neither.
    """
    path = Path(path)
    _check_file(path)
    if pillow_format(path) is not None:
        return MediaKind.IMAGE
    with open_container(path) as container:
        stream = video_stream(container)
        if stream is not None:
            if _is_still_image(container, stream):
                if container.format.name == "image2" and not _decodes(container, stream):
                    # FFmpeg chose its image reader by the file name alone, and it cannot read it
                    raise MediaError(path, _NOT_MEDIA)
                return MediaKind.IMAGE
            return MediaKind.VIDEO
        if container.streams.audio:
            return MediaKind.AUDIO
        formats = container.format.long_name or container.format.name
    raise MediaError(
        path,
        f"not a video, audio or image file this scanner reads (FFmpeg sees {formats} "
        "with no picture or sound); convert it to MP4, WAV, PNG or JPEG",
    )
