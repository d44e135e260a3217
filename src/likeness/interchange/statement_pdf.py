"""A statement as a printable PDF (SPEC §12), drawn with ReportLab.

Written for the performer, not an accountant: their name and the period first, then what is
owed, paid and due in three figures, then each line in plain words by production, and how to
check a line against the public ledger. Every number comes from
:func:`~likeness.interchange.statements.statement_json`, so it equals the JSON and the CSV.
ReportLab is imported when a PDF is asked for (it is not needed to start the CLI or the API).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from likeness.domain.statements import Statement
from likeness.interchange.statements import statement_json

_VERIFY = (
    "Each line shows the index of the ledger entry that recorded it. The ledger is public: "
    "anyone can fetch its signed checkpoint (GET /v1/ledger/checkpoint) and an inclusion proof "
    "(GET /v1/ledger/proofs/inclusion?index=N&amp;size=S), and check with any RFC 9162 "
    "verifier that entry N is in the log the installation signed. Your union representative "
    "can do this for you."
)


def money(value: str, currency: str) -> str:
    """``1234.50`` as ``$1,234.50`` (USD) or ``EUR 1,234.50``."""
    negative = value.startswith("-")
    whole, _, cents = value.lstrip("-").partition(".")
    text = f"{int(whole):,}.{cents}"
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"-{symbol}{text}" if negative else f"{symbol}{text}"


def day(iso: str) -> str:
    """``2026-03-02`` as ``2 March 2026``."""
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def statement_pdf(statement: Statement, *, generated: dt.date | None = None) -> bytes:
    """The statement as PDF bytes (A4 pages, numbered)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    data = statement_json(statement)
    cur = data["currency"]
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Statement for {data['name']}",
        author="Likeness",
    )
    story: list[Any] = [
        Paragraph(
            f"Statement for {_esc(data['name'])} ({_esc(data['performer'])})", styles["Title"]
        ),
        Paragraph(f"Period: {day(data['from'])} to {day(data['until'])}", body),
        Paragraph(f"Prepared on {day((generated or dt.date.today()).isoformat())}", small),
        Spacer(1, 4 * mm),
    ]
    totals = data["totals"]
    summary = [
        ["Owed to you in this period", money(totals["owed"], cur)],
        ["  of which pay", money(totals["pay"], cur)],
        ["  of which pension and health (paid to the plans)", money(totals["pension_health"], cur)],
        ["Paid", money(totals["paid"], cur)],
        ["Still due", money(totals["due"], cur)],
    ]
    story += [_table(summary, [120 * mm, 50 * mm], colors, TableStyle, Table, bold_last=True)]
    if not data["lines"]:
        story += [Spacer(1, 4 * mm), Paragraph("Nothing was owed to you in this period.", body)]
    for production in data["productions"]:
        story += [
            Spacer(1, 5 * mm),
            Paragraph(
                f"Production {_esc(production['production'])}"
                f" (owed by {_esc(production['producer'] or 'unknown')})",
                styles["Heading3"],
            ),
        ]
        rows: list[list[Any]] = [["Line", "Date", "What", "Amount", "Status", "Ledger"]]
        for line in data["lines"]:
            if line["production"] != production["production"]:
                continue
            status = "paid " + day(line["paid_on"]) if line["status"] == "paid" else "due"
            if line["reversed_by"]:
                status += f", cancelled by line {line['reversed_by']}"
            how = "; ".join(
                _esc(part)
                for part in (
                    line["basis"],
                    line["rule"],
                    line["rate_row"] and "rate " + line["rate_row"],
                )
                if part
            )
            what = f"{_esc(line['description'])}<br/><font size=7>How: {how}</font>"
            rows.append(
                [
                    str(line["line"]),
                    Paragraph(day(line["date"]), small),
                    Paragraph(what, small),
                    money(line["amount"], cur),
                    Paragraph(status, small),
                    str(line["ledger_index"] if line["ledger_index"] is not None else ""),
                ]
            )
        rows.append(["", "", "Subtotal (owed)", money(production["owed"], cur), "", ""])
        widths = [12 * mm, 26 * mm, 76 * mm, 24 * mm, 24 * mm, 14 * mm]
        story.append(_table(rows, widths, colors, TableStyle, Table, header=True, bold_last=True))
    story += [Spacer(1, 6 * mm), Paragraph("How to check a line", styles["Heading3"])]
    story += [Paragraph(_VERIFY, body)]
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(
    rows: list[list[Any]],
    widths: list[float],
    colors: Any,
    style: Any,
    table: Any,
    *,
    header: bool = False,
    bold_last: bool = False,
) -> Any:
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
    ]
    if header:
        commands += [
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("ALIGN", (3, 0), (3, -1), "RIGHT"),
        ]
    else:
        commands.append(("ALIGN", (1, 0), (1, -1), "RIGHT"))
    if bold_last:
        commands.append(("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"))
    t = table(rows, colWidths=widths, repeatRows=1 if header else 0)
    t.setStyle(style(commands))
    return t


def _page_number(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 8 * 2.8346, f"Page {doc.page}")
    canvas.restoreState()
