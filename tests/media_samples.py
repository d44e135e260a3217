"""Real media for the detection tests and benchmarks: speech from espeak-ng, MP4s from PyAV.

Nothing here is mocked: :func:`speak` runs espeak-ng (``make media-tools`` installs it) and
:func:`video_from_images` encodes H.264 (or MPEG-4 Part 2) video with AAC sound through the
FFmpeg that PyAV bundles. :func:`calibration_set` is the set of synthetic speakers the voice
threshold in ``likeness.media.voice`` was chosen on; a benchmark can rebuild it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import struct
import subprocess
import wave
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from numpy.typing import NDArray

# espeak-ng voice variants that the voice model hears as different people: in the calibration
# every pair stayed well below the threshold (f2/f4 and m7/quincy were the closest pairs).
# Pitch or speed changes of one variant are the same person to the model; so are the default
# voices of different languages (de, fr, en-gb, en-us all ~0.9 apart), hence none is used here.
CALIBRATION_SPEAKERS = (
    "en-us+f2",
    "en-us+f4",
    "en-us+m7",
    "en-us+klatt",
    "en-us+whisper",
    "en-us+Alicia",
    "en-us+announcer",
    "en-us+quincy",
    "en-us+anika",
)
# what each speaker says to enrol, as separate recordings averaged into one voice print
ENROLMENT_SENTENCES = (
    "The quick brown fox jumps over the lazy dog near the quiet river bank.",
    "Please remember to bring your umbrella because it might rain later this afternoon.",
    "Our team finished the project two weeks ahead of the original schedule.",
)
# what each speaker says in the material scanned for them: none of it is in the enrolment
PROBE_SENTENCES = (
    "She sells sea shells by the sea shore every summer morning.",
    "A cup of hot coffee and a good book make a perfect rainy evening.",
    "The museum opens at nine and closes at five on weekdays.",
    "Children were playing football in the park until the sun went down.",
)


def espeak() -> str:
    """The espeak-ng executable, or an error saying how to install it."""
    found = shutil.which("espeak-ng")
    if found is None:
        raise RuntimeError("espeak-ng is not installed: run `make media-tools`")
    return found


def speak(
    directory: Path,
    voice: str,
    text: str,
    name: str,
    *,
    pitch: int | None = None,
    speed: int | None = None,
) -> Path:
    """``text`` spoken by espeak-ng ``voice`` (e.g. ``en-us+f2``) as ``directory/name`` (a WAV).

    ``pitch`` is espeak's 0-99 (default 50), ``speed`` words per minute (default 175).
    """
    path = Path(directory) / (name if name.endswith(".wav") else f"{name}.wav")
    command = [espeak(), "-v", voice, "-w", str(path)]
    if pitch is not None:
        command += ["-p", str(pitch)]
    if speed is not None:
        command += ["-s", str(speed)]
    subprocess.run([*command, text], check=True, capture_output=True, timeout=60)
    return path


def solid(rgb: tuple[int, int, int], height: int = 96, width: int = 128) -> NDArray[np.uint8]:
    """A picture of one colour."""
    return np.full((height, width, 3), rgb, dtype=np.uint8)


def _video_codec() -> str:
    for codec in ("libx264", "h264", "mpeg4"):
        try:
            av.Codec(codec, "w")
        except (av.FFmpegError, ValueError):
            continue
        return codec
    raise RuntimeError("PyAV's FFmpeg has no H.264 or MPEG-4 encoder")


def video_from_images(
    directory: Path,
    frames: Sequence[tuple[float, NDArray[np.uint8]]],
    audio: Path | None,
    name: str,
    *,
    fps: int = 10,
    duration_s: float | None = None,
) -> Path:
    """An MP4 at ``fps`` showing each picture from its start time until the next one's.

    ``frames`` is (seconds, RGB array) with the first at 0.0; the last picture lasts one frame
    interval (or until ``duration_s``) unless the sound is longer. With ``audio`` (a WAV) the
    MP4 has its sound as AAC.
    """
    if not frames or frames[0][0] != 0.0:
        raise ValueError("frames must start at 0.0 seconds")
    path = Path(directory) / (name if name.endswith(".mp4") else f"{name}.mp4")
    height, width = frames[0][1].shape[:2]
    sound = read_audio(audio) if audio is not None else None
    duration = duration_s if duration_s is not None else frames[-1][0] + 1 / fps
    if sound is not None:
        duration = max(duration, len(sound[0]) / sound[1])
    with av.open(str(path), mode="w") as output:
        video: Any = output.add_stream(_video_codec(), rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio_stream: Any = None
        if sound is not None:
            audio_stream = output.add_stream("aac", rate=sound[1])
            audio_stream.layout = "mono"
        for index in range(round(duration * fps)):
            time_s = index / fps
            picture = [rgb for start, rgb in frames if start <= time_s + 1e-9][-1]
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            output.mux(video.encode(frame))
        output.mux(video.encode(None))
        if sound is not None and audio_stream is not None:
            _encode_audio(output, audio_stream, *sound)
    return path


def turned_for_display(path: Path) -> Path:
    """Mark an MP4's video track to be shown turned 90° clockwise, as phones mark portrait video.

    Rewrites the track header's display matrix in place (PyAV cannot set it when writing).
    """
    identity = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    clockwise = struct.pack(">9I", 0, 0x10000, 0, 0xFFFF0000, 0, 0, 0, 0, 0x40000000)
    content = Path(path).read_bytes()
    at = content.find(identity, content.find(b"tkhd"))
    if at < 0:
        raise ValueError(f"{path}: no track header with an identity matrix")
    Path(path).write_bytes(content[:at] + clockwise + content[at + len(identity) :])
    return Path(path)


def write_wav(path: Path, samples: NDArray[np.floating[Any]], rate: int = 16_000) -> Path:
    """Mono float samples in [-1, 1] as a 16-bit PCM WAV."""
    pcm = np.clip(np.rint(np.asarray(samples) * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(pcm.tobytes())
    return Path(path)


def tone(seconds: float, hertz: float = 440.0, rate: int = 16_000) -> NDArray[np.float64]:
    """A pure sine tone at a third of full scale."""
    times = np.arange(round(seconds * rate)) / rate
    result: NDArray[np.float64] = 0.3 * np.sin(2 * np.pi * hertz * times)
    return result


def read_audio(path: Path) -> tuple[NDArray[np.float32], int]:
    """A sound file's first track as mono float32 and its sample rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = int(stream.rate)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        chunks = [
            out.to_ndarray().reshape(-1)
            for frame in container.decode(stream)
            for out in resampler.resample(frame)
        ]
    return np.concatenate(chunks).astype(np.float32), rate


def _encode_audio(output: Any, stream: Any, samples: NDArray[np.float32], rate: int) -> None:
    """Mux mono float samples as AAC in blocks of the encoder's frame size."""
    size = stream.codec_context.frame_size or 1024
    for start in range(0, len(samples), size):
        block = samples[start : start + size].reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(block), format="flt", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        output.mux(stream.encode(frame))
    output.mux(stream.encode(None))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def calibration_set(directory: Path) -> list[tuple[str, Path]]:
    """Every calibration speaker's recordings, as (speaker, WAV).

    For each speaker: one recording per :data:`ENROLMENT_SENTENCES` (``…_enrolN.wav``), then
    one recording of all the :data:`PROBE_SENTENCES` spoken in a row (``…_probe.wav``, about
    15 s, to scan in windows); :func:`is_enrolment` tells them apart. Raises if two speakers'
    recordings are byte-identical (a variant espeak-ng silently ignores).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    recordings: list[tuple[str, Path]] = []
    seen: dict[str, str] = {}
    for speaker in CALIBRATION_SPEAKERS:
        texts = [(f"enrol{index}", text) for index, text in enumerate(ENROLMENT_SENTENCES)]
        texts.append(("probe", " ".join(PROBE_SENTENCES)))
        for role, text in texts:
            path = speak(directory, speaker, text, f"{_slug(speaker)}_{role}")
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if seen.setdefault(digest, speaker) != speaker:
                raise RuntimeError(f"espeak-ng voices {seen[digest]} and {speaker} sound the same")
            recordings.append((speaker, path))
    return recordings


def is_enrolment(path: Path) -> bool:
    """Whether a :func:`calibration_set` recording is an enrolment sentence (else a probe)."""
    return "_enrol" in Path(path).stem
