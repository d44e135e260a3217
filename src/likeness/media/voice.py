"""Voice embeddings for likeness detection (SPEC §13), from Resemblyzer's GE2E speaker encoder.

:class:`VoiceEmbedder` turns a window of 16 kHz mono sound (see
``likeness.media.decode.audio_windows``) into a 256-number voice print, or ``None`` when the
window holds too little speech. Two prints are the same voice when their cosine
:func:`similarity` is at least :data:`DEFAULT_VOICE_THRESHOLD`. The model's weights ship inside
the ``resemblyzer`` package and run on the CPU: nothing is downloaded. :data:`VOICE_MODEL` is
stored beside every print so prints of different models are never compared.

How the threshold was chosen (``tests/media_samples.calibration_set``): nine espeak-ng voices
(``en-us`` + f2, f4, m7, klatt, whisper, Alicia, announcer, quincy, anika) each enrolled from
three sentences (one embedding per whole sentence, averaged by :func:`voice_print`), then
probed with windows from ``audio_windows`` over a recording of four other sentences (~15 s):

* 4 s windows, 2 s hop: 62 same-voice comparisons from 0.872 to 0.963 (lowest: en-us+f2),
  496 different-voice comparisons at most 0.818 (en-us+f4 heard against the en-us+f2 print;
  m7 against quincy 0.811);
* 3 s windows, 1.5 s hop: 81 same-voice at least 0.872, 648 different-voice at most 0.815.

:data:`DEFAULT_VOICE_THRESHOLD` = 0.845 lies midway: no false match and no miss on that set,
for both window lengths. Not counted as distinct speakers: pitch or speed changes of one
espeak voice (0.80 to 0.95 against the original: the model hears nearly one person) and the
default voices of different languages (de, fr, en-gb, en-us are ~0.9 apart). Synthetic
voices are cleaner than recordings of people: re-check the figures on real recordings before
relying on them. Embedding takes about 20 ms per second of audio (2 CPU cores, torch 2.13 CPU),
loading the model about 1.5 s.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from threading import Lock
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DEFAULT_HOP_S",
    "DEFAULT_VOICE_THRESHOLD",
    "DEFAULT_WINDOW_S",
    "EMBEDDING_SIZE",
    "MIN_LEVEL_SPREAD_DB",
    "MIN_SPEECH_S",
    "VOICE_MODEL",
    "VoiceEmbedder",
    "similarity",
    "voice_print",
]

VOICE_MODEL = "resemblyzer-0.1.4-ge2e"
"""Which model made a voice print; stored beside each one."""

EMBEDDING_SIZE = 256
SAMPLE_RATE = 16_000

DEFAULT_VOICE_THRESHOLD = 0.845
"""Cosine similarity at or above which two voice prints are the same voice (see above)."""

DEFAULT_WINDOW_S = 4.0
"""Length of the audio windows the threshold was calibrated on."""

DEFAULT_HOP_S = 2.0
"""Step between the starts of consecutive windows (half a window)."""

MIN_SPEECH_S = 1.0
"""Speech a window must hold, once silences are trimmed, to be embedded at all."""

MIN_LEVEL_SPREAD_DB = 3.0
"""How much the loudness of speech must move (standard deviation of 20 ms levels, in dB).

The voice activity detector Resemblyzer uses takes a steady tone or hiss for speech. Speech
rises and falls with its syllables: every calibration window spread 7.8 dB or more, a pure
tone, a chirp or white noise under 0.5 dB."""

_AUDIO_NORM_TARGET_DBFS = -30  # Resemblyzer's own preprocessing target
_LEVEL_FRAME = SAMPLE_RATE // 50  # 20 ms


def _level_spread_db(speech: NDArray[np.float32]) -> float:
    """Standard deviation, in dB, of the loudness of consecutive 20 ms frames."""
    count = len(speech) // _LEVEL_FRAME
    if count < 2:
        return 0.0
    frames = speech[: count * _LEVEL_FRAME].reshape(count, _LEVEL_FRAME).astype(np.float64)
    levels = 10.0 * np.log10(np.mean(frames**2, axis=1) + 1e-10)
    return float(np.std(levels))


def _load_resemblyzer() -> tuple[Any, Any, Any]:
    """Resemblyzer's encoder class and preprocessing functions, imported without noise.

    Importing resemblyzer imports webrtcvad, which imports the deprecated ``pkg_resources``
    (a UserWarning from setuptools), and resemblyzer itself imports ``binary_dilation`` from
    ``scipy.ndimage.morphology`` (a DeprecationWarning). Neither is ours to fix; both would
    fail a test run under ``filterwarnings = error``, so exactly those two are ignored here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="pkg_resources is deprecated", category=UserWarning
        )
        warnings.filterwarnings(
            "ignore", message=".*scipy.ndimage.morphology", category=DeprecationWarning
        )
        from resemblyzer import VoiceEncoder
        from resemblyzer.audio import normalize_volume, trim_long_silences
    # torch logs its cache statistics at INFO from an exit hook, after a test runner or a
    # server has closed the streams logging writes to ("--- Logging error ---"): keep it quiet
    logging.getLogger("torch").setLevel(logging.WARNING)
    return VoiceEncoder, normalize_volume, trim_long_silences


class VoiceEmbedder:
    """Resemblyzer's speaker encoder on the CPU, loaded once; safe to share between threads."""

    model = VOICE_MODEL

    def __init__(self, *, min_speech_s: float = MIN_SPEECH_S) -> None:
        encoder_class, self._normalize_volume, self._trim_silences = _load_resemblyzer()
        # verbose=False: the encoder otherwise prints "Loaded the voice encoder model" to stdout
        self._encoder = encoder_class(device="cpu", verbose=False)
        self._min_samples = round(min_speech_s * SAMPLE_RATE)
        self._lock = Lock()

    def speech(self, samples_16k: NDArray[np.floating[Any]]) -> NDArray[np.float32]:
        """The speech in a window: volume normalised, long silences cut (Resemblyzer's way)."""
        wav = np.asarray(samples_16k, dtype=np.float32)
        if wav.ndim != 1:
            raise ValueError(f"expected mono samples (one dimension), got shape {wav.shape}")
        if not np.all(np.isfinite(wav)):
            raise ValueError("the samples contain NaN or infinite values; decode the audio again")
        if len(wav) == 0 or not np.any(wav):
            return np.zeros(0, dtype=np.float32)
        loud = self._normalize_volume(wav, _AUDIO_NORM_TARGET_DBFS, increase_only=True)
        # the VAD reads 16-bit PCM: keep boosted peaks inside its range
        clipped = np.clip(loud, -1.0, 1.0).astype(np.float32)
        trimmed: NDArray[np.float32] = self._trim_silences(clipped).astype(np.float32)
        return trimmed

    def embed(self, samples_16k: NDArray[np.floating[Any]]) -> NDArray[np.float32] | None:
        """The voice print of a window of 16 kHz mono samples, or None if it holds too little
        speech: less than ``min_speech_s`` once silences are trimmed, or a sound whose level
        does not move like speech (a steady tone or hiss, see :data:`MIN_LEVEL_SPREAD_DB`).

        The print is a unit-length float32 array of :data:`EMBEDDING_SIZE` numbers.
        """
        speech = self.speech(samples_16k)
        if len(speech) < self._min_samples or _level_spread_db(speech) < MIN_LEVEL_SPREAD_DB:
            return None
        with self._lock:
            raw = self._encoder.embed_utterance(speech)
        return _unit(np.asarray(raw, dtype=np.float32))


def _unit(vector: NDArray[np.float32]) -> NDArray[np.float32]:
    norm = float(np.linalg.norm(vector))
    if not norm > 0:
        raise ValueError("a voice print of length zero has no direction")
    return (vector / norm).astype(np.float32)


def voice_print(embeddings: Sequence[NDArray[np.float32]]) -> NDArray[np.float32]:
    """One print for a speaker from several of their recordings: the normalised mean."""
    if not embeddings:
        raise ValueError("a voice print needs at least one embedding")
    return _unit(np.mean(np.stack(embeddings), axis=0).astype(np.float32))


def similarity(a: NDArray[np.floating[Any]], b: NDArray[np.floating[Any]]) -> float:
    """Cosine similarity of two voice prints (1.0: same direction)."""
    if a.shape != b.shape:
        raise ValueError(f"voice prints differ in shape: {a.shape} and {b.shape}")
    norms = float(np.linalg.norm(a)) * float(np.linalg.norm(b))
    if not norms > 0:
        raise ValueError("cannot compare a voice print of length zero")
    return float(np.dot(a.astype(np.float64), b.astype(np.float64)) / norms)
