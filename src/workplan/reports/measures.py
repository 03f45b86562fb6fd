"""The KPI measure read from the publications register: items (or members) shared.

Registered into ``workplan.indicators.measures.registry`` when the reports app loads
(``ReportsConfig.ready``). One aggregate query per setting in use, grouped by the action a
publication serves (action scope) or not (office scope), whatever the number of publications.
"""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from workplan.indicators.measures import Fact, Measure, registry
from workplan.indicators.measures.base import DISTINCT
from workplan.indicators.periods import quarter_expression

COUNTS = ("items", "members")


def kinds_of(value) -> list[str]:
    """``kind`` as staff type it ("newsletter, article") or as rules store it (a list)."""
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value]


@registry.register
class ItemsShared(Measure):
    key = "items_shared"
    label = _("Items shared (publications register)")
    description = _("Publications of the register dated in the period (newsletter issues, "
                    "good practice reports, articles members submitted, website items), "
                    "optionally of some kinds; with count=members, the distinct members "
                    "whose articles or items were published.")
    aggregation = DISTINCT
    dimensions = ("member", "subregion")
    additive = frozenset(dimensions)  # a publication names at most one member
    params_help = {
        "kind": _("only these kinds, separated by commas: newsletter, good_practice, "
                  "article, website, other"),
        "count": _("items (each publication once, the default) or members (distinct members "
                   "named by the publications)"),
    }

    def validate_params(self, params):
        from .models import Publication

        params = super().validate_params(params)
        bad = [k for k in kinds_of(params.get("kind")) if k not in Publication.Kind.values]
        if bad:
            raise ValueError(_("kind: unknown value(s) %(values)s; choose from %(choices)s")
                             % {"values": ", ".join(bad),
                                "choices": ", ".join(Publication.Kind.values)})
        if params.get("count", "items") not in COUNTS:
            raise ValueError(_("count: choose items or members"))
        return params

    def facts(self, frame, owners, params, dimension):
        from .models import Publication

        rows = Publication.objects.filter(office_id=frame.office_id, date__gte=frame.start,
                                          date__lte=frame.end)
        if kinds := kinds_of(params.get("kind")):
            rows = rows.filter(kind__in=kinds)
        members = params.get("count") == "members"
        if members:
            rows = rows.filter(member__isnull=False)
        group = {"quarter": quarter_expression("date", frame.start_month), "p": F("id"),
                 "m": F("member_id")}
        if owners is not None:
            rows = rows.filter(actions__in=owners)
            group["owner"] = F("actions__id")
        return [Fact(r.get("owner"), r["quarter"], member_id=r["m"],
                     key=r["m"] if members else r["p"])
                for r in rows.order_by().values(**group).distinct()]


__all__ = ["ItemsShared"]
