"""API of plans: work plans with their pillars and actions (nested), actions and activities
(read-only: plans change only by importing the published text, on the web page or the CLI)."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from rest_framework import serializers

from workplan.api.base import ReadOnlyScopedViewSet
from workplan.api.expand import Expandable
from workplan.directory.api import members_field, office_field
from workplan.framework.api import StrategicPlanSerializer

from .models import Action, ActionActivity, Activity, Pillar, WorkPlan


class ReferenceSerializer(serializers.Serializer):
    objective = serializers.CharField(source="objective.code", help_text="RSP code, e.g. 1.1.1")
    milestones = serializers.SerializerMethodField()

    def get_milestones(self, reference) -> list[int]:
        return [m.number for m in reference.milestones.all()]


class KpiSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    measure = serializers.CharField()


class ActionLinkSerializer(serializers.ModelSerializer):
    """Why an activity serves an action: listed under it, named in a See also, or both."""

    class Meta:
        model = ActionActivity
        fields = ["activity", "listed", "see_also"]


class ActionSerializer(serializers.ModelSerializer):
    pillar = serializers.IntegerField(source="pillar.number", read_only=True)
    references = ReferenceSerializer(many=True, read_only=True)
    kpis = KpiSerializer(source="indicators", many=True, read_only=True)
    activities = ActionLinkSerializer(source="activity_links", many=True, read_only=True)

    class Meta:
        model = Action
        fields = ["id", "work_plan", "pillar", "code", "letter", "position", "text",
                  "rocb_specific", "upon_request", "references", "kpis", "activities",
                  "archived_at"]


class PillarSerializer(serializers.ModelSerializer):
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Pillar
        fields = ["id", "number", "title", "actions"]


class WorkPlanSerializer(serializers.ModelSerializer):
    office = office_field()
    strategic_plan = Expandable(StrategicPlanSerializer, allow_null=True)
    action_count = serializers.IntegerField(read_only=True)
    activity_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = WorkPlan
        fields = ["id", "office", "strategic_plan", "title", "period", "start_year",
                  "action_count", "activity_count", "warnings"]


class WorkPlanDetailSerializer(WorkPlanSerializer):
    pillars = PillarSerializer(many=True, read_only=True)

    class Meta(WorkPlanSerializer.Meta):
        fields = [*WorkPlanSerializer.Meta.fields, "pillars"]


class ActivityActionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="action.code", read_only=True)

    class Meta:
        model = ActionActivity
        fields = ["action", "code", "listed", "see_also"]


class ActivitySerializer(serializers.ModelSerializer):
    members = members_field("members")
    actions = ActivityActionSerializer(source="action_links", many=True, read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "work_plan", "title", "kind", "position", "members", "unknown_members",
                  "actions"]


# --- viewsets ---------------------------------------------------------------------------------


class WorkPlanFilterSet(django_filters.FilterSet):
    office = django_filters.CharFilter(field_name="office__code", label="Office code")

    class Meta:
        model = WorkPlan
        fields = ["office", "period", "start_year"]


def _actions():
    return Prefetch("pillars", queryset=Pillar.objects.order_by("number").prefetch_related(
        Prefetch("actions", queryset=Action.objects.current().with_structure()
                 .order_by("position"))))


class WorkPlanViewSet(ReadOnlyScopedViewSet):
    """Work plans of your offices. One plan (``/work-plans/{id}/``) comes with its pillars and
    their actions: RSP references, KPIs and the activities that serve each."""

    model = WorkPlan
    filterset_class = WorkPlanFilterSet
    ordering_fields = ["start_year", "period"]
    ordering = ["office__code", "-start_year"]

    def get_serializer_class(self):
        return WorkPlanDetailSerializer if self.action == "retrieve" else WorkPlanSerializer

    def shape(self, queryset):
        queryset = queryset.for_list()
        return queryset.prefetch_related(_actions()) if self.action == "retrieve" else queryset


class ActionFilterSet(django_filters.FilterSet):
    pillar = django_filters.NumberFilter(field_name="pillar__number", label="Pillar number")

    class Meta:
        model = Action
        fields = ["work_plan", "pillar", "code", "upon_request", "rocb_specific"]


class ActionViewSet(ReadOnlyScopedViewSet):
    """Actions of your offices' plans with their RSP references, KPIs and activities."""

    model = Action
    serializer_class = ActionSerializer
    filterset_class = ActionFilterSet
    ordering_fields = ["position", "id"]
    ordering = ["work_plan", "position"]

    def shape(self, queryset):
        return queryset.with_structure()


class ActivityFilterSet(django_filters.FilterSet):
    member = django_filters.CharFilter(method="filter_member", label="Member (ISO code)")

    class Meta:
        model = Activity
        fields = ["work_plan", "kind", "member"]

    def filter_member(self, queryset, name, value):
        return queryset.filter(pk__in=Activity.members.through.objects
                               .filter(member__iso3=value.upper()).values("activity_id"))


class ActivityViewSet(ReadOnlyScopedViewSet):
    """Planned activities, with their beneficiary members and the actions they serve."""

    model = Activity
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    ordering_fields = ["position", "id"]
    ordering = ["work_plan", "position"]
    prefetch = (lambda: Prefetch("action_links", queryset=ActionActivity.objects
                                 .select_related("action").order_by("action__position")),)


routes = [
    ("work-plans", WorkPlanViewSet, "workplan"),
    ("actions", ActionViewSet, "action"),
    ("activities", ActivityViewSet, "activity"),
]
