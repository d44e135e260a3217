"""``likeness ledger``: checkpoints, witnesses, proofs, export and verification (SPEC §8).

Indices count from 0 and tree sizes are entry counts, as in RFC 9162. Proofs print as hex
hashes, leaf to root, so any RFC 9162 client can check them against a checkpoint.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from likeness.cli import ledger_witness as witness_cli
from likeness.cli._boot import bootstrap
from likeness.cli._output import print_json
from likeness.cli._principal import current
from likeness.cli.ledger_audit import audit
from likeness.cli.ledger_verify import verify, witness_verifier
from likeness.ledger.entry import format_time
from likeness.ledger.export import write_export
from likeness.ledger.heads import SignedTreeHead, key_fingerprint, public_key_pem
from likeness.ledger.proofs import verify_consistency, verify_inclusion
from likeness.ledger.tree import hash_leaf
from likeness.ledger.witness_transport import transport_for
from likeness.services.ledger import LedgerStore, require_whole_ledger
from likeness.services.witnessing import collect_cosignature

if TYPE_CHECKING:
    from likeness.bootstrap import Container

app = typer.Typer(
    help="The tamper-evident ledger: checkpoints and witness cosignatures, inclusion and "
    "consistency proofs, export, verification.",
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


def _head_json(head: SignedTreeHead | None) -> dict[str, Any] | None:
    return None if head is None else head.to_json()


@app.command()
def head(as_json: JsonOption = False) -> None:
    """Sign a checkpoint of the log as it is now and store it; print the signed note.

    The entries since the previous checkpoint are re-hashed first, and the signer refuses a
    log that does not extend the last checkpoint it signed: a tampered log is never signed.
    Nothing new is signed when the newest checkpoint already covers every entry.
    """
    with _ledger(write=True) as (container, ledger):
        signer = container.checkpoint_signer()
        signed = ledger.sign_head(signer)
    if as_json:
        print_json({**signed.to_json(), "vkey": signer.verifier.vkey()})
        return
    print(signed.render(), end="")


@app.command("prove-inclusion")
def prove_inclusion(
    index: Annotated[int, typer.Argument(help="Entry index (from 0).")],
    size: Annotated[
        int | None,
        typer.Option(
            help="Tree size to prove against; default the newest checkpoint that holds the "
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
                "checkpoint": _head_json(signed),
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
        return "no checkpoint at this size: run `likeness ledger head`"
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
                "old_checkpoint": _head_json(heads.get(old_size)),
                "new_checkpoint": _head_json(heads.get(new_size)),
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
        Path, typer.Argument(help="Directory to write (created; it must be new or empty).")
    ],
) -> None:
    """Write entries, checkpoints and VERIFY.txt to DIRECTORY for verification anywhere.

    A checkpoint is signed for the log as it is now first, so the export is covered to its
    end. Everything is written to a temporary directory and moved into place at the end.
    """
    with _ledger(write=True) as (container, ledger):
        signer = container.checkpoint_signer()
        ledger.sign_head(signer)
        heads = ledger.heads()
        count = write_export(directory, ledger.read(), heads, signer.verifier.vkey())
    vkey = shlex.quote(signer.verifier.vkey())
    print(
        f"exported {count} entries and {len(heads)} checkpoint(s) to {directory} "
        f"(check with `likeness ledger verify {directory} --key {vkey}`)"
    )


@app.command("public-key")
def public_key(
    vkey: Annotated[
        bool,
        typer.Option("--vkey", help="Print the signed-note verifier key (NAME+ID+KEY)."),
    ] = False,
    fingerprint: Annotated[
        bool, typer.Option("--fingerprint", help="Print only the key's SHA-256 fingerprint.")
    ] = False,
) -> None:
    """Print this installation's public key: PEM, or the verifier key of its checkpoints."""
    container = bootstrap(require_schema=False)
    signer = container.checkpoint_signer()
    if vkey:
        print(signer.verifier.vkey())
        return
    if fingerprint:
        print(key_fingerprint(signer.key.public_key()))
        return
    print(public_key_pem(signer.key).decode("ascii"), end="")


@app.command()
def cosign(
    witness: Annotated[
        str,
        typer.Option(
            "--witness",
            metavar="URL|COMMAND",
            help="The witness: its URL (c2sp.org/tlog-witness), or a command that reads the "
            "request on standard input, e.g. 'likeness ledger witness add-checkpoint DIR'.",
        ),
    ],
    witness_key: Annotated[
        str,
        typer.Option(
            "--witness-key", metavar="VKEY|FILE", help="The witness's verifier key (type 0x04)."
        ),
    ],
) -> None:
    """Sign a checkpoint of the log, have a witness cosign it, and store the cosignature."""
    verifier = witness_verifier(witness_key)
    transport = transport_for(witness)
    container = bootstrap()
    done = collect_cosignature(
        current(),
        lambda write: container.uow(write=write),
        container.checkpoint_signer(),
        transport,
        verifier,
        lambda: int(time.time()),
    )
    print(
        f"witness {verifier.name} cosigned the checkpoint at size {done.head.size} "
        f"(from size {done.old_size})"
    )
    print(done.head.render(), end="")


app.command()(verify)
app.add_typer(witness_cli.app, name="witness")

app.command("audit")(audit)
