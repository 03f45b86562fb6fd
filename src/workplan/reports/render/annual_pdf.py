"""The annual report as a PDF, typeset by Typst from the report's data.

Why Typst and not the HTML through WeasyPrint (which the report used first): the year's report
runs to 30-70 pages, and WeasyPrint spent about 70 ms on each (CSS cascade, line breaking and
glyph drawing in Python), so a large office's PDF took 13-19 times as long as computing the
report's data. Typst (a compiled typesetter, through the ``typst`` wheel) lays out the same
pages in a fraction of that, with hyphenation, repeated table headers, an outline with page
numbers and the SVG charts as vectors.

The template (``templates/reports/annual_report.typ``) receives one JSON document in
``sys.inputs``: every text is a JSON string, so staff's titles and summaries are set as text and
cannot be read as Typst markup. Labels are translated here, with the rest of the product's
strings.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from ..data.annual import paragraphs
from .annual_docx import cover_note
from .html import annual_context
from .typeset import FONTS, typeset_pdf


def render_annual_pdf(report) -> bytes:
    return typeset_pdf("annual_report.typ", pdf_data(report))


def pdf_data(report) -> dict:
    """Everything the template sets, as JSON-ready values (strings, numbers, lists)."""
    context = annual_context(report)
    office = report.office
    return {
        "lang": (get_language() or "en").split("-")[0],
        "fonts": FONTS,
        "office": office.short_name,
        "office_name": office.name,
        "header": context["header"],
        "title": report.title,
        "subtitle": report.subtitle,
        "period_text": report.period_text,
        "note": cover_note(report),
        "date": [report.generated.year, report.generated.month, report.generated.day],
        "labels": _labels(report),
        "chapters": dict(report.chapters),
        "omitted": list(report.omitted),
        "words": _words(report.words),
        "tables": [{"title": t.title, "intro": t.intro, "headers": t.all_headers,
                    "numeric": sorted(set(t.numeric) | ({len(t.all_headers) - 1}
                                                         if t.previous_header else set())),
                    "rows": [t.cells(r) for r in t.rows],
                    "total": t.cells(t.total) if t.total else None}
                   for t in report.tables],
        "intro": list(report.intro),
        "summary": list(report.summary),
        "figures": [{"text": f.text, "label": str(f.label), "note": str(f.note or "")}
                    for f in report.figures],
        "kinds": {
            "levels": [str(level) for level in report.levels],
            "rows": [{"kind": str(kind), "counts": counts, "total": total}
                     for kind, counts, total in context["kind_rows"]],
            "totals": context["level_totals"],
            "total": report.events_held,
        },
        "charts": {key: {"svg": chart.svg, "caption": str(chart.caption), "alt": chart.alt}
                   for key, chart in context["charts"].items()},
        "pillars": [_pillar(pillar) for pillar in report.pillars],
        "other": {"intro": _("Events held at members' request or on the office's initiative "
                             "that serve no action of the plan."),
                  "events": [_group(g) for g in report.other_groups]},
        "kpi_summary": report.kpi_summary,
        "kpis": [{"code": r.code, "action": r.action_title, "note": r.note,
                  "kpi": r.kpi, "target": r.target, "actual": r.actual,
                  "counts": _("Counts: %(what)s") % {"what": r.counts},
                  "percent": r.percent, "status": str(r.status), "state": r.state}
                 for r in report.kpis],
        "publications_intro": report.publications_intro,
        "publications": [{"date": date_format(p.date, "j M Y"), "kind": str(p.kind),
                          "title": p.title, "member": p.member or "–", "url": p.url or ""}
                         for p in report.publications],
        "annex": {
            "intro": report.annex_intro,
            "headers": [str(h) for h in context["annex_headers"]],
            "rows": [{"member": member, "counts": counts, "total": total,
                      "workshops": workshops}
                     for member, counts, total, workshops in context["annex"]],
            "totals": context["annex_totals"],
            "total": report.annex_totals.get("total", 0),
            "workshops_total": report.annex_totals.get("workshops", 0),
            "workshops": [{"title": e.title,
                           "when": f"{e.dates}, {e.place}" if e.place else e.dates,
                           "participants": e.participants} for e in report.annex_workshops],
        },
        "next_plan": _next_plan(report),
        "abbreviations": [[a, m] for a, m in report.abbreviations],
    }


def _words(words) -> dict:
    signature = None
    if words.signature is not None:
        # Typst reads the picture from an SVG that carries it (the data travels as text).
        sig = words.signature
        signature = (f'<svg xmlns="http://www.w3.org/2000/svg" '
                     f'xmlns:xlink="http://www.w3.org/1999/xlink" width="{sig.width}" '
                     f'height="{sig.height}" viewBox="0 0 {sig.width} {sig.height}">'
                     f'<image width="{sig.width}" height="{sig.height}" '
                     f'xlink:href="data:{sig.content_type};base64,{sig.data}"/></svg>')
    return {"foreword": list(words.foreword), "challenges": list(words.challenges),
            "way_forward": list(words.way_forward), "head_name": words.head_name,
            "head_title": words.head_title, "signature": signature,
            "signature_alt": (_("Signature of %(name)s") % {"name": words.head_name}
                              if words.head_name else _("Signature of the head of office"))}


def _pillar(pillar) -> dict:
    return {
        "words": paragraphs(pillar.words),
        "heading": _("Pillar %(n)s: %(title)s") % {"n": pillar.number, "title": pillar.title},
        "intro": ngettext(
            "%(count)s event was held under %(served)s of the pillar's %(actions)s actions.",
            "%(count)s events were held under %(served)s of the pillar's %(actions)s actions.",
            pillar.events) % {"count": pillar.events, "served": pillar.served,
                              "actions": pillar.action_count},
        "actions": [{"heading": _("Action %(code)s: %(title)s") % {"code": s.code,
                                                                   "title": s.title},
                     "text": s.text, "events": [_group(g) for g in s.groups]}
                    for s in pillar.actions],
    }


def _group(group) -> dict:
    """One event, or the sessions of one activity under one title."""
    if len(group.events) == 1:
        event = group.events[0]
        return {"title": event.title, "meta": event.meta, "paragraph": event.story(),
                "sessions": []}
    return {"title": group.title, "meta": group.sessions, "paragraph": "",
            "sessions": [{"meta": e.meta, "paragraph": e.story()} for e in group.events]}


def _next_plan(report) -> dict | None:
    if not report.next_plan:
        return None
    return {
        "title": report.next_plan_title,
        "headers": [str(h) for h in report.next_plan_headers],
        "pillars": [{"heading": f"{number}. {title}",
                     "rows": [{"letter": row.letter, "text": row.text,
                               "reference": row.reference or "",
                               "activities": list(row.activities), "kpis": list(row.kpis)}
                              for row in rows]}
                    for number, title, rows in report.next_plan],
    }


def _labels(report) -> dict:
    return {
        "organization": _("World Customs Organization"),
        "contents": _("Contents"),
        "introduction": "1. " + _("Introduction"),
        "summary": "2. " + _("Executive summary"),
        "activities": "3. " + _("Activities by pillar and action"),
        "kpis": "4. " + _("Achievement of the key performance indicators"),
        "publications": "5. " + _("Publications and information shared"),
        "annex1": _("Annex 1") + ": " + _("Participants in regional and sub-regional "
                                          "workshops by member"),
        "annex2": _("Annex 2") + ": " + _("Annual Work Plan %(period)s") % {
            "period": report.next_period},
        "abbreviations": _("Abbreviations"),
        "other": _("Other activities"),
        "figure": _("Figure"),
        "figures_caption": _("The year in figures"),
        "kinds_caption": _("Events held by kind and level"),
        "kind": _("Kind"), "total": _("Total"),
        "kpis_caption": _("KPI achievement for the fiscal year (from the indicator "
                          "performance tracking table)"),
        "comment": _("Comment"),
        "action": _("Action"), "kpi": _("KPI"), "target": _("Target"), "actual": _("Actual"),
        "met": _("% met"), "status": _("Status"),
        "date": _("Date"), "title": _("Title"), "member": _("Member"),
        "workshops_attended": _("Workshops attended"),
        "the_workshops": _("The workshops"),
        "workshop": _("Workshop"), "dates_place": _("Dates and place"),
        "participants": _("Participants"),
        "no_next_plan": _("The Annual Work Plan %(period)s has not been adopted (imported "
                          "into Workplan) yet.") % {"period": report.next_period},
    }
