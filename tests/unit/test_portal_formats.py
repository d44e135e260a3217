"""The portal's people-facing formats: money, dates, SPEC §5 problems in plain words, and the
earnings chart (pure functions, no server)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from starlette.datastructures import FormData

from likeness.domain.payments import LineKind, PayLine
from likeness.web.charts import earnings_chart
from likeness.web.forms import consent_request_document, field_problems
from likeness.web.pages import human_date, money


def _line(day: str, production: str, amount: str, kind: LineKind = LineKind.PAY) -> PayLine:
    return PayLine(
        kind,
        "P1",
        production,
        dt.date.fromisoformat(day),
        Decimal(amount),
        "USD",
        None,
        None,
        None,
    )


def test_money_reads_with_a_symbol_thousands_and_a_true_minus():
    assert money("5000.00", "USD") == "$5,000.00"
    assert money(Decimal("-90.72"), "USD") == "\u2212$90.72"
    assert money("12.5", "CAD") == "12.50 CAD"
    assert money(None) == ""


def test_dates_read_as_people_write_them():
    assert human_date("2024-03-01") == "1 Mar 2024"
    assert human_date(dt.date(2027, 12, 31)) == "31 Dec 2027"
    assert human_date(dt.datetime(2026, 12, 1, 11, 24, tzinfo=dt.UTC)) == "1 Dec 2026, 11:24 UTC"
    assert human_date("not a date") == "not a date"


def test_each_problem_is_shown_by_the_field_it_is_about():
    found = field_problems(["blanket-scope", "no-compensation", "term-exceeds-legal-cap"])
    assert sorted(found) == ["compensation", "description", "valid_until"]
    assert found["description"][0].startswith("Blanket scope: the description reaches works")


def test_a_form_becomes_the_consent_request_the_service_reads():
    form = FormData(
        [
            ("subject", "D1"),
            ("subject_kind", "replica"),
            ("productions", "F2"),
            ("uses", "dubbing"),
            ("uses", "promotion"),
            ("description", "  The pier scene  "),
            ("amount", "250"),
            ("per", "day"),
            ("valid_until", "2027-01-31"),
        ]
    )
    assert consent_request_document(form) == {
        "replica": "D1",
        "productions": ["F2"],
        "uses": ["dubbing", "promotion"],
        "description": "The pier scene",
        "lifetime_only": False,
        "valid_until": "2027-01-31",
        "compensation": {"amount": "250", "per": "day"},
    }


def test_the_chart_stacks_pay_by_month_and_production_without_pension_health():
    chart = earnings_chart(
        [
            _line("2024-08-01", "F1", "432.00"),
            _line("2024-08-01", "F1", "90.72", LineKind.PENSION_HEALTH),
            _line("2024-08-20", "F4", "100.00"),
            _line("2024-10-02", "F4", "50.00"),
        ]
    )
    assert chart is not None
    assert chart.months == ["2024-08", "2024-09", "2024-10"]  # the empty month is drawn too
    assert chart.productions == ["F1", "F4"]
    assert chart.amounts == {
        ("2024-08", "F1"): Decimal("432.00"),
        ("2024-08", "F4"): Decimal("100.00"),
        ("2024-10", "F4"): Decimal("50.00"),
    }
    assert "<title>Aug 2024, F1: 432.00 USD</title>" in chart.svg
    assert earnings_chart([_line("2024-08-01", "F1", "9", LineKind.PENSION_HEALTH)]) is None


def test_the_chart_escapes_what_it_quotes():
    chart = earnings_chart([_line("2024-08-01", "<F&1>", "1.00")])
    assert chart is not None and "<F&1>" not in chart.svg and "&lt;F&amp;1&gt;" in chart.svg
