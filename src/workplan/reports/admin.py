from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from workplan.core.admin import VersionedAdminForm

from .models import Publication


@admin.register(Publication)
class PublicationAdmin(SimpleHistoryAdmin):
    form = VersionedAdminForm
    list_display = ["title", "kind", "date", "office", "member"]
    list_filter = ["kind", "office"]
    search_fields = ["title", "summary", "member__name", "member__iso3"]
    list_select_related = ["office", "member"]
    date_hierarchy = "date"
    raw_id_fields = ["actions"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
