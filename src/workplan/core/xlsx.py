"""Spreadsheet helpers: safe cells and readable sheets for every XLSX export, and
``read_workbook``, the one way an uploaded workbook is opened.

An XLSX file is a zip archive of XML parts. openpyxl loads some parts whole, the shared strings
(``xl/sharedStrings.xml``: every text of every sheet) and the styles among them, even in
read-only mode: a 232 KB upload whose shared strings unpacked to 95 MB held a worker for 39 s
and 600 MB. ``read_workbook`` therefore looks at the archive's directory first (no byte is
unpacked for that) and refuses, naming the file, the part and the limit, a workbook with too
many parts, a part that unpacks beyond its limit, or one packed more tightly than documents
are. The sizes it checks are the ones the archive declares; Python's zipfile never unpacks more
than a part declares (it stops there and the part fails its checksum), so a lying archive
cannot get around them.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
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


# --- reading uploads --------------------------------------------------------------------------

MB = 1024 * 1024


class WorkbookError(ValueError):
    """An uploaded workbook refused before or while opening; the message names the file."""


@dataclass(frozen=True)
class XlsxLimits:
    """What an uploaded workbook may unpack to. The defaults fit a sheet of some thousands of
    rows (5,000 people of an attendance sheet use under 2 MB of shared strings) with a wide
    margin; the parts openpyxl loads whole (shared strings, styles, the workbook) are the
    tightest."""

    parts: int = 300  # members of the archive
    shared_strings: int = 8 * MB  # xl/sharedStrings.xml, loaded whole
    worksheet: int = 48 * MB  # each xl/worksheets/*.xml (streamed in read-only mode)
    other_xml: int = 8 * MB  # every other XML part (styles, workbook, relationships ...)
    total: int = 100 * MB  # every part together
    ratio: int = 100  # unpacked / packed, for a part over ``ratio_from`` bytes
    ratio_from: int = 1 * MB


SHARED_STRINGS = "xl/sharedStrings.xml"


def _part_kind(name: str) -> str:
    lower = name.lower()
    if lower == SHARED_STRINGS.lower():
        return "shared_strings"
    if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
        return "worksheet"
    if lower.endswith((".xml", ".rels", ".vml")):
        return "other_xml"
    return "other"


def check_archive(data: bytes, *, name: str, limits: XlsxLimits = XlsxLimits()) -> None:
    """Refuse (WorkbookError) a workbook whose archive would unpack beyond ``limits``; reads
    only the archive's directory."""
    from workplan.core.uploads import sizes

    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise WorkbookError(_("“%(file)s” is not a readable Excel workbook (%(error)s).")
                            % {"file": name, "error": type(error).__name__}) from None
    if len(parts) > limits.parts:
        raise WorkbookError(_("“%(file)s” holds %(count)d parts; a workbook read here may hold "
                              "%(limit)d at most.")
                            % {"file": name, "count": len(parts), "limit": limits.parts})
    labels = {"shared_strings": _("the shared strings"), "worksheet": _("a worksheet"),
              "other_xml": _("a part of the workbook"), "other": _("a part of the workbook")}
    for part in parts:
        kind = _part_kind(part.filename)
        limit = getattr(limits, kind, None)
        shown = {"file": name, "what": labels[kind], "part": part.filename[:100]}
        if limit is not None and part.file_size > limit:
            raise WorkbookError(_("“%(file)s”: %(part)s (%(what)s) unpacks to %(size)s; a "
                                  "workbook read here may unpack it to %(limit)s at most.")
                                % {**shown, **sizes(part.file_size, limit)})
        if (part.file_size > limits.ratio_from
                and part.file_size > limits.ratio * max(part.compress_size, 1)):
            raise WorkbookError(_("“%(file)s”: %(part)s (%(what)s) unpacks to %(ratio)s times "
                                  "its packed size, more than the %(limit)d times a workbook "
                                  "read here may: it looks built to exhaust the server.")
                                % {**shown, "limit": limits.ratio,
                                   "ratio": f"{part.file_size // max(part.compress_size, 1):,}"})
    total = sum(part.file_size for part in parts)
    if total > limits.total:
        raise WorkbookError(_("“%(file)s” unpacks to %(size)s; a workbook read here may unpack "
                              "to %(limit)s at most.") % {"file": name,
                                                            **sizes(total, limits.total)})


def read_workbook(data: bytes, *, name: str, limits: XlsxLimits = XlsxLimits()):
    """An uploaded workbook, opened read-only with values (not formulas) once
    ``check_archive`` has passed it; WorkbookError naming the file otherwise."""
    from openpyxl import load_workbook

    check_archive(data, name=name, limits=limits)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError(_("“%(file)s” is not a readable Excel workbook (%(error)s).")
                            % {"file": name, "error": type(error).__name__}) from None
