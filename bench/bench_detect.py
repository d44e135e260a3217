"""Detection benchmark (SPEC §13, issue #15): face embedding throughput, index search latency,
and the error rates of the thresholds in force on the test set.

- ``images_per_s``: 640x480 JPEG files through the scanner (decode, HOG face detection with one
  upsample, landmarks, ResNet descriptor), pinned to one CPU core.
- ``search_p50_ms_10k`` / ``_1m``: the median time of one nearest-neighbour query in the face
  index (usearch HNSW, 128 dimensions) holding 10,000 / 1,000,000 synthetic embeddings.
- ``far`` / ``frr``: on the real photographs of ``tests/face_samples.py``: every person is
  enrolled from their photograph, then each of the 8 augmented variants of each photograph is
  searched. A variant not matched to its person is a miss (``frr`` = misses / variants); every
  other enrolled person within the threshold is a false match (``far`` = false matches /
  (variants x other people)); the 100 faces of scikit-image's LFW subset are searched too, as
  impostors only. ``voice_far`` / ``voice_frr``: the same over the espeak-ng
  calibration set (windows of the probe recordings against every voice print).
- ``install_mb``: what the ``media`` extra adds to the environment (its packages and theirs,
  less what Likeness needs anyway).

Last line: ``detect: images_per_s=… search_p50_ms_10k=… search_p50_ms_1m=… far=… frr=…``
followed by the voice figures and install size.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.face_samples import AUGMENTATIONS, augment, portraits

from likeness.config import Settings
from likeness.media import decode
from likeness.media.index import VectorIndex
from likeness.media.scanner import Scanner
from likeness.media.voice import VoiceEmbedder, similarity, voice_print


def canvas(face: np.ndarray, width: int = 640, height: int = 480) -> np.ndarray:
    """A 640x480 frame with ``face`` (a portrait) scaled to two thirds of its height."""
    image = Image.fromarray(face)
    scale = (height * 2 / 3) / image.height
    image = image.resize((max(1, int(image.width * scale)), int(image.height * scale)))
    frame = Image.new("RGB", (width, height), (90, 110, 130))
    frame.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
    return np.asarray(frame)


def images_per_second(folder: Path, people: dict[str, np.ndarray], rounds: int) -> float:
    paths = []
    for number, (name, face) in enumerate(people.items()):
        path = folder / f"{number:02d}-{name}.jpg"
        Image.fromarray(canvas(face)).save(path, quality=90)
        paths.append(path)
    scanner = Scanner(folder)
    list(scanner.observe(paths[0]))  # load the model outside the timing
    started = time.perf_counter()
    count = 0
    for _ in range(rounds):
        for path in paths:
            list(scanner.observe(path))
            count += 1
    return count / (time.perf_counter() - started)


def search_p50_ms(folder: Path, size: int, queries: int = 1000) -> float:
    rng = np.random.default_rng(15)
    index = VectorIndex(folder / f"bench-{size}.usearch", "face", 128)
    # dlib descriptors have norms near 1 and spread over all dimensions: unit Gaussians
    vectors = rng.standard_normal((size, 128)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index.rebuild((i + 1, vectors[i]) for i in range(size))
    probes = vectors[rng.integers(0, size, queries)] + rng.normal(0, 0.02, (queries, 128))
    times = []
    for probe in probes.astype(np.float32):
        started = time.perf_counter()
        index.search(probe, 5)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def lfw_faces() -> list[np.ndarray]:
    """scikit-image's subset of Labeled Faces in the Wild (100 faces of other people, 25x25
    grey), scaled to 200x200 RGB: more impostors, and harder ones (blurred, low detail)."""
    import skimage.data

    faces = skimage.data.lfw_subset()[:100]
    return [
        np.asarray(Image.fromarray((face * 255).astype(np.uint8)).resize((200, 200)).convert("RGB"))
        for face in faces
    ]


def face_error_rates(
    people: dict[str, np.ndarray], threshold: float
) -> tuple[float, float, float, float, int]:
    """far, frr, the largest distance of a person to their own photograph, the smallest to
    another's, and the number of impostor comparisons."""
    scanner = Scanner(Path(tempfile.mkdtemp()))
    enrolled = {}
    for name, face in people.items():
        found = scanner.faces.reference_face(face)
        assert found is not None, f"no face in {name}"
        enrolled[name] = found.embedding
    misses = false = impostor = 0
    same: list[float] = []
    other: list[float] = []
    probes = [(name, augment(face, how)) for name, face in people.items() for how in AUGMENTATIONS]
    probes += [(None, face) for face in lfw_faces()]
    for name, picture in probes:
        matched = set()
        for seen in scanner.faces.faces(picture):
            for person, vector in enrolled.items():
                distance = float(np.linalg.norm(seen.embedding - vector))
                (same if person == name else other).append(distance)
                if distance <= threshold:
                    matched.add(person)
        if name is not None and name not in matched:
            misses += 1
        false += len(matched - {name})
        impostor += len(enrolled) - (name is not None)
    variants = len(people) * len(AUGMENTATIONS)
    return false / impostor, misses / variants, max(same), min(other), impostor


def voice_error_rates(folder: Path, threshold: float, window: float) -> tuple[float, float]:
    from tests.media_samples import calibration_set, is_enrolment

    recordings = calibration_set(folder)
    embedder = VoiceEmbedder()
    prints: dict[str, list[np.ndarray]] = {}
    probes: list[tuple[str, np.ndarray]] = []
    for speaker, path in recordings:
        windows = decode.audio_windows(path, window, window / 2)
        embedded = [v for w in windows if (v := embedder.embed(w.samples)) is not None]
        if is_enrolment(path):
            prints.setdefault(speaker, []).append(voice_print(embedded))
        else:
            probes += [(speaker, v) for v in embedded]
    voices = {speaker: voice_print(vectors) for speaker, vectors in prints.items()}
    misses = false = 0
    for speaker, vector in probes:
        matched = {s for s, p in voices.items() if similarity(vector, p) >= threshold}
        misses += speaker not in matched
        false += len(matched - {speaker})
    return false / (len(probes) * (len(voices) - 1)), misses / len(probes)


def install_mb() -> float:
    """Megabytes the ``media`` extra adds: its requirement closure less the core's."""

    def closure(names: list[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(names)
        while todo:
            name = re.split(r"[\s<>=!~;\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
            if not name or name in seen:
                continue
            try:
                dist = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                continue
            seen.add(name)
            todo += [r for r in dist.requires or [] if "extra ==" not in r]
        return seen

    likeness = metadata.distribution("likeness")
    requires = likeness.requires or []
    core = [r for r in requires if "extra ==" not in r]
    media = [r for r in requires if re.search(r"""extra == ["']media["']""", r)]
    added = closure(media) - closure(core)
    total = 0
    for name in added:
        for file in metadata.distribution(name).files or []:
            path = Path(str(file.locate()))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the 9 test images")
    parser.add_argument("--big", type=int, default=1_000_000, help="the large index's size")
    args = parser.parse_args()
    settings = Settings()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    people = portraits()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        rate = images_per_second(folder, people, args.rounds)
        print(f"faces: {rate:.2f} images/s at 640x480 on one core", flush=True)
        far, frr, worst_same, closest_other, impostors = face_error_rates(
            people, settings.face_match_distance
        )
        print(
            f"faces: far={far:.4f} frr={frr:.4f} at distance {settings.face_match_distance}"
            f" ({len(people)} people x {len(AUGMENTATIONS)} variants, {impostors} impostor"
            f" comparisons with 100 LFW faces); same person at most {worst_same:.3f}, another"
            f" at least {closest_other:.3f}",
            flush=True,
        )
        if hasattr(os, "sched_setaffinity"):
            # the rest uses every core (torch's threads spin-wait when pinned to one)
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
        voice_far, voice_frr = voice_error_rates(
            folder / "voices", settings.voice_match_similarity, settings.detect_window_seconds
        )
        print(f"voices: far={voice_far:.4f} frr={voice_frr:.4f}", flush=True)
        small = search_p50_ms(folder, 10_000)
        print(f"index: search p50 {small:.3f} ms with 10,000 enrolled", flush=True)
        started = time.perf_counter()
        big = search_p50_ms(folder, args.big)
        print(
            f"index: search p50 {big:.3f} ms with {args.big:,} enrolled"
            f" (built in {time.perf_counter() - started:.0f} s)"
        )
    size = install_mb()
    print(
        f"detect: images_per_s={rate:.2f} search_p50_ms_10k={small:.3f}"
        f" search_p50_ms_1m={big:.3f} far={far:.4f} frr={frr:.4f}"
        f" voice_far={voice_far:.4f} voice_frr={voice_frr:.4f} install_mb={size:.0f}"
    )


if __name__ == "__main__":
    main()
