"""VERIFY.txt: how anyone verifies an export, with Likeness or with any signed-note client."""

from __future__ import annotations

from collections.abc import Sequence

from likeness.ledger.heads import SignedTreeHead

__all__ = ["verify_instructions"]


def verify_instructions(
    origin: str, vkey: str, heads: Sequence[SignedTreeHead], entries: int
) -> str:
    """The text of ``VERIFY.txt`` for an export of ``entries`` entries."""
    newest = heads[-1].size if heads else 0
    return f"""How to verify this ledger export
================================

This directory is the ledger of the Likeness installation whose log is named
{origin!r}: {entries} entries, and {len(heads)} checkpoint(s), the newest at size {newest}.

1. Get the log's verifier key from somewhere other than this directory (the
   installation's operator, the union, a published page). The key the
   installation states is in log.vkey:

     {vkey}

   Do not trust it because it is here: anyone who could edit the entries
   could replace it too. Compare it with the one you obtained.

2. With Likeness (no database is needed):

     likeness ledger verify . --key '<the verifier key>' \\
         [--witness-key '<witness vkey>' ... --require N]

   It re-hashes every entry, rebuilds the Merkle tree and checks every
   checkpoint's signature and root; with witness keys it also checks their
   cosignatures. It fails, naming the first bad entry, if anything was changed,
   removed, inserted or reordered, or if entries follow the newest checkpoint.

3. With any other tool:
   - checkpoints/<size> (and checkpoint, the newest) are C2SP tlog-checkpoint
     signed notes (c2sp.org/tlog-checkpoint, c2sp.org/signed-note). Verify the
     signature with any signed-note client and the verifier key, e.g. in Go:

       v, _ := note.NewVerifier("<the verifier key>")  // golang.org/x/mod/sumdb/note
       n, err := note.Open(checkpointBytes, note.VerifierList(v))

     Witness cosignatures are C2SP tlog-cosignature lines (cosignature/v1) on
     the same note; check them with the witnesses' keys.
   - entries.jsonl holds one entry per line: {{"body":B,"index":N,"leaf_hash":H}}.
     B is the entry exactly as hashed: leaf = SHA-256(0x00 || B). Build the
     RFC 9162 Merkle tree of the leaves in index order (node = SHA-256(0x01 ||
     left || right)); the root of the first <size> leaves must equal the base64
     root on the third line of checkpoints/<size>.
"""
