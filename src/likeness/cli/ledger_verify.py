"""``likeness ledger verify``: re-derive the tree from the entries and check every checkpoint,
of the database or of an export, with the keys the caller trusts (SPEC §8)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from likeness.cli._boot import bootstrap
from likeness.cli._output import print_json
from likeness.cli._principal import current
from likeness.errors import InvalidInputError
from likeness.ledger.heads import SignedTreeHead
from likeness.ledger.note import CosignatureVerifier, Ed25519Verifier, parse_vkey
from likeness.ledger.verify import LogKeys, VerifyResult, verify_export
from likeness.services.ledger import LedgerStore, require_whole_ledger

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _head_json(head: SignedTreeHead | None) -> dict[str, Any] | None:
    return None if head is None else head.to_json()


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
WitnessesOption = Annotated[
    Path | None,
    typer.Option(
        "--witnesses",
        metavar="FILE",
        help="A file of witness verifier keys, one per line (# starts a comment).",
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


def verify(
    directory: Annotated[
        Path | None,
        typer.Argument(help="An export directory; without it, the database is verified."),
    ] = None,
    key: KeyOption = None,
    witness_keys: WitnessKeysOption = None,
    witnesses_file: WitnessesOption = None,
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
    listed = [*(witness_keys or []), *_key_lines(witnesses_file)]
    witnesses = tuple(witness_verifier(k) for k in listed)
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
        require_whole_ledger(current())
        container = bootstrap()
        with container.uow(write=False) as uow:
            ledger: LedgerStore = uow.ledger
            signer = container.checkpoint_signer()
            log = _log_verifier(key) if key is not None else signer.verifier
            keys = LogKeys(log, witnesses, required)
            result = ledger.verify(
                keys, signer_head=signer.last_signed(), allow_unsigned_tail=allow_unsigned_tail
            )
        source = "the database"
    _print_result(result, source, as_json)


def _key_lines(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"--witnesses {path} cannot be read: {exc}") from None
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return [line for line in lines if line]


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


def witness_verifier(value: str) -> CosignatureVerifier:
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
