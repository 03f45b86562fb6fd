from django.contrib import admin
from django.db import models
from django.db.models import F
from simple_history.admin import SimpleHistoryAdmin

from workplan.core.admin import VersionedAdminForm

from .models import Adoption, Indicator, Instrument, Target, Value

# Evidence links typed without a scheme are https (Django 6's default, set now).
URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    form = VersionedAdminForm
    list_display = ["text", "action", "position", "measure", "measure_locked"]
    list_filter = ["measure", "measure_locked", "action__work_plan"]
    search_fields = ["text", "action__code", "action__text"]
    list_select_related = ["action__work_plan"]
    raw_id_fields = ["action"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "fiscal_year", "quarter", "target", "baseline"]
    list_filter = ["fiscal_year", "quarter", "indicator__action__work_plan"]
    search_fields = ["indicator__text", "indicator__action__code"]
    list_select_related = ["indicator"]
    raw_id_fields = ["indicator"]

    # Targets share their indicator's version (the targets page saves them whole): a change
    # here is a new version of the indicator, so a targets form opened before is refused.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Indicator.objects.filter(pk=obj.indicator_id).update(version=F("version") + 1)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        Indicator.objects.filter(pk=obj.indicator_id).update(version=F("version") + 1)

    def delete_queryset(self, request, queryset):
        indicators = list(queryset.values_list("indicator_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        Indicator.objects.filter(pk__in=indicators).update(version=F("version") + 1)


@admin.register(Value)
class ValueAdmin(SimpleHistoryAdmin):
    """Values are reviewed on the KPI page (a second person approves); here the review
    fields are read-only, so the admin cannot bypass the review."""

    list_display = ["indicator", "on", "value", "member", "status", "entered_by", "reviewed_by"]
    list_filter = ["status", "indicator__action__work_plan"]
    search_fields = ["indicator__text", "indicator__action__code", "description", "evidence",
                     "member__name", "member__iso3"]
    list_select_related = ["indicator", "member", "entered_by", "reviewed_by"]
    raw_id_fields = ["indicator"]
    autocomplete_fields = ["member"]
    readonly_fields = ["status", "entered_by", "reviewed_by", "reviewed_at", "review_note"]
    formfield_overrides = URLS
    date_hierarchy = "on"


@admin.register(Instrument)
class InstrumentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "top_status_label", "position"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    list_editable = ["position"]


@admin.register(Adoption)
class AdoptionAdmin(SimpleHistoryAdmin):
    list_display = ["member", "instrument", "status", "since", "recorded_by"]
    list_filter = ["instrument", "status", "member__sub_region"]
    search_fields = ["member__name", "member__iso3", "instrument__name", "instrument__code",
                     "evidence"]
    list_select_related = ["member", "instrument", "recorded_by"]
    autocomplete_fields = ["member"]
    readonly_fields = ["recorded_by"]
    formfield_overrides = URLS
    date_hierarchy = "since"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
