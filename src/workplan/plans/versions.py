"""Versions of a plan and the differences between two of them (nothing here writes).

A version is the plan's canonical JSON (``snapshot.document_from_db(...).as_json()``), the
form the exports and the importer agree on, so a version of last year, a version of this
year's draft and the plan as it stands now compare alike. Matching follows Wagtail's
``compare.py``: by identity first (an action's code, an activity's title compared as the
importer does), then what is left is paired by likeness (a reworded activity), the rest is
added or removed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .textplan.assemble import activity_key

# An activity reworded rather than replaced: titles at least this alike (difflib ratio).
REWORDED_SIMILARITY = 0.75


@dataclass
class ActionChange:
    code: str
    old_text: str
    new_text: str
    fields: list[str]  # besides the text: "RSP references", "KPIs", "upon request", ...
    kpis_added: list[str] = field(default_factory=list)
    kpis_removed: list[str] = field(default_factory=list)

    @property
    def reworded(self) -> bool:
        return self.old_text != self.new_text


@dataclass
class ActivityChange:
    old_title: str
    new_title: str
    fields: list[str]  # "title", "kind", "members", "actions"


@dataclass
class PlanDiff:
    """What changed from ``old`` to ``new``: actions added, removed, reworded (or otherwise
    changed); activities added, carried (kept, perhaps reworded) and dropped."""

    old_label: str
    new_label: str
    title: tuple[str, str] | None = None
    pillars_added: list[tuple[int, str]] = field(default_factory=list)
    pillars_removed: list[tuple[int, str]] = field(default_factory=list)
    pillars_retitled: list[tuple[int, str, str]] = field(default_factory=list)
    actions_added: list[tuple[str, str]] = field(default_factory=list)
    actions_removed: list[tuple[str, str]] = field(default_factory=list)
    actions_changed: list[ActionChange] = field(default_factory=list)
    activities_added: list[str] = field(default_factory=list)
    activities_dropped: list[str] = field(default_factory=list)
    activities_carried: list[str] = field(default_factory=list)  # unchanged
    activities_changed: list[ActivityChange] = field(default_factory=list)  # carried, changed

    @property
    def actions_reworded(self) -> list[ActionChange]:
        return [c for c in self.actions_changed if c.reworded]

    @property
    def empty(self) -> bool:
        return not (self.title or self.pillars_added or self.pillars_removed
                    or self.pillars_retitled or self.actions_added or self.actions_removed
                    or self.actions_changed or self.activities_added
                    or self.activities_dropped or self.activities_changed)

    def counts(self) -> dict[str, int]:
        return {
            "actions_added": len(self.actions_added),
            "actions_removed": len(self.actions_removed),
            "actions_reworded": len(self.actions_reworded),
            "actions_changed": len(self.actions_changed),
            "activities_added": len(self.activities_added),
            "activities_carried": len(self.activities_carried) + len(self.activities_changed),
            "activities_dropped": len(self.activities_dropped),
        }

    def as_json(self) -> dict:
        return {
            "from": self.old_label,
            "to": self.new_label,
            "counts": self.counts(),
            "title": list(self.title) if self.title else None,
            "pillars": {"added": [list(p) for p in self.pillars_added],
                        "removed": [list(p) for p in self.pillars_removed],
                        "retitled": [list(p) for p in self.pillars_retitled]},
            "actions": {
                "added": [{"code": c, "text": t} for c, t in self.actions_added],
                "removed": [{"code": c, "text": t} for c, t in self.actions_removed],
                "changed": [{"code": c.code, "reworded": c.reworded, "old_text": c.old_text,
                             "new_text": c.new_text, "fields": c.fields,
                             "kpis_added": c.kpis_added, "kpis_removed": c.kpis_removed}
                            for c in self.actions_changed],
            },
            "activities": {
                "added": self.activities_added,
                "carried": self.activities_carried,
                "changed": [{"old_title": c.old_title, "new_title": c.new_title,
                             "fields": c.fields} for c in self.activities_changed],
                "dropped": self.activities_dropped,
            },
        }

    def lines(self) -> list[str]:
        """The diff as plain text (the text export and the command line)."""
        out = [f"From {self.old_label} to {self.new_label}"]
        if self.title:
            out.append(f"title: {self.title[0]!r} -> {self.title[1]!r}")
        for number, title in self.pillars_added:
            out.append(f"+ pillar {number}. {title}")
        for number, title in self.pillars_removed:
            out.append(f"- pillar {number}. {title}")
        for number, old, new in self.pillars_retitled:
            out.append(f"~ pillar {number}: {old!r} -> {new!r}")
        out.append(f"Actions: {len(self.actions_added)} added, {len(self.actions_removed)} "
                   f"removed, {len(self.actions_reworded)} reworded, "
                   f"{len(self.actions_changed)} changed")
        out += [f"  + {code} {text}" for code, text in self.actions_added]
        out += [f"  - {code} {text}" for code, text in self.actions_removed]
        for change in self.actions_changed:
            what = ", ".join((["text"] if change.reworded else []) + change.fields)
            out.append(f"  ~ {change.code} ({what})")
            if change.reworded:
                out.append(f"      was: {change.old_text}")
                out.append(f"      now: {change.new_text}")
            out += [f"      + KPI {k}" for k in change.kpis_added]
            out += [f"      - KPI {k}" for k in change.kpis_removed]
        carried = len(self.activities_carried) + len(self.activities_changed)
        out.append(f"Activities: {len(self.activities_added)} added, {carried} carried, "
                   f"{len(self.activities_dropped)} dropped")
        out += [f"  + {title}" for title in self.activities_added]
        out += [f"  - {title}" for title in self.activities_dropped]
        for change in self.activities_changed:
            if change.old_title != change.new_title:
                out.append(f"  ~ {change.old_title} -> {change.new_title} "
                           f"({', '.join(change.fields)})")
            else:
                out.append(f"  ~ {change.new_title} ({', '.join(change.fields)})")
        return out


def _actions(content: dict) -> dict[str, dict]:
    return {a["code"]: a for p in content["pillars"] for a in p["actions"]}


def compare(old: dict, new: dict, *, old_label: str = "", new_label: str = "") -> PlanDiff:
    """The differences between two plans in canonical JSON (two versions of one plan, or the
    plans of two years)."""
    diff = PlanDiff(old_label or old.get("period", ""), new_label or new.get("period", ""))
    if old["title"] != new["title"]:
        diff.title = (old["title"], new["title"])
    old_pillars = {p["number"]: p["title"] for p in old["pillars"]}
    new_pillars = {p["number"]: p["title"] for p in new["pillars"]}
    diff.pillars_added = [(n, t) for n, t in new_pillars.items() if n not in old_pillars]
    diff.pillars_removed = [(n, t) for n, t in old_pillars.items() if n not in new_pillars]
    diff.pillars_retitled = [(n, old_pillars[n], t) for n, t in new_pillars.items()
                             if n in old_pillars and old_pillars[n] != t]

    before, after = _actions(old), _actions(new)
    diff.actions_added = [(c, a["text"]) for c, a in after.items() if c not in before]
    diff.actions_removed = [(c, a["text"]) for c, a in before.items() if c not in after]
    labels = {"rsp_refs": "RSP references", "rocb_specific": "office-specific",
              "upon_request": "upon request", "kpis": "KPIs", "activities": "activities"}
    for code, a in after.items():
        b = before.get(code)
        if b is None:
            continue
        fields = [label for key, label in labels.items() if a.get(key) != b.get(key)]
        if a["text"] != b["text"] or fields:
            diff.actions_changed.append(ActionChange(
                code, b["text"], a["text"], fields,
                kpis_added=[k for k in a["kpis"] if k not in b["kpis"]],
                kpis_removed=[k for k in b["kpis"] if k not in a["kpis"]]))

    old_acts = {activity_key(a["title"]): a for a in old["activities"]}
    new_acts = {activity_key(a["title"]): a for a in new["activities"]}
    pairs = [(old_acts[k], new_acts[k]) for k in new_acts if k in old_acts]
    gone = [a for k, a in old_acts.items() if k not in new_acts]
    came = [a for k, a in new_acts.items() if k not in old_acts]
    # what is left on both sides: pair a reworded title with its only close match
    candidates = {}
    for o in gone:
        close = [n for n in came
                 if difflib.SequenceMatcher(None, o["title"].casefold(),
                                            n["title"].casefold()).ratio()
                 >= REWORDED_SIMILARITY]
        if len(close) == 1:
            candidates.setdefault(id(close[0]), []).append(o)
    for n in came:
        olds = candidates.get(id(n), [])
        if len(olds) == 1:
            pairs.append((olds[0], n))
    paired_old = {id(o) for o, _ in pairs}
    paired_new = {id(n) for _, n in pairs}
    diff.activities_added = [a["title"] for a in came if id(a) not in paired_new]
    diff.activities_dropped = [a["title"] for a in gone if id(a) not in paired_old]
    for o, n in pairs:
        fields = [f for f in ("title", "kind", "members", "actions") if o[f] != n[f]]
        if fields:
            diff.activities_changed.append(ActivityChange(o["title"], n["title"], fields))
        else:
            diff.activities_carried.append(n["title"])
    return diff
