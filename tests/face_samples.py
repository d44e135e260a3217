"""Real photographs of people that ship inside installed packages, and augmented variants of
them, for the face detection tests and benchmark (nothing is downloaded).

- ``collins``: scikit-image's astronaut (Eileen Collins, NASA);
- ``hopper``: matplotlib's sample photograph of Grace Hopper;
- ``hanks``: insightface's sample face of Tom Hanks;
- ``t1-0`` ... ``t1-5``: the six people of insightface's group photograph ``t1.jpg``, each
  cropped to a portrait.

insightface is installed without its dependencies (``make`` does it) only for these photos.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

#: the faces of t1.jpg (left, top, right, bottom), as dlib's detector finds them
_T1_FACES = (
    (67, 283, 175, 390),
    (275, 176, 364, 265),
    (450, 295, 557, 402),
    (724, 367, 832, 474),
    (870, 67, 999, 196),
    (1118, 283, 1226, 390),
)


def _package_folder(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, f"{name} is not installed"
    return Path(next(iter(spec.submodule_search_locations)))


def _crop(rgb: np.ndarray, box: tuple[int, int, int, int], margin: float) -> np.ndarray:
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    x0 = max(0, int(left - margin * width))
    y0 = max(0, int(top - margin * height))
    x1 = min(rgb.shape[1], int(right + margin * width))
    y1 = min(rgb.shape[0], int(bottom + margin * height))
    return np.ascontiguousarray(rgb[y0:y1, x0:x1])


def portraits() -> dict[str, np.ndarray]:
    """One RGB portrait per person (uint8, H x W x 3)."""
    import matplotlib
    import skimage.data

    faces = _package_folder("insightface") / "data" / "images"
    people = {
        "collins": _crop(skimage.data.astronaut(), (175, 76, 265, 166), 0.9),
        "hopper": np.asarray(
            Image.open(
                Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
            ).convert("RGB")
        ),
        "hanks": np.asarray(
            Image.open(faces / "Tom_Hanks_54745.png").convert("RGB").resize((224, 224))
        ),
    }
    group = np.asarray(Image.open(faces / "t1.jpg").convert("RGB"))
    for number, box in enumerate(_T1_FACES):
        people[f"t1-{number}"] = _crop(group, box, 0.8)
    return people


def _jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


#: the variants of a photograph a probe set holds, by name
AUGMENTATIONS = ("crop", "scale-down", "scale-up", "rotate", "jpeg-30", "dark", "bright", "mirror")


def augment(rgb: np.ndarray, how: str) -> np.ndarray:
    """A variant of ``rgb``: cropped tighter, scaled down or up, rotated 10 degrees, saved as
    JPEG at quality 30, darker, brighter, or mirrored."""
    image = Image.fromarray(rgb)
    width, height = image.size
    if how == "crop":
        image = image.crop((width // 10, height // 10, width - width // 10, height - height // 12))
    elif how == "scale-down":
        image = image.resize((int(width * 0.7), int(height * 0.7)))
    elif how == "scale-up":
        image = image.resize((int(width * 1.5), int(height * 1.5)))
    elif how == "rotate":
        image = image.rotate(10, resample=Image.Resampling.BILINEAR, expand=True)
    elif how == "jpeg-30":
        return _jpeg(rgb, 30)
    elif how == "dark":
        image = ImageEnhance.Brightness(image).enhance(0.55)
    elif how == "bright":
        image = ImageEnhance.Brightness(image).enhance(1.4)
    elif how == "mirror":
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    else:
        raise ValueError(f"unknown augmentation {how!r} (expected one of {AUGMENTATIONS})")
    return np.asarray(image.convert("RGB"))


def save(rgb: np.ndarray, path: Path) -> Path:
    """Write ``rgb`` as PNG or JPEG (by the suffix) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(path)
    return path
