"""Which measure counts a KPI, decided by rules over the KPI's words and its action's text.

The rules are ordered; the first that matches wins and says why (the reason is shown to staff,
who may choose another measure: a staff choice is kept across re-imports). The table of the
seed plan's 60 KPIs and what they bind to is in docs/kpis.md, checked by a test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .measures import registry

# Instruments named in an action's text (code, words). Matched on word boundaries.
INSTRUMENT_WORDS = [
    ("aeo_mra", [r"\bMRAs?\b", r"mutual recognition"]),
    ("rkc", [r"Revised Kyoto", r"\bRKC\b"]),
    ("hs", [r"\bHS\b", r"Harmoni[sz]ed System"]),
    ("wto_tfa", [r"\bTFA\b", r"Trade Facilitation Agreement"]),
    ("valuation", [r"Valuation Agreement"]),
    ("advance_rulings", [r"Advance Ruling"]),
    ("data_model", [r"Data Model"]),
    ("single_window", [r"Single Window", r"\bSW\b"]),
    ("pca", [r"\bPCA\b", r"Post[- ]Clearance Audit"]),
    ("trs", [r"\bTRS\b", r"Time Release Study"]),
    ("cen", [r"\bn?CEN\b"]),
    ("api_pnr", [r"\bAPI\b.*\bPNR\b", r"Passenger Name Record"]),
    ("clikc", [r"CLiKC", r"e-learning"]),
    ("info_exchange", [r"information exchange", r"info exchange"]),
    ("aeo", [r"\bAEO\b", r"Authori[sz]ed Economic Operator"]),
]


@dataclass
class Binding:
    measure: str
    params: dict = field(default_factory=dict)
    cumulative: bool = True
    reason: str = ""


def instrument_in(*texts: str) -> str | None:
    for code, patterns in INSTRUMENT_WORDS:
        if any(re.search(p, t, re.IGNORECASE) for p in patterns for t in texts if t):
            return code
    return None


def _has(text: str, *words: str) -> bool:
    return all(w in text for w in words)


def bind(kpi: str, action_text: str = "") -> Binding:
    """The measure for one KPI text (``action_text`` helps name the instrument)."""
    for rule in RULES:
        binding = rule(kpi.lower(), kpi, action_text)
        if binding is not None:
            if binding.measure not in registry:
                return Binding("manual", reason=f"{binding.reason}; its measure "
                               f"'{binding.measure}' is not installed, so entered by hand")
            return binding
    return Binding("manual", reason="no rule recognises these words: values are entered by "
                   "hand with evidence")


def _women(k, kpi, action):
    if "women" in k or "female" in k or "gender" in k:
        return Binding("women_participations", {"scope": "office"},
                       reason="counts women's participations in the office's held events")


def _experts(k, kpi, action):
    if "expert" in k and ("utili" in k or "deploy" in k):
        return Binding("experts_utilized", {"scope": "office"},
                       reason="distinct experts deployed to the office's held events")
    if "expert exchange" in k:
        return Binding("experts_utilized", {"scope": "action"},
                       reason="distinct experts deployed to the action's "
                       "events")


def _surveys(k, kpi, action):
    if "survey" in k and ("conduct" in k or "number" in k):
        if "needs assessment" in action.lower():
            return Binding("surveys_conducted", {"scope": "office", "kind": "needs"},
                           reason="needs-assessment surveys the office opened")
        return Binding("surveys_conducted", reason="surveys opened for the action")


def _evaluation(k, kpi, action):
    if "evaluation" in k and ("result" in k or "participant" in k):
        return Binding("evaluation_result", {"scope": "office"}, cumulative=False,
                       reason="mean overall rating of workshop evaluations, with n and "
                       "response rate")


def _followup(k, kpi, action):
    if "tangible result" in k or "results realized" in k or "results realised" in k:
        return Binding("followup_results", {"scope": "office", "item": "effects"},
                       reason="results members reported in follow-up surveys")
    if "post action" in k or "follow-up action" in k or "post-action" in k:
        return Binding("followup_results", {"scope": "office", "item": "actions"},
                       reason="actions members reported taking in follow-up surveys")


def _adoption(k, kpi, action):
    instrument = None
    if re.search(r"\bmras?\b", k):
        instrument = "aeo_mra"
    elif re.search(r"\bsw\b|single window", k):
        instrument = "single_window"
    elif "cen data" in k:
        instrument = "cen"
    elif "info exchange" in k or "information exchange" in k:
        instrument = "info_exchange"
    elif "api" in k and "pnr" in k:
        instrument = "api_pnr"
    if instrument:
        return Binding("adoption", {"instrument": instrument, "status": "operating"},
                       reason=f"members at the highest status of '{instrument}' in the "
                       "adoption register at the period's end")
    named = instrument_in(action)
    if "contracting" in k and named:
        new = "new contracting" in k
        return Binding("adoption", {"instrument": named, "status": "operating", "new": new},
                       reason=(f"members who became contracting parties to '{named}' during "
                               "the period" if new else
                               f"contracting parties to '{named}' at the period's end"))
    if "implementing" in k and named:
        return Binding("adoption", {"instrument": named, "status": "implementing"},
                       reason=f"members implementing '{named}' (or beyond) at the period's "
                       "end, from the adoption register")


def _publications(k, kpi, action):
    if "publish" in k or "evaluation report" in k:
        return Binding("manual", reason="a publication: entered by hand with its evidence")
    if "contribution" in k:
        return Binding("manual", reason="members' contributions: entered by hand with "
                       "evidence")
    if re.search(r"\bmembers? sharing\b", k):
        return Binding("items_shared", {"count": "members"},
                       reason="distinct members named by the items of the publications "
                       "register that serve the action")
    if any(w in k for w in ("sharing", "shared", "exchanging knowledge",
                            "reports/exchanges", "exchanges of information")):
        return Binding("items_shared", reason="items of the publications register (newsletter "
                       "issues, good practice reports, articles, website items) that serve "
                       "the action")


def _members(k, kpi, action):
    if "participating member" in k:
        return Binding("members_participating", reason="distinct members whose officials "
                       "attended the action's held events")
    if re.search(r"number of (implementing |contracting )?members\b", k):
        return Binding("members_assisted", reason="distinct beneficiary members of the "
                       "action's held events")


def _events(k, kpi, action):
    if "discussion" in k or "dialogue" in k:
        return Binding("events_held", {"kind": ["meeting", "conference"]},
                       reason="meetings and conferences held under the action")
    if "workshop" in k:
        return Binding("events_held", {"kind": ["workshop", "training", "accreditation"]},
                       reason="workshops and trainings held under the action")
    if "activit" in k:
        return Binding("events_held", reason="events held under the action")


RULES = [_women, _experts, _surveys, _evaluation, _followup, _adoption, _publications,
         _members, _events]


def apply(indicator) -> bool:
    """Bind ``indicator`` by the rules unless staff chose its measure; True if it changed."""
    if indicator.measure_locked:
        return False
    binding = bind(indicator.text, indicator.action.text)
    new = (binding.measure, binding.params, binding.cumulative)
    if (indicator.measure, indicator.params, indicator.cumulative) == new:
        return False
    indicator.measure, indicator.params, indicator.cumulative = new
    return True
