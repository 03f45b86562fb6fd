"""Hypothesis strategies: random work plans written in the published layout, quirks included."""

from __future__ import annotations

import csv
from importlib import resources

from hypothesis import strategies as st

from workplan.plans.textplan.members import MemberIndex

MEMBER_ROWS = list(csv.DictReader(
    resources.files("workplan.directory").joinpath("data", "asia-pacific-members.csv")
    .read_text("utf-8").splitlines()))
MEMBER_NAMES = [r["name"] for r in MEMBER_ROWS] + [
    a for r in MEMBER_ROWS for a in r["aliases"].split("|") if a]

LETTERS = [chr(c) for c in range(97, 123)] + [chr(c) * 2 for c in range(97, 123)]
WORDS = ["assist", "Members", "risk", "management", "customs", "valuation", "data", "border",
         "trade", "effort", "implementing", "tools", "security", "integrity", "origin",
         "e-commerce", "AEO", "programme", "single", "window", "Vice Chair", "RILO"]
KINDS = ["National workshop on", "Sub-Regional Workshop on", "Regional workshop on",
         "Training on", "National WS on", "Diagnostic mission on"]


def member_index() -> MemberIndex:
    return MemberIndex.from_rows(
        [(r["iso3"], [r["name"], *[a for a in r["aliases"].split("|") if a]])
         for r in MEMBER_ROWS],
        [(["All Countries"], [r["iso3"] for r in MEMBER_ROWS])], region="Asia/Pacific")


phrase = st.lists(st.sampled_from(WORDS), min_size=2, max_size=7).map(" ".join)


@st.composite
def activity_titles(draw):
    topic = draw(phrase)
    kind = draw(st.sampled_from(KINDS))
    members = draw(st.lists(st.sampled_from(MEMBER_NAMES), min_size=0, max_size=3, unique=True))
    if not members:
        return f"{kind} {topic}"
    listed = members[0] if len(members) == 1 else ", ".join(members[:-1]) + " and " + members[-1]
    return f"{kind} {topic} for {listed}"


@st.composite
def references(draw):
    if draw(st.integers(0, 9)) == 0:
        return {"rocb": True, "refs": []}
    objective = ".".join(str(draw(st.integers(1, 4))) for _ in range(3))
    milestones = sorted(draw(st.sets(st.integers(1, 12), max_size=3)))
    return {"rocb": False, "refs": [{"objective": objective, "milestones": milestones}]}


@st.composite
def plans(draw):
    """A plan as nested dicts (what the importer should find) plus its text."""
    pillar_count = draw(st.integers(1, 3))
    shared = draw(st.lists(activity_titles(), min_size=1, max_size=6, unique_by=str.casefold))
    pillars = []
    for number in range(1, pillar_count + 1):
        actions = []
        for letter in LETTERS[: draw(st.integers(1, 5))]:
            titles = draw(st.lists(st.sampled_from(shared), max_size=3, unique=True))
            actions.append({
                "letter": letter,
                "text": ("Upon request, " if draw(st.booleans()) else "Work with ")
                + draw(phrase),
                "reference": draw(references()),
                "kpis": draw(st.lists(phrase.map(lambda p: "Number of " + p), min_size=1,
                                      max_size=3)),
                "activities": titles,
            })
        pillars.append({"number": number, "title": "Improve " + draw(phrase), "actions": actions})
    codes = [f"{p['number']}-({a['letter']})" for p in pillars for a in p["actions"]]
    for pillar in pillars:
        for action in pillar["actions"]:
            action["see_also"] = [draw(st.lists(st.sampled_from(codes), max_size=3, unique=True))
                                  for _ in action["activities"]]
    text = draw(render(pillars))
    return pillars, text


def ordinal(n: int, spaced: bool) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n} {suffix}" if spaced else f"{n}{suffix}"


@st.composite
def render(draw, pillars):
    """Write the plan as the office publishes it, with its quirks drawn at random."""
    header = ("Specific Actions of ROCB A/P (Relevance to A/P RSP 2024-2026)\tAnnual Work Plan "
              "for 2025-2026\tRSP Key Performance Indicator")
    lines = ["", "ROCB A/P Annual Work Plan (2025-2026)", ""]
    for pillar in pillars:
        lines += [f"{pillar['number']}. {pillar['title']}", "", header]
        for action in pillar["actions"]:
            reference = ""
            ref = action["reference"]
            if ref["rocb"]:
                reference = "(ROCB A/P specific action (not mentioned in the RSP))"
            elif ref["refs"]:
                objective, milestones = ref["refs"][0]["objective"], ref["refs"][0]["milestones"]
                spaced = draw(st.booleans())
                dash = draw(st.sampled_from(["\u2013", "-"]))
                if not milestones:
                    reference = f"(RSP {objective})"
                elif len(milestones) > 1 and milestones == list(
                        range(milestones[0], milestones[-1] + 1)) and draw(st.booleans()):
                    joiner = draw(st.sampled_from([" to ", " - ", " \u2013 "]))
                    reference = (f"(RSP {objective} {dash} {ordinal(milestones[0], spaced)}"
                                 f"{joiner}{ordinal(milestones[-1], spaced)} milestones)")
                else:
                    listed = " , ".join(ordinal(n, spaced) for n in milestones)
                    reference = f"(RSP {objective} {dash} {listed} milestone)"
            if reference and draw(st.booleans()):
                reference = f"<i>{reference}</i>"
            first = f"{action['letter']}) {action['text']} {reference}".strip()
            if draw(st.integers(0, 4)) == 0:
                first = f"<p>{first}</p>"
            bullets = []
            for title, see_also in zip(action["activities"], action["see_also"], strict=True):
                refs = _see_also_text(see_also, pillar["number"]) if see_also else ""
                bullets.append(f"\u27a4 {title}{refs}")
            kpis = action["kpis"]
            kpi = kpis[0] if len(kpis) == 1 else " ".join(
                f"({i}) {k}" for i, k in enumerate(kpis, start=1))
            split = draw(st.integers(0, len(bullets))) if bullets and draw(st.booleans()) else None
            def cell(items):
                body = " ".join(items)
                return f'<ul style="list-style-type: none"> {body} ' if items and \
                    draw(st.booleans()) else body
            if split is None:
                lines.append("\t".join([first, cell(bullets), kpi]))
            else:
                # A page break inside the row: running title, header, continuation row.
                lines.append("\t".join([first, cell(bullets[:split]), kpi]))
                lines += ["", "ROCB A/P Annual Report 2024/2025", "", header]
                lines.append("\t".join(["", cell(bullets[split:]), ""]))
        lines.append("")
    return "\n".join(lines)


def _see_also_text(codes: list[str], pillar: int) -> str:
    parts, last = [], None
    for code in codes:
        number, letter = code.split("-")
        parts.append(letter if number == last else code)
        last = number
    return f" (See also {', '.join(parts)})"
