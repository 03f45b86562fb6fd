"""API of the KPIs: indicators with their targets, manual values (entered, then reviewed by a
second person) and the IPTT of a plan, with numerators and denominators.

Indicators are read by whoever sees the plan (``restrict(user, VIEW)``); targets and values are
written by the office's staff (``restrict(user, CHANGE)``), checked by the web's forms
(``TargetsForm``, ``ValueForm``) and written by ``services``. The IPTT is
``iptt.compute(plan, dimension=...)``, as on the IPTT page (a focal point's breakdown by member
shows their own member only).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

import workplan.plans.urls  # noqa: F401  (registers the ``fiscal_year`` path converter)
from workplan.api.base import KeyField, ReadOnlyScopedViewSet, ScopedViewSet, check_form
from workplan.core.access import CHANGE, VIEW, office_ids
from workplan.directory.api import member_field
from workplan.directory.models import Member
from workplan.plans.models import WorkPlan

from . import iptt, services
from .forms import ReviewForm, TargetsForm, ValueForm
from .measures import registry
from .measures.base import NOT_ATTRIBUTED
from .models import Indicator, Target, Value
from .views.iptt import DIMENSIONS, members_shown
from .views.kpis import plan_period


class TargetSerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField(help_text="FY, or Q1 ... Q4.")

    class Meta:
        model = Target
        fields = ["fiscal_year", "quarter", "period", "target", "baseline", "note"]

    def get_period(self, target) -> str:
        return f"Q{target.quarter}" if target.quarter else "FY"


class IndicatorSerializer(serializers.ModelSerializer):
    action_code = serializers.CharField(source="action.code", read_only=True)
    work_plan = serializers.IntegerField(source="action.work_plan_id", read_only=True)
    measure_label = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField(help_text="count, mean or percent.")
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "work_plan", "action", "action_code", "position", "text", "measure",
                  "measure_label", "unit", "params", "measure_locked", "cumulative",
                  "direction", "version", "targets", "archived_at"]
        read_only_fields = ["version", "archived_at"]

    def get_measure_label(self, indicator) -> str:
        return str(registry.get(indicator.measure).label)

    def get_unit(self, indicator) -> str:
        return registry.get(indicator.measure).unit


class ValueSerializer(serializers.ModelSerializer):
    member = member_field(allow_null=True)
    entered_by = serializers.CharField(source="entered_by.get_username", read_only=True,
                                       default=None, allow_null=True)
    reviewed_by = serializers.CharField(source="reviewed_by.get_username", read_only=True,
                                        default=None, allow_null=True)

    class Meta:
        model = Value
        fields = ["id", "indicator", "on", "value", "member", "description", "evidence_url",
                  "evidence", "status", "entered_by", "reviewed_by", "reviewed_at",
                  "review_note", "created"]


PERIOD_FIELDS = [f"{prefix}_{kind}" for prefix in ("fy", "q1", "q2", "q3", "q4")
                 for kind in ("target", "baseline")]


class TargetsWriteSerializer(serializers.Serializer):
    """Targets and baselines of the plan's fiscal year: ``fy_target`` (the year),
    ``q1_target`` ... ``q4_baseline``. Fields left out keep their value; ``null`` clears."""

    def get_fields(self):
        fields = {name: serializers.DecimalField(max_digits=12, decimal_places=2,
                                                 required=False, allow_null=True,
                                                 coerce_to_string=False)
                  for name in PERIOD_FIELDS}
        fields["version"] = KeyField(
            required=False, min_value=1,
            help_text="The indicator's version you read: if someone changed its binding or "
                      "targets since, the answer is 409 and nothing is written.")
        return fields


class ValueWriteSerializer(serializers.Serializer):
    indicator = KeyField()
    on = serializers.DateField(help_text="When it happened: decides its period.")
    value = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    member = serializers.CharField(max_length=3, required=False, allow_blank=True,
                                   allow_null=True, help_text="ISO code, if about one member.")
    description = serializers.CharField(max_length=5000)
    evidence_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    submit = serializers.BooleanField(default=False,
                                      help_text="Submit for review now (else a draft).")

    def validate(self, attrs):
        user = self.context["request"].user
        indicator = (Indicator.objects.restrict(user, CHANGE)
                     .select_related("action__work_plan__office")
                     .filter(pk=attrs["indicator"]).first())
        if indicator is None:
            raise serializers.ValidationError(
                {"indicator": [_("No indicator of your office has this id.")]})
        office = indicator.action.work_plan.office
        members = Member.objects.restrict(user, VIEW).filter(region_id=office.region_id)
        member = attrs.get("member") or ""
        if member:
            found = Member.objects.filter(iso3=str(member).upper()).first()
            member = found.pk if found else member
        data = {**{k: ("" if v is None else v) for k, v in attrs.items()}, "member": member,
                "submit": "on" if attrs.get("submit") else ""}
        cleaned = check_form(ValueForm(data=data, members=members))
        return {**cleaned, "indicator": indicator}


class ReviewSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[Value.Status.SUBMITTED, Value.Status.APPROVED,
                                          Value.Status.RETURNED])
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


def _may_change_anything(user) -> bool:
    ids = office_ids(user, CHANGE)
    return ids is None or bool(ids)


@extend_schema_view(list=extend_schema(summary="KPIs of your offices' plans"))
class IndicatorViewSet(ReadOnlyScopedViewSet):
    """Each KPI of an action, with the measure that counts it and its targets."""

    model = Indicator
    serializer_class = IndicatorSerializer
    select = ("action",)
    prefetch = ("targets",)
    filterset_fields = ["action", "measure", "action__work_plan"]
    ordering_fields = ["id", "position"]
    ordering = ["action__work_plan", "action__position", "position"]
    change_actions = frozenset({"targets"})

    @extend_schema(request=TargetsWriteSerializer, responses=IndicatorSerializer,
                   examples=[OpenApiExample("Year and first quarter", request_only=True,
                                            value={"fy_target": 12, "q1_target": 3})])
    @action(detail=True, methods=["post"])
    def targets(self, request, pk=None):
        """Set the targets and baselines of the plan's fiscal year."""
        indicator = self.get_object()
        body = TargetsWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        year = plan_period(indicator)
        existing = Target.objects.filter(indicator=indicator, fiscal_year=year.fiscal_year)
        data = {}
        for target in existing:
            prefix = TargetsForm.prefix_of(target.quarter)
            data[f"{prefix}_target"] = target.target
            data[f"{prefix}_baseline"] = target.baseline
        values = dict(body.validated_data)
        version = values.pop("version", None)
        data.update(values)
        data = {k: ("" if v is None else v) for k, v in data.items()}
        form = TargetsForm(data=data, fiscal_year=year.fiscal_year,
                           start_month=year.start_month)
        check_form(form)
        services.save_targets(indicator, year.fiscal_year, form.rows(),
                              expected_version=version)
        self.action = "retrieve"
        return Response(self.get_serializer(self.get_queryset().get(pk=indicator.pk)).data)


@extend_schema_view(
    create=extend_schema(request=ValueWriteSerializer, responses={201: ValueSerializer},
                         examples=[OpenApiExample("A value with its evidence",
                                                  request_only=True, value={
                                                      "indicator": 17, "on": "2024-11-05",
                                                      "value": 3, "member": "LAO",
                                                      "description": "Roadmap adopted",
                                                      "evidence": "Minutes of 5 Nov 2024",
                                                      "submit": True})]),
)
class ValueViewSet(mixins.CreateModelMixin, ReadOnlyScopedViewSet):
    """Values of manual KPIs, with their evidence. They count once approved by someone other
    than the person who entered them."""

    model = Value
    serializer_class = ValueSerializer
    select = ("entered_by", "reviewed_by")
    filterset_fields = ["indicator", "status"]
    ordering_fields = ["on", "id"]
    ordering = ["-on", "-id"]
    change_actions = frozenset({"review"})

    def create(self, request, *args, **kwargs):
        if not _may_change_anything(request.user):
            raise PermissionDenied(_("Only office staff enter KPI values."))
        body = ValueWriteSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        value = services.add_value(
            data["indicator"], user=request.user, on=data["on"], value=data["value"],
            description=data["description"], evidence=data["evidence"].strip(),
            evidence_url=data["evidence_url"], member=data["member"], submit=data["submit"])
        self.action = "retrieve"
        return Response(self.get_serializer(self.get_queryset().get(pk=value.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses=ValueSerializer,
                   examples=[OpenApiExample("Approve", request_only=True,
                                            value={"to": "approved"})])
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Submit, approve or return a value (not one you entered yourself)."""
        value = self.get_object()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = check_form(ReviewForm(data=body.validated_data))
        services.review_value(value, user=request.user, to=data["to"], note=data["note"])
        self.action = "retrieve"
        return Response(self.get_serializer(self.get_queryset().get(pk=value.pk)).data)


# --- the IPTT -----------------------------------------------------------------------------------


class CellSerializer(serializers.Serializer):
    target = serializers.FloatField(allow_null=True)
    baseline = serializers.FloatField(allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    percent_met = serializers.FloatField(allow_null=True)
    extra = serializers.DictField(help_text="What a measure adds, e.g. a response rate.")


class ColumnsSerializer(serializers.Serializer):
    Q1 = CellSerializer()
    Q2 = CellSerializer()
    Q3 = CellSerializer()
    Q4 = CellSerializer()
    FY = CellSerializer()


class BreakdownSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text=(
        "The member's ISO code, the sub-region or the gender; null: not attributed."))
    label = serializers.CharField()
    columns = ColumnsSerializer()


class IpttRowSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    pillar = serializers.IntegerField()
    action = serializers.CharField(help_text="The action's code, e.g. 1-(a).")
    text = serializers.CharField()
    measure = serializers.CharField()
    unit = serializers.CharField()
    cumulative = serializers.BooleanField()
    direction = serializers.CharField()
    status = serializers.ChoiceField(choices=list(iptt.STATUS_LABELS))
    additive = serializers.BooleanField(help_text="Whether the breakdown adds up to the total.")
    columns = ColumnsSerializer()
    breakdown = BreakdownSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class IpttSerializer(serializers.Serializer):
    work_plan = serializers.IntegerField()
    office = serializers.CharField()
    period = serializers.CharField()
    dimension = serializers.CharField(allow_null=True)
    as_of = serializers.DateField()
    periods = PeriodSerializer(many=True)
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="Rows on target, behind, with no target, no data.")
    rows = IpttRowSerializer(many=True)


def _number(value):
    return None if value is None else float(value)


def _cell(column: iptt.Column) -> dict:
    cell = column.cell
    return {"target": _number(column.target), "baseline": _number(column.baseline),
            "actual": _number(cell.actual), "numerator": _number(cell.numerator),
            "denominator": _number(cell.denominator), "percent_met": column.percent,
            "extra": {k: (float(v) if isinstance(v, int | float) and not isinstance(v, bool)
                          else v) for k, v in (cell.extra or {}).items()}}


def _columns(columns: dict) -> dict:
    return {key: _cell(column) for key, column in columns.items()}


def iptt_document(table: iptt.Table, counts: dict, today) -> dict:
    """The IPTT as plain data: what ``IpttSerializer`` describes."""
    plan = table.plan
    iso = {}
    if table.dimension == "member":
        iso = dict(Member.objects.filter(region_id=plan.office.region_id)
                   .values_list("pk", "iso3"))

    def key(value):
        if value is NOT_ATTRIBUTED or value is None:
            return None
        return iso.get(value, str(value)) if table.dimension == "member" else str(value)

    return {
        "work_plan": plan.pk, "office": plan.office.code, "period": plan.period,
        "dimension": table.dimension, "as_of": today,
        "periods": [{"key": key_, "label": str(p.label), "start": p.start, "end": p.end}
                    for key_, p in zip(iptt.PERIOD_KEYS, table.periods, strict=True)],
        "counts": counts,
        "rows": [{
            "indicator": row.indicator.pk, "pillar": row.pillar.number,
            "action": row.action.code, "text": row.indicator.text,
            "measure": row.indicator.measure, "unit": row.measure.unit,
            "cumulative": row.indicator.cumulative, "direction": row.indicator.direction,
            "status": row.state, "additive": row.additive, "columns": _columns(row.columns),
            "breakdown": [{"key": key(part.key), "label": part.label,
                           "columns": _columns(part.columns)} for part in row.breakdown],
        } for row in table.rows],
    }


class IpttQuerySerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=[key for key, _label in DIMENSIONS if key],
                                        required=False)
    pillar = serializers.IntegerField(required=False, min_value=1, max_value=99)
    measure = serializers.ChoiceField(choices=[key for key, _label in registry.choices()],
                                      required=False)
    status = serializers.ChoiceField(choices=list(iptt.STATUS_LABELS), required=False)


class IpttViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """The indicator performance tracking table of a work plan (``/iptt/{work_plan_id}/``):
    every KPI x Q1-Q4 and the fiscal year, with target, actual, % met, and the numerator and
    denominator of every rate; ``?dimension=member|subregion|gender`` breaks it down."""

    model = WorkPlan
    serializer_class = IpttSerializer
    select = ("office__region",)
    filter_backends = []
    pagination_class = None

    @extend_schema(parameters=[
        OpenApiParameter("dimension", OpenApiTypes.STR, enum=["member", "subregion", "gender"],
                         description="Break each row down by member, sub-region or gender."),
        OpenApiParameter("pillar", OpenApiTypes.INT, description="Only this pillar's KPIs."),
        OpenApiParameter("measure", OpenApiTypes.STR,
                         enum=[key for key, _label in registry.choices()],
                         description="Only the KPIs counted by this measure."),
        OpenApiParameter("status", OpenApiTypes.STR, enum=list(iptt.STATUS_LABELS),
                         description="Only rows on target, behind, ..."),
    ])
    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        query = IpttQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        indicators = Indicator.objects.filter(action__work_plan=plan)
        if data.get("pillar"):
            indicators = indicators.filter(action__pillar__number=data["pillar"])
        if data.get("measure"):
            indicators = indicators.filter(measure=data["measure"])
        table = iptt.compute(plan, dimension=data.get("dimension"), indicators=indicators,
                             members_shown=members_shown(request.user, plan.office_id))
        today = timezone.localdate()
        counts = table.assess(today)
        if data.get("status"):
            table.rows = [row for row in table.rows if row.state == data["status"]]
        return Response(IpttSerializer(iptt_document(table, counts, today)).data)


routes = [
    ("indicators", IndicatorViewSet, "indicator"),
    ("values", ValueViewSet, "value"),
    ("iptt", IpttViewSet, "iptt"),
]
