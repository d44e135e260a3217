"""Voice prints from real (espeak-ng) speech: the enrolled voice matches, others do not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from likeness.media.decode import SAMPLE_RATE, audio_windows
from likeness.media.voice import (
    DEFAULT_HOP_S,
    DEFAULT_VOICE_THRESHOLD,
    DEFAULT_WINDOW_S,
    EMBEDDING_SIZE,
    VOICE_MODEL,
    VoiceEmbedder,
    similarity,
    voice_print,
)
from tests.media_samples import (
    ENROLMENT_SENTENCES,
    PROBE_SENTENCES,
    read_audio,
    solid,
    speak,
    tone,
    video_from_images,
    write_wav,
)

# the closest pairs of the calibration set: f2/f4 and m7/quincy
SPEAKERS = ("en-us+f2", "en-us+f4", "en-us+m7", "en-us+quincy")


@pytest.fixture(scope="module")
def embedder() -> VoiceEmbedder:
    return VoiceEmbedder()


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[Path], Path]]:
    """Each speaker's enrolment sentences (one file each) and a recording of the probe ones."""
    directory = tmp_path_factory.mktemp("voices")
    made: dict[str, tuple[list[Path], Path]] = {}
    for number, speaker in enumerate(SPEAKERS):
        enrolment = [
            speak(directory, speaker, sentence, f"s{number}_enrol{index}")
            for index, sentence in enumerate(ENROLMENT_SENTENCES)
        ]
        probe = speak(directory, speaker, " ".join(PROBE_SENTENCES), f"s{number}_probe")
        made[speaker] = (enrolment, probe)
    return made


def whole(path: Path) -> np.ndarray:
    """A whole recording as one window of 16 kHz samples."""
    (window,) = audio_windows(path, window_s=60.0, hop_s=60.0)
    return window.samples


@pytest.fixture(scope="module")
def prints(
    embedder: VoiceEmbedder, recordings: dict[str, tuple[list[Path], Path]]
) -> dict[str, np.ndarray]:
    """Each speaker enrolled from whole sentences, averaged."""
    enrolled: dict[str, np.ndarray] = {}
    for speaker, (enrolment, _) in recordings.items():
        embeddings = [embedder.embed(whole(path)) for path in enrolment]
        assert all(e is not None for e in embeddings)
        enrolled[speaker] = voice_print([e for e in embeddings if e is not None])
    return enrolled


@pytest.fixture(scope="module")
def probes(
    embedder: VoiceEmbedder, recordings: dict[str, tuple[list[Path], Path]]
) -> dict[str, list[np.ndarray]]:
    """Each speaker's probe recording, embedded window by window as detection does."""
    embedded: dict[str, list[np.ndarray]] = {}
    for speaker, (_, probe) in recordings.items():
        windows = audio_windows(probe, window_s=DEFAULT_WINDOW_S, hop_s=DEFAULT_HOP_S)
        embedded[speaker] = [e for w in windows if (e := embedder.embed(w.samples)) is not None]
        assert len(embedded[speaker]) >= 5
    return embedded


def test_the_enrolled_voice_matches_in_other_sentences(
    prints: dict[str, np.ndarray], probes: dict[str, list[np.ndarray]]
) -> None:
    for speaker in SPEAKERS:
        scores = [similarity(prints[speaker], e) for e in probes[speaker]]
        assert min(scores) >= DEFAULT_VOICE_THRESHOLD, (speaker, scores)


def test_other_voices_do_not_match(
    prints: dict[str, np.ndarray], probes: dict[str, list[np.ndarray]]
) -> None:
    for enrolled in SPEAKERS:
        for heard in SPEAKERS:
            if heard != enrolled:
                scores = [similarity(prints[enrolled], e) for e in probes[heard]]
                assert max(scores) < DEFAULT_VOICE_THRESHOLD, (enrolled, heard, scores)


def test_a_voice_in_a_videos_sound_track_matches(
    embedder: VoiceEmbedder,
    prints: dict[str, np.ndarray],
    recordings: dict[str, tuple[list[Path], Path]],
    tmp_path: Path,
) -> None:
    _, probe = recordings["en-us+m7"]
    video = video_from_images(tmp_path, [(0.0, solid((40, 40, 40)))], probe, "interview")
    windows = list(audio_windows(video, window_s=DEFAULT_WINDOW_S, hop_s=DEFAULT_HOP_S))
    embedded = [e for w in windows if (e := embedder.embed(w.samples)) is not None]
    assert len(embedded) >= 5
    for speaker, enrolled in prints.items():
        scores = [similarity(enrolled, e) for e in embedded]
        if speaker == "en-us+m7":
            assert min(scores) >= DEFAULT_VOICE_THRESHOLD
        else:
            assert max(scores) < DEFAULT_VOICE_THRESHOLD


def test_an_embedding_is_a_unit_float32_vector(
    embedder: VoiceEmbedder, recordings: dict[str, tuple[list[Path], Path]]
) -> None:
    embedding = embedder.embed(whole(recordings["en-us+f2"][1]))
    assert embedding is not None
    assert embedding.dtype == np.float32 and embedding.shape == (EMBEDDING_SIZE,)
    assert float(np.linalg.norm(embedding)) == pytest.approx(1.0, abs=1e-5)
    assert embedder.model == VOICE_MODEL == "resemblyzer-0.1.4-ge2e"


@pytest.mark.parametrize(
    "sound",
    [
        np.zeros(4 * SAMPLE_RATE),  # silence
        tone(4.0, 440.0),  # the detector of voice activity takes this for speech
        tone(4.0, 1000.0),
        0.1 * np.random.default_rng(0).standard_normal(4 * SAMPLE_RATE),  # hiss
        np.zeros(0),
    ],
    ids=["silence", "tone-440", "tone-1k", "white-noise", "empty"],
)
def test_no_speech_gives_no_embedding(embedder: VoiceEmbedder, sound: np.ndarray) -> None:
    assert embedder.embed(sound) is None


def test_too_little_speech_gives_no_embedding(embedder: VoiceEmbedder, tmp_path: Path) -> None:
    samples, rate = read_audio(speak(tmp_path, "en-us+m7", "Hi.", "word"))
    assert len(samples) < rate  # under a second, silences included
    padded = write_wav(tmp_path / "padded.wav", np.concatenate((np.zeros(rate), samples)), rate)
    (window,) = audio_windows(padded, window_s=4.0, hop_s=2.0)
    assert 0 < len(embedder.speech(window.samples)) < SAMPLE_RATE
    assert embedder.embed(window.samples) is None


def test_bad_samples_are_refused(embedder: VoiceEmbedder) -> None:
    with pytest.raises(ValueError, match="mono"):
        embedder.embed(np.zeros((2, SAMPLE_RATE)))
    with pytest.raises(ValueError, match="NaN"):
        embedder.embed(np.full(SAMPLE_RATE, np.nan))


def test_similarity_is_the_cosine() -> None:
    a = np.array([1.0, 0.0], dtype=np.float32)
    b = np.array([1.0, 1.0], dtype=np.float32)
    assert similarity(a, a) == pytest.approx(1.0)
    assert similarity(a, b) == pytest.approx(2**-0.5)
    assert similarity(a, -a) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="shape"):
        similarity(a, np.ones(3, dtype=np.float32))
    assert np.linalg.norm(voice_print([a, b])) == pytest.approx(1.0)
