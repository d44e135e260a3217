"""C2PA output credentials on real files: the signing identity, signing a use's output, and
what reading finds in signed, unsigned, tampered and foreign files."""

from __future__ import annotations

import hashlib
import os
import stat
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from PIL import Image
from skimage import data

from likeness.errors import ConflictError, InvalidInputError, NotFoundError
from likeness.media.credential_keys import (
    SigningIdentity,
    create_signing_identity,
    load_signing_identity,
)
from likeness.media.credentials import (
    ManifestCheck,
    UseCredential,
    media_type,
    read_credential,
    sign_output,
)

CREDENTIAL = UseCredential(
    use="U-41",
    decision="D-7",
    replica="R-3",
    performer="P-Quill",
    production="X-9",
    ledger_index=1234,
    installation="likeness.example/studio",
)


@pytest.fixture(scope="module")
def identities(tmp_path_factory: pytest.TempPathFactory) -> tuple[SigningIdentity, SigningIdentity]:
    """Ours and another installation's."""
    root = tmp_path_factory.mktemp("identities")
    assert create_signing_identity(root / "ours", "Studio Likeness")
    assert create_signing_identity(root / "theirs", "Other Likeness")
    return load_signing_identity(root / "ours"), load_signing_identity(root / "theirs")


@pytest.fixture
def ours(identities: tuple[SigningIdentity, SigningIdentity]) -> SigningIdentity:
    return identities[0]


def make_image(folder: Path, suffix: str) -> Path:
    path = folder / f"portrait.{suffix}"
    Image.fromarray(data.astronaut()[::4, ::4]).save(path, quality=90)
    return path


def make_wav(folder: Path) -> Path:
    path = folder / "voice.wav"
    samples = (np.sin(np.arange(16000) * 0.05) * 8000).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(samples.tobytes())
    return path


def make_mp4(folder: Path) -> Path:
    path = folder / "clip.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for shade in range(10):
            pixels = np.full((64, 64, 3), shade * 20, np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


MAKERS = {
    "png": lambda folder: make_image(folder, "png"),
    "jpeg": lambda folder: make_image(folder, "jpg"),
    "wav": make_wav,
    "mp4": make_mp4,
}


def signed(ours: SigningIdentity, tmp_path: Path, kind: str = "png") -> tuple[Path, Path]:
    source = MAKERS[kind](tmp_path)
    dest = tmp_path / f"signed{source.suffix}"
    sign_output(ours, source, dest, CREDENTIAL)
    return source, dest


def flipped(path: Path, offset: int) -> Path:
    content = bytearray(path.read_bytes())
    content[offset] ^= 0x01
    out = path.with_name(f"tampered{path.suffix}")
    out.write_bytes(bytes(content))
    return out


# --- the signing identity ---------------------------------------------------------------


def test_a_new_identity_has_owner_only_keys_and_a_second_init_keeps_it(tmp_path):
    folder = tmp_path / "c2pa"
    assert create_signing_identity(folder, "Studio") is True
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert sorted(before) == ["ca.key", "ca.pem", "signer.key", "signer.pem"]
    assert create_signing_identity(folder, "Studio") is False
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    for key in ("ca.key", "signer.key"):
        assert stat.S_IMODE((folder / key).stat().st_mode) == 0o600


def test_the_signing_certificate_is_an_end_entity_for_signing_issued_by_the_root(tmp_path):
    create_signing_identity(tmp_path, "Studio")
    identity = load_signing_identity(tmp_path)
    leaf, issuer = x509.load_pem_x509_certificates(identity.chain_pem)
    root = x509.load_pem_x509_certificate(identity.trust_anchor_pem)
    assert issuer == root and leaf.issuer == root.subject
    leaf.verify_directly_issued_by(root)
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    usages = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in usages
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert root.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    assert identity.algorithm == "es256"


def test_a_half_present_identity_is_refused_and_left_alone(tmp_path):
    create_signing_identity(tmp_path, "Studio")
    (tmp_path / "signer.key").unlink()
    with pytest.raises(ConflictError, match=r"missing signer\.key"):
        create_signing_identity(tmp_path, "Studio")
    assert not (tmp_path / "signer.key").exists()


def test_loading_without_an_identity_says_to_run_init(tmp_path):
    with pytest.raises(NotFoundError, match="run `likeness init`"):
        load_signing_identity(tmp_path / "nothing")


def test_loading_refuses_a_key_others_may_read(tmp_path):
    create_signing_identity(tmp_path, "Studio")
    os.chmod(tmp_path / "signer.key", 0o644)
    with pytest.raises(InvalidInputError, match="expected 0600"):
        load_signing_identity(tmp_path)


def test_loading_refuses_a_key_that_is_not_the_certificate_s(tmp_path):
    create_signing_identity(tmp_path, "Studio")
    (tmp_path / "signer.key").write_bytes((tmp_path / "ca.key").read_bytes())
    with pytest.raises(InvalidInputError, match="does not belong"):
        load_signing_identity(tmp_path)


# --- the use credential -----------------------------------------------------------------


def test_a_use_credential_round_trips_through_a_dict():
    assert UseCredential.from_dict(CREDENTIAL.to_dict()) == CREDENTIAL
    undecided = UseCredential(**{**CREDENTIAL.to_dict(), "decision": None})
    assert UseCredential.from_dict(undecided.to_dict()) == undecided


@pytest.mark.parametrize(
    ("field", "value"),
    [("ledger_index", -1), ("ledger_index", True), ("ledger_index", "12"), ("use", "")],
)
def test_a_use_credential_with_a_bad_field_is_refused(field, value):
    with pytest.raises(InvalidInputError, match=field):
        UseCredential.from_dict({**CREDENTIAL.to_dict(), field: value})


def test_a_use_credential_missing_a_field_is_refused():
    fields = CREDENTIAL.to_dict()
    del fields["installation"]
    with pytest.raises(InvalidInputError, match="missing installation"):
        UseCredential.from_dict(fields)


# --- signing and reading ----------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_a_signed_output_reads_valid_with_its_use_and_the_ai_marking(ours, tmp_path, kind):
    source = MAKERS[kind](tmp_path)
    dest = tmp_path / f"signed{source.suffix}"
    digest = sign_output(ours, source, dest, CREDENTIAL)
    assert digest == hashlib.sha256(dest.read_bytes()).hexdigest()
    check = read_credential(dest, ours.trust_anchor_pem)
    assert check == ManifestCheck("valid", CREDENTIAL, (), True)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_signed_image_still_opens_as_the_same_picture(ours, tmp_path):
    source, dest = signed(ours, tmp_path, "png")
    with Image.open(source) as before, Image.open(dest) as after:
        assert after.format == "PNG"
        assert np.array_equal(np.asarray(before), np.asarray(after))


def test_the_unsigned_source_has_no_manifest(ours, tmp_path):
    source, _ = signed(ours, tmp_path)
    assert read_credential(source, ours.trust_anchor_pem) == ManifestCheck(
        "absent", None, (), False
    )


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_changed_pixels_make_the_manifest_invalid(ours, tmp_path, kind):
    _, dest = signed(ours, tmp_path, kind)
    tampered = flipped(dest, len(dest.read_bytes()) - 100)  # image data, after the manifest
    check = read_credential(tampered, ours.trust_anchor_pem)
    assert check.state == "invalid"
    assert any("content was changed after it was signed" in p for p in check.problems)


def test_a_re_saved_image_that_keeps_the_manifest_is_invalid(ours, tmp_path):
    _, dest = signed(ours, tmp_path, "png")
    content = dest.read_bytes()
    data_at = content.index(b"IDAT") - 4  # the manifest chunk comes before the pixels
    darker = make_image(tmp_path, "png")
    with Image.open(darker) as image:
        Image.eval(image, lambda value: value // 2).save(darker)
    pixels = darker.read_bytes()
    repainted = tmp_path / "repainted.png"
    repainted.write_bytes(content[:data_at] + pixels[pixels.index(b"IDAT") - 4 :])
    with Image.open(repainted) as image:
        image.load()
    check = read_credential(repainted, ours.trust_anchor_pem)
    assert check.state == "invalid" and check.problems


def test_changed_audio_makes_the_manifest_invalid(ours, tmp_path):
    _, dest = signed(ours, tmp_path, "wav")
    tampered = flipped(dest, 2000)  # samples; the manifest is a chunk after them
    check = read_credential(tampered, ours.trust_anchor_pem)
    assert check.state == "invalid"
    assert any("content was changed" in p for p in check.problems)


def test_a_performer_rewritten_inside_the_manifest_is_invalid(ours, tmp_path):
    _, dest = signed(ours, tmp_path)
    content = dest.read_bytes()
    forged = tmp_path / "forged.png"
    forged.write_bytes(content.replace(b"P-Quill", b"P-Quilt", 1))
    check = read_credential(forged, ours.trust_anchor_pem)
    assert check.state == "invalid"
    assert any("assertion of the manifest was changed" in p for p in check.problems)


@pytest.mark.parametrize("past_header", [200, 1000])
def test_a_damaged_manifest_is_invalid(ours, tmp_path, past_header):
    _, dest = signed(ours, tmp_path)
    tampered = flipped(dest, dest.read_bytes().index(b"jumb") + past_header)
    check = read_credential(tampered, ours.trust_anchor_pem)
    assert check.state == "invalid" and check.problems


def test_another_installation_s_signature_is_untrusted(identities, tmp_path):
    ours, theirs = identities
    source = make_image(tmp_path, "png")
    dest = tmp_path / "theirs.png"
    sign_output(theirs, source, dest, CREDENTIAL)
    assert read_credential(dest, theirs.trust_anchor_pem).state == "valid"
    check = read_credential(dest, ours.trust_anchor_pem)
    assert check.state == "invalid"
    assert any("does not chain to this installation's C2PA root" in p for p in check.problems)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"not a picture\n"),
        ("random.png", bytes(range(256)) * 8),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
    ],
)
def test_an_unsupported_or_broken_input_is_refused_and_nothing_is_written(
    ours, tmp_path, name, content
):
    source = tmp_path / name
    source.write_bytes(content)
    dest = tmp_path / "out" / "signed.png"
    dest.parent.mkdir()
    with pytest.raises(InvalidInputError, match="PNG"):
        sign_output(ours, source, dest, CREDENTIAL)
    assert list(dest.parent.iterdir()) == []
    with pytest.raises(InvalidInputError):
        read_credential(source, ours.trust_anchor_pem)


def test_signing_onto_the_source_itself_is_refused(ours, tmp_path):
    source = make_image(tmp_path, "png")
    before = source.read_bytes()
    with pytest.raises(InvalidInputError, match="input file itself"):
        sign_output(ours, source, source, CREDENTIAL)
    assert source.read_bytes() == before


def test_the_format_comes_from_the_content_not_the_name(tmp_path):
    misnamed = make_image(tmp_path, "jpg").rename(tmp_path / "really-a-jpeg.png")
    assert media_type(misnamed) == "image/jpeg"


def test_signing_onto_a_folder_is_refused_and_leaves_no_temporary_file(ours, tmp_path):
    source = make_image(tmp_path, "png")
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(InvalidInputError, match="cannot write the signed copy"):
        sign_output(ours, source, folder, CREDENTIAL)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "portrait.png"]


def test_re_signing_a_file_signed_elsewhere_gives_a_valid_credential_of_ours(identities, tmp_path):
    ours, theirs = identities
    source = make_image(tmp_path, "png")
    sign_output(theirs, source, tmp_path / "theirs.png", CREDENTIAL)
    sign_output(ours, tmp_path / "theirs.png", tmp_path / "ours.png", CREDENTIAL)
    assert read_credential(tmp_path / "ours.png", ours.trust_anchor_pem).state == "valid"


def test_a_self_signed_certificate_is_refused_as_a_signing_identity(tmp_path):
    create_signing_identity(tmp_path / "c2pa", "Studio")
    root = (tmp_path / "c2pa" / "ca.pem").read_bytes()
    root_only = SigningIdentity(root, (tmp_path / "c2pa" / "ca.key").read_bytes(), root)
    source = make_image(tmp_path, "png")
    with pytest.raises(InvalidInputError, match="refused the C2PA signing identity"):
        sign_output(root_only, source, tmp_path / "signed.png", CREDENTIAL)
    assert not (tmp_path / "signed.png").exists()
