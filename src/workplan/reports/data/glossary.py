"""Abbreviations of the WCO and its regional offices, and which of them a text uses.

The annual report lists only the abbreviations that occur in its own text (with the acronyms
of the partners it names), spelled out, in alphabetical order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

GLOSSARY: dict[str, str] = {
    "A/P": _("Asia/Pacific"),
    "ADB": _("Asian Development Bank"),
    "AEO": _("Authorized Economic Operator"),
    "API": _("Advance Passenger Information"),
    "AWP": _("Annual Work Plan"),
    "CB": _("Capacity Building"),
    "CCF": _("Customs Cooperation Fund"),
    "CEN": _("Customs Enforcement Network"),
    "CLiKC!": _("Customs Learning and Knowledge Community (WCO e-learning platform)"),
    "DG": _("Director General"),
    "HRM": _("Human Resource Management"),
    "HS": _("Harmonized Commodity Description and Coding System"),
    "IATI": _("International Aid Transparency Initiative"),
    "ICT": _("Information and Communication Technology"),
    "IPR": _("Intellectual Property Rights"),
    "IPTT": _("Indicator Performance Tracking Table"),
    "KPI": _("Key Performance Indicator"),
    "MoU": _("Memorandum of Understanding"),
    "MRA": _("Mutual Recognition Arrangement"),
    "nCEN": _("National Customs Enforcement Network"),
    "NII": _("Non-Intrusive Inspection"),
    "PCA": _("Post-Clearance Audit"),
    "PNR": _("Passenger Name Record"),
    "RILO": _("Regional Intelligence Liaison Office"),
    "RKC": _("Revised Kyoto Convention"),
    "ROCB": _("Regional Office for Capacity Building"),
    "RSP": _("Regional Strategic Plan"),
    "RTC": _("Regional Training Centre"),
    "SIE": _("Small Island Economy"),
    "SW": _("Single Window"),
    "TFA": _("WTO Trade Facilitation Agreement"),
    "TOA": _("Trainer of AEO"),
    "TRS": _("Time Release Study"),
    "VC": _("Vice Chair"),
    "WCO": _("World Customs Organization"),
    "WTO": _("World Trade Organization"),
}


def _pattern(abbreviation: str) -> re.Pattern:
    # Whole words only (a plural "s" allowed), case as written: "HS" in "HS 2022", "KPIs" for
    # "KPI", not "THS" or "hs".
    return re.compile(r"(?<![\w/])" + re.escape(abbreviation) + r"s?(?![\w/])")


_PATTERNS = {abbr: _pattern(abbr) for abbr in GLOSSARY}


def used(texts: Iterable[str], extra: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(abbreviation, meaning) of every abbreviation of the glossary (and of ``extra``, e.g.
    partners' one-word acronyms) that occurs in ``texts``, sorted case-insensitively."""
    text = "\n".join(t for t in texts if t)
    found: dict[str, str] = {}
    for abbr, pattern in _PATTERNS.items():
        if pattern.search(text):
            found[abbr] = str(GLOSSARY[abbr])
    for abbr, meaning in (extra or {}).items():
        if (abbr and " " not in abbr and abbr not in found and abbr != meaning
                and _pattern(abbr).search(text)):
            found[abbr] = meaning
    return sorted(found.items(), key=lambda item: (item[0].lower(), item[0]))
