"""Faces in pictures: dlib's HOG face detector, its 5-point landmarks and its ResNet face
recognition model (a 128-number descriptor per face).

The model files ship in the ``face-recognition-models`` package and are read from where it is
installed; nothing is downloaded. That package's ``__init__`` imports ``pkg_resources`` (gone
from recent setuptools), so its folder is found with :func:`importlib.util.find_spec`, which
does not run it.

Two descriptors of one person are close: dlib reports 99.38% accuracy on the LFW benchmark at
a Euclidean distance of 0.6. The threshold in force is a setting
(``LIKENESS_FACE_MATCH_DISTANCE``), calibrated by ``make bench-detect``.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

import dlib
import numpy as np
import numpy.typing as npt

#: the model's name, stored beside each embedding so a change of model is seen
FACE_MODEL = "dlib-resnet-v1"
#: descriptor length of dlib's face recognition model
FACE_DIMENSIONS = 128
#: faces smaller than this (pixels across) are not looked at: too small to tell people apart
MIN_FACE_PIXELS = 40

_MODEL_FILES = ("shape_predictor_5_face_landmarks.dat", "dlib_face_recognition_resnet_model_v1.dat")


def models_folder() -> Path:
    """Where ``face-recognition-models`` keeps its files (an error that says what to install
    when it is missing)."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the face models are not installed (expected the face-recognition-models package:"
            " pip install 'likeness[media]')"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "models"
    for name in _MODEL_FILES:
        if not (folder / name).is_file():
            raise RuntimeError(f"face model file {folder / name} is missing (reinstall it)")
    return folder


@dataclass(frozen=True, slots=True)
class Face:
    """One face found in a picture: where (left, top, right, bottom in pixels) and its
    descriptor (unit-free, 128 float32 numbers)."""

    box: tuple[int, int, int, int]
    embedding: npt.NDArray[np.float32]


class FaceEmbedder:
    """Finds faces in RGB pictures and describes each one.

    ``upsample`` is how many times the detector doubles the picture first (1 finds faces down
    to about 40 pixels across in a 640x480 frame, at about four times the cost of 0). One
    instance may be shared by threads: dlib's models are not re-entrant, so calls are
    serialised.
    """

    def __init__(self, upsample: int = 1) -> None:
        folder = models_folder()
        self.upsample = upsample
        self._detector = dlib.get_frontal_face_detector()
        self._landmarks = dlib.shape_predictor(str(folder / _MODEL_FILES[0]))
        self._model = dlib.face_recognition_model_v1(str(folder / _MODEL_FILES[1]))
        self._lock = threading.Lock()

    def faces(self, rgb: npt.NDArray[np.uint8]) -> list[Face]:
        """Every face in ``rgb`` (H x W x 3, uint8) at least :data:`MIN_FACE_PIXELS` across."""
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(
                f"expected an H x W x 3 uint8 RGB picture, got {rgb.shape} {rgb.dtype}"
            )
        picture = np.ascontiguousarray(rgb)
        found: list[Face] = []
        with self._lock:
            for rect in self._detector(picture, self.upsample):
                if min(rect.width(), rect.height()) < MIN_FACE_PIXELS:
                    continue
                shape = self._landmarks(picture, rect)
                descriptor = self._model.compute_face_descriptor(picture, shape, 0)
                box = (rect.left(), rect.top(), rect.right(), rect.bottom())
                found.append(Face(box, np.asarray(descriptor, dtype=np.float32)))
        return found

    def reference_face(self, rgb: npt.NDArray[np.uint8]) -> Face | None:
        """The face of a reference picture: the largest one (a portrait may catch a face in
        the background too), or None when there is none."""
        faces = self.faces(rgb)
        if not faces:
            return None
        return max(faces, key=lambda f: (f.box[2] - f.box[0]) * (f.box[3] - f.box[1]))


def face_distance(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    """Euclidean distance between two descriptors (under 0.6: likely the same person)."""
    return float(np.linalg.norm(a.astype(np.float64) - b.astype(np.float64)))
