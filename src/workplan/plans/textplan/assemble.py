"""Turn a parsed plan into the canonical plan document: one activity per distinct title,
linked to every action that lists it or names it in See also; warnings for what cannot
be resolved. The result is exactly DESIGN.md's canonical JSON plus what the writer needs
(listings with their See-also codes, source lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .kinds import activity_kind
from .members import MemberIndex, fold
from .parser import ParsedPlan


@dataclass
class Warning:
    code: str
    where: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "where": self.where, "message": self.message}


@dataclass
class ActivityDoc:
    key: str
    title: str
    kind: str
    members: list[str]
    unknown_members: list[str]
    line: int
    actions: list[str] = field(default_factory=list)  # plan order
    listed_in: list[str] = field(default_factory=list)
    see_also_from: list[str] = field(default_factory=list)


@dataclass
class PlanDocument:
    title: str
    period: str
    office: str
    parsed: ParsedPlan
    activities: list[ActivityDoc]
    warnings: list[Warning]

    def activity_for(self, title: str) -> ActivityDoc:
        return self._by_key[activity_key(title)]

    def __post_init__(self):
        self._by_key = {a.key: a for a in self.activities}

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "period": self.period,
            "office": self.office,
            "pillars": [
                {
                    "number": p.number,
                    "title": p.title,
                    "actions": [
                        {
                            "code": a.code,
                            "letter": a.letter,
                            "text": a.text,
                            "rsp_refs": [r.as_dict() for r in a.rsp_refs],
                            "rocb_specific": a.rocb_specific,
                            "upon_request": a.upon_request,
                            "kpis": list(a.kpis),
                            "activities": [listing.title for listing in a.listings],
                        }
                        for a in p.actions
                    ],
                }
                for p in self.parsed.pillars
            ],
            "activities": [
                {"title": a.title, "kind": a.kind, "members": list(a.members),
                 "actions": list(a.actions)}
                for a in self.activities
            ],
            "warnings": [w.as_dict() for w in self.warnings],
        }


def activity_key(title: str) -> str:
    """Titles that differ only in case, spacing or final punctuation are one activity."""
    return re.sub(r"[\s.;,]+$", "", fold(title))


def assemble(parsed: ParsedPlan, index: MemberIndex, office: str) -> PlanDocument:
    actions = parsed.actions
    order = {a.code: i for i, a in enumerate(actions)}
    by_key: dict[str, ActivityDoc] = {}
    warnings: list[Warning] = []
    for action in actions:
        if not action.rsp_refs and not action.rocb_specific:
            warnings.append(Warning(
                "no-reference", action.code,
                f"Action {action.code} cites no RSP objective and is not marked ROCB-specific",
                action.line))
        unique: dict[str, object] = {}
        for listing in action.listings:
            key = activity_key(listing.title)
            if key in unique:
                # Listed twice under one action: one listing, See-also refs merged.
                first = unique[key]
                first.see_also += [c for c in listing.see_also if c not in first.see_also]
                warnings.append(Warning(
                    "duplicate-listing", action.code,
                    f'Action {action.code} lists "{listing.title}" twice', listing.line))
                continue
            unique[key] = listing
            activity = by_key.get(key)
            if activity is None:
                codes, unknown = index.members_in_title(listing.title)
                activity = by_key[key] = ActivityDoc(
                    key, listing.title, activity_kind(listing.title), codes, unknown,
                    listing.line)
                for name in unknown:
                    warnings.append(Warning(
                        "unknown-member", action.code,
                        f'"{listing.title}" names "{name}", which is not a member of the '
                        f"{index.region or 'office'} region", listing.line))
            activity.listed_in.append(action.code)
        action.listings = list(unique.values())
    # See-also links, after every listing is known.
    listed_by = {key: set(a.listed_in) for key, a in by_key.items()}
    reported: set[tuple[str, str]] = set()
    for action in actions:
        for listing in action.listings:
            activity = by_key[activity_key(listing.title)]
            for code in listing.see_also:
                if code == action.code:
                    warnings.append(Warning(
                        "see-also-self", action.code,
                        f'"{listing.title}" under {action.code} refers to {code} itself in '
                        "See also", listing.line))
                    continue
                if code not in order:
                    warnings.append(Warning(
                        "see-also-unknown", action.code,
                        f'"{listing.title}" under {action.code} refers to {code} in See also, '
                        "but the plan has no such action", listing.line))
                    continue
                if code not in activity.see_also_from:
                    activity.see_also_from.append(code)
                if code not in listed_by[activity.key] and (activity.key, code) not in reported:
                    reported.add((activity.key, code))
                    warnings.append(Warning(
                        "see-also-not-listed", action.code,
                        f'"{listing.title}" names {code} in See also, but {code} does not '
                        "list it (linked anyway)", listing.line))
    for activity in by_key.values():
        linked = set(activity.listed_in) | set(activity.see_also_from)
        activity.actions = sorted(linked, key=order.__getitem__)
    return PlanDocument(parsed.title, parsed.period, office, parsed,
                        list(by_key.values()), warnings)
