"""What the IPTT page and its XLSX show of each cell, worked out once in Python.

The table can hold thousands of cells (60 KPIs x 5 periods x 35 members); formatting them here
rather than through template tags keeps the page's rendering proportional and cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from workplan.core.figures import mean_text

from .links import record_query


def figure(value, unit: str = "count") -> str:
    """A measured value as the IPTT, the dashboard and the report write it; a mean rating
    with two decimals (``core.figures.mean_text``)."""
    if unit == "mean":
        return mean_text(value)
    if value is None:
        return "–"
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"


def percent(value) -> str:
    return "–" if value is None else f"{value:.0f}%"


@dataclass(slots=True)
class CellView:
    actual: str
    href: str = ""
    target: str = ""
    ratio: str = ""
    css: str = ""


def present(table) -> None:
    """Attach ``cells`` (CellView per period) to every row and ``figures`` to every part."""
    from .iptt import STATUS_LABELS

    events = reverse("delivery:event_list")
    register = reverse("indicators:adoption_register")
    # one reverse per URL name, not per row (0 stands for the id)
    indicator_url = reverse("indicators:indicator_detail", args=[0])[:-2]
    action_url = reverse("plans:action_detail", args=[0])[:-2]
    year = table.period.fiscal_year
    keys = [p.key for p in table.periods]
    for row in table.rows:
        row.url = f"{indicator_url}{row.indicator.pk}/"
        row.action_url = f"{action_url}{row.indicator.action_id}/"
        row.state_label = STATUS_LABELS[row.state]
        cells = []
        unit = getattr(row.measure, "unit", "count")
        for key in keys:
            column = row.columns[key]
            actual = column.cell.actual
            query = record_query(row, key, year)
            href = ""
            if actual is not None:
                if query is not None:
                    href = f"{events}?{query}"
                elif row.indicator.measure == "adoption":
                    href = register
            pct = column.percent
            cells.append(CellView(
                figure(actual, unit), href,
                f"/ {figure(column.target, unit)} · {percent(pct)}"
                if column.target is not None
                else "",
                f"{figure(column.cell.numerator)} / {figure(column.cell.denominator)}"
                if column.cell.denominator else "",
                "" if pct is None else (" is-met" if pct >= 100 else " is-short")))
        row.cells = cells
        for part in row.breakdown:
            part.figures = [figure(part.columns[key].actual, unit) for key in keys]
