"""Recognise what kind of activity a planned bullet is, from its wording."""

from __future__ import annotations

import re

KINDS = {
    "national_workshop": "National workshop",
    "subregional_workshop": "Sub-regional workshop",
    "regional_workshop": "Regional workshop",
    "training": "Training",
    "diagnostic_mission": "Diagnostic mission",
    "meeting": "Meeting",
    "survey": "Survey",
    "publication": "Publication",
    "standing_task": "Standing task",
}

# First match wins; the order matters ("National workshop on HRM Diagnostic Mission" is a
# mission, "WCO Sub-regional Workshop on Training Management" a sub-regional workshop).
_RULES: list[tuple[str, re.Pattern]] = [
    ("standing_task",
     re.compile(r"^(upon request|take every possible opportunity|as appropriate)\b")),
    ("diagnostic_mission", re.compile(r"\bdiagnostic mission|\bmission\b")),
    ("survey", re.compile(r"^(conduct|carry out|run)\b.*\bsurveys?\b|\bsurvey\b.*\bconduct")),
    ("subregional_workshop", re.compile(r"\bsub[- ]?regional\b.*\b(workshops?|ws|seminar)\b")),
    ("regional_workshop", re.compile(r"\bregional\b.*\b(workshops?|ws|seminar)\b")),
    ("national_workshop", re.compile(r"\b(national|in-country)\b.*\b(workshops?|ws|seminar)\b")),
    ("training", re.compile(r"\btraining\b|\bcourse\b|\bworkshop\b")),
    ("meeting", re.compile(r"\b(meetings?|conference|attend|convene|dialogues?|forum)\b")),
    ("publication", re.compile(
        r"\b(newsletters?|e-newsletters?|website|reports?|publish|publication|articles?)\b")),
]


def activity_kind(title: str) -> str:
    text = title.casefold()
    for kind, pattern in _RULES:
        if pattern.search(text):
            return kind
    return "standing_task"
