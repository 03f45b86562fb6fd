"""Find the beneficiary members named at the end of an activity title.

Titles end with ``for <list>``: ``for Lao People's Dem. Rep., Vanuatu, and Vietnam``,
``for Nepal and Palau, Republic of``, ``for All Countries``, ``for the Pacific Islands``.
The index matches the longest known name or alias first, so names that hold commas or
``and`` survive the split; an unknown item in a list that names at least one member is
reported (the seed's ``Guinea``), a tail that names no member at all is plain prose.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

_SEPARATOR = re.compile(r"\s*(?:,\s*and\b|,|\band\b|&|;)\s*", re.I)
_FOR = re.compile(r"\bfor\s+", re.I)
# Separators, dots and a leading "the" between items of a list.
_JUNK = re.compile(r"(?:[\s.]|,\s*and\b|,|\band\b|&|;|\bthe\s)*", re.I)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for names."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").casefold()
    return re.sub(r"\s+", " ", text).strip(" .")


@dataclass
class MemberIndex:
    """Names, aliases and groups of one region's members, keyed by folded name."""

    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # fold(name) -> iso3s
    region: str = ""

    def add(self, name: str, codes: tuple[str, ...] | list[str]) -> None:
        key = fold(name)
        if key:
            self.names[key] = tuple(codes)

    @classmethod
    def from_rows(cls, members, groups=(), region: str = "") -> MemberIndex:
        """``members``: (iso3, [names...]); ``groups``: (names..., iso3s)."""
        index = cls(region=region)
        for iso3, names in members:
            index.add(iso3, (iso3,))
            for name in names:
                index.add(name, (iso3,))
        for names, codes in groups:
            for name in names:
                index.add(name, tuple(codes))
        return index

    def _match_at(self, folded: str, pos: int) -> int | None:
        """End of the longest known name at ``pos`` that is followed by a separator."""
        best = None
        for key in self.names:
            if folded.startswith(key, pos):
                end = pos + len(key)
                rest = folded[end:].lstrip(" .")
                if (not rest or _SEPARATOR.match(rest)) and (best is None or end > best):
                    best = end
        return best

    def resolve_list(self, tail: str) -> tuple[list[str], list[str]]:
        """Split ``tail`` into known member codes and unknown items."""
        folded = fold(tail)
        codes: list[str] = []
        unknown: list[str] = []
        pos = _JUNK.match(folded, 0).end()
        while pos < len(folded):
            end = self._match_at(folded, pos)
            if end is not None:
                codes += [c for c in self.names[folded[pos:end]] if c not in codes]
            else:
                sep = _SEPARATOR.search(folded, pos)
                end = sep.start() if sep else len(folded)
                item = folded[pos:end].strip(" .")
                if item:
                    unknown.append(item)
            pos = max(_JUNK.match(folded, end).end(), end + (end == pos))
        return codes, unknown

    def members_in_title(self, title: str) -> tuple[list[str], list[str]]:
        """Codes named after the last ``for`` of the title, and unknown names in that list."""
        matches = list(_FOR.finditer(title))
        for match in reversed(matches):
            tail = title[match.end():]
            codes, unknown = self.resolve_list(tail)
            if codes or any(_is_country(u) for u in unknown):
                return sorted(codes), [_original_case(tail, u) for u in unknown]
        return [], []


def _original_case(tail: str, folded_item: str) -> str:
    """Recover the item as written (for the message) from its folded form."""
    for piece in _SEPARATOR.split(tail):
        if fold(piece).removeprefix("the ").strip(" .") == folded_item:
            return piece.strip(" .")
    return folded_item


def _is_country(name: str) -> bool:
    """A country of the world (ISO 3166), so a lone non-member name is still reported."""
    if len(name) <= 3:
        return False
    import pycountry

    try:
        pycountry.countries.lookup(name)
    except LookupError:
        return False
    return True
