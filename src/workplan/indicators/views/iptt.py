"""The IPTT page of a plan and its XLSX download (thin: the table is computed in iptt.py)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from workplan.core.access import VIEW, WIDE_ROLES, focal_points, office_ids
from workplan.plans.models import WorkPlan

from .. import iptt
from ..export import iptt_workbook
from ..measures import registry
from ..present import present

DIMENSIONS = [("", _("No breakdown")), ("member", _("By member")),
              ("subregion", _("By sub-region")), ("gender", _("By gender"))]


class IpttFilterForm(forms.Form):
    by = forms.ChoiceField(label=_("Breakdown"), choices=DIMENSIONS, required=False)
    pillar = forms.TypedChoiceField(label=_("Pillar"), coerce=int, required=False,
                                    empty_value=None)
    measure = forms.ChoiceField(label=_("Measure"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Any status")), *iptt.STATUS_LABELS.items()])

    def __init__(self, *args, pillars=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pillar"].choices = [("", _("All pillars")),
                                         *[(p.number, f"{p.number}. {p.title}") for p in pillars]]
        self.fields["measure"].choices = [("", _("All measures")), *registry.choices()]

    def clean_values(self) -> dict:
        """The valid filters; an invalid one is shown as an error and ignored."""
        return self.cleaned_data if self.is_valid() else {}


def plan_for(request, office_code: str, period: str) -> WorkPlan:
    return get_object_or_404(
        WorkPlan.objects.restrict(request.user, VIEW).select_related("office__region"),
        office__code=office_code, period=period)


def members_shown(user, office_id: int) -> set[int] | None:
    """A focal point's member breakdown shows their own member only; None: every member."""
    wide = office_ids(user, VIEW, roles=WIDE_ROLES)
    if wide is None or office_id in wide:
        return None
    return {member for office, member in focal_points(user) if office == office_id}


def table_for(request, plan, data):
    indicators = iptt.Indicator.objects.filter(action__work_plan=plan)
    if data.get("pillar"):
        indicators = indicators.filter(action__pillar__number=data["pillar"])
    if data.get("measure"):
        indicators = indicators.filter(measure=data["measure"])
    table = iptt.compute(plan, dimension=data.get("by") or None, indicators=indicators,
                         members_shown=members_shown(request.user, plan.office_id))
    table.counts = table.assess(timezone.localdate())
    if data.get("status"):
        table.rows = [r for r in table.rows if r.state == data["status"]]
    present(table)
    return table


@login_required
@require_GET
def iptt_page(request, office_code: str, period: str):
    plan = plan_for(request, office_code, period)
    pillars = list(plan.pillars.order_by("number"))
    form = IpttFilterForm(request.GET or None, pillars=pillars)
    data = form.clean_values()
    table = table_for(request, plan, data)
    today = timezone.localdate()
    context = {"plan": plan, "form": form, "table": table, "today": today,
               "counts": table.counts, "status_labels": iptt.STATUS_LABELS,
               "query": request.GET.urlencode()}
    if request.htmx and request.htmx.target == "iptt-content":
        return render(request, "indicators/_iptt_table.html", context)
    return render(request, "indicators/iptt.html", context)


@login_required
@require_GET
def iptt_xlsx(request, office_code: str, period: str):
    plan = plan_for(request, office_code, period)
    form = IpttFilterForm(request.GET or None, pillars=list(plan.pillars.order_by("number")))
    table = table_for(request, plan, form.clean_values())
    content = iptt_workbook(table, today=timezone.localdate())
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-"
                            "officedocument.spreadsheetml.sheet")
    filename = f"IPTT-{plan.office.code}-{plan.period}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


urlpatterns = [
    path("<slug:office_code>/<fiscal_year:period>/iptt/", iptt_page, name="iptt"),
    path("<slug:office_code>/<fiscal_year:period>/iptt.xlsx", iptt_xlsx, name="iptt_xlsx"),
]
