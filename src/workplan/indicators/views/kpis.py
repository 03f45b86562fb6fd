"""Views of one KPI: its page (figures of the plan's year, targets, manual values, history),
how it is counted (binding), its targets, and manual values with their review.

Pages read through ``Indicator.objects.restrict(user, VIEW)`` (whoever may view the plan:
focal points and experts too); forms and reviews through ``restrict(user, CHANGE)`` (office
staff and admins). An indicator outside the user's scope is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import formats
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.core.access import CHANGE, VIEW, can
from workplan.core.concurrency import EditConflict
from workplan.directory.models import Member

from .. import iptt, services
from ..binding import bind
from ..describe import describe_settings
from ..forms import (
    ADOPTION,
    EVENTS,
    BindingForm,
    ReviewForm,
    TargetsForm,
    ValueForm,
    as_list,
    settings_group,
    today,
)
from ..measures import ACTION, registry
from ..measures.base import RATIO, STOCK
from ..models import Indicator, Instrument, Target, Value
from ..periods import Period

STATUS_CLASSES = {
    Value.Status.DRAFT: "badge--outline",
    Value.Status.SUBMITTED: "badge--info",
    Value.Status.APPROVED: "badge--success",
    Value.Status.RETURNED: "badge--warning",
}
TARGET_STATUS_CLASSES = {iptt.ON: "badge--success", iptt.BEHIND: "badge--warning",
                         iptt.NO_TARGET: "badge--outline", iptt.NO_DATA: "badge--outline"}


def _indicator(request, pk: int, action: str = VIEW) -> Indicator:
    return get_object_or_404(
        Indicator.objects.restrict(request.user, action)
        .select_related("action__pillar", "action__work_plan__office__region"), pk=pk)


def plan_period(indicator: Indicator) -> Period:
    """The fiscal year of the indicator's plan."""
    plan = indicator.action.work_plan
    return Period(plan.start_year, 0, plan.office.fiscal_year_start_month)


# --- reading a measure's settings and figures ---------------------------------------------------


def number(value, unit: str = "count") -> str:
    """A figure as people read it: whole counts without decimals, means with two."""
    if value is None:
        return "—"
    value = float(value)
    if unit == "count" and value == int(value):
        return formats.number_format(int(value), use_l10n=True, force_grouping=True)
    return formats.number_format(round(value, 2), 2, use_l10n=True, force_grouping=True)


def percent(value) -> str:
    return "—" if value is None else f"{formats.number_format(value, 0, use_l10n=True)} %"


def cumulative_words(indicator: Indicator, measure) -> str:
    if measure.aggregation == STOCK:
        return _("Read at the end of each period (a count of members, not a sum)")
    if indicator.cumulative:
        return _("Cumulative: each quarter shows the total since the fiscal year began")
    return _("Not cumulative: each quarter counts only its own records")


def figures(row: iptt.Row, table: iptt.Table, measure) -> list[dict]:
    """Q1-Q4 and the year: actual, target, baseline, % met (numerator / denominator for
    rates), ready to show."""
    unit = getattr(measure, "unit", "count")
    out = []
    for period in table.periods:
        column = row.columns[period.key]
        cell = column.cell
        fraction = None
        if measure.aggregation == RATIO or unit != "count":
            if cell.numerator is not None and cell.denominator is not None:
                fraction = f"{number(cell.numerator)} / {number(cell.denominator)}"
        out.append({
            "period": period,
            "actual": number(column.actual, unit),
            "target": number(column.target, unit) if column.target is not None else "—",
            "baseline": (number(column.baseline, unit) if column.baseline is not None
                         else "—"),
            "percent": percent(column.percent),
            "percent_value": column.percent,
            "fraction": fraction,
            "extra": cell.extra,
        })
    return out


def records_behind(indicator: Indicator, measure, period: Period) -> list[tuple[str, str]]:
    """(label, URL) of the lists that hold the records the figure is made of."""
    from workplan.delivery.models import Event

    params = indicator.params or {}
    group = settings_group(measure)
    if group == EVENTS:
        base = {"status": "held", "fy": period.fiscal_year}
        if measure.scope(params) == ACTION:
            base["action"] = indicator.action.code
        kinds, levels = dict(Event.Kind.choices), dict(Event.Level.choices)
        links = []
        for kind in as_list(params.get("kind")) or [None]:
            for level in as_list(params.get("level")) or [None]:
                query = dict(base)
                words = []
                if kind:
                    query["kind"] = kind
                    words.append(str(kinds.get(kind, kind)))
                if level:
                    query["level"] = level
                    words.append(str(levels.get(level, level)).lower())
                label = (_("Held events: %(what)s") % {"what": ", ".join(words)} if words
                         else _("Held events"))
                if "action" in query:
                    label = _("%(label)s of %(code)s, %(year)s") % {
                        "label": label, "code": indicator.action.code,
                        "year": period.year_label}
                else:
                    label = _("%(label)s of the office, %(year)s") % {
                        "label": label, "year": period.year_label}
                links.append((label, f"{reverse('delivery:event_list')}?{urlencode(query)}"))
        return links
    if group == ADOPTION and params.get("instrument"):
        on = min(period.end, today())
        query = urlencode({"instrument": params["instrument"], "on": on.isoformat()})
        return [(_("The adoption register on %(date)s") % {
            "date": formats.date_format(on, "DATE_FORMAT")},
            f"{reverse('indicators:adoption_register')}?{query}")]
    if measure.key == "manual":
        return [(_("The values entered for this KPI (below)"), "#values")]
    return []


# --- the page -----------------------------------------------------------------------------------


@login_required
@require_GET
def indicator_detail(request, pk: int):
    indicator = _indicator(request, pk)
    action = indicator.action
    plan = action.work_plan
    measure = registry.get(indicator.measure)
    table = iptt.compute(plan, indicators=Indicator.objects.filter(pk=indicator.pk),
                         archived_without_data=True)
    row = table.rows[0]
    instrument = None
    if settings_group(measure) == ADOPTION and indicator.params.get("instrument"):
        instrument = Instrument.objects.filter(code=indicator.params["instrument"]).first()
    targets = list(Target.objects.filter(indicator=indicator).order_by("-fiscal_year",
                                                                       "quarter"))
    values = list(Value.objects.restrict(request.user, VIEW).filter(indicator=indicator)
                  .select_related("member", "entered_by", "reviewed_by")
                  .order_by("-on", "-pk"))
    may_change = can(request.user, CHANGE, plan.office_id) and not indicator.archived
    period = table.period
    status = row.status(today(), period)
    rule = bind(indicator.text, action.text)
    return render(request, "indicators/indicator_detail.html", {
        "indicator": indicator,
        "action": action,
        "plan": plan,
        "measure": measure,
        "settings": describe_settings(indicator, measure, instrument),
        "cumulative_words": cumulative_words(indicator, measure),
        "rule": rule,
        "rule_measure": registry.get(rule.measure),
        "period": period,
        "figures": figures(row, table, measure),
        "target_status": status,
        "target_status_label": iptt.STATUS_LABELS[status],
        "target_status_class": TARGET_STATUS_CLASSES[status],
        "records": records_behind(indicator, measure, period),
        "targets": _targets_by_year(targets, plan.office.fiscal_year_start_month),
        "values": [_value_row(v, request.user, period, may_change) for v in values],
        "accepts_values": measure.key == "manual" and not indicator.archived,
        "may_change": may_change,
    })


def _targets_by_year(targets, start_month: int) -> list[tuple[Period, list]]:
    years: dict[int, list] = {}
    for target in targets:
        years.setdefault(target.fiscal_year, []).append(
            (Period(target.fiscal_year, target.quarter, start_month), target))
    return [(Period(year, 0, start_month), rows) for year, rows in years.items()]


def _value_row(value: Value, user, period: Period, may_change: bool) -> dict:
    own = value.entered_by_id == user.pk and not user.is_superuser
    steps = Value.TRANSITIONS[Value.Status(value.status)] if may_change else set()
    return {
        "value": value,
        "status_class": STATUS_CLASSES.get(value.status, ""),
        "outside": not period.contains(value.on),
        "may_submit": Value.Status.SUBMITTED in steps,
        "may_decide": bool(steps & {Value.Status.APPROVED, Value.Status.RETURNED}) and not own,
        "awaits_other": bool(steps & {Value.Status.APPROVED}) and own,
    }


# --- binding ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def indicator_binding(request, pk: int):
    indicator = _indicator(request, pk, CHANGE)
    bound = request.POST if request.method == "POST" else None
    form = BindingForm(bound, indicator=indicator, measure=request.GET.get("measure"))
    status = 200
    if bound is not None and form.is_valid():
        data = form.cleaned_data
        locked = not data.get("rules")
        try:
            services.set_binding(indicator, measure=data.get("measure") or indicator.measure,
                                 params=form.params, cumulative=data["cumulative"],
                                 direction=data["direction"], locked=locked, user=request.user,
                                 expected_version=data["version"])
        except EditConflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if locked:
                messages.success(request, _("The KPI is now counted as “%(measure)s”; "
                                            "re-imports of the plan keep this choice.")
                                 % {"measure": registry.get(indicator.measure).label})
            else:
                messages.success(request, _("The rules decide again: the KPI is counted as "
                                            "“%(measure)s”.")
                                 % {"measure": registry.get(indicator.measure).label})
            return redirect(indicator)
        indicator.refresh_from_db()
    context = {"indicator": indicator, "form": form, "measures": list(registry),
               "rule": bind(indicator.text, indicator.action.text)}
    context["rule_measure"] = registry.get(context["rule"].measure)
    template = ("indicators/_binding_settings.html"
                if request.htmx and request.htmx.target == "measure-settings"
                else "indicators/binding_form.html")
    if form.errors and status == 200:
        status = 400
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# --- targets ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def indicator_targets(request, pk: int):
    indicator = _indicator(request, pk, CHANGE)
    year = plan_period(indicator)
    bound = request.POST if request.method == "POST" else None
    form = TargetsForm(bound, fiscal_year=year.fiscal_year, start_month=year.start_month,
                       targets=Target.objects.filter(indicator=indicator,
                                                     fiscal_year=year.fiscal_year),
                       version=indicator.version)
    status = 200
    if bound is not None and form.is_valid():
        try:
            services.save_targets(indicator, year.fiscal_year, form.rows(),
                                  expected_version=form.cleaned_data["version"])
        except EditConflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The targets for %(year)s were saved.")
                             % {"year": year.year_label})
            return redirect(indicator)
    return render(request, "indicators/targets_form.html",
                  {"indicator": indicator, "form": form, "year": year,
                   "measure": registry.get(indicator.measure)},
                  status=400 if form.errors and status == 200 else status)


# --- manual values ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def value_create(request, pk: int):
    indicator = _indicator(request, pk, CHANGE)
    office = indicator.action.work_plan.office
    year = plan_period(indicator)
    members = (Member.objects.restrict(request.user, VIEW).filter(region_id=office.region_id)
               .order_by("name"))
    bound = request.POST if request.method == "POST" else None
    form = ValueForm(bound, members=members)
    if bound is not None and form.is_valid():
        data = form.cleaned_data
        try:
            value = services.add_value(
                indicator, user=request.user, on=data["on"], value=data["value"],
                description=data["description"], evidence=data["evidence"].strip(),
                evidence_url=data["evidence_url"], member=data["member"],
                submit=data["submit"])
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            messages.success(request, _("The value was saved (%(status)s).")
                             % {"status": value.get_status_display().lower()})
            if not year.contains(value.on):
                messages.warning(request, _(
                    "Its date (%(date)s) is outside the plan's year %(year)s: it counts in "
                    "the fiscal year of its date, not in this plan's figures.") % {
                    "date": formats.date_format(value.on, "DATE_FORMAT"),
                    "year": year.year_label})
            return redirect(f"{indicator.get_absolute_url()}#values")
    return render(request, "indicators/value_form.html", {
        "indicator": indicator, "form": form, "year": year,
        "measure": registry.get(indicator.measure),
        "accepts_values": indicator.measure == "manual",
    }, status=400 if form.errors else 200)


def _add_model_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_POST
def value_review(request, pk: int):
    value = get_object_or_404(Value.objects.restrict(request.user, CHANGE)
                              .select_related("indicator"), pk=pk)
    back = f"{value.indicator.get_absolute_url()}#value-{value.pk}"
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The review was not understood (choose submit, approve or "
                                  "return); nothing changed."))
        return redirect(back)
    to = form.cleaned_data["to"]
    try:
        services.review_value(value, user=request.user, to=to,
                              note=form.cleaned_data["note"])
    except PermissionDenied as refused:
        messages.error(request, str(refused) or _("You may not review this value."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, {
            Value.Status.SUBMITTED: _("The value was submitted for review."),
            Value.Status.APPROVED: _("The value was approved: it now counts."),
            Value.Status.RETURNED: _("The value was returned for changes."),
        }[to])
    return redirect(back)


urlpatterns = [
    path("kpi/<int:pk>/", indicator_detail, name="indicator_detail"),
    path("kpi/<int:pk>/binding/", indicator_binding, name="indicator_binding"),
    path("kpi/<int:pk>/targets/", indicator_targets, name="indicator_targets"),
    path("kpi/<int:pk>/values/new/", value_create, name="value_create"),
    path("values/<int:pk>/review/", value_review, name="value_review"),
]
