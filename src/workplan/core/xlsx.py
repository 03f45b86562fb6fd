"""Spreadsheet helpers shared by every XLSX export: safe cells, readable sheets."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(cell, value) -> None:
    """Write a value so that text starting with = + - @ is shown as text, never evaluated.

    The cell is typed as a string and carries Excel's quote prefix, the same thing Excel does
    when a user types an apostrophe first; the text itself is unchanged.
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def write_sheet(ws, headers: list[str], rows, widths: list[int] | None = None) -> None:
    """Header row in bold, frozen, filterable; every cell written through ``safe_cell``."""
    fill = PatternFill("solid", fgColor="DCE6F1")
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col)
        safe_cell(cell, header)
        cell.font = Font(bold=True)
        cell.fill = fill
    count = 1
    for count, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=count, column=col)
            safe_cell(cell, value)
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str)
                                       and len(value) > 40)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(count, 1)}"
    for col, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
