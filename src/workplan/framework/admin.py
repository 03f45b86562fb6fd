from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Milestone, Objective, StrategicPlan


class ObjectiveInline(admin.TabularInline):
    model = Objective
    fields = ["code", "title"]
    extra = 0
    show_change_link = True


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["number", "title"]
    extra = 0


@admin.register(StrategicPlan)
class StrategicPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "start_year", "end_year", "objective_count"]
    list_filter = ["region"]
    search_fields = ["title"]
    list_select_related = ["region"]
    inlines = [ObjectiveInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(objective_total=Count("objectives"))

    @admin.display(description=_("objectives"), ordering="objective_total")
    def objective_count(self, obj):
        return obj.objective_total


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "strategic_plan", "milestone_count"]
    list_filter = ["strategic_plan"]
    search_fields = ["code", "title"]
    list_select_related = ["strategic_plan"]
    ordering = ["strategic_plan", "sort_key"]
    inlines = [MilestoneInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(milestone_total=Count("milestones"))

    @admin.display(description=_("milestones"), ordering="milestone_total")
    def milestone_count(self, obj):
        return obj.milestone_total
