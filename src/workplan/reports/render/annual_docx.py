"""The annual report as a Word document: the office's working format, laid out from the data
``reports.data.annual`` computed (no query here, except reading the next plan's annex through
``plans.export.word``, which renders the published three-column table).
"""

from __future__ import annotations

import io

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from ..data.annual import paragraphs
from . import word
from .charts import Pictures, annual_charts


def cover_note(report) -> str:
    """What the cover says of the report's standing: a draft of the day, or final."""
    if report.words.final:
        return _("Final report, made final on %(day)s.") % {
            "day": date_format(report.words.finalised or report.generated, "j F Y")}
    return _("Draft prepared with Workplan from the office's records on %(day)s.") % {
        "day": date_format(report.generated, "j F Y")}


def render_annual_docx(report) -> bytes:
    office = report.office
    doc = word.new_document(title=f"{report.title} – {office.short_name}",
                            subject=report.subtitle, author=office.name)
    first = doc.sections[0]
    first.different_first_page_header_footer = True
    word.header_and_footer(first, f"{office.short_name} · {report.title}")
    charts = annual_charts(report)
    pictures = Pictures(charts)  # drawn in the background while the document is laid out
    captions = {chart.key: chart.caption for chart in charts}
    alts = {chart.key: chart.alt for chart in charts}
    places: list[tuple[str, object, object]] = []
    w = word.Writer(doc)

    def figure(key: str) -> None:
        if key in captions:
            w.flush()
            places.append((key, *word.picture_place(doc, _("Figure %(n)s. %(caption)s") % {
                "n": len(places) + 1, "caption": captions[key]})))

    _cover(doc, report)
    _contents(doc, report)
    chapters = report.chapters
    words = report.words

    if "foreword" in chapters:
        w.heading(chapters["foreword"], 1)
        for paragraph in words.foreword:
            w.paragraph(paragraph)
        w.flush()
        _signature(doc, words)
        w.page_break()

    w.heading(chapters["introduction"], 1)
    for paragraph in report.intro:
        w.paragraph(paragraph)

    w.page_break()
    w.heading(chapters["summary"], 1)
    for paragraph in report.summary:
        w.paragraph(paragraph)
    w.flush()
    _key_figures(doc, report)
    if report.events_by_kind_level:
        w.paragraph(_("Events held by kind and level"), "Table Caption")
        levels = report.levels
        totals = [sum(counts[i] for _k, counts in report.events_by_kind_level)
                  for i in range(len(levels))]
        w.table([_("Kind"), *levels, _("Total")],
                [[kind, *counts, sum(counts)] for kind, counts in report.events_by_kind_level],
                widths=[5.0] + [11.6 / (len(levels) + 1)] * (len(levels) + 1),
                numeric=set(range(1, len(levels) + 2)),
                footer=[_("Total"), *totals, report.events_held])
    for key in ("events", "gender", "reach"):
        figure(key)
    for table in report.tables:
        _figure_table(w, table)

    w.page_break()
    w.heading(chapters["activities"], 1)
    for pillar in report.pillars:
        w.heading(_("Pillar %(n)s: %(title)s") % {"n": pillar.number, "title": pillar.title}, 2)
        for paragraph in paragraphs(pillar.words):
            w.paragraph(paragraph)
        w.paragraph(ngettext(
            "%(n)s event was held under %(served)s of the pillar's %(actions)s actions.",
            "%(n)s events were held under %(served)s of the pillar's %(actions)s actions.",
            pillar.events) % {"n": pillar.events, "served": pillar.served,
                              "actions": pillar.action_count}, "Lead")
        for section in pillar.actions:
            w.heading(_("Action %(code)s: %(title)s") % {"code": section.code,
                                                         "title": section.title}, 3)
            w.paragraph(section.text, "Action Text")
            for group in section.groups:
                _group(w, group)
    if report.other_events:
        w.heading(_("Other activities"), 2)
        w.paragraph(_("Events held at members' request or on the office's initiative that "
                      "serve no action of the plan."), "Lead")
        for group in report.other_groups:
            _group(w, group)

    w.page_break()
    w.heading(chapters["kpis"], 1)
    w.paragraph(report.kpi_summary)
    figure("kpis")
    w.paragraph(_("KPI achievement for the fiscal year (from the indicator performance "
                  "tracking table)"), "Table Caption")
    w.table([_("Action"), _("KPI"), _("Target"), _("Actual"), _("% met"), _("Status"),
             _("Comment")],
            [[[r.code, r.action_title], [r.kpi, _("Counts: %(what)s") % {"what": r.counts}],
              r.target, r.actual, r.percent, r.status, r.note] for r in report.kpis],
            widths=[2.6, 5.0, 1.4, 1.4, 1.3, 1.9, 3.0], numeric={2, 3, 4})

    if "publications" in chapters:
        w.page_break()
        w.heading(chapters["publications"], 1)
        w.paragraph(report.publications_intro, "Table Intro")
        w.table([_("Date"), _("Kind"), _("Title"), _("Member")],
                [[date_format(p.date, "j M Y"), p.kind, p.title, p.member or "–"]
                 for p in report.publications], widths=[2.4, 3.6, 8.0, 2.6])

    for key, texts in (("challenges", words.challenges), ("way_forward", words.way_forward)):
        if key in chapters:
            w.page_break()
            w.heading(chapters[key], 1)
            for paragraph in texts:
                w.paragraph(paragraph)

    if "annex1" in chapters:
        w.page_break()
        w.heading(chapters["annex1"], 1)
        w.paragraph(report.annex_intro, "Table Intro")
        _annex_table(w, report)
        figure("workshops")
        w.heading(_("The workshops"), 2)
        w.table([_("Workshop"), _("Dates and place"), _("Participants")],
                [[e.title, e.dates + (f", {e.place}" if e.place else ""), e.participants]
                 for e in report.annex_workshops], widths=[8.6, 5.6, 2.4], numeric={2})
    w.flush()

    if "annex2" in chapters:
        annex = word.landscape_section(doc)
        word.header_and_footer(annex, f"{office.short_name} · {report.title}")
        w.heading(chapters["annex2"], 1)
        w.paragraph(report.next_plan_title, "Lead")
        for number, title, rows in report.next_plan:
            w.heading(f"{number}. {title}", 2)
            w.table(list(report.next_plan_headers),
                    [[[f"{row.letter}) {row.text}"] + ([row.reference] if row.reference else []),
                      list(row.activities) or [""], list(row.kpis) or [""]] for row in rows],
                    widths=[8.6, 10.4, 6.0])
        w.flush()
        last = word.portrait_section(doc)
        word.header_and_footer(last, f"{office.short_name} · {report.title}")
    else:
        w.page_break()
    w.heading(chapters["abbreviations"], 1)
    if report.abbreviations:
        w.table([_("Abbreviation"), _("Meaning")], report.abbreviations, widths=[3.2, 13.4])
    w.flush()
    word.fill_pictures(places, pictures.result(), alts)
    word.update_fields_on_open(doc)
    return word.to_bytes(doc, fixed=report.generated)


def _signature(doc, words) -> None:
    """The head's signature (if given), name and title, under the foreword."""
    import base64

    if words.signature is not None:
        width = min(Cm(5), Cm(5 * words.signature.width / max(words.signature.height * 2.5,
                                                                1)))
        doc.add_picture(io.BytesIO(base64.b64decode(words.signature.data)), width=width)
    for text, bold in ((words.head_name, True), (words.head_title, False)):
        if text:
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.add_run(text).bold = bold


def _figure_table(w, table) -> None:
    w.heading(table.title, 2)
    w.paragraph(table.intro, "Lead")
    headers = table.all_headers
    numeric = set(table.numeric) | ({len(headers) - 1} if table.previous_header else set())
    first = 5.6 if len(headers) > 2 else 10.0
    rest = (16.6 - first) / max(len(headers) - 1, 1)
    w.table(headers, [table.cells(r) for r in table.rows],
            widths=[first] + [rest] * (len(headers) - 1), numeric=numeric,
            footer=table.cells(table.total) if table.total else None)


def _cover(doc, report) -> None:
    for _i in range(5):
        doc.add_paragraph()
    org = doc.add_paragraph()
    run = org.add_run(_("World Customs Organization").upper())
    run.font.size = Pt(11)
    run.font.color.rgb = word.MUTED
    doc.add_paragraph(report.title, style="Title")
    doc.add_paragraph(report.subtitle, style="Subtitle")
    period = doc.add_paragraph()
    period.add_run(report.period_text).font.size = Pt(12)
    for _i in range(12):
        doc.add_paragraph()
    word.para(doc, cover_note(report), "Lead")
    word.page_break(doc)


def _contents(doc, report) -> None:
    """A table of contents field: Word fills in the page numbers when the document opens;
    until then (and in viewers that do not update fields) it lists the chapters. What the
    report leaves out for want of anything to show is said under it, a line each."""
    doc.add_paragraph(_("Contents"), style="TOC Heading")
    paragraph = doc.add_paragraph()
    word.field(paragraph, 'TOC \\o "1-2" \\h \\z \\u', "\n".join(report.chapters.values()))
    for line in report.omitted:
        word.para(doc, line, "Lead")
    word.page_break(doc)


def _key_figures(doc, report) -> None:
    word.para(doc, _("The year in figures"), "Table Caption")
    per_row = 4
    figures = report.figures
    grid = doc.add_table(rows=0, cols=per_row)
    grid.style = "Table Grid"
    for start in range(0, len(figures), per_row):
        cells = grid.add_row().cells
        for cell, item in zip(cells, figures[start:start + per_row], strict=False):
            word.shade(cell, "EEF3F9")
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            value = paragraph.add_run(item.text)
            value.bold = True
            value.font.size = Pt(15)
            value.font.color.rgb = word.BLUE
            label = cell.add_paragraph()
            label.alignment = WD_ALIGN_PARAGRAPH.CENTER
            label.paragraph_format.space_after = Pt(2)
            run = label.add_run(item.label)
            run.font.size = Pt(8.5)
            run.font.color.rgb = word.MUTED
            if item.note:
                note = label.add_run("\n" + item.note)
                note.font.size = Pt(7.5)
                note.font.color.rgb = word.MUTED
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _group(w, group) -> None:
    """An event (title, line of facts, its story) or the sessions of one activity (the title
    once, then each session's facts and story)."""
    # Title and facts in one paragraph: they never part, whatever the page break.
    if len(group.events) == 1:
        event = group.events[0]
        w.paragraph(style="Event Title", runs=[
            w.run(event.title), '<w:r><w:br/></w:r>', w.run(event.meta, style="Event Facts")])
        if event.story():
            w.paragraph(event.story())
        return
    w.paragraph(style="Event Title", runs=[
        w.run(group.title), '<w:r><w:br/></w:r>', w.run(group.sessions, style="Event Facts")])
    for event in group.events:
        story = event.story()
        w.paragraph(runs=[w.run(event.meta, style="Event Facts")]
                    + ([w.run(" – " + story)] if story else []))


def _annex_table(w, report) -> None:
    codes = [code for code, _label in report.genders]
    other = [g for g in report.annex_totals if g not in codes
             and g not in ("total", "workshops")]
    headers = [_("Member"), *[label for _c, label in report.genders],
               *([_("Other")] if other else []), _("Total"), _("Workshops attended")]
    rows = [[row.member, *[row.by_gender.get(c, 0) for c in codes],
             *([sum(row.by_gender.get(g, 0) for g in other)] if other else []),
             row.total, row.workshops] for row in report.annex_rows]
    totals = report.annex_totals
    footer = [_("Total"), *[totals.get(c, 0) for c in codes],
              *([sum(totals.get(g, 0) for g in other)] if other else []),
              totals.get("total", 0), totals.get("workshops", 0)]
    numbers = len(headers) - 1
    w.table(headers, rows, widths=[5.4] + [11.2 / numbers] * numbers,
            numeric=set(range(1, len(headers))), footer=footer)
