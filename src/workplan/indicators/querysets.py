"""Read-side queries of indicators: the adoption register at a date, one KPI's page.

The register is read in one query whatever its length: every status recorded on or before the
date, ordered so that the latest one of each member and instrument comes last; Python keeps
the last. (A "latest row per group" subquery would need window functions or DISTINCT ON,
which SQLite and PostgreSQL spell differently; the rows are few: members x instruments x a
handful of changes.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from workplan.core.access import RestrictedQuerySet


class IndicatorQuerySet(RestrictedQuerySet):
    """Indicators: the plan's current KPIs, or those a re-import archived (with their data)."""

    def current(self):
        """KPIs in the plan as it stands: neither they nor their action were archived."""
        return self.filter(archived_at__isnull=True, action__archived_at__isnull=True)

    def archived(self):
        """KPIs no longer in the plan (archived themselves, or their action was)."""
        return self.filter(Q(archived_at__isnull=False) | Q(action__archived_at__isnull=False))

    def for_year(self, period):
        """What the IPTT of a fiscal year shows: the current KPIs, and the archived ones that
        have a target for that year or a value dated in it (marked "no longer in the plan")."""
        from .models import Target, Value

        targets = Target.objects.filter(indicator=OuterRef("pk"), fiscal_year=period.fiscal_year)
        values = Value.objects.filter(indicator=OuterRef("pk"), on__gte=period.start,
                                      on__lte=period.end)
        return self.filter(Q(archived_at__isnull=True, action__archived_at__isnull=True)
                           | Exists(targets) | Exists(values))


NOT_RECORDED = None  # the status of a member for whom nothing was recorded by the date
# A word for each status level, for CSS classes and the like.
STATUS_KEYS = {0: "none", 1: "planning", 2: "implementing", 3: "operating",
               NOT_RECORDED: "unknown"}


@dataclass(frozen=True, slots=True)
class Standing:
    """A member's status for one instrument at a date, and since when."""

    status: int
    since: dt.date


def standings_on(adoptions, on: dt.date) -> dict[tuple[int, int], Standing]:
    """(member id, instrument id) -> the status in force on ``on``: the latest recorded on or
    before that day. ``adoptions`` is a queryset of Adoption (already restricted and
    filtered); one query."""
    rows = (adoptions.filter(since__lte=on).order_by("member_id", "instrument_id", "since", "pk")
            .values_list("member_id", "instrument_id", "status", "since"))
    found: dict[tuple[int, int], Standing] = {}
    for member_id, instrument_id, status, since in rows.iterator(chunk_size=2000):
        found[(member_id, instrument_id)] = Standing(status, since)  # later rows win
    return found


@dataclass
class MatrixCell:
    member: object
    instrument: object
    standing: Standing | None

    @property
    def status(self) -> int | None:
        return self.standing.status if self.standing else NOT_RECORDED

    @property
    def status_key(self) -> str:
        return STATUS_KEYS.get(self.status, "unknown")

    @property
    def label(self) -> str:
        if self.standing is None:
            return ""
        return self.instrument.status_label(self.standing.status)


@dataclass
class MatrixRow:
    member: object
    cells: list[MatrixCell]


@dataclass
class CountRow:
    status: int | None
    label: str
    counts: list[int]


@dataclass
class Matrix:
    """Members (rows) x instruments (columns) at ``on``, with counts per status."""

    on: dt.date
    instruments: list
    rows: list[MatrixRow]
    totals: list[CountRow] = field(default_factory=list)


def adoption_matrix(members, instruments, standings, on: dt.date) -> Matrix:
    """The register's table from members, instruments (lists, in display order) and
    ``standings_on(...)``; counts per instrument per status, highest status first."""
    from .models import Adoption

    instruments = list(instruments)
    rows = [MatrixRow(member, [MatrixCell(member, instrument,
                                          standings.get((member.pk, instrument.pk)))
                               for instrument in instruments])
            for member in members]
    levels = sorted(Adoption.Status.values, reverse=True) + [NOT_RECORDED]
    totals = []
    for level in levels:
        counts = [sum(1 for row in rows if row.cells[index].status == level)
                  for index in range(len(instruments))]
        label = (str(Adoption.Status(level).label) if level is not NOT_RECORDED
                 else str(_("Not recorded")))
        totals.append(CountRow(level, label, counts))
    return Matrix(on, instruments, rows, totals)


__all__ = ["NOT_RECORDED", "STATUS_KEYS", "IndicatorQuerySet", "Matrix", "MatrixCell",
           "MatrixRow", "Standing", "adoption_matrix", "standings_on"]
