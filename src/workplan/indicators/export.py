"""The IPTT as a workbook: one sheet with every indicator x period, one with the breakdown."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from workplan.core.xlsx import safe_cell, workbook_bytes, write_sheet

from .iptt import PERIOD_KEYS, STATUS_LABELS, Table


def _number(value):
    return None if value is None else (int(value) if float(value).is_integer() else
                                       round(float(value), 2))


def _period_cells(column) -> list:
    cell = column.cell
    return [_number(column.target), _number(cell.actual),
            None if column.percent is None else column.percent / 100,
            _number(cell.numerator), _number(cell.denominator)]


def iptt_workbook(table: Table, *, today: dt.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "IPTT"
    headers = ["Pillar", "Action", "KPI", "Measure", "Cumulative", "Status", "Baseline"]
    labels = {p.key: p.label for p in table.periods}
    for key in PERIOD_KEYS:
        label = labels[key]
        headers += [f"{label} target", f"{label} actual", f"{label} % met",
                    f"{label} numerator", f"{label} denominator"]
    rows = []
    for row in table.rows:
        year = row.columns["FY"]
        text = row.indicator.text + (f" ({_('no longer in the plan')})" if row.archived else "")
        line = [row.pillar.number, row.action.code, text, str(row.measure.label),
                "yes" if row.indicator.cumulative else "no",
                str(STATUS_LABELS[row.state]), _number(year.baseline)]
        for key in PERIOD_KEYS:
            line += _period_cells(row.columns[key])
        rows.append(line)
    write_sheet(ws, headers, rows, widths=[7, 8, 45, 24, 10, 14, 9] + [10] * 25)
    _percent_format(ws, len(rows), first=10)
    if table.dimension:
        breakdown = wb.create_sheet(f"By {table.dimension}")
        headers = ["Action", "KPI", table.dimension.capitalize(), "Adds up to the total"]
        headers += [f"{labels[k]} actual" for k in PERIOD_KEYS]
        lines = []
        for row in table.rows:
            for part in row.breakdown:
                lines.append([row.action.code, row.indicator.text, part.label,
                              "yes" if row.additive else "no",
                              *[_number(part.columns[k].actual) for k in PERIOD_KEYS]])
        write_sheet(breakdown, headers, lines, widths=[8, 45, 28, 10] + [10] * 5)
    about = wb.create_sheet("About")
    safe_cell(about.cell(row=1, column=1), f"{table.plan.title}: indicator performance "
              f"tracking table, fiscal year {table.period.year_label}")
    about.cell(row=1, column=1).font = Font(bold=True)
    safe_cell(about.cell(row=2, column=1), f"Computed from the records on {today:%d %B %Y}.")
    safe_cell(about.cell(row=3, column=1), "Cumulative indicators: a quarter holds the total "
              "since the fiscal year began; the others count each quarter on its own.")
    return workbook_bytes(wb)


def _percent_format(ws, count: int, first: int) -> None:
    for index in range(len(PERIOD_KEYS)):
        column = first + index * 5
        for row in range(2, count + 2):
            ws.cell(row=row, column=column).number_format = "0%"
