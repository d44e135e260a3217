"""Decoding media for likeness detection (SPEC §13): images, video frames and audio windows.

``likeness detect PATH`` looks at pictures (faces) and sound (voices). This adapter turns a file
into the two things the detectors read, without trusting the file's extension:

* :func:`kind_of` says whether a file is an image, a video or an audio recording, by content;
* :func:`frames` yields RGB pictures: an image's one picture, or a video's frames sampled every
  ``every_s`` seconds of media time;
* :func:`audio_windows` yields overlapping windows of 16 kHz mono float32 sound from an audio
  file or a video's audio track.

Images are read with Pillow, video and audio with PyAV (FFmpeg). Both decode as a stream: a long
video is never held in memory whole. Every problem with a file is a :class:`MediaError` whose
message is one line naming the file, never a traceback from a decoder.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import av
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from likeness.errors import MediaError as UnreadableMedia

__all__ = [
    "SAMPLE_RATE",
    "AudioWindow",
    "Frame",
    "MediaError",
    "MediaKind",
    "audio_windows",
    "frames",
    "kind_of",
]

SAMPLE_RATE = 16_000
"""Samples per second of the audio :func:`audio_windows` yields (what the voice model reads)."""

# FFmpeg decoders of still-image formats: a "video" of one such frame is a picture
_IMAGE_CODECS = frozenset(
    {"png", "apng", "mjpeg", "jpegls", "bmp", "gif", "tiff", "webp", "jpeg2000", "qoi", "pam"}
    | {"ppm", "pgm", "pbm", "pgmyuv", "sgi", "sunrast", "targa", "xbm", "xwd", "dds", "exr"}
    | {"hdr", "pcx", "psd", "photocd", "pictor", "jpegxl", "avif", "svg", "xpm", "pix"}
)
# Pillow identifies MPEG video by its start code but cannot read it; FFmpeg does
_PILLOW_NOT_IMAGES = frozenset({"MPEG"})
_TIME_EPSILON = 1e-6


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


@dataclass(frozen=True, slots=True)
class Frame:
    """One picture: ``rgb`` is a ``uint8`` array of shape (height, width, 3) at ``time_s``."""

    time_s: float
    rgb: NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class AudioWindow:
    """Sound from ``start_s`` to ``end_s``: ``samples`` is float32 mono at 16 kHz."""

    start_s: float
    end_s: float
    samples: NDArray[np.float32]


def _ffmpeg_reason(exc: BaseException) -> str:
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


def _pillow_format(path: Path) -> str | None:
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


def _open_container(path: Path) -> Any:
    try:
        return av.open(str(path), mode="r")
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        kind = _damaged_kind(path)
        if kind is not None:
            raise MediaError(
                path,
                f"{kind} file that is damaged or incomplete ({_ffmpeg_reason(exc)}); "
                "copy it again or re-encode it from the original",
            ) from None
        raise MediaError(
            path,
            "not a video, audio or image file this scanner reads "
            f"({_ffmpeg_reason(exc)}); convert it to MP4, WAV, PNG or JPEG",
        ) from None


def _video_stream(container: Any) -> Any | None:
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
    if _pillow_format(path) is not None:
        return MediaKind.IMAGE
    with _open_container(path) as container:
        stream = _video_stream(container)
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


def _to_rgb(image: Image.Image) -> NDArray[np.uint8]:
    """Any Pillow mode and bit depth as 8-bit RGB."""
    if image.mode in {"I", "I;16", "I;16B", "I;16L", "I;16N", "F"}:
        values = np.asarray(image, dtype=np.float64)
        top = 255.0 if values.max(initial=0.0) <= 255.0 else 65535.0
        grey = np.clip(np.rint(values * (255.0 / top)), 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(grey[:, :, np.newaxis], 3, axis=2))
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode != "RGB":
        image = image.convert("RGB")
    return np.asarray(image, dtype=np.uint8).copy()


def _image_frame(path: Path) -> Frame:
    try:
        with Image.open(path) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            return Frame(0.0, _to_rgb(upright))
    except Image.DecompressionBombError as exc:
        raise MediaError(path, f"the image is too large to scan ({exc})") from None
    except UnidentifiedImageError:
        raise MediaError(path, "the image data is corrupt (no readable header)") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise MediaError(
            path, f"the image data is corrupt ({exc}); re-export it from the original"
        ) from None


def _ffmpeg_image_frame(path: Path) -> Frame:
    """A picture Pillow does not read but FFmpeg does (JPEG-LS, EXR, …), or a corrupt one."""
    with _open_container(path) as container:
        stream = _video_stream(container)
        try:
            for frame in container.decode(stream):
                return Frame(0.0, _upright(frame))
        except av.FFmpegError as exc:
            raise MediaError(
                path, f"the image data is corrupt ({_ffmpeg_reason(exc)}); re-export it"
            ) from None
    raise MediaError(path, "the image data is corrupt (nothing decodes); re-export it")


def _stream_origin(container: Any, stream: Any) -> float:
    """Media time zero: where the container starts (formats like MPEG-TS do not start at 0)."""
    if container.start_time is not None:
        return float(container.start_time) / av.time_base
    if stream.start_time is not None and stream.time_base is not None:
        return float(stream.start_time * stream.time_base)
    return 0.0


def _upright(frame: Any) -> NDArray[np.uint8]:
    """A decoded frame as RGB, turned as the file's display matrix says (phones record
    portrait video as landscape frames plus a rotation)."""
    rgb = frame.to_ndarray(format="rgb24")
    quarter_turns = round(float(frame.rotation) / 90.0) % 4  # counterclockwise
    if quarter_turns:
        rgb = np.rot90(rgb, k=quarter_turns)
    return np.ascontiguousarray(rgb, dtype=np.uint8)


def _video_frames(path: Path, every_s: float) -> Iterator[Frame]:
    container = _open_container(path)
    with container:
        stream = _video_stream(container)
        if stream is None:
            return
        stream.thread_type = "AUTO"
        origin = _stream_origin(container, stream)
        next_index = 0
        decoded = 0
        try:
            for frame in container.decode(stream):
                decoded += 1
                if frame.pts is None or frame.time_base is None:
                    continue
                time_s = max(0.0, float(frame.pts * frame.time_base) - origin)
                if time_s + _TIME_EPSILON < next_index * every_s:
                    continue
                yield Frame(time_s, _upright(frame))
                next_index = math.floor((time_s + _TIME_EPSILON) / every_s) + 1
        except av.FFmpegError as exc:
            raise MediaError(
                path, f"the video stream is damaged ({_ffmpeg_reason(exc)}); re-encode the file"
            ) from None
        if decoded == 0:
            raise MediaError(path, "the video stream has no frames that decode; re-encode it")


def frames(path: Path | str, every_s: float) -> Iterator[Frame]:
    """Pictures to look for faces in.

    An image yields one :class:`Frame` at 0.0 (EXIF orientation applied, converted to 8-bit
    RGB). A video yields the first frame at or after each multiple of ``every_s`` seconds of
    media time. An audio file yields nothing. Raises :class:`MediaError` for a file that cannot
    be read, including while iterating over a damaged video.
    """
    if not every_s > 0:
        raise ValueError(f"every_s must be a positive number of seconds, not {every_s!r}")
    path = Path(path)
    kind = kind_of(path)
    if kind is MediaKind.IMAGE:
        yield _image_frame(path) if _pillow_format(path) else _ffmpeg_image_frame(path)
    elif kind is MediaKind.VIDEO:
        yield from _video_frames(path, every_s)


def _resampled(path: Path) -> Iterator[tuple[float, NDArray[np.float32]]]:
    """(start time, chunk) of a file's first audio track as 16 kHz mono float32."""
    container = _open_container(path)
    with container:
        if not container.streams.audio:
            return
        stream = container.streams.audio[0]
        origin = _stream_origin(container, stream)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        start: float | None = None
        try:
            for frame in container.decode(stream):
                if start is None and frame.pts is not None and frame.time_base is not None:
                    start = max(0.0, float(frame.pts * frame.time_base) - origin)
                for out in resampler.resample(frame):
                    yield start or 0.0, out.to_ndarray().reshape(-1).astype(np.float32)
            for out in resampler.resample(None):
                yield start or 0.0, out.to_ndarray().reshape(-1).astype(np.float32)
        except av.FFmpegError as exc:
            raise MediaError(
                path, f"the audio stream is damaged ({_ffmpeg_reason(exc)}); re-encode the file"
            ) from None


def audio_windows(path: Path | str, window_s: float, hop_s: float) -> Iterator[AudioWindow]:
    """Overlapping windows of sound to listen for voices in.

    Windows are ``window_s`` long and start every ``hop_s`` seconds. After the last full window,
    one shorter window is kept if it is at least half a window long and reaches sound the last
    full window did not; a recording shorter than one window gives a single window of all it
    has if that is at least one second. An image, or a video without sound, yields nothing.
    Raises :class:`MediaError` for a file that cannot be read.
    """
    if not window_s > 0 or not hop_s > 0:
        raise ValueError(f"window_s and hop_s must be positive seconds, not {window_s}, {hop_s}")
    path = Path(path)
    if kind_of(path) is MediaKind.IMAGE:
        return
    size = max(1, round(window_s * SAMPLE_RATE))
    hop = max(1, round(hop_s * SAMPLE_RATE))
    pending: list[NDArray[np.float32]] = []  # decoded chunks not yet joined: joining once a
    pending_count = 0  # window is complete keeps the copying proportional to the sound
    start = 0  # sample index of the first pending sample, counted from the first decoded one
    skip = 0  # samples still to drop when the hop is longer than a window
    last_end = 0  # end (sample index) of the last full window yielded
    offset = 0.0
    for offset, chunk in _resampled(path):
        if skip:
            dropped = min(skip, len(chunk))
            chunk, skip, start = chunk[dropped:], skip - dropped, start + dropped
        pending.append(chunk)
        pending_count += len(chunk)
        if pending_count < size:
            continue
        buffer = np.concatenate(pending)
        while len(buffer) >= size:
            yield _window(offset, start, buffer[:size])
            last_end = start + size
            dropped = min(hop, len(buffer))
            buffer, start, skip = buffer[dropped:], start + dropped, hop - dropped
        pending, pending_count = [buffer], len(buffer)
    rest = np.concatenate(pending) if pending else np.zeros(0, dtype=np.float32)
    if last_end:
        if len(rest) * 2 >= size and start + len(rest) > last_end:
            yield _window(offset, start, rest)
    elif len(rest) >= SAMPLE_RATE:
        yield _window(offset, start, rest)


def _window(offset: float, start: int, samples: NDArray[np.float32]) -> AudioWindow:
    return AudioWindow(
        start_s=offset + start / SAMPLE_RATE,
        end_s=offset + (start + len(samples)) / SAMPLE_RATE,
        samples=np.array(samples, dtype=np.float32),  # a copy: windows overlap
    )
