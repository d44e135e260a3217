"""The earnings chart of a performer's pay page: stacked bars by month, one colour per
production, drawn as SVG on the server (no JavaScript, no build step). The same numbers are
given as a table for screen readers and for anyone who prefers one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from markupsafe import Markup

from likeness.domain.payments import LineKind, PayLine

#: colours that stay apart for the common colour-vision deficiencies (Okabe and Ito)
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: the most months drawn (the newest ones)
MAX_MONTHS = 36
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 260, 64, 40, 16


@dataclass(frozen=True)
class Chart:
    """The SVG, and the rows of the table that says the same."""

    svg: Markup
    #: the months drawn, ``YYYY-MM``, and each as people read it (``Aug 2024``)
    months: list[str]
    labels: dict[str, str]
    productions: list[str]
    amounts: dict[tuple[str, str], Decimal]
    currency: str


def _month(line: PayLine) -> str:
    return f"{line.date:%Y-%m}"


def _label(month: str) -> str:
    year, number = month.split("-")
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{names[int(number) - 1]} {year}"


def _months_between(first: str, last: str) -> list[str]:
    year, month = (int(x) for x in first.split("-"))
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return found


def earnings_chart(lines: Sequence[PayLine]) -> Chart | None:
    """What the performer earned (pay and residuals; pension-health goes to the plan), by month
    and production; None without such lines. Amounts of another currency than the most common
    one are left out."""
    lines = [line for line in lines if line.kind is not LineKind.PENSION_HEALTH]
    if not lines:
        return None
    currencies: dict[str, int] = defaultdict(int)
    for line in lines:
        currencies[line.currency] += 1
    currency = max(sorted(currencies), key=lambda c: currencies[c])
    amounts: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.currency == currency:
            amounts[(_month(line), line.production)] += line.amount
    used = sorted({m for m, _ in amounts})
    months = _months_between(used[0], used[-1])[-MAX_MONTHS:]
    productions = sorted({p for _, p in amounts})
    totals = [
        sum((amounts.get((m, p), Decimal(0)) for p in productions), Decimal(0)) for m in months
    ]
    top = max([t for t in totals if t > 0] or [Decimal(1)])
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    step = plot_w / len(months)
    bar = max(4.0, min(40.0, step * 0.7))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        ' aria-labelledby="chart-title chart-desc" class="chart" data-testid="earnings-chart">',
        '<title id="chart-title">Earnings by month and production</title>',
        f'<desc id="chart-desc">Stacked bars for {len(months)} month(s), in {escape(currency)};'
        " the table below gives the same amounts.</desc>",
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        value = top * Decimal(str(fraction))
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12"'
            f' fill="#444">{value:,.0f}</text>'
        )
    for i, month in enumerate(months):
        x = LEFT + step * i + (step - bar) / 2
        stack = Decimal(TOP + plot_h)
        for j, production in enumerate(productions):
            amount = amounts.get((month, production), Decimal(0))
            if amount <= 0:
                continue
            h = amount / top * Decimal(plot_h)  # pixels, kept in Decimal like the amounts
            stack -= h
            colour = PALETTE[j % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{stack:.1f}" width="{bar:.1f}" height="{h:.1f}"'
                f' fill="{colour}"><title>{escape(_label(month))}, {escape(production)}:'
                f" {amount:,.2f} {escape(currency)}</title></rect>"
            )
        if len(months) <= 12 or i % max(1, len(months) // 6) == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle"'
                f' font-size="12" fill="#444">{escape(_label(month))}</text>'
            )
    for j, production in enumerate(productions):
        x = LEFT + j * 110
        colour = PALETTE[j % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{HEIGHT - 4}" font-size="12" fill="#222">'
            f"{escape(production)}</text>"
        )
    parts.append("</svg>")
    labels = {m: _label(m) for m in months}
    return Chart(Markup("".join(parts)), months, labels, productions, dict(amounts), currency)
