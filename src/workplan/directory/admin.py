from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from workplan.core.admin import VersionedAdminForm

from .models import Member, MemberGroup, Office, Partner, Person, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "member_count"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "short_name", "name", "region", "city", "fiscal_year_start_month"]
    list_filter = ["region"]
    search_fields = ["code", "name", "short_name", "city"]
    list_select_related = ["region"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "iso3", "region", "sub_region", "sie", "joined"]
    list_filter = ["region", "sub_region", "sie"]
    # "aliases" is a JSON list: icontains matches inside it ("Dem. Rep" finds Lao PDR).
    search_fields = ["name", "iso3", "aliases"]
    list_select_related = ["region"]
    ordering = ["region", "name"]


@admin.register(MemberGroup)
class MemberGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "member_count"]
    list_filter = ["region"]
    search_fields = ["name", "aliases"]
    filter_horizontal = ["members"]
    list_select_related = ["region"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = Member.objects.order_by("region__name", "name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "kind", "country", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "country"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    form = VersionedAdminForm  # an expert edits their own record on a page meanwhile
    list_display = ["full_name", "office", "member", "partner", "position", "gender", "email"]
    list_filter = ["office", "gender", "member__sub_region"]
    search_fields = ["full_name", "email", "position", "member__name", "partner__name"]
    list_select_related = ["office", "member", "partner"]
    autocomplete_fields = ["member", "partner"]
