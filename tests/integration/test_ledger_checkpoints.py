"""Checkpoints in SQLite and PostgreSQL: the signer's own record stops a rewritten history,
and `verify` checks every stored checkpoint and cosignature."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, text, update

from likeness.errors import LedgerIntegrityError
from likeness.ledger.heads import ensure_signing_key
from likeness.ledger.note import Cosigner
from likeness.ledger.signer import load_signer
from likeness.ledger.verify import LogKeys
from likeness.storage.tables import (
    ledger_checkpoints,
    ledger_cosignatures,
    ledger_entries,
    ledger_nodes,
    ledger_state,
)
from likeness.storage.unit_of_work import SqlUnitOfWork

ORIGIN = "test.example/ledger"


@pytest.fixture
def signer(tmp_path):
    ensure_signing_key(tmp_path / "home")
    return load_signer(tmp_path / "home", ORIGIN)


def append(engine, tags):
    with SqlUnitOfWork(engine) as uow:
        uow.ledger.append_many([("use-recorded", "tester", {"use": tag}) for tag in tags])
        uow.commit()


def call(engine, method, *args, **kwargs):
    with SqlUnitOfWork(engine) as uow:
        result = getattr(uow.ledger, method)(*args, **kwargs)
        uow.commit()
    return result


def rewrite_history(engine, tags):
    """Delete every entry, node and checkpoint, and append another history in their place:
    a forger with database access and no key. Everything stored is consistent again."""
    with engine.begin() as conn:
        for table in (ledger_cosignatures, ledger_checkpoints, ledger_nodes, ledger_entries):
            conn.execute(delete(table))
        conn.execute(update(ledger_state).values(size=0))
    append(engine, tags)


def test_a_rewritten_history_is_never_signed_and_never_verifies(engine, signer):
    append(engine, [f"u-{i}" for i in range(30)])
    signed = call(engine, "sign_head", signer)
    rewrite_history(engine, [f"u-{i}" if i != 7 else "forged" for i in range(40)])
    with pytest.raises(LedgerIntegrityError) as caught:
        call(engine, "sign_head", signer)
    assert str(caught.value).startswith("refusing to sign: the log at size 30 now has root ")
    assert f"but this key signed root {signed.root.hex()} at that size" in str(caught.value)
    assert call(engine, "heads") == []  # nothing was stored
    with pytest.raises(
        LedgerIntegrityError, match=r"checkpoint at size 30 .*do not match"
    ) as caught:
        call(engine, "verify", LogKeys(signer.verifier), signer_head=signer.last_signed())
    assert caught.value.index == 0


def test_a_truncated_and_regrown_log_is_a_rollback_to_the_signer(engine, signer):
    append(engine, [f"u-{i}" for i in range(30)])
    call(engine, "sign_head", signer)
    rewrite_history(engine, [f"u-{i}" for i in range(12)])
    with pytest.raises(LedgerIntegrityError, match=r"refusing to sign size 12: .*a rollback"):
        call(engine, "sign_head", signer)
    with pytest.raises(LedgerIntegrityError, match=r"entries 12\.\.29 were removed") as caught:
        call(engine, "verify", LogKeys(signer.verifier), signer_head=signer.last_signed())
    assert caught.value.index == 12


def test_a_stored_checkpoint_replaced_by_another_signed_root_is_caught(engine, signer, tmp_path):
    append(engine, [f"u-{i}" for i in range(10)])
    call(engine, "sign_head", signer)
    # the same key signing another root: only the signer's own record knows better
    ensure_signing_key(tmp_path / "copy")
    (tmp_path / "copy" / "ledger-signing-key.pem").write_bytes(
        (signer.state_path.parent / "ledger-signing-key.pem").read_bytes()
    )
    rogue = load_signer(tmp_path / "copy", ORIGIN)
    rewrite_history(engine, [f"x-{i}" for i in range(10)])
    forged = call(engine, "sign_head", rogue)
    with pytest.raises(LedgerIntegrityError, match="the stored checkpoint was replaced"):
        call(engine, "verify", LogKeys(signer.verifier), signer_head=signer.last_signed())
    assert call(engine, "verify", LogKeys(signer.verifier)).root == forged.root  # without it


def test_a_tampered_cosignature_is_named(engine, signer):
    append(engine, [f"u-{i}" for i in range(8)])
    head = call(engine, "sign_head", signer)
    witness = Cosigner("union.example/w", Ed25519PrivateKey.generate())
    line = witness.sign(head.checkpoint.text(), 1_700_000_000)
    with SqlUnitOfWork(engine) as uow:
        uow.ledger.checkpoints.add_cosignatures(8, [line])
        uow.commit()
    keys = LogKeys(signer.verifier, (witness.verifier(),), 1)
    assert call(engine, "verify", keys).cosigned_by == ("union.example/w",)
    forged = witness.sign(head.checkpoint.text().replace("\n8\n", "\n9\n"), 1_700_000_000)
    with engine.begin() as conn:
        conn.execute(update(ledger_cosignatures).values(line=forged.line().rstrip("\n")))
    with pytest.raises(
        LedgerIntegrityError, match=r"cosignature by witness union\.example/w does not verify"
    ):
        call(engine, "verify", keys)
    with engine.begin() as conn:
        conn.execute(delete(ledger_cosignatures))
    with pytest.raises(
        LedgerIntegrityError, match=r"cosigned by 0 of the witnesses given \(none\), 1 required"
    ):
        call(engine, "verify", keys)


def test_a_body_stored_as_text_is_named_not_a_traceback(engine, signer):
    append(engine, [f"u-{i}" for i in range(6)])
    call(engine, "sign_head", signer)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(
                text('UPDATE ledger_entries SET body = CAST(body AS TEXT) WHERE "index" = 3')
            )
        else:  # PostgreSQL keeps the column's type: a body that is not what was hashed
            body = conn.execute(
                select(ledger_entries.c.body).where(ledger_entries.c.index == 3)
            ).scalar()
            conn.execute(
                update(ledger_entries).where(ledger_entries.c.index == 3).values(body=body + b" ")
            )
    expected = (
        r"entry 3: its body is stored as str, not bytes \(the row was written outside Likeness\)"
        if engine.dialect.name == "sqlite"
        else r"entry 3: leaf hash differs from stored"
    )
    with pytest.raises(LedgerIntegrityError, match=expected) as caught:
        call(engine, "verify", LogKeys(signer.verifier))
    assert caught.value.index == 3
