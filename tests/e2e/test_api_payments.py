"""Pay lines, statements and the union's reports through the /v1 API (SPEC §10, §12), on the
demo installation: the statement is the same in JSON, CSV and PDF, the demo background
performer's amounts match a computation by hand, a producer marks its line paid once, the union
corrects a line by reversing it, and each party sees only what SPEC §10 lets it see."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.e2e.api_world import build_template, installation

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PERIOD = "from=2024-01-01&until=2026-12-31"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("template") / "home"
    return home, build_template(home)


@pytest.fixture
def api(template, tmp_path):
    return installation(*template, tmp_path / "home")


def _statement(api, role="performer", performer="P1", accept=None):
    headers = api.headers(role) | ({"Accept": accept} if accept else {})
    return api.client.get(f"/v1/performers/{performer}/statement?{PERIOD}", headers=headers)


def test_the_demo_background_performer_s_statement_matches_a_computation_by_hand(api):
    # Dana Ruiz (P1, background) was used 2 days on 2024-08-01 in the production her replica
    # was made in: days x max(daily rate, day minimum); the background day rate in force on
    # 2024-08-01 is the row of 2024-07-01: $216 (SPEC §6). Pension and health: 21% of pay.
    pay = 2 * Decimal(216)
    pension_health = (pay * Decimal("0.21")).quantize(Decimal("0.01"))
    response = _statement(api)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(x["kind"], x["amount"]) for x in body["lines"]] == [
        ("pay", f"{pay:.2f}"),
        ("pension-health", f"{pension_health}"),
    ]
    assert body["totals"] == {
        "lines": 2,
        "pay": "432.00",
        "pension_health": "90.72",
        "owed": "522.72",
        "paid": "0.00",
        "due": "522.72",
    }
    line = body["lines"][0]
    assert line["rate_row"] == "background-day-rate@2024-07-01"
    # the branch that set the amount, with its numbers: her consent's 216.00 a day meets the
    # floor, so the bargain set it (the rule says so; the basis shows the floor beside it)
    assert line["rule"] == (
        "sag-aftra-tv-theatrical-2023 §6 pay = max(bargained, floor): bargained,"
        " the consent's compensation"
    )
    assert line["basis"] == (
        "bargained: 216.00 per day x 2 (floor 432.00: 2 x max(daily rate 216.00,"
        " day minimum 216.00))"
    )
    assert (line["replica_or_title"], line["use_or_year"], line["quantity"]) == (
        "D1", "crowd-multiplication", 2
    )  # fmt: skip
    # the line's ledger index names the pay-line entry that recorded it
    with api.container.uow(write=False) as uow:
        entry = uow.ledger.entry(line["ledger_index"])  # type: ignore[attr-defined]
    assert entry.kind == "pay-line" and entry.record["amount"] == "432.00"
    assert entry.record["line"] == line["line"]


def test_json_csv_and_pdf_show_the_same_cents(api):
    api.client.post(
        "/v1/pay-lines/1/paid",
        json={"reference": "ACH 2024-0815", "paid_on": "2024-08-15"},
        headers=api.headers("producer"),
    )
    data = _statement(api).json()
    csv_response = _statement(api, accept="text/csv")
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    lines = [r for r in rows if r["kind"] in ("pay", "pension-health")]
    assert [r["amount"] for r in lines] == [x["amount"] for x in data["lines"]]
    (total,) = [r for r in rows if r["kind"] == "total"]
    assert total["amount"] == data["totals"]["owed"] == "522.72"
    assert "paid 432.00" in total["description"] and "due 90.72" in total["description"]
    assert sum(Decimal(r["amount"]) for r in lines) == Decimal(total["amount"])

    pdf_response = _statement(api, accept="application/pdf")
    assert pdf_response.status_code == 200
    assert pdf_response.headers["content-type"] == "application/pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "statement-P1.pdf"
    pdf_path.write_bytes(pdf_response.content)
    text = " ".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    text = " ".join(text.split())
    assert "Statement for Dana Ruiz (P1)" in text
    assert "Period: 1 January 2024 to 31 December 2026" in text
    for label, amount in [
        ("Owed to you in this period", "$522.72"),
        ("of which pay", "$432.00"),
        ("of which pension and health (paid to the plans)", "$90.72"),
        ("Paid", "$432.00"),
        ("Still due", "$90.72"),
    ]:
        assert f"{label} {amount}" in text
    assert "paid 15 August 2024" in text and "How to check a line" in text
    if shutil.which("pdftoppm"):  # a picture of the page, to look at
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-singlefile", pdf_path, ARTIFACTS / "statement-P1"],
            check=True,
        )


def test_a_producer_marks_its_line_paid_once_and_nobody_else_can(api):
    body = {"reference": "ACH 0042", "paid_on": "2026-11-30"}
    paid = api.client.post("/v1/pay-lines/1/paid", json=body, headers=api.headers("producer"))
    assert paid.status_code == 200, paid.text
    assert (paid.json()["status"], paid.json()["paid_on"], paid.json()["reference"]) == (
        "paid", "2026-11-30", "ACH 0042"
    )  # fmt: skip
    again = api.client.post("/v1/pay-lines/1/paid", json=body, headers=api.headers("producer"))
    assert again.status_code == 409
    assert "already marked paid on 2026-11-30" in again.json()["detail"]
    # the performer sees the line but does not pay it; another producer's line is not there
    mine = api.client.post("/v1/pay-lines/2/paid", json=body, headers=api.headers("performer"))
    assert mine.status_code == 403
    theirs = api.client.post("/v1/pay-lines/3/paid", json=body, headers=api.headers("producer"))
    missing = api.client.post("/v1/pay-lines/999/paid", json=body, headers=api.headers("producer"))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"].replace("3", "N") == missing.json()["detail"].replace("999", "N")
    future = api.client.post(
        "/v1/pay-lines/2/paid",
        json={"reference": "x", "paid_on": "2099-01-01"},
        headers=api.headers("producer"),
    )
    assert future.status_code == 422 and "in the future" in future.json()["detail"]
    with api.container.uow(write=False) as uow:
        ledger = uow.ledger
        kinds = [ledger.entry(i).kind for i in range(ledger.size())]  # type: ignore[attr-defined]
    assert kinds.count("pay-line-paid") == 1


def test_the_union_corrects_a_line_and_the_reversal_nets_to_zero(api):
    before = _statement(api).json()["totals"]
    response = api.client.post(
        "/v1/pay-lines/2/correct",
        json={"reason": "pension rate entered wrong", "amount": "80.00"},
        headers=api.headers("union"),
    )
    assert response.status_code == 200, response.text
    done = response.json()
    assert (done["reversal"]["amount"], done["reversal"]["reverses"]) == ("-90.72", 2)
    assert done["replacement"]["amount"] == "80.00"
    after = _statement(api).json()
    assert after["totals"]["owed"] == str(Decimal(before["owed"]) - Decimal("10.72"))
    assert [x["reversed_by"] for x in after["lines"] if x["line"] == 2] == [done["reversal"]["id"]]
    # nothing is owed on a line reversed while unpaid, nor on its reversal
    for line in (2, done["reversal"]["id"]):
        refused = api.client.post(
            f"/v1/pay-lines/{line}/paid",
            json={"reference": "x", "paid_on": "2026-11-30"},
            headers=api.headers("producer"),
        )
        assert refused.status_code == 409, refused.text
    twice = api.client.post(
        "/v1/pay-lines/2/correct", json={"reason": "again"}, headers=api.headers("union")
    )
    assert twice.status_code == 409
    by_producer = api.client.post(
        "/v1/pay-lines/1/correct", json={"reason": "mine"}, headers=api.headers("producer")
    )
    assert by_producer.status_code == 403  # the producer does not cancel its own debt


def test_who_sees_a_statement(api):
    assert _statement(api, role="producer").status_code == 404
    assert _statement(api, role="admin").status_code == 404
    assert _statement(api, role="performer", performer="P2").status_code == 404
    assert _statement(api, role="union", performer="P2").status_code == 200
    # the estate of Ruth Calder (P3) reads hers
    estate = _statement(api, role="representative", performer="P3")
    assert estate.status_code == 200 and estate.json()["totals"]["owed"] == "6050.00"


def test_bad_statement_requests_say_what_is_wrong(api):
    refused = _statement(api, accept="image/png")
    assert refused.status_code == 406
    assert "application/json, text/csv or application/pdf" in refused.json()["detail"]
    backwards = api.client.get(
        "/v1/performers/P1/statement?from=2026-01-01&until=2025-01-01",
        headers=api.headers("performer"),
    )
    assert backwards.status_code == 422 and "from <= until" in backwards.json()["detail"]
    no_period = api.client.get("/v1/performers/P1/statement", headers=api.headers("performer"))
    assert no_period.status_code == 422


def test_the_union_s_reports_add_up_to_the_lines(api):
    union = api.headers("union")
    dues = api.client.get("/v1/reports/dues", headers=union).json()["producers"]
    with api.container.uow(write=False) as uow:
        lines = uow.uses.pay_lines()
    for row in dues:
        mine = [x for x in lines if x.producer == row["producer"]]
        assert Decimal(row["owed"]) == sum(x.amount for x in mine)
        assert row["lines"] == len(mine)
        assert Decimal(row["paid"]) + Decimal(row["due"]) == Decimal(row["owed"])
    assert {r["producer"] for r in dues} == {"S1", "S2", "S3", "S4"}
    unpaid = api.client.get("/v1/reports/unpaid?days=30", headers=union).json()
    assert [x["id"] for x in unpaid["lines"]][:2] == [1, 2]
    assert api.client.get("/v1/reports/dues", headers=api.headers("producer")).status_code == 404
