"""Several processes record uses at once on PostgreSQL: one total order, no shared keys."""

import json
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from likeness.bootstrap import Container
from likeness.config import Settings
from likeness.domain.principals import OPERATOR
from likeness.interchange.documents import read_document
from likeness.ledger.heads import ensure_signing_key
from likeness.ledger.signer import load_signer
from likeness.ledger.verify import LogKeys
from likeness.services import registry
from likeness.services.consents import grant_consent, parse_consent_document
from likeness.storage import tables as t
from likeness.storage.database import make_engine, upgrade
from tests.collaborators import DEPS

WORKER = """
import json, sys
from likeness.bootstrap import Container
from likeness.config import Settings
from likeness.storage.database import make_engine
from likeness.services.uses import record_use
from likeness.domain.principals import OPERATOR

url, worker, keys = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
request = json.loads(sys.argv[4])
container = Container(Settings(database_url=url), make_engine(url))
answers = []
for i in range(keys):
    # half the keys are shared by every worker: exactly one of them may record each
    key = f"shared-{i}" if i % 2 == 0 else f"own-{worker}-{i}"
    with container.uow() as uow:
        result = record_use(uow, OPERATOR, dict(request, id=f"Q{i}"), key, deps=container.deps)
    answers.append([key, result.record.use_id, result.replayed])
print(json.dumps(answers))
"""


@pytest.mark.postgres
def test_concurrent_processes_record_uses_in_one_verifiable_order(
    postgres_schema_url, shared_scenarios, tmp_path
):
    engine = make_engine(postgres_schema_url)
    upgrade(engine)
    container = Container(Settings(home=tmp_path, database_url=postgres_schema_url), engine)
    document = read_document(shared_scenarios / "01-background-scan.yaml")
    with container.uow() as uow:
        registry.import_world(uow, OPERATOR, document)
    raw = {k: v for k, v in document["consents"][0].items() if k != "expect"}
    with container.uow() as uow:
        grant_consent(uow, OPERATOR, parse_consent_document(raw), deps=DEPS)
    request = {
        "kind": "use",
        "producer": "S1",
        "production": "F1",
        "replica": "D1",
        "use": "crowd-multiplication",
        "date": "2024-08-01",
        "days": 1,
    }
    workers, keys = 4, 12
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                postgres_schema_url,
                str(w),
                str(keys),
                json.dumps(request),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    answers = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        answers.extend(json.loads(out))
    # every shared key was recorded once: all workers got the same use id, one of them fresh
    by_key: dict[str, set[int]] = {}
    fresh: dict[str, int] = {}
    for key, use_id, replayed in answers:
        by_key.setdefault(key, set()).add(use_id)
        fresh[key] = fresh.get(key, 0) + (not replayed)
    assert all(len(ids) == 1 for ids in by_key.values())
    assert all(count == 1 for count in fresh.values())
    with engine.connect() as conn:
        n_uses = conn.execute(select(func.count()).select_from(t.uses)).scalar_one()
        n_keys = conn.execute(select(func.count(func.distinct(t.uses.c.key)))).scalar_one()
    expected = keys // 2 + workers * (keys // 2)
    assert n_uses == n_keys == expected
    ensure_signing_key(tmp_path)
    signer = load_signer(tmp_path, "test.example/log")
    with container.uow() as uow:
        uow.ledger.sign_head(signer)
        uow.commit()
    with container.uow(write=False) as uow:
        result = uow.ledger.verify(LogKeys(signer.verifier))
        kinds = [uow.ledger.entry(i).kind for i in range(uow.ledger.size())]
    assert result.size == len(kinds)
    assert kinds.count("use-recorded") == expected
    engine.dispose()
