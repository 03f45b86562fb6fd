"""The fiscal year's dashboard (thin: numbers from dashboard.figures, charts from them)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from workplan.core import charts
from workplan.core.access import VIEW
from workplan.core.years import parse_fiscal_year
from workplan.delivery.models import Event
from workplan.directory.models import Office, Person
from workplan.plans.models import WorkPlan

from ..dashboard import STATUS_LABELS, figures
from ..links import events_url
from ..periods import current_period

KPI_ROWS = 12  # KPIs drawn in the progress chart: those furthest behind first


@login_required
@require_GET
def indicators_home(request):
    """The dashboard of the current fiscal year of the user's first office (or the latest
    year with a plan)."""
    office = Office.objects.restrict(request.user, VIEW).order_by("code").first()
    if office is None:
        raise Http404(_("You have no office."))
    today = timezone.localdate()
    year = current_period(today, office.fiscal_year_start_month).fiscal_year
    latest = (WorkPlan.objects.filter(office=office, start_year__lte=year)
              .order_by("-start_year").values_list("start_year", flat=True).first())
    year = latest if latest is not None else year
    return redirect("indicators:dashboard", office.code, f"{year}-{year + 1}")


@login_required
@require_GET
def dashboard(request, office_code: str, period: str):
    office = get_object_or_404(Office.objects.restrict(request.user, VIEW)
                               .select_related("region"), code=office_code)
    first = parse_fiscal_year(period)  # the URL's converter has refused impossible years
    plan = (WorkPlan.objects.restrict(request.user, VIEW).select_related("office__region")
            .filter(office=office, start_year=first).first())
    today = timezone.localdate()
    board = figures(office, first, today=today, plan=plan)
    return render(request, "indicators/dashboard.html", {
        "office": office, "board": board, "plan": plan, "period": board.period,
        "charts": _charts(board), "status_labels": STATUS_LABELS,
        "links": _links(board), "years": _years(office, first),
        "event_rows": _event_rows(board),
    })


def _event_rows(board) -> list[dict]:
    kinds, levels = dict(Event.Kind.choices), dict(Event.Level.choices)
    year = board.period.fiscal_year
    return [{"kind": kinds.get(kind, kind), "level": levels.get(level, level), "count": n,
             "href": events_url(year, kind=kind, level=level)}
            for (kind, level), n in sorted(board.events.items())]


def _years(office, current: int) -> list[tuple[int, str]]:
    years = WorkPlan.objects.filter(office=office).order_by("-start_year").values_list(
        "start_year", flat=True)
    return [(y, f"{y}-{y + 1}") for y in sorted({*years, current}, reverse=True)]


def _links(board) -> dict[str, str]:
    year = board.period.fiscal_year
    return {"events": events_url(year),
            "members": reverse("directory:member_list"),
            "experts": reverse("delivery:expert_list"),
            "participants": events_url(year)}


def _charts(board) -> dict:
    year = board.period.fiscal_year
    kinds = dict(Event.Kind.choices)
    levels = dict(Event.Level.choices)
    by_kind = board.events_by(0)
    found = {}
    found["kinds"] = charts.bar_chart(
        [(str(kinds.get(k, k)), n, events_url(year, kind=k))
         for k, n in sorted(by_kind.items(), key=lambda kv: -kv[1])],
        title=_("Events held by kind"))
    level_keys = [k for k in levels if any(key[1] == k for key in board.events)]
    kind_keys = sorted(by_kind, key=lambda k: -by_kind[k])
    found["levels"] = charts.stacked_bar_chart(
        [str(levels[k]) for k in level_keys],
        [(str(kinds.get(kind, kind)), [board.events.get((kind, level), 0) for level in level_keys])
         for kind in kind_keys],
        title=_("Events held by level and kind"),
        hrefs=[events_url(year, level=k) for k in level_keys])
    genders = dict(Person.Gender.choices)
    found["gender"] = charts.share_chart(
        [(str(genders.get(g, g)), n) for g, n in sorted(board.participants.items())],
        title=_("Participants by gender"))
    found["reach"] = charts.bar_chart(
        [(name or _("No sub-region"), len(ids), None)
         for name, ids in sorted(board.members_reached.items())],
        title=_("Members reached by sub-region"))
    if board.table is not None:
        rows = [r for r in board.table.rows if r.columns["FY"].target is not None]
        rows.sort(key=lambda r: (r.columns["FY"].percent or 0))
        found["kpis"] = charts.progress_chart(
            [(f"{r.action.code} {r.indicator.text}", r.columns["FY"].actual,
              float(r.columns["FY"].target), r.indicator.get_absolute_url())
             for r in rows[:KPI_ROWS]],
            title=_("KPIs against the year's target (furthest behind first)"))
    return found


urlpatterns = [
    path("", indicators_home, name="indicators_home"),
    path("<slug:office_code>/<fiscal_year:period>/dashboard/", dashboard, name="dashboard"),
]
