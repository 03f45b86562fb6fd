from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workplan.core.admin import RestrictedAdminMixin

from .models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(RestrictedAdminMixin, SimpleHistoryAdmin):
    list_display = ["text", "action", "position", "measure", "measure_locked"]
    list_filter = ["measure", "measure_locked", "action__work_plan"]
    search_fields = ["text", "action__code", "action__text"]
    list_select_related = ["action__work_plan"]
    raw_id_fields = ["action"]
