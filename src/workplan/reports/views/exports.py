"""The Reports page: a form per exporter the user may run, and the download it sends to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from workplan.core.links import from_request

from ..forms import ExportForm
from ..querysets import export_years
from ..registry import ExportError, registry


def _page(request, chosen: ExportForm | None = None, status: int = 200):
    """The page with every exporter offered to the user; ``chosen`` (a form that failed) in
    place of its fresh one. ``?exporter=ID&office=...`` fills that exporter's form with the
    values given (how the form refreshes the fiscal years when the office changes)."""
    from workplan.core.access import VIEW, WIDE_ROLES, office_ids
    from workplan.plans.models import WorkPlan

    user = request.user
    years = chosen.years if chosen is not None else export_years(user, timezone.localdate())
    refreshed = request.GET.get("exporter") if chosen is None else None
    forms = []
    for exporter in registry:
        if chosen is not None and exporter is chosen.exporter:
            form = chosen
        else:
            form = ExportForm(exporter, user, years,
                              initial=request.GET if exporter.identifier == refreshed else None)
        if form.offered:
            forms.append(form)
    wide = office_ids(user, VIEW, roles=WIDE_ROLES)
    plans = WorkPlan.objects.select_related("office").order_by("office__code", "-start_year")
    if wide is not None:
        plans = plans.filter(office_id__in=wide)
    refused = chosen if chosen is not None and not chosen.offered else None
    failed = chosen if chosen is not None and chosen.offered else None
    return render(request, "reports/report_list.html",
                  {"forms": forms, "annual_plans": plans, "refused": refused,
                   "failed": failed}, status=status)


@login_required
@require_GET
def report_list(request):
    return _page(request)


@login_required
@require_GET
def report_download(request, identifier: str):
    """The file, or the page again (400) with the message beside the field at fault."""
    try:
        exporter = registry.get(identifier)
    except ExportError:
        raise Http404(identifier) from None
    form = ExportForm(exporter, request.user, export_years(request.user, timezone.localdate()),
                      data=request.GET)
    params = form.clean()
    if params is None:
        return _page(request, form, status=400)
    try:
        with from_request(request):
            exported = exporter.render(params, request.user)
    except ExportError as error:
        form.add_error(error)
        return _page(request, form, status=400)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    return response


urlpatterns = [
    path("", report_list, name="report_list"),
    path("export/<slug:identifier>/", report_download, name="report_download"),
]
