"""The plan as a spreadsheet: one row per action-activity link (and one per action with none)."""

from __future__ import annotations

from collections import defaultdict

from openpyxl import Workbook

from workplan.core.xlsx import workbook_bytes, write_sheet

from ..textplan.assemble import PlanDocument, activity_key
from ..textplan.kinds import KINDS
from ..textplan.render import kpi_text, reference_text

HEADERS = ["Pillar", "Action", "Action text", "RSP reference", "Upon request", "KPIs",
           "Activity", "Kind", "Members (ISO 3166)", "Link", "See also as written"]


def render_xlsx(plan, document: PlanDocument) -> bytes:
    linked = defaultdict(list)
    for activity in document.activities:
        for code in activity.actions:
            linked[code].append(activity)
    rows = []
    for pillar in document.parsed.pillars:
        for action in pillar.actions:
            reference = reference_text(action.rsp_refs, action.rocb_specific,
                                       plan.office.short_name).strip("()")
            common = [pillar.number, action.code, action.text, reference,
                      "yes" if action.upon_request else "no", kpi_text(action.kpis)]
            if not linked[action.code]:
                rows.append(common + ["", "", "", "", ""])
            listings = {activity_key(listing.title): listing for listing in action.listings}
            for activity in linked[action.code]:
                listing = listings.get(activity.key)
                how = ("listed + See also" if listing and action.code in activity.see_also_from
                       else "listed" if listing else "See also")
                rows.append(common + [
                    listing.title if listing else activity.title,
                    KINDS.get(activity.kind, activity.kind),
                    ", ".join(activity.members),
                    how,
                    ", ".join(listing.see_also) if listing else "",
                ])
    wb = Workbook()
    ws = wb.active
    ws.title = f"AWP {plan.period}"
    write_sheet(ws, HEADERS, rows, widths=[7, 8, 60, 28, 9, 40, 60, 20, 24, 16, 24])
    return workbook_bytes(wb)
