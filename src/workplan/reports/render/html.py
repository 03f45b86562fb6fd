"""HTML of the reports: one standalone HTML template each (with print styles, for printing from
a browser), filled from the data the ``reports.data`` functions computed."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .charts import annual_charts


def annual_context(report) -> dict:
    charts = {chart.key: chart for chart in annual_charts(report)}
    codes = [code for code, _label in report.genders]
    other = [g for g in report.annex_totals if g not in codes
             and g not in ("total", "workshops")]
    annex = [(row.member, [row.by_gender.get(code, 0) for code in codes]
              + ([sum(row.by_gender.get(g, 0) for g in other)] if other else []),
              row.total, row.workshops) for row in report.annex_rows]
    annex_headers = [label for _code, label in report.genders] + ([_("Other")] if other
                                                                  else [])
    annex_totals = [report.annex_totals.get(code, 0) for code in codes] + (
        [sum(report.annex_totals.get(g, 0) for g in other)] if other else [])
    from .annual_docx import cover_note

    signature = report.words.signature
    return {
        "report": report, "office": report.office, "charts": charts,
        "chapters": report.chapters, "cover_note": cover_note(report),
        "signature_src": f"data:{signature.content_type};base64,{signature.data}"
        if signature is not None else "",
        "tables": [{"key": t.key, "title": t.title, "intro": t.intro,
                    "headers": t.all_headers,
                    "numeric": set(t.numeric) | ({len(t.all_headers) - 1}
                                                 if t.previous_header else set()),
                    "rows": [t.cells(r) for r in t.rows],
                    "total": t.cells(t.total) if t.total else None}
                   for t in report.tables],
        "annex": annex, "annex_headers": annex_headers, "annex_totals": annex_totals,
        "header": f"{report.office.short_name} · {report.title}",
        "has_other": bool(report.other_events),
        "kind_rows": [(kind, counts, sum(counts)) for kind, counts in
                      report.events_by_kind_level],
        "level_totals": [sum(counts[i] for _kind, counts in report.events_by_kind_level)
                         for i in range(len(report.levels))],
    }


def render_annual_html(report) -> str:
    """The report as one web page: a document of its own, so its charts' ids are counted from
    its first chart (two renders of a final report are the same bytes)."""
    from workplan.core import charts

    with charts.page():
        return render_to_string("reports/annual_report.html", annual_context(report))


def render_newsletter_html(newsletter) -> str:
    return render_to_string("reports/newsletter.html", {"news": newsletter,
                                                        "office": newsletter.office})
