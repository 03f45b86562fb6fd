"""Read a work plan from the Word document an office keeps (the annex table of its annual
report), beside ``textplan``: the document is turned into the published text layout, one
table row a line, and read by the same parser and assembler, so a .docx and a .txt of one plan
give the same plan, the same warnings and the same refusals.

What it reads, as offices write it (and as ``export/word.py`` writes it):

- paragraphs outside tables: the title (the first naming a work plan and a fiscal year), pillar
  headings ``1. Support ...``, anything else (running titles, notes) is passed on as the text
  layout's non-table lines (the parser ignores what is no pillar heading);
- tables of three columns: actions | planned activities | KPIs; a header row (``Specific
  Actions ...``, repeated or not), a row merged across the three columns (a pillar heading or a
  running title inside the table); a cell merged down from the row above (Word's vertical
  merge) is empty in the rows below, so the row continues the action above, as after a page
  break in the text;
- activities as ``➤`` bullets, Word's own list bullets, or one paragraph each; a paragraph
  that is not a bullet continues the bullet above (a See-also on its own line);
- KPIs as ``(1) ... (2) ...``, or one paragraph each.

Refused with the place (table and row, or the file), nothing written: a file that is not a
Word document or is damaged, an old binary .doc, a document with no three-column table, a table
of another width holding plan rows, a row whose cells are merged across two columns.
"""

from __future__ import annotations

import io
import re
import zipfile

from .textplan.parser import BULLET, PlanSyntaxError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc
BULLETS = "\u27a4\u2022\u25aa\u25cf\u25e6\u27a2\uf0d8\uf0b7"  # ➤ • ▪ ● ◦ ➢, Symbol-font ones
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TITLE = re.compile(r"work\s*plan.*\d{4}\s*[-\u2013/]\s*\d{4}", re.I)
_ACTION_ROW = re.compile(r"^\s*[A-Za-z]{1,2}\)\s")


def is_docx(data: bytes) -> bool:
    return data[:4] == ZIP_MAGIC


def is_old_doc(data: bytes) -> bool:
    return data[:8] == OLE_MAGIC


class WordText:
    """The document as text-layout lines, and where each line came from."""

    def __init__(self):
        self.lines: list[str] = []
        self.places: dict[int, str] = {}

    def add(self, line: str, place: str) -> None:
        self.lines.append(line)
        self.places[len(self.lines)] = place

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def place(self, line: int | None) -> str | None:
        return self.places.get(line) if line else None


def _paragraph_text(p) -> str:
    """A paragraph's text: runs, tabs and breaks as spaces (a tab would split the cell)."""
    parts = []
    for node in p.iter():
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
            parts.append(" ")
    return re.sub(r"\s+", " ", "".join(parts).replace("\xa0", " ")).strip()


def _is_list_paragraph(p) -> bool:
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        return False
    if ppr.find(f"{_W}numPr") is not None:
        return True
    style = ppr.find(f"{_W}pStyle")
    return style is not None and "list" in (style.get(f"{_W}val") or "").lower()


def _paragraphs(tc) -> list:
    return [p for p in tc.iter(f"{_W}p")]


def _activities(tc) -> str:
    """The activities cell as the text layout writes it: ``➤ title (See also ...) ➤ ...``."""
    items: list[str] = []
    rows = [(_paragraph_text(p), _is_list_paragraph(p)) for p in _paragraphs(tc)]
    rows = [(text, listed) for text, listed in rows if text]
    bulleted = any(listed or text[0] in BULLETS for text, listed in rows)
    for text, listed in rows:
        starts = listed or text[0] in BULLETS
        text = text.lstrip(BULLETS).strip()
        if not bulleted or starts or not items:
            items.append(text)
        else:
            items[-1] += " " + text
    if len(items) == 1 and not bulleted:
        return items[0]
    return " ".join(f"{BULLET} {item}" for item in items)


def _kpis(tc) -> str:
    texts = [t for t in (_paragraph_text(p) for p in _paragraphs(tc)) if t]
    if len(texts) > 1 and not texts[0].startswith("(1)"):
        return " ".join(f"({i}) {t}" for i, t in enumerate(texts, start=1))
    return " ".join(texts)


def _plain(tc) -> str:
    return " ".join(t for t in (_paragraph_text(p) for p in _paragraphs(tc)) if t)


def _cells(tr) -> list[tuple[object, int, bool]]:
    """(cell, columns it spans, merged down from above) of a row."""
    out = []
    for tc in tr.findall(f"{_W}tc"):
        tcpr = tc.find(f"{_W}tcPr")
        span, continued = 1, False
        if tcpr is not None:
            grid = tcpr.find(f"{_W}gridSpan")
            if grid is not None:
                span = int(grid.get(f"{_W}val") or 1)
            merge = tcpr.find(f"{_W}vMerge")
            if merge is not None and (merge.get(f"{_W}val") or "continue") == "continue":
                continued = True
        out.append((tc, span, continued))
    return out


def _columns(tbl) -> int:
    grid = tbl.find(f"{_W}tblGrid")
    if grid is not None and len(grid):
        return len(grid.findall(f"{_W}gridCol"))
    first = tbl.find(f"{_W}tr")
    return sum(span for _tc, span, _c in _cells(first)) if first is not None else 0


def _looks_like_plan(tbl) -> bool:
    for tr in tbl.findall(f"{_W}tr"):
        cells = _cells(tr)
        if cells:
            first = _plain(cells[0][0])
            if _ACTION_ROW.match(first) or first.lower().startswith("specific action"):
                return True
    return False


def read_docx(data: bytes) -> WordText:
    """The document as the text layout (see the module's docstring), or PlanSyntaxError."""
    if is_old_doc(data):
        raise PlanSyntaxError(None, "this is an old Word .doc file: save it as a Word document "
                              "(.docx) and import that")
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PlanSyntaxError(None, "the file is not a Word document (.docx) that can be "
                              f"opened, or it is damaged ({type(exc).__name__})") from None
    except Exception as exc:  # lxml and zip errors of a damaged package
        raise PlanSyntaxError(None, "the Word document is damaged and cannot be read "
                              f"({type(exc).__name__})") from None
    body = document.element.body
    out = WordText()
    children = list(body.iterchildren())
    title = next((_paragraph_text(c) for c in children if c.tag == f"{_W}p"
                  and _TITLE.search(_paragraph_text(c))), "")
    if title:
        out.add(title, "the document's title")
    table_number = paragraph_number = 0
    plan_tables = 0
    for child in children:
        if child.tag == f"{_W}p":
            paragraph_number += 1
            text = _paragraph_text(child)
            if text and text != title:
                out.add(text, f"paragraph {paragraph_number}")
            continue
        if child.tag != f"{_W}tbl":
            continue
        table_number += 1
        columns = _columns(child)
        if columns != 3:
            if _looks_like_plan(child):
                raise PlanSyntaxError(None, f"table {table_number} has {columns} columns; a "
                                      "plan's table has 3 (actions, activities, KPIs)")
            continue
        plan_tables += 1
        for row_number, tr in enumerate(child.findall(f"{_W}tr"), start=1):
            place = f"table {table_number}, row {row_number}"
            cells = _cells(tr)
            if not cells:
                continue
            if len(cells) == 1 and cells[0][1] >= 3:  # merged across: a heading line
                text = _plain(cells[0][0])
                if text:
                    out.add(text, place)
                continue
            if len(cells) != 3 or any(span != 1 for _tc, span, _c in cells):
                raise PlanSyntaxError(None, f"{place}: cells merged across columns; a plan's "
                                      "row has three cells (action, activities, KPIs)")
            (action, _s, c1), (activities, _s2, c2), (kpis, _s3, c3) = cells
            row = [("" if c1 else _plain(action)),
                   ("" if c2 else _activities(activities)),
                   ("" if c3 else _kpis(kpis))]
            if not any(row):
                continue
            out.add("\t".join(row), place)
    if not plan_tables:
        raise PlanSyntaxError(None, "the Word document has no table of three columns "
                              "(actions, activities, KPIs): it does not look like a work plan")
    return out
