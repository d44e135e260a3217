"""Decoding media for likeness detection (SPEC §13): images, video frames and audio windows.

``likeness detect PATH`` looks at pictures (faces) and sound (voices). This adapter turns a file
into the two things the detectors read, without trusting the file's extension:

* :func:`kind_of` (in :mod:`.sniff`) says whether a file is an image, a video or an audio
  recording, by content;
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from likeness.media.sniff import (
    MediaError,
    MediaKind,
    ffmpeg_reason,
    kind_of,
    open_container,
    pillow_format,
    video_stream,
)

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

_TIME_EPSILON = 1e-6


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
    with open_container(path) as container:
        stream = video_stream(container)
        try:
            for frame in container.decode(stream):
                return Frame(0.0, _upright(frame))
        except av.FFmpegError as exc:
            raise MediaError(
                path, f"the image data is corrupt ({ffmpeg_reason(exc)}); re-export it"
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
    container = open_container(path)
    with container:
        stream = video_stream(container)
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
                path, f"the video stream is damaged ({ffmpeg_reason(exc)}); re-encode the file"
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
        yield _image_frame(path) if pillow_format(path) else _ffmpeg_image_frame(path)
    elif kind is MediaKind.VIDEO:
        yield from _video_frames(path, every_s)


def _resampled(path: Path) -> Iterator[tuple[float, NDArray[np.float32]]]:
    """(start time, chunk) of a file's first audio track as 16 kHz mono float32."""
    container = open_container(path)
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
                path, f"the audio stream is damaged ({ffmpeg_reason(exc)}); re-encode the file"
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
