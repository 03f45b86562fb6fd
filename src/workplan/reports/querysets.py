"""Read-side queries of the publications register."""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, When
from django.db.models.functions import ExtractMonth, ExtractYear

from workplan.core.access import RestrictedQuerySet


class PublicationQuerySet(RestrictedQuerySet):
    def within(self, first, last):
        """Published between ``first`` and ``last`` (inclusive)."""
        return self.filter(date__gte=first, date__lte=last)

    def with_fiscal_year(self):
        """``fy_start``: the first calendar year of the office's fiscal year of the date."""
        return self.annotate(
            _fy_month=ExtractMonth("date"), _fy_year=ExtractYear("date"),
        ).annotate(fy_start=Case(
            When(_fy_month__gte=F("office__fiscal_year_start_month"), then=F("_fy_year")),
            default=F("_fy_year") - 1, output_field=IntegerField()))

    def for_list(self):
        from django.db.models import Prefetch

        from workplan.plans.models import Action

        return (self.select_related("office", "member")
                .prefetch_related(Prefetch("actions", queryset=Action.objects
                                           .select_related("work_plan")
                                           .order_by("-work_plan__start_year", "position")))
                .order_by("-date", "title", "pk"))

    def counts_by_kind(self):
        """One row per kind with ``n``; one query."""
        return self.order_by().values("kind").annotate(n=Count("pk")).order_by("kind")



def export_years(user, today) -> dict[str, dict]:
    """The fiscal years the Reports page offers ``user``, by office code: ``plans`` (first
    years of the work plans they may see), ``records`` (those and the years their visible
    events start in), newest first, and ``current`` (the office's fiscal year of ``today``).
    Two queries, whatever the number of years and offices."""
    from workplan.core.access import VIEW
    from workplan.delivery.models import Event
    from workplan.delivery.summaries import fiscal_year_start
    from workplan.plans.models import WorkPlan

    found: dict[str, dict] = {}

    def office(code, start_month):
        return found.setdefault(code, {"plans": set(), "records": set(),
                                       "current": fiscal_year_start(today, start_month)})

    for code, month, year in (WorkPlan.objects.restrict(user, VIEW).order_by()
                              .values_list("office__code", "office__fiscal_year_start_month",
                                           "start_year").distinct()):
        office(code, month)["plans"].add(year)
        office(code, month)["records"].add(year)
    for code, month, year in (Event.objects.restrict(user, VIEW).order_by().with_fiscal_year()
                              .values_list("office__code", "office__fiscal_year_start_month",
                                           "fy_start").distinct()):
        office(code, month)["records"].add(year)
    for years in found.values():
        years["plans"] = sorted(years["plans"], reverse=True)
        years["records"] = sorted(years["records"], reverse=True)
    return found
