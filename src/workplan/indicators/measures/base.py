"""The measure registry and the arithmetic every measure shares.

A measure turns records into *facts*: small tuples grouped by the database (one aggregate
query per measure and setting, whatever the number of records). The facts of a fiscal year
are then folded into a series of cells (Q1-Q4 and the year), cumulatively or not, and, when
asked, per member, sub-region or gender. Folding in Python over grouped rows keeps one code
path for every period and breakdown, so quarters, years and breakdowns cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

SUM, DISTINCT, RATIO, STOCK = "sum", "distinct", "ratio", "stock"
ACTION, OFFICE = "action", "office"
DIMENSIONS = ("member", "subregion", "gender")
QUARTERS = (1, 2, 3, 4)
NOT_ATTRIBUTED = None  # the breakdown key of facts that name no member / gender


@dataclass(frozen=True, slots=True)
class Fact:
    """One grouped row: who it belongs to (an action, an indicator, or None for the office),
    the fiscal quarter (0: before the year began), its dimensions, a distinct key, and the
    numerator / denominator it adds."""

    owner: int | None
    quarter: int
    member_id: int | None = None
    gender: str | None = None
    key: Any = None
    num: float = 1
    den: float = 0


@dataclass(slots=True)
class Cell:
    """A measured value with what it is made of: rates and means carry numerator and
    denominator; ``extra`` holds what a measure adds (e.g. a survey's response rate)."""

    actual: float | None
    numerator: float | None = None
    denominator: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.actual is None


@dataclass(frozen=True)
class Frame:
    """What a computation is about: one office's fiscal year. ``cache`` lets a measure read
    once what several of its settings share (e.g. the adoption register)."""

    office_id: int
    region_id: int
    fiscal_year: int
    start_month: int = 7
    cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def start(self) -> dt.date:
        from ..periods import Period

        return Period(self.fiscal_year, 0, self.start_month).start

    @property
    def end(self) -> dt.date:
        from ..periods import Period

        return Period(self.fiscal_year, 0, self.start_month).end


class Measure:
    """How one kind of KPI is counted. Subclasses give ``facts``; most inherit ``series``."""

    key: ClassVar[str]
    label: ClassVar[str]
    description: ClassVar[str] = ""
    aggregation: ClassVar[str] = SUM
    unit: ClassVar[str] = "count"           # count | mean | percent
    default_scope: ClassVar[str] = ACTION    # facts of the indicator's action, or office-wide
    per_indicator: ClassVar[bool] = False    # facts belong to indicators, not actions
    dimensions: ClassVar[tuple[str, ...]] = ()
    additive: ClassVar[frozenset[str]] = frozenset()
    cumulative_default: ClassVar[bool] = True
    params_help: ClassVar[dict[str, str]] = {}

    def facts(self, frame: Frame, owners: list[int] | None, params: dict,
              dimension: str | None) -> Iterable[Fact]:
        raise NotImplementedError

    def validate_params(self, params: dict) -> dict:
        """Clean settings from a form or the binding rules; raise ValueError naming the key."""
        unknown = set(params) - set(self.params_help) - {"scope"}
        if unknown:
            raise ValueError(_("unknown setting(s) for this measure: %(keys)s")
                             % {"keys": ", ".join(sorted(unknown))})
        scope = params.get("scope", self.default_scope)
        if scope not in (ACTION, OFFICE):
            raise ValueError(_('scope must be "action" or "office"'))
        return params

    def scope(self, params: dict) -> str:
        return params.get("scope", self.default_scope)

    # --- folding facts into cells -------------------------------------------------------------

    def fold(self, facts: list[Fact]) -> Cell:
        if self.aggregation == DISTINCT:
            return Cell(float(len({f.key for f in facts})))
        if self.aggregation == RATIO:
            num = sum(f.num for f in facts)
            den = sum(f.den for f in facts)
            return Cell(num / den if den else None, num, den)
        return Cell(float(sum(f.num for f in facts)))

    def series(self, facts: list[Fact], cumulative: bool,
               params: dict | None = None) -> dict[str, Cell]:
        """Cells for Q1-Q4 and FY. Cumulative: a quarter holds everything up to its end;
        otherwise only its own facts. The year always holds the whole year."""
        by_quarter: dict[int, list[Fact]] = defaultdict(list)
        for fact in facts:
            by_quarter[fact.quarter].append(fact)
        cells = {}
        running: list[Fact] = []
        for quarter in QUARTERS:
            running += by_quarter.get(quarter, [])
            cells[f"Q{quarter}"] = self.fold(running if cumulative else by_quarter[quarter])
        cells["FY"] = self.fold([f for q in QUARTERS for f in by_quarter.get(q, [])])
        return cells

    def breakdown(self, facts: list[Fact], cumulative: bool, dimension: str,
                  subregions: dict[int, str], params: dict | None = None,
                  ) -> dict[Any, dict[str, Cell]]:
        groups: dict[Any, list[Fact]] = defaultdict(list)
        for fact in facts:
            groups[dimension_value(fact, dimension, subregions)].append(fact)
        return {value: self.series(group, cumulative, params) for value, group in groups.items()}


def dimension_value(fact: Fact, dimension: str, subregions: dict[int, str]):
    if dimension == "member":
        return fact.member_id
    if dimension == "subregion":
        return subregions.get(fact.member_id) if fact.member_id else NOT_ATTRIBUTED
    if dimension == "gender":
        return fact.gender or NOT_ATTRIBUTED
    raise ValueError(dimension)


class Registry:
    """Every measure by key. Apps register theirs when they load (``measures/__init__``,
    ``surveys.measures``); ``manual`` is the fallback for a key nobody registered."""

    def __init__(self):
        self._measures: dict[str, Measure] = {}

    def register(self, cls):
        self._measures[cls.key] = cls()
        return cls

    def get(self, key: str) -> Measure:
        return self._measures.get(key) or self._measures["manual"]

    def __contains__(self, key: str) -> bool:
        return key in self._measures

    def __iter__(self):
        return iter(self._measures.values())

    def choices(self) -> list[tuple[str, str]]:
        return [(m.key, m.label) for m in self._measures.values()]


registry = Registry()
