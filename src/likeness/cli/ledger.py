"""``likeness ledger``: signed tree heads, proofs, export and offline verification (SPEC §8).

Indices count from 0 and tree sizes are entry counts, as in RFC 9162. Proofs print as hex
hashes, leaf to root, so any RFC 9162 client can check them against a signed head.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from likeness.cli._boot import bootstrap
from likeness.cli._output import print_json
from likeness.cli._principal import current
from likeness.ledger.entry import format_time
from likeness.ledger.export import write_export
from likeness.ledger.heads import (
    KEY_FILENAME,
    SignedTreeHead,
    key_fingerprint,
    load_signing_key,
    public_key_pem,
)
from likeness.ledger.proofs import verify_consistency, verify_inclusion
from likeness.ledger.tree import hash_leaf
from likeness.ledger.verify import VerifyResult, verify_export
from likeness.services.ledger import LedgerStore, require_whole_ledger

if TYPE_CHECKING:
    from likeness.bootstrap import Container

app = typer.Typer(
    help="The tamper-evident ledger: signed heads, inclusion and consistency proofs, export, "
    "offline verification.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@contextmanager
def _ledger(*, write: bool) -> Iterator[tuple[Container, LedgerStore]]:
    require_whole_ledger(current())
    container = bootstrap()
    with container.uow(write=write) as uow:
        yield container, uow.ledger
        if write:
            uow.commit()


def _key_path(container: Container) -> Path:
    return container.home / KEY_FILENAME


def _head_json(head: SignedTreeHead | None) -> dict[str, Any] | None:
    return None if head is None else head.to_json()


@app.command()
def head(as_json: JsonOption = False) -> None:
    """Sign a tree head for the log as it is now and store it (no-op if already signed).

    The entries since the previous head are re-hashed first: a tampered log is never signed.
    """
    with _ledger(write=True) as (container, ledger):
        key = load_signing_key(_key_path(container))
        signed = ledger.sign_head(key)
    fingerprint = key_fingerprint(key.public_key())
    if as_json:
        print_json({**signed.to_json(), "public_key_fingerprint": fingerprint})
        return
    print(f"size       {signed.size}")
    print(f"root       {signed.root.hex()}")
    print(f"time       {format_time(signed.time)}")
    print(f"signature  {signed.to_json()['signature']}")
    print(f"key        {fingerprint}")


@app.command("prove-inclusion")
def prove_inclusion(
    index: Annotated[int, typer.Argument(help="Entry index (from 0).")],
    size: Annotated[
        int | None,
        typer.Option(
            help="Tree size to prove against; default the latest signed head that holds the "
            "entry, else the whole log."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Prove that entry INDEX is in the tree of SIZE entries (RFC 9162 §2.1.3)."""
    with _ledger(write=False) as (_, ledger):
        heads = ledger.heads()
        if size is None:
            covering = [h.size for h in heads if h.size > index]
            size = covering[-1] if covering else ledger.size()
        proof = ledger.inclusion_proof(index, size)
        body = ledger.entry(index).body()
        root = ledger.root(size)
    leaf = hash_leaf(body)
    verify_inclusion(leaf, index, size, proof, root)  # never print a proof that fails
    signed = next((h for h in heads if h.size == size), None)
    if as_json:
        print_json(
            {
                "index": index,
                "tree_size": size,
                "body": body.decode("utf-8"),
                "leaf_hash": leaf.hex(),
                "root": root.hex(),
                "audit_path": [digest.hex() for digest in proof],
                "signed_head": _head_json(signed),
            }
        )
        return
    print(f"entry {index} in the tree of size {size}")
    print(f"body       {body.decode('utf-8')}")
    print(f"leaf hash  {leaf.hex()}")
    print(f"root       {root.hex()}  ({_signed_note(signed)})")
    print(f"proof      {len(proof)} hashes, leaf to root:")
    for digest in proof:
        print(f"  {digest.hex()}")


def _signed_note(signed: SignedTreeHead | None) -> str:
    if signed is None:
        return "no signed head at this size: run `likeness ledger head`"
    return f"signed at {format_time(signed.time)}"


@app.command("prove-consistency")
def prove_consistency(
    old_size: Annotated[int, typer.Argument(metavar="M", help="The earlier tree size.")],
    new_size: Annotated[int, typer.Argument(metavar="N", help="The later tree size.")],
    as_json: JsonOption = False,
) -> None:
    """Prove that the tree of M entries is a prefix of the tree of N (RFC 9162 §2.1.4)."""
    with _ledger(write=False) as (_, ledger):
        proof = ledger.consistency_proof(old_size, new_size)
        old_root, new_root = ledger.root(old_size), ledger.root(new_size)
        heads = {h.size: h for h in ledger.heads()}
    verify_consistency(old_size, new_size, old_root, new_root, proof)
    if as_json:
        print_json(
            {
                "old_size": old_size,
                "new_size": new_size,
                "old_root": old_root.hex(),
                "new_root": new_root.hex(),
                "consistency_path": [digest.hex() for digest in proof],
                "old_signed_head": _head_json(heads.get(old_size)),
                "new_signed_head": _head_json(heads.get(new_size)),
            }
        )
        return
    print(f"tree of size {old_size} is a prefix of the tree of size {new_size}")
    print(f"old root   {old_root.hex()}  ({_signed_note(heads.get(old_size))})")
    print(f"new root   {new_root.hex()}  ({_signed_note(heads.get(new_size))})")
    print(f"proof      {len(proof)} hashes:")
    for digest in proof:
        print(f"  {digest.hex()}")


@app.command()
def export(
    directory: Annotated[
        Path, typer.Argument(help="Directory to write (created; must not hold an export).")
    ],
) -> None:
    """Write entries, signed heads and the public key to DIRECTORY for offline verification.

    A head is signed for the log as it is now first, so the export is covered to its end.
    """
    with _ledger(write=True) as (container, ledger):
        key = load_signing_key(_key_path(container))
        ledger.sign_head(key)
        heads = ledger.heads()
        count = write_export(directory, ledger.read(), heads, key.public_key())
    print(
        f"exported {count} entries and {len(heads)} signed head(s) to {directory} "
        f"(check with `likeness ledger verify {directory}`)"
    )


@app.command()
def verify(
    directory: Annotated[
        Path | None,
        typer.Argument(help="An export directory; without it, the database is verified."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Re-derive the tree and check every signed head; fail naming the first bad index.

    With DIRECTORY, only the export is read (no database, no configuration). Without it, the
    database's entries, stored nodes and heads are checked with this installation's key.
    """
    if directory is not None:
        result = verify_export(directory)
        source = str(directory)
    else:
        with _ledger(write=False) as (container, ledger):
            public_key = load_signing_key(_key_path(container)).public_key()
            result = ledger.verify(public_key)
        source = "the database"
    _print_result(result, source, as_json)


def _print_result(result: VerifyResult, source: str, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "ok": True,
                "source": source,
                "size": result.size,
                "root": result.root.hex(),
                "heads_checked": result.heads_checked,
                "latest_head": _head_json(result.latest_head),
                "public_key_fingerprint": result.key_fingerprint,
            }
        )
        return
    heads = "signed head" if result.heads_checked == 1 else "signed heads"
    print(
        f"ledger verified ({source}): {result.size} entries, {result.heads_checked} {heads} "
        f"checked, root {result.root.hex()}"
    )
    print(f"public key {result.key_fingerprint}: check it against one you obtained separately")
    covered = 0 if result.latest_head is None else result.latest_head.size
    if covered < result.size:
        print(
            f"note: entries {covered}..{result.size - 1} are not covered by a signed head yet "
            "(run `likeness ledger head`)"
        )


@app.command("public-key")
def public_key(
    fingerprint: Annotated[
        bool, typer.Option("--fingerprint", help="Print only the key's SHA-256 fingerprint.")
    ] = False,
) -> None:
    """Print this installation's Ed25519 public key (PEM), to check heads and exports with."""
    container = bootstrap(require_schema=False)
    key = load_signing_key(_key_path(container))
    if fingerprint:
        print(key_fingerprint(key.public_key()))
        return
    print(public_key_pem(key).decode("ascii"), end="")


from likeness.cli.ledger_audit import audit  # noqa: E402  (issue 12; kept last for merging)

app.command("audit")(audit)
