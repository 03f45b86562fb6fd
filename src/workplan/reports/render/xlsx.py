"""Workbooks of the XLSX lists: one worksheet per ``Sheet`` of rows, every cell written through
``core.xlsx`` (text starting with = + - @ stays text), dates as dates, shares as percentages,
and an "About" sheet saying what the list holds and when it was made."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from workplan.core.xlsx import safe_cell, workbook_bytes, write_sheet

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _write_rows(ws, rows, percent_columns: set[int]) -> int:
    """Rows under the header, each cell through ``safe_cell``, with one shared style object
    per kind of cell (thousands of rows in a second, not a minute). Returns the last row."""
    wrap = Alignment(vertical="top", wrap_text=True)
    number = 1
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = ws.cell(row=number, column=column)
            safe_cell(cell, value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif column in percent_columns and value is not None:
                cell.number_format = "0.0%"
            elif isinstance(value, str) and len(value) > 40:
                cell.alignment = wrap
    return number


def workbook(sheets, *, about: list[str]) -> bytes:
    wb = Workbook()
    first = True
    for sheet in sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = sheet.title[:31]
        write_sheet(ws, sheet.headers, [], widths=sheet.widths)
        last = _write_rows(ws, sheet.rows, sheet.percent_columns)
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{last}"
    info = wb.create_sheet("About")
    for number, line in enumerate(about, start=1):
        safe_cell(info.cell(row=number, column=1), line)
    info.cell(row=1, column=1).font = Font(bold=True)
    info.column_dimensions["A"].width = 110
    return workbook_bytes(wb)
