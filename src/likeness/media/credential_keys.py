"""The installation's C2PA signing identity (SPEC §13): a local CA and a signing certificate.

``likeness init`` makes, in one folder, a self-signed root (``ca.pem``, ``ca.key``) and an
end-entity certificate issued by it (``signer.pem``: the leaf then the root, the chain C2PA
embeds; ``signer.key``). The signing certificate has what c2pa-rs asks of one: the
digitalSignature key usage, the emailProtection extended key usage, not a CA, five years of
validity, an ECDSA P-256 key (ES256). Readers trust a Likeness manifest when its chain ends at
``ca.pem``, the installation's trust anchor.

An installation that has a certificate from a real CA puts that chain in ``signer.pem``, its key
in ``signer.key`` and the CA's root in ``ca.pem``; ``ca.key`` is then not needed to sign.

Files are written atomically (a temporary file, fsync, then a link that fails rather than
replace an existing file); keys have mode 0600. An existing identity is never overwritten.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from likeness.errors import ConflictError, InvalidInputError, NotFoundError

__all__ = [
    "CA_CERT_FILENAME",
    "CA_KEY_FILENAME",
    "SIGNER_CERT_FILENAME",
    "SIGNER_KEY_FILENAME",
    "SigningIdentity",
    "create_signing_identity",
    "load_signing_identity",
]

#: the installation's root certificate: the trust anchor readers check chains against
CA_CERT_FILENAME = "ca.pem"
#: the root's private key (needed only to issue a new signing certificate)
CA_KEY_FILENAME = "ca.key"
#: the signing certificate chain, leaf first, as C2PA embeds it
SIGNER_CERT_FILENAME = "signer.pem"
#: the signing certificate's private key
SIGNER_KEY_FILENAME = "signer.key"

_FILENAMES = (CA_CERT_FILENAME, CA_KEY_FILENAME, SIGNER_CERT_FILENAME, SIGNER_KEY_FILENAME)
_ROOT_VALIDITY = timedelta(days=20 * 365)
_SIGNER_VALIDITY = timedelta(days=5 * 365)
#: backdating, so a clock a little behind the signer's still accepts a fresh certificate
_CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class SigningIdentity:
    """What signing a C2PA manifest needs: the chain and key, and the anchor readers trust."""

    #: PEM certificates, the signing (leaf) certificate first, then its issuers
    chain_pem: bytes
    #: PEM private key of the leaf certificate
    key_pem: bytes
    #: PEM root certificate that the chain ends at (the installation's trust anchor)
    trust_anchor_pem: bytes
    #: the C2PA signing algorithm for the key: es256, es384, es512, ps256 or ed25519
    algorithm: str = "es256"


def create_signing_identity(directory: Path, organization: str) -> bool:
    """Make a local CA and a signing certificate it issues, in ``directory``.

    :param directory: the folder for the four files (created if missing).
    :param organization: the name the certificates carry (the installation's name).
    :returns: True if a new identity was made, False if one was already there (kept as is).
    :raises ConflictError: if only some of the four files exist, or another process wrote
        them at the same time.
    :raises InvalidInputError: if ``organization`` is empty.
    """
    organization = organization.strip()
    if not organization:
        raise InvalidInputError("C2PA organization name '' (expected a non-empty name)")
    present = [name for name in _FILENAMES if (directory / name).exists()]
    if len(present) == len(_FILENAMES):
        return False
    if present:
        missing = [name for name in _FILENAMES if name not in present]
        raise ConflictError(
            f"C2PA signing identity in {directory} is incomplete: found {', '.join(present)}, "
            f"missing {', '.join(missing)} (expected all four or none): restore the missing "
            "files, or move the folder away to make a new identity"
        )
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    files = _new_identity(organization)
    for name in _FILENAMES:
        _write_new(directory / name, files[name], 0o600 if name.endswith(".key") else 0o644)
    _fsync_directory(directory)
    return True


def load_signing_identity(directory: Path) -> SigningIdentity:
    """Load the signing identity in ``directory`` and check that its parts fit together.

    :raises NotFoundError: if the chain, key or anchor file is missing.
    :raises InvalidInputError: if a key is readable by others, a file is not PEM, or the key
        does not belong to the first certificate of the chain.
    """
    paths = [directory / SIGNER_CERT_FILENAME, directory / SIGNER_KEY_FILENAME]
    paths.append(directory / CA_CERT_FILENAME)
    missing = [path.name for path in paths if not path.is_file()]
    if missing:
        raise NotFoundError(
            f"no C2PA signing identity in {directory} (missing {', '.join(missing)}): run "
            "`likeness init`; to use a certificate from a real CA, put its chain in "
            f"{SIGNER_CERT_FILENAME} and its key in {SIGNER_KEY_FILENAME}, and its root in "
            f"{CA_CERT_FILENAME}"
        )
    chain_pem, key_pem, anchor_pem = (path.read_bytes() for path in paths)
    mode = stat.S_IMODE(paths[1].stat().st_mode)
    if mode & 0o077:
        raise InvalidInputError(
            f"C2PA signing key {paths[1]} has mode {mode:04o} (expected 0600, owner only): "
            f"run `chmod 600 {paths[1]}`"
        )
    chain = _load_certificates(paths[0], chain_pem)
    _load_certificates(paths[2], anchor_pem)
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(
            f"C2PA signing key {paths[1]} is not an unencrypted PEM private key"
        ) from exc
    if key.public_key() != chain[0].public_key():
        raise InvalidInputError(
            f"C2PA signing key {paths[1]} does not belong to the first certificate of "
            f"{paths[0]} (expected the key of {chain[0].subject.rfc4514_string()})"
        )
    return SigningIdentity(chain_pem, key_pem, anchor_pem, _algorithm(key, paths[1]))


def _new_identity(organization: str) -> dict[str, bytes]:
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(organization, f"{organization} C2PA root")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + _ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer = (
        x509.CertificateBuilder()
        .subject_name(_name(organization, f"{organization} C2PA signer"))
        .issuer_name(ca_name)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + _SIGNER_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(key_cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    return {
        CA_CERT_FILENAME: ca_pem,
        CA_KEY_FILENAME: _private_pem(ca_key),
        SIGNER_CERT_FILENAME: signer.public_bytes(serialization.Encoding.PEM) + ca_pem,
        SIGNER_KEY_FILENAME: _private_pem(signer_key),
    }


def _name(organization: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _key_usage(*, key_cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not key_cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=key_cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_new(path: Path, content: bytes, mode: int) -> None:
    """Write ``path`` atomically, failing rather than replacing a file already there."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError:
        raise ConflictError(
            f"C2PA identity file {path} appeared while a new identity was being written "
            "(expected none): another `likeness init` ran at the same time; run it again"
        ) from None
    finally:
        temporary.unlink(missing_ok=True)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _load_certificates(path: Path, pem: bytes) -> list[x509.Certificate]:
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise InvalidInputError(f"{path} is not a PEM certificate file") from exc
    return certificates


def _algorithm(key: object, path: Path) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        by_curve = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}
        if key.curve.name in by_curve:
            return by_curve[key.curve.name]
    elif isinstance(key, rsa.RSAPrivateKey):
        return "ps256"
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    raise InvalidInputError(
        f"C2PA signing key {path} is a {type(key).__name__} (expected an ECDSA P-256, P-384 "
        "or P-521, RSA or Ed25519 key)"
    )
