"""Write a plan back in the published layout, which the importer reads to the same plan."""

from __future__ import annotations

from .assemble import PlanDocument
from .parser import BULLET, RspRef


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def reference_text(refs: list[RspRef], rocb_specific: bool, office_short: str) -> str:
    if rocb_specific:
        return f"({office_short} specific action (not mentioned in the RSP))"
    parts = []
    for ref in refs:
        if ref.milestones:
            word = "milestone" if len(ref.milestones) == 1 else "milestones"
            parts.append(f"RSP {ref.objective} \u2013 "
                         f"{', '.join(ordinal(n) for n in ref.milestones)} {word}")
        else:
            parts.append(f"RSP {ref.objective}")
    return f"({'; '.join(parts)})" if parts else ""


def kpi_text(kpis: list[str]) -> str:
    if len(kpis) == 1:
        return kpis[0]
    return " ".join(f"({i}) {k}" for i, k in enumerate(kpis, start=1))


def render_text(document: PlanDocument, office_short: str = "ROCB A/P",
                region_short: str = "A/P") -> str:
    strategic = document.parsed.strategic_period
    relevance = f" (Relevance to {region_short} RSP {strategic})" if strategic else ""
    header = "\t".join([
        f"Specific Actions of {office_short}{relevance}",
        f"Annual Work Plan for {document.period}",
        "RSP Key Performance Indicator",
    ])
    lines = [document.title, ""]
    for pillar in document.parsed.pillars:
        lines += [f"{pillar.number}. {pillar.title}", "", header]
        for action in pillar.actions:
            reference = reference_text(action.rsp_refs, action.rocb_specific, office_short)
            first = f"{action.letter}) {action.text}" + (f" {reference}" if reference else "")
            bullets = []
            for listing in action.listings:
                see_also = (f" (See also {', '.join(listing.see_also)})"
                            if listing.see_also else "")
                bullets.append(f"{BULLET} {listing.title}{see_also}")
            lines.append("\t".join([first, " ".join(bullets), kpi_text(action.kpis)]))
        lines.append("")
    return "\n".join(lines)
