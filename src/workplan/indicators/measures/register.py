"""Measures read from the adoption register and from values staff enter by hand."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from ..periods import fiscal_year_of, quarter_expression, quarter_of
from .base import OFFICE, QUARTERS, STOCK, SUM, Cell, Fact, Measure, registry


@registry.register
class Adoption(Measure):
    """Members at or above a status of one instrument at the end of each period (a stock,
    not a sum); ``new`` counts the members who reached it during the period."""

    key = "adoption"
    label = _("Members by adoption status")
    description = _("Members of the region whose status for an instrument is at least the "
                    "given one at the end of the period (or, with \"new\", who reached it "
                    "during the period), read from the adoption register.")
    aggregation = STOCK
    default_scope = OFFICE
    dimensions = ("member", "subregion")
    additive = frozenset(dimensions)
    params_help = {
        "instrument": _("code of the instrument (see the adoption register)"),
        "status": _("lowest status that counts: planning, implementing or operating"),
        "new": _("true: count only members who reached the status during the period"),
    }
    LEVELS = {"planning": 1, "implementing": 2, "operating": 3}

    def validate_params(self, params):
        from ..models import Instrument

        params = super().validate_params(params)
        code = params.get("instrument")
        if not code or not Instrument.objects.filter(code=code).exists():
            raise ValueError(_("instrument: no instrument with code %(code)r")
                             % {"code": code})
        if params.get("status", "operating") not in self.LEVELS:
            raise ValueError(_("status: choose planning, implementing or operating"))
        if not isinstance(params.get("new", False), bool):
            raise ValueError(_("new: true or false"))
        return params

    def facts(self, frame, owners, params, dimension):
        from ..models import Adoption as Row

        if "adoption" not in frame.cache:  # every instrument at once: one query per frame
            frame.cache["adoption"] = list(
                Row.objects.filter(member__region_id=frame.region_id, since__lte=frame.end)
                .order_by("since", "pk")
                .values_list("instrument__code", "member_id", "since", "status"))
        code = params.get("instrument")
        facts = []
        for instrument, member_id, since, status in frame.cache["adoption"]:
            if instrument != code:
                continue
            before = fiscal_year_of(since, frame.start_month) < frame.fiscal_year
            quarter = 0 if before else quarter_of(since, frame.start_month)
            facts.append(Fact(None, quarter, member_id=member_id, key=status))
        return facts

    def series(self, facts, cumulative, params=None):
        params = params or {}
        level = self.LEVELS[params.get("status", "operating")]
        new = params.get("new", False)
        status_at: dict[int, int] = {}
        for fact in facts:  # ordered by date: the last row of a member wins
            if fact.quarter == 0:
                status_at[fact.member_id] = fact.key
        at_start = {m for m, s in status_at.items() if s >= level}
        cells = {}
        for quarter in QUARTERS:
            for fact in facts:
                if fact.quarter == quarter:
                    status_at[fact.member_id] = fact.key
            reached = {m for m, s in status_at.items() if s >= level}
            cells[f"Q{quarter}"] = Cell(float(len(reached - at_start) if new else len(reached)))
        cells["FY"] = Cell(cells["Q4"].actual)
        return cells



@registry.register
class Manual(Measure):
    """Values entered by staff with evidence; only approved values count."""

    key = "manual"
    label = _("Entered by hand (with evidence)")
    description = _("Dated values entered by staff with their evidence; they count once "
                    "approved by a second person.")
    aggregation = SUM
    per_indicator = True
    dimensions = ("member", "subregion")
    additive = frozenset(dimensions)

    def facts(self, frame, owners, params, dimension):
        from ..models import Value

        rows = (Value.objects.filter(indicator_id__in=owners or [], status="approved",
                                     on__gte=frame.start, on__lte=frame.end)
                .order_by().values("indicator_id", "member_id",
                                   quarter=quarter_expression("on", frame.start_month))
                .annotate(total=Sum("value")))
        return [Fact(r["indicator_id"], r["quarter"], member_id=r["member_id"],
                     num=float(r["total"])) for r in rows]

    def fold(self, facts):
        """No approved value yet is "no data", not zero."""
        return super().fold(facts) if facts else Cell(None)


__all__ = ["OFFICE", "Adoption", "Manual"]
