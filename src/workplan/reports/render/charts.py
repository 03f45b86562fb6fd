"""The reports' charts: the same server-drawn SVG (``core.charts``) in the HTML and the PDF,
and as PNG in Word documents.

Word needs a bitmap. No SVG rasteriser is installed (cairosvg is not a dependency) and
matplotlib would draw different charts from different code; so the SVG itself is rendered:
WeasyPrint (already a dependency, for the PDF) lays each chart out on a page of exactly its
size, and ``pdftoppm`` (poppler-utils, installed with WeasyPrint's system libraries) turns the
pages into PNG in one call. Without ``pdftoppm`` on PATH the Word document has no charts (the
tables next to them carry the same figures) and a warning is logged.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from workplan.core import charts

log = logging.getLogger(__name__)
RESOLUTION = 160  # dpi: 1.67 image pixels per CSS pixel (sharp at 16 cm wide)
_VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


@dataclass
class Chart:
    key: str
    caption: str
    svg: str

    @property
    def size(self) -> tuple[float, float]:
        match = _VIEWBOX.search(self.svg)
        return (float(match.group(1)), float(match.group(2))) if match else (560.0, 300.0)


def annual_charts(report) -> list[Chart]:
    """The annual report's figures, drawn from its own rows."""
    board = report.board
    found = []
    if board.events:
        found.append(Chart("events", _("Events held by level and kind"),
                           charts.stacked_bar_chart(
                               report.levels, report.events_by_kind_level,
                               title=_("Events held by level and kind"), width=640)))
    if board.participants:
        from workplan.directory.models import Person

        genders = dict(Person.Gender.choices)
        found.append(Chart("gender", _("Participants by gender"), charts.share_chart(
            [(str(genders.get(g, g)), n) for g, n in sorted(board.participants.items())],
            title=_("Participants by gender"), width=640)))
    if board.members_reached:
        found.append(Chart("reach", _("Members reached by sub-region"), charts.bar_chart(
            [(name or _("No sub-region"), len(ids), None)
             for name, ids in sorted(board.members_reached.items())],
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
    """PNG of charts, made by ``pdftoppm`` in the background while the caller goes on (the
    Word document is laid out meanwhile); ``result()`` waits for them."""

    def __init__(self, found: list[Chart]):
        self.found = found
        self.folder = None
        self.process = None
        tool = shutil.which("pdftoppm")
        if not found:
            return
        if tool is None:
            log.warning("pdftoppm (poppler-utils) is not installed: Word documents get no "
                        "charts")
            return
        self.folder = tempfile.TemporaryDirectory(prefix="workplan-charts-")
        source = Path(self.folder.name) / "charts.pdf"
        source.write_bytes(_charts_pdf(found))
        self.process = subprocess.Popen(
            [tool, "-png", "-r", str(RESOLUTION), str(source),
             str(Path(self.folder.name) / "chart")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def result(self) -> dict[str, bytes]:
        """Chart key -> PNG bytes (empty without pdftoppm)."""
        if self.process is None:
            return {}
        try:
            _out, errors = self.process.communicate(timeout=120)
            if self.process.returncode:
                raise RuntimeError(f"pdftoppm failed: {errors.decode(errors='replace')}")
            images = sorted(Path(self.folder.name).glob("chart-*.png"),
                            key=lambda p: int(p.stem.rsplit("-", 1)[1]))
            return {chart.key: image.read_bytes()
                    for chart, image in zip(self.found, images, strict=True)}
        finally:
            self.folder.cleanup()
            self.process = None


def _charts_pdf(found: list[Chart]) -> bytes:
    """One PDF page per chart, each exactly the chart's size."""
    from weasyprint import HTML

    pages = []
    styles = []
    for index, chart in enumerate(found):
        width, height = chart.size
        styles.append(f"@page c{index} {{ size: {width}px {height}px; margin: 0 }}"
                      f" .c{index} {{ page: c{index}; width: {width}px; height: {height}px }}")
        pages.append(f'<div class="c{index}">{chart.svg}</div>')
    html = ("<!doctype html><html><head><meta charset='utf-8'><style>"
            "html, body { margin: 0; padding: 0 } div { overflow: hidden }"
            " div > svg { display: block; width: 100% !important; max-width: none !important;"
            " height: auto }" + " ".join(styles) + "</style></head><body>"
            + "".join(pages) + "</body></html>")
    return HTML(string=html).write_pdf()

