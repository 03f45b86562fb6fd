"""Bigger plans for benchmarks and tests: the sample plan repeated, renumbered and retitled.

``scaled_plan_text(20)`` is a plan 20 times the sample's size (80 pillars, 1,100 actions,
1,520 activities) with the same quirks, See-also structure and member lists.
"""

from __future__ import annotations

import copy
from importlib import resources

from .assemble import assemble
from .members import MemberIndex
from .parser import decode, parse

SAMPLE = "rocb-ap-awp-2024-2025.txt"


def sample_bytes() -> bytes:
    return resources.files("workplan.plans").joinpath("data", SAMPLE).read_bytes()


def scaled_plan_text(scale: int, index: MemberIndex | None = None) -> str:
    from .render import render_text

    base = parse(decode(sample_bytes()))
    pillars_per_copy = len(base.pillars)
    pillars = []
    for k in range(scale):
        offset = k * pillars_per_copy
        for pillar in copy.deepcopy(base.pillars):
            pillar.number += offset
            for action in pillar.actions:
                action.pillar += offset
                for listing in action.listings:
                    if k:
                        listing.title = f"Cycle {k + 1}: {listing.title}"
                    listing.see_also = [_shift(code, offset) for code in listing.see_also]
            pillars.append(pillar)
    base.pillars = pillars
    return render_text(assemble(base, index or MemberIndex(), "ROCB-AP"))


def _shift(code: str, offset: int) -> str:
    number, rest = code.split("-", 1)
    return f"{int(number) + offset}-{rest}"
