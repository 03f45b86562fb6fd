"""The reports' charts: the same server-drawn SVG (``core.charts``) in the HTML and the PDF,
and as PNG in Word documents.

Word needs a bitmap. Matplotlib would draw different charts from different code, so the SVG
itself is rasterised: Typst (already the PDF's typesetter) sets each chart on a page of exactly
its size and writes the pages as PNG, in one child process.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from workplan.core import charts

from .typeset import FONTS, Job

RESOLUTION = 160  # dpi: 1.67 image pixels per CSS pixel (sharp at 16 cm wide)
_VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')
_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.S)


@dataclass
class Chart:
    key: str
    caption: str
    svg: str

    @property
    def alt(self) -> str:
        """The picture's alternative text in Word: its caption and the data in words (the
        SVG's ``<desc>``, which screen readers read on the web page)."""
        match = _DESC.search(self.svg)
        words = html.unescape(match.group(1)).strip() if match else ""
        return f"{self.caption}. {words}" if words else self.caption

    @property
    def size(self) -> tuple[float, float]:
        match = _VIEWBOX.search(self.svg)
        return (float(match.group(1)), float(match.group(2))) if match else (560.0, 300.0)


def annual_charts(report) -> list[Chart]:
    """The annual report's figures, drawn from its own rows."""
    found = []
    if report.events_by_kind_level:
        found.append(Chart("events", _("Events held by level and kind"),
                           charts.stacked_bar_chart(
                               report.levels, report.events_by_kind_level,
                               title=_("Events held by level and kind"), width=640)))
    if report.participants_by_gender:
        from workplan.directory.models import Person

        genders = dict(Person.Gender.choices)
        found.append(Chart("gender", _("Participants by gender"), charts.share_chart(
            [(str(genders.get(g, g)), n) for g, n in sorted(
                report.participants_by_gender.items())],
            title=_("Participants by gender"), width=640)))
    if report.reached_by_subregion:
        found.append(Chart("reach", _("Members reached by sub-region"), charts.bar_chart(
            [(name or _("No sub-region"), count, None)
             for name, count in report.reached_by_subregion],
            title=_("Members reached by sub-region"), width=640)))
    if report.kpis:
        from workplan.indicators.iptt import STATUS_LABELS

        found.append(Chart("kpis", _("The plan's KPIs by status at the year's end"),
                           charts.bar_chart(
                               [(str(label), report.kpi_status.get(state, 0), None)
                                for state, label in STATUS_LABELS.items()],
                               title=_("KPIs by status"), width=640)))
    if report.annex_rows:
        rows = sorted(report.annex_rows, key=lambda r: (-r.total, r.member))
        found.append(Chart("workshops", _("Participants in regional and sub-regional "
                                          "workshops by member"), charts.bar_chart(
            [(r.member, r.total, None) for r in rows],
            title=_("Participants in regional and sub-regional workshops"), width=640)))
    return found


class Pictures:
    """PNG of charts, typeset by Typst in a child process while the caller goes on (the Word
    document is laid out meanwhile); ``result()`` waits for them."""

    def __init__(self, found: list[Chart]):
        self.found = found
        self.job = Job("charts.typ", {"fonts": FONTS, "charts": [
            {"svg": chart.svg, "width": chart.size[0], "height": chart.size[1],
             "alt": chart.alt} for chart in found]}, fmt="png", ppi=RESOLUTION) if found else None

    def result(self) -> dict[str, bytes]:
        """Chart key -> PNG bytes."""
        if self.job is None:
            return {}
        images, self.job = self.job.result(), None
        return {chart.key: image for chart, image in zip(self.found, images, strict=True)}
