"""The Reports page: every exporter of the registry with its parameters, and a download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from workplan.core.links import from_request

from ..registry import ExportError, registry


def _forms(user, chosen=None, raw=None, error=None):
    found = []
    for exporter in registry:
        fields = []
        for param in exporter.params:
            value = (raw or {}).get(param.name) if exporter is chosen else None
            fields.append({"param": param, "options": param.options(user),
                           "value": value if value is not None else (param.default or ""),
                           "error": error if (exporter is chosen and error is not None
                                              and error.param == param.name) else None})
        found.append({"exporter": exporter, "fields": fields,
                      "error": error if exporter is chosen and error is not None
                      and error.param not in {p.name for p in exporter.params} else None})
    return found


@login_required
@require_GET
def report_list(request):
    from workplan.core.access import VIEW, WIDE_ROLES, office_ids
    from workplan.plans.models import WorkPlan

    wide = office_ids(request.user, VIEW, roles=WIDE_ROLES)
    plans = WorkPlan.objects.select_related("office").order_by("office__code", "-start_year")
    if wide is not None:
        plans = plans.filter(office_id__in=wide)
    return render(request, "reports/report_list.html", {"forms": _forms(request.user),
                                                         "annual_plans": plans})


@login_required
@require_GET
def report_download(request, identifier: str):
    try:
        exporter = registry.get(identifier)
    except ExportError:
        raise Http404(identifier) from None
    raw = {p.name: request.GET.get(p.name, "") for p in exporter.params}
    try:
        with from_request(request):
            exported = exporter.run(raw, request.user)
    except ExportError as error:
        return render(request, "reports/report_list.html",
                      {"forms": _forms(request.user, exporter, raw, error),
                       "failed": exporter}, status=400)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    return response


urlpatterns = [
    path("", report_list, name="report_list"),
    path("export/<slug:identifier>/", report_download, name="report_download"),
]
