"""C2PA output credentials (SPEC §13): sign the output of a recorded use, and check one.

:func:`sign_output` embeds a C2PA manifest in a copy of a media file. The manifest marks the
content as AI-generated (a ``c2pa.created`` action whose ``digitalSourceType`` is IPTC's
``trainedAlgorithmicMedia``: this fulfils the ``label-ai-output`` duty) and carries an
``org.likeness.use`` assertion naming the use, its decision, the replica, performer,
production, ledger index and installation (:class:`UseCredential`). No timestamp authority is
used, so signing needs no network; the manifest's validity then rests on the certificate's
validity period.

:func:`read_credential` checks a file's active manifest. Trust is decided by c2pa itself: the
reader runs with settings whose only trust anchor is the installation's root (``ca.pem``),
with trust checking on and every network fetch off (no OCSP, no remote manifests), which
works offline. c2pa reports ``Trusted`` only when the content hashes match, the claim
signature verifies and the signing chain ends at that anchor; a good signature from any other
CA is reported ``Valid`` with ``signingCredential.untrusted``, which we count as invalid.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import c2pa
from cryptography import x509

from likeness import __version__
from likeness.errors import InvalidInputError, shown_value
from likeness.media.credential_keys import SigningIdentity

__all__ = [
    "AI_SOURCE_TYPE",
    "SUPPORTED_FORMATS",
    "USE_ASSERTION",
    "ManifestCheck",
    "UseCredential",
    "media_type",
    "read_credential",
    "sign_output",
]

#: the label of the assertion that names the recorded use
USE_ASSERTION = "org.likeness.use"
#: IPTC digital source type of content made by a trained model (the AI-generated marking)
AI_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
_AI_SOURCE_TYPES = frozenset(
    {
        AI_SOURCE_TYPE,
        "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia",
    }
)
#: media types Likeness signs and reads, with the names messages give them
SUPPORTED_FORMATS: Mapping[str, str] = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
    "image/avif": "AVIF",
    "image/heic": "HEIC",
    "audio/wav": "WAV",
    "audio/mpeg": "MP3",
    "audio/flac": "FLAC",
    "audio/mp4": "M4A",
    "video/mp4": "MP4",
    "video/quicktime": "MOV",
}
#: what c2pa asks of a signing certificate, for messages about one it refused
_WANTED = (
    " (expected an end-entity certificate, not a CA or self-signed one, with the "
    "digitalSignature key usage and an email or document signing extended key usage, "
    "followed by the CA that issued it, and its key)"
)
_SNIFF_BYTES = 16
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"}
#: plain words for the c2pa validation codes a tampered or foreign file produces
_PROBLEMS = {
    "assertion.dataHash.mismatch": "the content was changed after it was signed",
    "assertion.bmffHash.mismatch": "the content was changed after it was signed",
    "assertion.boxesHash.mismatch": "the content was changed after it was signed",
    "assertion.hashedURI.mismatch": "an assertion of the manifest was changed after signing",
    "claimSignature.mismatch": "the manifest's signature does not match its claim",
    "claimSignature.missing": "the manifest has no readable signature",
    "signingCredential.expired": "the signing certificate had expired when the file was signed",
    "signingCredential.invalid": "the signing certificate is malformed",
}


@dataclass(frozen=True)
class UseCredential:
    """What a Likeness manifest says about the recorded use whose output it signs."""

    use: str
    decision: str | None
    replica: str
    performer: str
    production: str
    #: the index of the use's entry in the ledger
    ledger_index: int
    #: the ledger's origin name (which installation recorded the use)
    installation: str

    def __post_init__(self) -> None:
        # the fields come from files and requests too, so their types are checked here
        fields: dict[str, object] = self.to_dict()
        for name in ("use", "replica", "performer", "production", "installation"):
            if not isinstance(fields[name], str) or not fields[name]:
                raise InvalidInputError(
                    f"use credential: {name} {shown_value(fields[name])} (expected a non-empty "
                    "string)"
                )
        decision = fields["decision"]
        if decision is not None and (not isinstance(decision, str) or not decision):
            raise InvalidInputError(
                f"use credential: decision {shown_value(decision)} (expected an id or null)"
            )
        index = fields["ledger_index"]
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise InvalidInputError(
                f"use credential: ledger_index {shown_value(index)} (expected an integer >= 0)"
            )

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict (the ``org.likeness.use`` assertion's data)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UseCredential:
        """Build a credential from :meth:`to_dict`'s shape; keys it does not know are ignored.

        :raises InvalidInputError: if a field is missing or has the wrong type.
        """
        names = ("use", "decision", "replica", "performer", "production", "ledger_index")
        missing = [name for name in (*names, "installation") if name not in data]
        if missing:
            raise InvalidInputError(f"use credential: missing {', '.join(missing)}")
        return cls(**{name: data[name] for name in (*names, "installation")})


@dataclass(frozen=True)
class ManifestCheck:
    """What :func:`read_credential` found in a file.

    ``state`` is ``absent`` (no C2PA manifest), ``valid`` (a Likeness manifest that verifies
    and chains to the installation's root) or ``invalid`` (``problems`` says why).
    ``credential`` and ``ai_generated`` are what the manifest claims, kept for diagnostics
    when it is invalid; rely on them only when ``state`` is ``valid``.
    """

    state: Literal["absent", "valid", "invalid"]
    credential: UseCredential | None
    problems: tuple[str, ...]
    ai_generated: bool

    @property
    def valid(self) -> bool:
        """True for a valid Likeness manifest."""
        return self.state == "valid"


def media_type(path: Path) -> str:
    """The media type of ``path``, from its first bytes (the extension is not trusted).

    :raises InvalidInputError: if the file cannot be read or is not a supported format.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    found = _sniff(head)
    if found is None:
        raise InvalidInputError(
            f"{path} is not a media file Likeness can sign or check (its first bytes "
            f"{head[:8].hex(' ') or 'none'} match no supported format; expected one of "
            f"{', '.join(SUPPORTED_FORMATS.values())})"
        )
    return found


def sign_output(
    identity: SigningIdentity, source: Path, dest: Path, credential: UseCredential
) -> str:
    """Write a copy of ``source`` to ``dest`` with a C2PA manifest of ``credential`` embedded.

    ``dest`` appears only when complete (a temporary file in its folder, then a rename) and
    replaces any file already there, but never ``source`` itself.

    :returns: the SHA-256 (hex) of the signed file.
    :raises InvalidInputError: if ``source`` is unreadable or of an unsupported format, ``dest``
        is ``source`` or its folder is missing, or c2pa refuses the file or the identity.
    """
    mime = media_type(source)
    if dest.resolve() == source.resolve() or (dest.exists() and dest.samefile(source)):
        raise InvalidInputError(
            f"output {dest} is the input file itself (expected another path): the signed copy "
            "must not replace the original"
        )
    manifest = {
        "claim_generator_info": [{"name": "Likeness", "version": __version__}],
        "title": dest.name,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [{"action": "c2pa.created", "digitalSourceType": AI_SOURCE_TYPE}]
                },
            },
            {"label": USE_ASSERTION, "data": credential.to_dict()},
        ],
    }
    try:
        descriptor, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    except OSError as exc:
        raise InvalidInputError(
            f"cannot write the signed copy in {dest.parent}: {exc.strerror or exc} "
            "(expected an existing folder you may write to)"
        ) from exc
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w+b") as output, source.open("rb") as input_:
            with _signer(identity) as signer, c2pa.Builder(manifest) as builder:
                builder.sign(signer, mime, input_, output)
            output.flush()
            os.fsync(output.fileno())
        os.chmod(temporary, 0o644)
        digest = _sha256(temporary)
        os.replace(temporary, dest)
    except c2pa.C2paError.Signature as exc:
        raise InvalidInputError(f"c2pa refused the C2PA signing identity: {exc}{_WANTED}") from exc
    except c2pa.C2paError as exc:
        raise InvalidInputError(
            f"cannot sign {source} as {SUPPORTED_FORMATS[mime]}: {exc} (expected a well-formed "
            f"{SUPPORTED_FORMATS[mime]} file)"
        ) from exc
    except OSError as exc:
        raise InvalidInputError(
            f"cannot write the signed copy of {source} to {dest}: {exc.strerror or exc} "
            "(expected a file path you may write to)"
        ) from exc
    finally:
        temporary.unlink(missing_ok=True)
    return digest


def read_credential(path: Path, trust_anchor_pem: bytes) -> ManifestCheck:
    """Check the C2PA manifest of ``path`` against the installation's root certificate.

    :raises InvalidInputError: if the file is unreadable, of an unsupported format or not
        parseable as its format, or ``trust_anchor_pem`` is not a PEM certificate.
    """
    mime = media_type(path)
    try:
        anchors = x509.load_pem_x509_certificates(trust_anchor_pem)
    except ValueError as exc:
        raise InvalidInputError("the C2PA trust anchor is not a PEM certificate") from exc
    settings = {
        "verify": {"verify_trust": True, "ocsp_fetch": False, "remote_manifest_fetch": False},
        "trust": {"trust_anchors": trust_anchor_pem.decode("ascii")},
    }
    try:
        with (
            c2pa.Context.from_dict(settings) as context,
            path.open("rb") as stream,
            c2pa.Reader(mime, stream, None, context) as reader,
        ):
            store = json.loads(reader.json())
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except c2pa.C2paError.ManifestNotFound:
        return ManifestCheck("absent", None, (), False)
    except c2pa.C2paError as exc:
        if "could not be parsed" in str(exc):
            raise InvalidInputError(
                f"{path} is not a readable {SUPPORTED_FORMATS[mime]} file: {exc}"
            ) from exc
        reason = str(exc).rstrip(": ") or type(exc).__name__
        problem = f"the C2PA manifest is damaged and cannot be read (c2pa: {reason})"
        return ManifestCheck("invalid", None, (problem,), False)
    return _check(store, anchors[0])


def _check(store: Mapping[str, Any], anchor: x509.Certificate) -> ManifestCheck:
    manifest = store.get("manifests", {}).get(store.get("active_manifest", ""))
    if not isinstance(manifest, dict):
        return ManifestCheck("invalid", None, ("the file has no active C2PA manifest",), False)
    assertions = [a for a in manifest.get("assertions", []) if isinstance(a, dict)]
    problems = [_problem(item, manifest, anchor) for item in _failures(store)]
    if store.get("validation_state") != "Trusted" and not problems:
        found = shown_value(store.get("validation_state"))
        problems.append(f"c2pa validation state is {found} (expected 'Trusted')")
    credential = None
    uses = [a.get("data") for a in assertions if a.get("label") == USE_ASSERTION]
    if len(uses) != 1:
        problems.append(
            f"the manifest has {len(uses)} {USE_ASSERTION} assertions (expected exactly one): "
            "it is not a Likeness use credential"
        )
    elif not isinstance(uses[0], dict):
        problems.append(f"the {USE_ASSERTION} assertion is not a JSON object")
    else:
        try:
            credential = UseCredential.from_dict(uses[0])
        except InvalidInputError as exc:
            problems.append(f"the {USE_ASSERTION} assertion is malformed: {exc.message}")
    ai_generated = any(
        isinstance(action, dict)
        and action.get("action") == "c2pa.created"
        and action.get("digitalSourceType") in _AI_SOURCE_TYPES
        for assertion in assertions
        if assertion.get("label") in ("c2pa.actions", "c2pa.actions.v2")
        for action in (assertion.get("data") or {}).get("actions", [])
    )
    state: Literal["valid", "invalid"] = "invalid" if problems else "valid"
    return ManifestCheck(state, credential, tuple(problems), ai_generated)


def _failures(store: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    active = (store.get("validation_results") or {}).get("activeManifest") or {}
    return [item for item in active.get("failure", []) if isinstance(item, dict)]


def _problem(item: Mapping[str, Any], manifest: Mapping[str, Any], anchor: x509.Certificate) -> str:
    code = str(item.get("code", "unknown"))
    if code == "signingCredential.untrusted":
        info = manifest.get("signature_info") or {}
        return (
            f"the signing certificate {info.get('common_name', '?')!r} (issuer "
            f"{info.get('issuer', '?')!r}) does not chain to this installation's C2PA root "
            f"{anchor.subject.rfc4514_string()!r} (expected a certificate it issued): signed "
            "by another installation or tool"
        )
    words = _PROBLEMS.get(code, str(item.get("explanation", "validation failed")))
    return f"{words} ({code})"


def _signer(identity: SigningIdentity) -> Any:
    try:
        info = c2pa.C2paSignerInfo(
            identity.algorithm.encode("ascii"), identity.chain_pem, identity.key_pem, None
        )
        return c2pa.Signer.from_info(info)
    except c2pa.C2paError as exc:
        raise InvalidInputError(f"c2pa refused the C2PA signing identity: {exc}{_WANTED}") from exc


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE"):
        return "image/webp" if head[8:12] == b"WEBP" else "audio/wav"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "image/avif"
        if brand in _HEIF_BRANDS:
            return "image/heic"
        return {b"qt  ": "video/quicktime", b"M4A ": "audio/mp4"}.get(brand, "video/mp4")
    return None
