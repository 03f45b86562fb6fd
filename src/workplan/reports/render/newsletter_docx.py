"""The quarterly e-newsletter draft as a Word document, from ``data.newsletter``."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from . import word


def render_newsletter_docx(news) -> bytes:
    office = news.office
    doc = word.new_document(title=f"{news.title} – {news.subtitle}", subject=news.subtitle,
                            author=office.name)
    word.header_and_footer(doc.sections[0], f"{news.title} · {news.subtitle}")
    doc.add_paragraph(news.title, style="Title")
    doc.add_paragraph(news.subtitle, style="Subtitle")
    doc.add_paragraph(news.intro)

    grid = doc.add_table(rows=1, cols=len(news.figures))
    grid.style = "Table Grid"
    for cell, item in zip(grid.rows[0].cells, news.figures, strict=True):
        word.shade(cell, "EEF3F9")
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        value = paragraph.add_run(item.text)
        value.bold = True
        value.font.size = Pt(14)
        value.font.color.rgb = word.BLUE
        label = cell.add_paragraph()
        label.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = label.add_run(item.label)
        run.font.size = Pt(8.5)
        run.font.color.rgb = word.MUTED
    doc.add_paragraph()

    doc.add_heading(_("Events of the quarter"), level=1)
    if not news.events:
        doc.add_paragraph(_("No event was held this quarter."))
    for event in news.events:
        doc.add_heading(event.title, level=2)
        word.para(doc, event.meta, "Lead")
        doc.add_paragraph(event.paragraph())

    doc.add_heading(_("Coming up next quarter"), level=1)
    if news.upcoming:
        for event in news.upcoming:
            paragraph = word.para(doc, "", "List Bullet")
            paragraph.add_run(event.title).bold = True
            paragraph.add_run(" – " + event.dates + (f", {event.place}" if event.place else ""))
    else:
        doc.add_paragraph(_("No event is scheduled yet for next quarter."))

    doc.add_heading(_("Published this quarter"), level=1)
    if news.publications:
        for item in news.publications:
            paragraph = word.para(doc, "", "List Bullet")
            paragraph.add_run(item.title).bold = True
            details = [item.kind, date_format(item.date, "j F Y")]
            if item.member:
                details.append(item.member)
            paragraph.add_run(" – " + ", ".join(details))
            if item.url:
                paragraph.add_run(f" ({item.url})")
    else:
        doc.add_paragraph(_("Nothing was recorded in the publications register this quarter."))

    doc.add_paragraph()
    closing = word.para(doc, news.closing, "Lead")
    closing.runs[0].italic = True
    return word.to_bytes(doc)
