"""Decoding real files: images, frames sampled from MP4s, 16 kHz audio windows, bad files."""

from __future__ import annotations

import wave
import zipfile
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image
from skimage import data

from likeness.errors import InvalidInputError
from likeness.media.decode import (
    SAMPLE_RATE,
    MediaError,
    MediaKind,
    audio_windows,
    frames,
    kind_of,
)
from tests.media_samples import (
    solid,
    speak,
    tone,
    turned_for_display,
    video_from_images,
    write_wav,
)

RED, GREEN, BLUE = (220, 20, 20), (20, 220, 20), (20, 20, 220)
SENTENCE = "Scanning this recording for voices takes a few windows of sound, one after another."


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One of each kind of file, made once for the module."""
    directory = tmp_path_factory.mktemp("media")
    astronaut = data.astronaut()
    Image.fromarray(astronaut).save(directory / "astronaut.png")
    Image.fromarray(astronaut).save(directory / "astronaut.jpg", quality=95)
    speech = speak(directory, "en-us+m7", SENTENCE, "speech")
    colours = [(0.0, solid(RED)), (1.0, solid(GREEN)), (2.0, solid(BLUE))]
    return {
        "png": directory / "astronaut.png",
        "jpeg": directory / "astronaut.jpg",
        "wav": speech,
        "silent_mp4": video_from_images(directory, colours, None, "colours", duration_s=3.0),
        "talking_mp4": video_from_images(directory, colours, speech, "talking"),
    }


def one_line(error: pytest.ExceptionInfo[MediaError], path: Path, *phrases: str) -> None:
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    for phrase in phrases:
        assert phrase in message


# --- kinds ---------------------------------------------------------------------------------


def test_each_kind_is_known_by_its_content(media: dict[str, Path], tmp_path: Path) -> None:
    assert kind_of(media["png"]) is MediaKind.IMAGE
    assert kind_of(media["jpeg"]) is MediaKind.IMAGE
    assert kind_of(media["silent_mp4"]) is MediaKind.VIDEO
    assert kind_of(media["talking_mp4"]) is MediaKind.VIDEO
    assert kind_of(media["wav"]) is MediaKind.AUDIO
    # the extension is not trusted either way
    disguised_image = tmp_path / "picture.mp4"
    disguised_image.write_bytes(media["png"].read_bytes())
    disguised_sound = tmp_path / "sound.jpg"
    disguised_sound.write_bytes(media["wav"].read_bytes())
    assert kind_of(disguised_image) is MediaKind.IMAGE
    assert kind_of(disguised_sound) is MediaKind.AUDIO


# --- images --------------------------------------------------------------------------------


def test_a_png_is_one_frame_at_zero_exactly(media: dict[str, Path]) -> None:
    (frame,) = frames(media["png"], every_s=1.0)
    assert frame.time_s == 0.0
    assert frame.rgb.dtype == np.uint8
    assert np.array_equal(frame.rgb, data.astronaut())


def test_a_jpeg_is_one_frame_close_to_the_original(media: dict[str, Path]) -> None:
    (frame,) = frames(media["jpeg"], every_s=1.0)
    assert frame.rgb.shape == (512, 512, 3)
    assert np.abs(frame.rgb.astype(int) - data.astronaut().astype(int)).mean() < 4


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    picture = data.astronaut()[:, 100:400]  # 512 high, 300 wide
    exif = Image.Exif()
    exif[0x0112] = 6  # stored on its side: turn 90° clockwise to show upright
    path = tmp_path / "rotated.jpg"
    Image.fromarray(np.rot90(picture, 1)).save(path, quality=95, exif=exif)
    (frame,) = frames(path, every_s=1.0)
    assert frame.rgb.shape == (512, 300, 3)
    assert np.abs(frame.rgb.astype(int) - picture.astype(int)).mean() < 4


def test_other_modes_and_depths_become_8_bit_rgb(tmp_path: Path) -> None:
    ramp = np.linspace(0, 65535, 64 * 256).reshape(64, 256).astype(np.uint16)
    Image.fromarray(ramp).save(tmp_path / "deep.png")
    Image.fromarray(data.astronaut()).convert("P").save(tmp_path / "palette.gif")
    Image.fromarray(data.astronaut()).convert("CMYK").save(tmp_path / "print.tiff")
    (deep,) = frames(tmp_path / "deep.png", every_s=1.0)
    assert deep.rgb.dtype == np.uint8 and deep.rgb.shape == (64, 256, 3)
    assert deep.rgb[0, 0].tolist() == [0, 0, 0] and deep.rgb[-1, -1].tolist() == [255] * 3
    for name in ("palette.gif", "print.tiff"):
        (frame,) = frames(tmp_path / name, every_s=1.0)
        assert frame.rgb.shape == (512, 512, 3) and frame.rgb.dtype == np.uint8


def test_a_picture_pillow_cannot_read_is_read_by_ffmpeg(tmp_path: Path) -> None:
    path = tmp_path / "lossless.jls"  # JPEG-LS: FFmpeg reads it, Pillow does not
    with av.open(str(path), mode="w", format="image2") as output:
        stream: Any = output.add_stream("jpegls", rate=1)
        stream.width, stream.height, stream.pix_fmt = 512, 512, "rgb24"
        output.mux(stream.encode(av.VideoFrame.from_ndarray(data.astronaut(), format="rgb24")))
        output.mux(stream.encode(None))
    assert kind_of(path) is MediaKind.IMAGE
    (frame,) = frames(path, every_s=1.0)
    assert frame.time_s == 0.0 and np.array_equal(frame.rgb, data.astronaut())


# --- video ---------------------------------------------------------------------------------


def test_a_video_is_sampled_every_second_of_media_time(media: dict[str, Path]) -> None:
    sampled = list(frames(media["silent_mp4"], every_s=1.0))
    assert [round(frame.time_s, 3) for frame in sampled] == [0.0, 1.0, 2.0]
    for frame, colour in zip(sampled, (RED, GREEN, BLUE), strict=True):
        assert frame.rgb.shape == (96, 128, 3) and frame.rgb.dtype == np.uint8
        assert np.abs(frame.rgb.reshape(-1, 3).mean(axis=0) - colour).max() < 8


def test_the_first_frame_at_or_after_each_sample_time_is_kept(media: dict[str, Path]) -> None:
    # 10 frames a second: samples at 0, 0.25, 0.5, … fall on frames 0.0, 0.3, 0.5, 0.8, …
    times = [round(frame.time_s, 3) for frame in frames(media["silent_mp4"], every_s=0.25)]
    assert times == [0.0, 0.3, 0.5, 0.8, 1.0, 1.3, 1.5, 1.8, 2.0, 2.3, 2.5, 2.8]
    # sampling faster than the frame rate gives every frame once
    assert len(list(frames(media["silent_mp4"], every_s=0.01))) == 30


def test_a_video_marked_for_display_turned_is_turned(tmp_path: Path) -> None:
    portrait = np.ascontiguousarray(data.astronaut()[:, 100:400])  # 512 high, 300 wide
    stored = np.ascontiguousarray(np.rot90(portrait, 1))  # on its side, as a phone stores it
    video = turned_for_display(video_from_images(tmp_path, [(0.0, stored)], None, "phone"))
    (frame,) = frames(video, every_s=1.0)
    assert frame.rgb.shape == (512, 300, 3)
    assert np.abs(frame.rgb.astype(int) - portrait.astype(int)).mean() < 8


def test_an_audio_file_has_no_frames(media: dict[str, Path]) -> None:
    assert list(frames(media["wav"], every_s=1.0)) == []


def test_the_sampling_interval_must_be_positive(media: dict[str, Path]) -> None:
    with pytest.raises(ValueError, match="every_s"):
        list(frames(media["png"], every_s=0))


# --- audio ---------------------------------------------------------------------------------


def test_a_wav_is_cut_into_overlapping_16khz_windows(media: dict[str, Path]) -> None:
    windows = list(audio_windows(media["wav"], window_s=2.0, hop_s=1.0))
    assert len(windows) >= 3
    for index, window in enumerate(windows[:-1]):
        assert window.start_s == pytest.approx(index * 1.0)
        assert window.end_s == pytest.approx(index * 1.0 + 2.0)
        assert window.samples.dtype == np.float32 and window.samples.shape == (2 * SAMPLE_RATE,)
    last = windows[-1]
    assert 1.0 <= last.end_s - last.start_s <= 2.0
    assert len(last.samples) == round((last.end_s - last.start_s) * SAMPLE_RATE)
    # espeak writes 22 050 Hz: the windows reach the end of the resampled recording
    with wave.open(str(media["wav"])) as file:
        assert file.getframerate() != SAMPLE_RATE
        duration = file.getnframes() / file.getframerate()
    assert last.end_s == pytest.approx(duration, abs=0.01)
    assert np.abs(windows[0].samples).max() > 0.05


def test_an_mp4_audio_track_is_windowed_like_the_wav(media: dict[str, Path]) -> None:
    from_wav = list(audio_windows(media["wav"], window_s=2.0, hop_s=1.0))
    from_mp4 = list(audio_windows(media["talking_mp4"], window_s=2.0, hop_s=1.0))
    assert [w.start_s for w in from_mp4] == pytest.approx([w.start_s for w in from_wav])
    assert from_mp4[-1].end_s == pytest.approx(from_wav[-1].end_s, abs=0.1)
    loudness = [float(np.sqrt(np.mean(w.samples**2))) for w in from_mp4]
    expected = [float(np.sqrt(np.mean(w.samples**2))) for w in from_wav]
    assert loudness == pytest.approx(expected, rel=0.2)


def test_a_video_without_sound_and_an_image_have_no_windows(media: dict[str, Path]) -> None:
    assert list(audio_windows(media["silent_mp4"], window_s=2.0, hop_s=1.0)) == []
    assert list(audio_windows(media["png"], window_s=2.0, hop_s=1.0)) == []


@pytest.mark.parametrize(
    ("seconds", "spans"),
    [
        (10.0, [(0, 4), (2, 6), (4, 8), (6, 10)]),  # the rest lies inside the last window
        (11.0, [(0, 4), (2, 6), (4, 8), (6, 10), (8, 11)]),  # 3 s of new sound kept
        (10.5, [(0, 4), (2, 6), (4, 8), (6, 10), (8, 10.5)]),  # 2.5 s: half a window or more
        (2.5, [(0, 2.5)]),  # shorter than a window: all of it
        (1.0, [(0, 1)]),
        (0.9, []),  # under a second: nothing to listen to
    ],
)
def test_window_boundaries(
    tmp_path: Path, seconds: float, spans: list[tuple[float, float]]
) -> None:
    path = write_wav(tmp_path / "tone.wav", tone(seconds))
    windows = list(audio_windows(path, window_s=4.0, hop_s=2.0))
    assert [(round(w.start_s, 4), round(w.end_s, 4)) for w in windows] == spans
    for window in windows:
        assert len(window.samples) == round((window.end_s - window.start_s) * SAMPLE_RATE)


def test_windows_do_not_share_memory(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "tone.wav", tone(6.0))
    first, second, *_ = audio_windows(path, window_s=4.0, hop_s=2.0)
    before = second.samples.copy()
    first.samples[:] = 0  # a consumer scaling a window in place
    assert np.array_equal(second.samples, before)


def test_a_hop_longer_than_the_window_leaves_gaps(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "tone.wav", tone(10.0, rate=8000), rate=8000)
    windows = list(audio_windows(path, window_s=1.0, hop_s=3.0))
    spans = [(round(w.start_s, 4), round(w.end_s, 4)) for w in windows]
    assert spans == [(0, 1), (3, 4), (6, 7), (9, 10)]


# --- bad files -----------------------------------------------------------------------------


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.touch()
    with pytest.raises(MediaError) as error:
        kind_of(path)
    one_line(error, path, "the file is empty")
    assert isinstance(error.value, InvalidInputError)  # reported like any other bad input
    assert error.value.path == path and error.value.reason == "the file is empty"


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as error:
        list(frames(tmp_path / "gone.mp4", every_s=1.0))
    one_line(error, tmp_path / "gone.mp4", "no such file")


def test_a_truncated_jpeg(media: dict[str, Path], tmp_path: Path) -> None:
    whole = media["jpeg"].read_bytes()
    path = tmp_path / "broken.jpg"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(MediaError) as error:
        list(frames(path, every_s=1.0))
    one_line(error, path, "the image data is corrupt", "truncated")


def test_a_garbled_jpeg(media: dict[str, Path], tmp_path: Path) -> None:
    garbled = bytearray(media["jpeg"].read_bytes())
    for index in range(600, len(garbled), 50):
        garbled[index] = 0xFF if index % 100 else 0xD9
    path = tmp_path / "garbled.jpg"
    path.write_bytes(bytes(garbled))
    with pytest.raises(MediaError) as error:
        list(frames(path, every_s=1.0))
    one_line(error, path, "the image data is corrupt")


def test_a_text_file_named_mp4(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    path.write_text("Not a film: the notes for the shoot on Tuesday.\n" * 20)
    with pytest.raises(MediaError) as error:
        list(frames(path, every_s=1.0))
    one_line(error, path, "not a video, audio or image file this scanner reads")


def test_a_text_file_named_jpg(tmp_path: Path) -> None:
    path = tmp_path / "still.jpg"  # FFmpeg picks its image reader by the name
    path.write_text("Not a photograph.\n" * 20)
    with pytest.raises(MediaError) as error:
        kind_of(path)
    one_line(error, path, "not a video, audio or image file this scanner reads")


def test_an_unsupported_container(tmp_path: Path) -> None:
    archive = tmp_path / "takes.zip"
    with zipfile.ZipFile(archive, "w") as file:
        file.writestr("take1.txt", "hello " * 100)
    subtitles = tmp_path / "lines.srt"
    subtitles.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n")
    for path in (archive, subtitles):
        with pytest.raises(MediaError) as error:
            kind_of(path)
        one_line(error, path, "not a video, audio or image file this scanner reads")
    assert "with no picture or sound" in str(error.value)


def test_a_truncated_mp4(media: dict[str, Path], tmp_path: Path) -> None:
    whole = media["talking_mp4"].read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(whole[: len(whole) // 2])  # PyAV writes the index at the end
    with pytest.raises(MediaError) as error:
        list(audio_windows(path, window_s=2.0, hop_s=1.0))
    one_line(error, path, "MP4/QuickTime file that is damaged or incomplete")


def test_a_damaged_video_stream_fails_while_decoding(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    pictures = [(float(s), rng.integers(0, 256, (96, 128, 3), dtype=np.uint8)) for s in range(3)]
    whole = video_from_images(tmp_path, pictures, None, "noisy").read_bytes()
    damaged = bytearray(whole)
    media_data, index = whole.find(b"mdat"), whole.find(b"moov")
    for position in range(media_data + 200, index - 10, 3):
        damaged[position] = int(rng.integers(0, 256))
    path = tmp_path / "damaged.mp4"
    path.write_bytes(bytes(damaged))
    assert kind_of(path) is MediaKind.VIDEO  # the index is intact
    with pytest.raises(MediaError) as error:
        list(frames(path, every_s=1.0))
    one_line(error, path, "the video stream is damaged")
