"""The /v1 API under load: `likeness serve --workers 2` on SQLite, then on PostgreSQL.

Each installation is the demo registry (`likeness init`, `likeness demo`) plus 10,000 performers
and replicas and 100,000 consents, a producer and a performer token (the account services).
`wrk` on loopback (installed from Debian when missing and root) measures, for --seconds each:
authenticated single `POST /v1/decisions` (requests/s, p99),
`POST /v1/decisions/batch` with --batch requests per call (decisions/s); then for
--mixed-seconds a mix of reads, consent gives and uses with fresh idempotency keys, counting
every non-2xx answer or socket error as an error; `likeness ledger verify` must pass after it
(after `likeness ledger head` signs a checkpoint over the new entries).

Goals: decide_rps >= 1500 with p99 <= 50 ms, batch >= 50,000 decisions/s, mixed_errors = 0.
The last line: `api: decide_rps=… p99_ms=… batch_per_s=… mixed_errors=… pg_decide_rps=…`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from likeness.bootstrap import Container
from likeness.config import Settings
from likeness.domain.principals import OPERATOR
from likeness.services import accounts, tokens
from likeness.storage import tables as t
from likeness.storage.database import make_engine

LIKENESS = str(Path(sys.executable).with_name("likeness"))
PG_DATABASE = "likeness_bench_api"

DECIDE = {
    "id": "QB",
    "kind": "use",
    "producer": "S1",
    "production": "F1",
    "replica": "D1",
    "use": "crowd-multiplication",
    "date": "2024-08-01",
    "days": 1,
}
CONSENT = {
    "replica": "D1",
    "given_by": "P1",
    "signed_on": "2026-11-01",
    "separately_signed": True,
    "productions": ["F1"],
    "uses": ["new-performance"],
    "description": "A thirty second scene in which the character reads a letter aloud",
    "valid_from": "2026-12-01",
    "valid_until": "2027-06-30",
    "compensation": {"amount": "900.00", "per": "use"},
}

# wrk scripts: {body}, {token} and friends are filled in by Python
POST_SCRIPT = """
wrk.method = "POST"
wrk.body = [==[{body}]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
"""
MIXED_SCRIPT = """
counter = 0
thread_id = 0
next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end
local decide = [==[{decide}]==]
local consent = [==[{consent}]==]
local producer = "Bearer {producer}"
local performer = "Bearer {performer}"
function request()
  counter = counter + 1
  local n = counter % 4
  local key = "b" .. thread_id .. "-" .. counter .. "-" .. {run}
  if n == 0 then
    return wrk.format("GET", "/v1/performers/P1/consents?limit=10",
      {{["Authorization"] = performer}})
  elseif n == 1 then
    return wrk.format("GET", "/v1/replicas/D1", {{["Authorization"] = producer}})
  elseif n == 2 then
    local body = string.gsub(consent, "__ID__", "CB" .. key)
    return wrk.format("POST", "/v1/consents",
      {{["Authorization"] = performer, ["Content-Type"] = "application/json"}}, body)
  else
    local body = string.gsub(decide, "__ID__", "QB" .. key)
    return wrk.format("POST", "/v1/uses",
      {{["Authorization"] = producer, ["Content-Type"] = "application/json",
        ["Idempotency-Key"] = key}}, body)
  end
end
local shown = 0
function response(status, headers, body)
  if status >= 300 and shown < 3 then
    shown = shown + 1
    io.stderr:write("unexpected " .. status .. ": " .. string.sub(body, 1, 300) .. "\\n")
  end
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("bench_api needs wrk (apt-get install wrk)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk") or sys.exit("wrk did not install")


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([LIKENESS, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"likeness {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def add_consents(url: str, n_consents: int, n_replicas: int) -> float:
    """10,000 performers with a replica each, and ``n_consents`` consents over them."""
    started = time.perf_counter()
    engine = make_engine(url)
    performers = [
        {"id": f"PB{i}", "name": f"Bench {i}", "category": "principal", "born": dt.date(1980, 1, 1)}
        for i in range(n_replicas)
    ]
    replicas = [
        {
            "id": f"DB{i}",
            "performer_id": f"PB{i}",
            "kind": "employment-based",
            "media": "face,body",
            "made_in": "F1",
            "made_on": dt.date(2023, 6, 1),
        }
        for i in range(n_replicas)
    ]
    consents = [
        {
            "id": f"CB{i}",
            "replica_id": f"DB{i % n_replicas}",
            "performer_id": None,
            "given_by": f"PB{i % n_replicas}",
            "signed_on": dt.date(2023, 5, 1),
            "separately_signed": True,
            "productions": f"F{1 + i % 4}",
            "uses": "new-performance",
            "description": CONSENT["description"],
            "valid_from": dt.date(2023, 5, 1),
            "valid_until": dt.date(2027, 5, 1),
            "compensation_amount": Decimal("900.00"),
            "compensation_per": "use",
            "compensation_currency": "USD",
            "lifetime_only": False,
            "revoked_on": None,
            "problems": "",
        }
        for i in range(n_consents)
    ]
    with engine.begin() as conn:
        conn.execute(insert(t.performers), performers)
        conn.execute(insert(t.replicas), replicas)
        for i in range(0, len(consents), 10_000):
            conn.execute(insert(t.consents), consents[i : i + 10_000])
    engine.dispose()
    return time.perf_counter() - started


def setup(home: Path, url: str, args: argparse.Namespace) -> tuple[dict[str, str], dict[str, str]]:
    """Initialize the installation; return its environment and a token per party."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIKENESS_")}
    env |= {"LIKENESS_HOME": str(home), "LIKENESS_DATABASE_URL": url}
    cli(env, "init")
    cli(env, "demo")
    took = add_consents(url, args.consents, args.replicas)
    print(f"  {args.consents:,} consents over {args.replicas:,} replicas inserted in {took:.1f} s")
    # through the services (the `likeness account` / `likeness token` commands do the same)
    secrets_by_role: dict[str, str] = {}
    engine = make_engine(url)
    container = Container(Settings(home=home, database_url=url), engine)
    now = dt.datetime.now(dt.UTC)
    with container.uow() as uow:
        for name, role, party in (
            ("bench-producer", "producer", "S1"),
            ("bench-p1", "performer", "P1"),
        ):
            accounts.add_account(uow, OPERATOR, name, role, party)
            _, secrets_by_role[role] = tokens.create_token(uow, OPERATOR, name, days=1, now=now)
    engine.dispose()
    return env, secrets_by_role


def serve(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [LIKENESS, "serve", "--port", str(port), "--workers", str(workers)],
            env=env | {"LIKENESS_LOG_LEVEL": "warning"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    stop(proc)
    sys.exit(f"likeness serve did not start:\n{log.read_text()}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wrk(
    binary: str, url: str, script: str, seconds: int, args: argparse.Namespace, work: Path
) -> dict[str, Any]:
    """Run wrk with ``script``; its requests/s, p99 (ms) and errors."""
    path = work / f"script-{time.monotonic_ns()}.lua"
    path.write_text(script)
    done = subprocess.run(
        [
            binary,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(path),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    if ".lua:" in done.stderr:
        sys.exit(f"wrk could not run its script:\n{done.stderr}")
    for line in sorted(set(done.stderr.splitlines()))[:6]:
        print(f"    wrk: {line}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99_ms = float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(g) for g in sockets.groups()) if sockets else 0
    )
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p99_ms": p99_ms, "errors": errors, "requests": total}


def measure(
    name: str, url: str, args: argparse.Namespace, work: Path, binary: str
) -> dict[str, Any]:
    """One installation, served and loaded; its figures."""
    home = work / name
    print(f"{name}: setting up {url.split('?')[0].rsplit('@', 1)[-1]}", flush=True)
    env, tokens = setup(home, url, args)
    port = free_port()
    proc = serve(env, port, args.workers, home / "serve.log")
    base = f"http://127.0.0.1:{port}"
    figures: dict[str, Any] = {}
    try:
        decide = POST_SCRIPT.format(body=json.dumps(DECIDE), token=tokens["producer"])
        wrk(binary, base + "/v1/decisions", decide, 2, args, work)  # warm the workers' engines
        single = wrk(binary, base + "/v1/decisions", decide, args.seconds, args, work)
        print(
            f"  POST /v1/decisions: {single['rps']:,.0f} requests/s, p99 {single['p99_ms']:.1f}"
            f" ms, {single['errors']} errors",
            flush=True,
        )
        batch_body = json.dumps(
            {"requests": [DECIDE | {"id": f"QB{i}"} for i in range(args.batch)]}
        )
        batch = wrk(
            binary,
            base + "/v1/decisions/batch",
            POST_SCRIPT.format(body=batch_body, token=tokens["producer"]),
            args.seconds,
            args,
            work,
        )
        per_s = batch["rps"] * args.batch
        print(
            f"  POST /v1/decisions/batch ({args.batch:,} each): {per_s:,.0f} decisions/s, "
            f"p99 {batch['p99_ms']:.0f} ms, {batch['errors']} errors",
            flush=True,
        )
        mixed_script = MIXED_SCRIPT.format(
            decide=json.dumps(DECIDE | {"id": "__ID__"}),
            consent=json.dumps(CONSENT | {"id": "__ID__"}),
            producer=tokens["producer"],
            performer=tokens["performer"],
            run=time.time_ns() % 1_000_000,
        )
        mixed = wrk(binary, base + "/", mixed_script, args.mixed_seconds, args, work)
        print(
            f"  mixed (reads, consent gives, uses): {mixed['rps']:,.0f} requests/s, p99 "
            f"{mixed['p99_ms']:.1f} ms, {mixed['errors']} errors of {mixed['requests']:,}",
            flush=True,
        )
    finally:
        stop(proc)
    failures = [line for line in (home / "serve.log").read_text().splitlines() if "storage" in line]
    for line in failures[:3]:
        print(f"    server: {line[:300]}")
    subprocess.run([LIKENESS, "ledger", "head"], env=env, capture_output=True, check=True)
    verified = subprocess.run(
        [LIKENESS, "ledger", "verify"], env=env, capture_output=True, text=True
    )
    print(
        f"  likeness ledger verify: {(verified.stdout + verified.stderr).strip().splitlines()[-1]}"
    )
    figures = {
        "decide_rps": single["rps"],
        "p99_ms": single["p99_ms"],
        "batch_per_s": per_s,
        "mixed_errors": mixed["errors"] + single["errors"] + batch["errors"],
        "verified": verified.returncode == 0,
    }
    if not figures["verified"]:
        print(verified.stdout + verified.stderr)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="seconds per single/batch run")
    parser.add_argument("--mixed-seconds", type=int, default=120, help="seconds of the mixed run")
    parser.add_argument("--batch", type=int, default=1000, help="requests per batch call")
    parser.add_argument("--consents", type=int, default=100_000, help="consents to add")
    parser.add_argument("--replicas", type=int, default=10_000, help="replicas they name")
    parser.add_argument("--workers", type=int, default=2, help="likeness serve --workers")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "LIKENESS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432"
        ),
        help=f"PostgreSQL server (database {PG_DATABASE} is created and dropped); '' to skip",
    )
    args = parser.parse_args()
    binary = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="likeness-bench-api-") as tmp:
        work = Path(tmp)
        lite = measure("sqlite", f"sqlite:///{work / 'sqlite' / 'likeness.db'}", args, work, binary)
        pg: dict[str, Any] = {"decide_rps": float("nan"), "mixed_errors": 0, "verified": True}
        if args.postgres:
            server = args.postgres.rstrip("/")
            admin = create_engine(
                f"{server.replace('postgresql://', 'postgresql+psycopg://', 1)}/postgres",
                isolation_level="AUTOCOMMIT",
            )
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE}"))
                conn.execute(text(f"CREATE DATABASE {PG_DATABASE}"))
            try:
                pg = measure("postgresql", f"{server}/{PG_DATABASE}", args, work, binary)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
                admin.dispose()
    errors = lite["mixed_errors"] + pg["mixed_errors"]
    print(
        f"goals: decide_rps >= 1500 with p99 <= 50 ms, batch >= 50,000/s, mixed_errors = 0;"
        f" ledgers verified: sqlite {lite['verified']}, postgresql {pg['verified']}"
    )
    print(
        f"api: decide_rps={lite['decide_rps']:.0f} p99_ms={lite['p99_ms']:.1f}"
        f" batch_per_s={lite['batch_per_s']:.0f} mixed_errors={errors}"
        f" pg_decide_rps={pg['decide_rps']:.0f}"
    )
    if not (lite["verified"] and pg["verified"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
