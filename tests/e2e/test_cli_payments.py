"""``likeness statement``, ``pay-line`` and ``report`` as people run them (SPEC §12), on the
demo installation: the producer marks a line paid, the performer's statement is written as
CSV and PDF with the same cents, the union reads the dues, and mistakes get one clear line."""

from __future__ import annotations

import csv
import json

from pypdf import PdfReader


def ok(out):
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_pay_a_line_then_the_statement_and_the_dues_show_it(cli, tmp_path):
    ok(cli("init"))
    ok(cli("demo"))
    out = ok(cli("--as", "producer:S1", "pay-line", "mark-paid", "1", "--reference", "ACH 0815",
                 "--on", "2024-08-15"))  # fmt: skip
    assert out.startswith("pay line 1 marked paid on 2024-08-15 (USD 432.00, ledger entry ")
    again = cli("--as", "producer:S1", "pay-line", "mark-paid", "1", "--reference", "ACH 0815")
    assert again.returncode == 2 and again.stdout == ""
    assert again.stderr == (
        "error: pay line 1 is already marked paid on 2024-08-15 (reference 'ACH 0815');"
        " a payment is recorded once\n"
    )
    period = ("--from", "2024-01-01", "--until", "2026-12-31")
    csv_file, pdf_file = tmp_path / "p1.csv", tmp_path / "p1.pdf"
    ok(cli("--as", "performer:P1", "statement", "P1", *period, "--csv", str(csv_file)))
    ok(cli("--as", "performer:P1", "statement", "P1", *period, "--pdf", str(pdf_file)))
    rows = list(csv.DictReader(csv_file.open(encoding="utf-8")))
    assert [(r["line"], r["amount"], r["status"]) for r in rows[:2]] == [
        ("1", "432.00", "paid"),
        ("2", "90.72", "due"),
    ]
    assert rows[-1]["kind"] == "total" and rows[-1]["amount"] == "522.72"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf_file).pages).split())
    assert "Paid $432.00" in text and "Still due $90.72" in text

    dues = json.loads(ok(cli("--as", "union", "report", "dues", "--json")))["producers"]
    s1 = next(r for r in dues if r["producer"] == "S1")
    assert (s1["owed"], s1["paid"], s1["due"]) == ("522.72", "432.00", "90.72")


def test_statement_mistakes_get_one_clear_line_and_write_nothing(cli, tmp_path):
    ok(cli("init"))
    ok(cli("demo"))
    backwards = cli("statement", "P1", "--from", "2026-01-01", "--until", "2025-01-01")
    assert (backwards.returncode, backwards.stdout) == (2, "")
    assert backwards.stderr == (
        "error: the period starts 2026-01-01 after it ends 2025-01-01 (expected from <= until)\n"
    )
    target = tmp_path / "s.pdf"
    producer = cli("--as", "producer:S1", "statement", "P1", "--from", "2024-01-01",
                   "--until", "2024-12-31", "--pdf", str(target))  # fmt: skip
    assert producer.returncode == 2 and "no statement of performer P1" in producer.stderr
    assert not target.exists()
    both = cli("statement", "P1", "--from", "2024-01-01", "--until", "2024-12-31", "--json",
               "--csv", str(target))  # fmt: skip
    assert both.stderr == "error: choose one of --json, --csv FILE and --pdf FILE\n"
    assert not target.exists()
