"""Administration of plans: imported records, mostly read as imported.

Plans come from the importer; the admin is for looking things up, fixing a title or a kind,
and reading the import log. Like the whole admin, for the installation's operators only
(``core.adminsite``): until the plan editor exists, an operator corrects a title or a kind
here for an office.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from workplan.indicators.models import Indicator

from .models import Action, ActionActivity, ActionReference, Activity, ImportRun, Pillar, WorkPlan


class ReadOnlyInline:
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PillarInline(ReadOnlyInline, admin.TabularInline):
    model = Pillar
    fields = ["number", "title"]
    readonly_fields = fields
    show_change_link = True


@admin.register(WorkPlan)
class WorkPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "office", "period", "strategic_plan", "action_count",
                    "activity_count", "modified"]
    list_filter = ["office", "period"]
    search_fields = ["title", "period", "office__code", "office__short_name"]
    list_select_related = ["office", "strategic_plan"]
    readonly_fields = ["office", "period", "start_year", "strategic_plan", "source_name",
                       "source_sha256", "warnings", "created", "modified"]
    fields = ["title", *readonly_fields]
    inlines = [PillarInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    def has_add_permission(self, request):
        return False  # plans are imported: Plans › Import a plan

    @admin.display(description=_("actions"), ordering="action_count")
    def action_count(self, plan):
        return plan.action_count

    @admin.display(description=_("activities"), ordering="activity_count")
    def activity_count(self, plan):
        return plan.activity_count


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "work_plan"]
    list_filter = ["work_plan__office", "work_plan"]
    search_fields = ["title"]
    list_select_related = ["work_plan"]
    readonly_fields = ["work_plan", "number"]

    def has_add_permission(self, request):
        return False


class ReferenceInline(ReadOnlyInline, admin.TabularInline):
    model = ActionReference
    fields = ["objective", "milestone_numbers"]
    readonly_fields = fields
    verbose_name = _("RSP reference")
    verbose_name_plural = _("RSP references")

    def get_queryset(self, request):
        return (super().get_queryset(request).select_related("objective")
                .prefetch_related("milestones"))

    @admin.display(description=_("milestones"))
    def milestone_numbers(self, reference):
        return ", ".join(str(m.number) for m in reference.milestones.all()) or "—"


class IndicatorInline(admin.TabularInline):
    """KPIs: the text is as published; staff may choose the measure that counts it."""

    model = Indicator
    fields = ["position", "text", "measure", "measure_locked"]
    readonly_fields = ["position", "text"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ActionActivityInline(ReadOnlyInline, admin.TabularInline):
    model = ActionActivity
    fk_name = "action"
    fields = ["activity", "listed", "see_also", "listed_position", "listed_title",
              "see_also_codes", "source_line"]
    readonly_fields = fields
    verbose_name = _("activity link")
    verbose_name_plural = _("activity links")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("activity")


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "short_text", "work_plan", "upon_request", "rocb_specific"]
    list_filter = ["work_plan__office", "work_plan", "upon_request", "rocb_specific",
                   "pillar__number"]
    search_fields = ["code", "text"]
    list_select_related = ["work_plan"]
    readonly_fields = ["work_plan", "pillar", "letter", "code", "position", "source_line"]
    fields = ["work_plan", "pillar", "code", "letter", "position", "text", "upon_request",
              "rocb_specific", "source_line"]
    inlines = [ReferenceInline, IndicatorInline, ActionActivityInline]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("text"))
    def short_text(self, action):
        return action.text if len(action.text) <= 90 else action.text[:89] + "…"


class ActivityLinkInline(ReadOnlyInline, admin.TabularInline):
    model = ActionActivity
    fk_name = "activity"
    fields = ["action", "listed", "see_also", "listed_title", "see_also_codes", "source_line"]
    readonly_fields = fields
    verbose_name = _("action served")
    verbose_name_plural = _("actions served")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("action")


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["short_title", "kind", "work_plan", "member_count", "source_line"]
    list_filter = ["kind", "work_plan__office", "work_plan"]
    search_fields = ["title", "members__iso3", "members__name"]
    list_select_related = ["work_plan"]
    readonly_fields = ["work_plan", "position", "unknown_members", "source_line"]
    fields = ["work_plan", "title", "kind", "members", "unknown_members", "position",
              "source_line"]
    filter_horizontal = ["members"]
    inlines = [ActivityLinkInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(member_count=Count("members"))

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("title"))
    def short_title(self, activity):
        return activity.title if len(activity.title) <= 90 else activity.title[:89] + "…"

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, activity):
        return activity.member_count


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The import log: read-only."""

    list_display = ["created", "office", "work_plan", "outcome", "source_name", "user"]
    list_filter = ["outcome", "office"]
    search_fields = ["source_name", "source_sha256", "user__username"]
    list_select_related = ["office", "work_plan", "user"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
