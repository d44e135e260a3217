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
from likeness.errors import InvalidInputError
from likeness.ledger.entry import format_time
from likeness.ledger.export import write_export
from likeness.ledger.heads import SignedTreeHead, key_fingerprint, public_key_pem
from likeness.ledger.note import CosignatureVerifier, Ed25519Verifier, parse_vkey
from likeness.ledger.proofs import verify_consistency, verify_inclusion
from likeness.ledger.tree import hash_leaf
from likeness.ledger.verify import LogKeys, VerifyResult, verify_export
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


KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key",
        metavar="VKEY|FILE",
        help="The log's verifier key (`likeness ledger public-key --vkey` prints it), or a file "
        "holding it. Required with DIRECTORY: the key inside an export is never trusted.",
    ),
]
WitnessKeysOption = Annotated[
    list[str] | None,
    typer.Option(
        "--witness-key",
        metavar="VKEY|FILE",
        help="A witness's verifier key whose cosignatures to check (repeatable).",
    ),
]
RequireOption = Annotated[
    int,
    typer.Option(
        "--require",
        min=0,
        max=64,
        help="How many of the --witness-key witnesses must have cosigned the newest checkpoint.",
    ),
]
TailOption = Annotated[
    bool,
    typer.Option(
        "--allow-unsigned-tail",
        help="Accept entries after the newest checkpoint (reported as unverified).",
    ),
]


@app.command()
def verify(
    directory: Annotated[
        Path | None,
        typer.Argument(help="An export directory; without it, the database is verified."),
    ] = None,
    key: KeyOption = None,
    witness_keys: WitnessKeysOption = None,
    required: RequireOption = 0,
    allow_unsigned_tail: TailOption = False,
    as_json: JsonOption = False,
) -> None:
    """Re-derive the tree and check every checkpoint; fail naming the first bad index.

    With DIRECTORY, only the export is read (no database, no configuration) and --key is
    required. Without it, the database's entries, stored nodes, checkpoints and cosignatures
    are checked with this installation's key and the signer's record of its last checkpoint.
    A checkpoint must cover every entry unless --allow-unsigned-tail is given.
    """
    witnesses = tuple(_witness_verifier(k) for k in witness_keys or [])
    if directory is not None:
        if key is None:
            raise InvalidInputError(
                "give the log's verifier key with --key VKEY (or a file holding it): the key "
                "inside an export is never trusted; the operator prints it with "
                "`likeness ledger public-key --vkey`"
            )
        keys = LogKeys(_log_verifier(key), witnesses, required)
        result = verify_export(directory, keys, allow_unsigned_tail=allow_unsigned_tail)
        source = str(directory)
    else:
        with _ledger(write=False) as (container, ledger):
            signer = container.checkpoint_signer()
            log = _log_verifier(key) if key is not None else signer.verifier
            keys = LogKeys(log, witnesses, required)
            result = ledger.verify(
                keys, signer_head=signer.last_signed(), allow_unsigned_tail=allow_unsigned_tail
            )
        source = "the database"
    _print_result(result, source, as_json)


def _read_key(value: str) -> str:
    path = Path(value)
    if "+" not in value and path.is_file():
        return path.read_text(encoding="utf-8").strip()
    return value


def _log_verifier(value: str) -> Ed25519Verifier:
    verifier = parse_vkey(_read_key(value))
    if not isinstance(verifier, Ed25519Verifier):
        raise InvalidInputError(f"--key {verifier.name}: that is a witness key (expected a log's)")
    return verifier


def _witness_verifier(value: str) -> CosignatureVerifier:
    verifier = parse_vkey(_read_key(value))
    if not isinstance(verifier, CosignatureVerifier):
        raise InvalidInputError(
            f"--witness-key {verifier.name}: that is a log key (expected a witness's, type 0x04)"
        )
    return verifier


def _print_result(result: VerifyResult, source: str, as_json: bool) -> None:
    covered = 0 if result.latest_head is None else result.latest_head.size
    if as_json:
        print_json(
            {
                "ok": True,
                "source": source,
                "size": result.size,
                "root": result.root.hex(),
                "checkpoints_checked": result.heads_checked,
                "latest_checkpoint": _head_json(result.latest_head),
                "log_vkey": result.log_vkey,
                "cosigned_by": list(result.cosigned_by),
                "unverified_tail": result.unsigned_tail,
            }
        )
        return
    plural = "checkpoint" if result.heads_checked == 1 else "checkpoints"
    print(
        f"ledger verified ({source}): {result.size} entries, {result.heads_checked} {plural} "
        f"checked, root {result.root.hex()}"
    )
    print(f"log key {result.log_vkey}")
    if result.cosigned_by:
        print(f"newest checkpoint cosigned by {', '.join(result.cosigned_by)}")
    if result.unsigned_tail:
        print(
            f"UNVERIFIED: entries {covered}..{result.size - 1} are not covered by a checkpoint "
            "(run `likeness ledger head`)"
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
    verifier = _witness_verifier(witness_key)
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


app.add_typer(witness_cli.app, name="witness")

app.command("audit")(audit)
