"""API of the strategic plan: strategic plans with their objectives and milestones (read-only,
regional reference data)."""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import serializers

from workplan.api.base import ReadOnlyScopedViewSet

from .models import Milestone, Objective, StrategicPlan


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "number", "title"]


class ObjectiveSerializer(serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Objective
        fields = ["id", "strategic_plan", "code", "title", "milestones"]


class StrategicPlanSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    period = serializers.CharField(read_only=True)
    objectives = ObjectiveSerializer(many=True, read_only=True)

    class Meta:
        model = StrategicPlan
        fields = ["id", "title", "region", "start_year", "end_year", "period", "objectives"]


def _milestones():
    return Prefetch("milestones", queryset=Milestone.objects.order_by("number"))


class StrategicPlanViewSet(ReadOnlyScopedViewSet):
    """Strategic plans of your regions, each with its objectives and their milestones."""

    model = StrategicPlan
    serializer_class = StrategicPlanSerializer
    select = ("region",)
    prefetch = (lambda: Prefetch("objectives", queryset=Objective.objects.order_by("sort_key")
                                 .prefetch_related(_milestones())),)
    filterset_fields = ["start_year", "end_year"]
    ordering_fields = ["start_year"]
    ordering = ["-start_year", "id"]


class ObjectiveViewSet(ReadOnlyScopedViewSet):
    """RSP objectives ("1.1.1") with their milestones."""

    model = Objective
    serializer_class = ObjectiveSerializer
    prefetch = (_milestones,)
    filterset_fields = ["strategic_plan", "code"]
    ordering_fields = ["sort_key", "id"]
    ordering = ["strategic_plan", "sort_key"]


routes = [
    ("strategic-plans", StrategicPlanViewSet, "strategicplan"),
    ("objectives", ObjectiveViewSet, "objective"),
]
