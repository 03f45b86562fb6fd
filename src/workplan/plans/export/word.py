"""The plan as the annual report's annex: a Word document with the three-column table.

Real Word headings, the built-in "Table Grid" style and a header row that repeats on every
page, so staff can edit it as any other report.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ..textplan.assemble import PlanDocument
from ..textplan.parser import BULLET
from ..textplan.render import reference_text


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def render_docx(plan, document: PlanDocument) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    doc.core_properties.title = document.title
    doc.core_properties.subject = f"{plan.office.name}: annual work plan {plan.period}"

    doc.add_heading(document.title, level=1)
    short = plan.office.short_name
    strategic = document.parsed.strategic_period
    relevance = f" (Relevance to RSP {strategic})" if strategic else ""
    headers = [f"Specific Actions of {short}{relevance}",
               f"Annual Work Plan for {document.period}", "RSP Key Performance Indicator"]
    for pillar in document.parsed.pillars:
        doc.add_heading(f"{pillar.number}. {pillar.title}", level=2)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
            _shade(cell, "DCE6F1")
        _repeat_header(table.rows[0])
        for action in pillar.actions:
            cells = table.add_row().cells
            paragraph = cells[0].paragraphs[0]
            paragraph.add_run(f"{action.letter}) ").bold = True
            paragraph.add_run(action.text)
            reference = reference_text(action.rsp_refs, action.rocb_specific, short)
            if reference:
                paragraph.add_run(f" {reference}").italic = True
            first = True
            for listing in action.listings:
                paragraph = cells[1].paragraphs[0] if first else cells[1].add_paragraph()
                first = False
                paragraph.add_run(f"{BULLET} {listing.title}")
                if listing.see_also:
                    paragraph.add_run(f" (See also {', '.join(listing.see_also)})").italic = True
            for i, kpi in enumerate(action.kpis):
                paragraph = cells[2].paragraphs[0] if i == 0 else cells[2].add_paragraph()
                paragraph.add_run(f"({i + 1}) {kpi}" if len(action.kpis) > 1 else kpi)
        widths = (Cm(9.5), Cm(11), Cm(5.5))
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
