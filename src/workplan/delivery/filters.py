"""Filters of delivery's lists (django-filter), shared by the web pages and, later, the API.

Choices that depend on the user (members, sub-regions, partners, fiscal years) are read once
through ``restrict`` when the filter set is made, so a list page costs the same number of
queries whatever filters are used.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Max, Min, Q
from django.db.models.functions import ExtractMonth, Mod
from django.utils.translation import gettext_lazy as _

from workplan.core.access import VIEW
from workplan.directory.models import Member, Partner
from workplan.plans.querysets import normalise_code

from .models import Event, EventAction, EventPartner, Request

QUARTERS = [("Q1", "Q1"), ("Q2", "Q2"), ("Q3", "Q3"), ("Q4", "Q4")]


def fiscal_year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


class ActionCodeField(forms.CharField):
    """An action code as people type it ("1a", "1-(a)", "1 (aa)"), cleaned to "1-(a)"."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        code = normalise_code(value)
        if code is None:
            raise forms.ValidationError(
                _("“%(value)s” is not an action code; write it as in the plan, e.g. 1-(a)."),
                code="invalid", params={"value": value})
        return code


class ActionCodeFilter(django_filters.CharFilter):
    field_class = ActionCodeField


def _member_choices(members) -> list[tuple[str, str]]:
    return [(m.iso3, m.name) for m in members]


class EventFilterSet(django_filters.FilterSet):
    """The event list's filters. ``request`` is required: choices come from the user's scope."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    fy = django_filters.ChoiceFilter(label=_("Fiscal year"), method="filter_fiscal_year",
                                     empty_label=_("All years"))
    quarter = django_filters.ChoiceFilter(label=_("Quarter of the fiscal year"),
                                          choices=QUARTERS, method="filter_quarter",
                                          empty_label=_("All quarters"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Event.Kind.choices,
                                       empty_label=_("All kinds"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Event.Level.choices,
                                        empty_label=_("All levels"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Event.Status.choices,
                                         empty_label=_("All statuses"))
    member = django_filters.ChoiceFilter(label=_("Beneficiary member"), method="filter_member",
                                         empty_label=_("All members"))
    sub_region = django_filters.ChoiceFilter(label=_("Sub-region"), method="filter_sub_region",
                                             empty_label=_("All sub-regions"))
    action = ActionCodeFilter(label=_("Action"), method="filter_action",
                              help_text=_("A code of the plan, e.g. 1-(a)"))
    partner = django_filters.ChoiceFilter(label=_("Partner"), method="filter_partner",
                                          empty_label=_("All partners"))

    todo = django_filters.ChoiceFilter(label=_("To do"), method="filter_todo", choices=[
        ("past_open", _("Past, still planned or confirmed")),
        ("no_attendance", _("Held, no attendance recorded")),
        ("no_summary", _("Held, no summary")),
        ("no_evaluation", _("Held, no evaluation survey")),
        ("next_30_days", _("In the next 30 days")),
    ])

    class Meta:
        model = Event
        fields = ["q", "fy", "quarter", "kind", "level", "status", "member", "sub_region",
                  "action", "partner"]

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = request.user
        members = list(Member.objects.restrict(user, VIEW).only("iso3", "name", "sub_region")
                       .order_by("name"))
        years = self.queryset.order_by().with_fiscal_year().aggregate(
            first=Min("fy_start"), last=Max("fy_start"))
        fiscal_years = (range(years["last"], years["first"] - 1, -1)
                        if years["first"] is not None else [])
        self.filters["fy"].extra["choices"] = [(str(y), fiscal_year_label(y))
                                               for y in fiscal_years]
        self.filters["member"].extra["choices"] = _member_choices(members)
        self.filters["sub_region"].extra["choices"] = [
            (name, name) for name in sorted({m.sub_region for m in members if m.sub_region})]
        self.filters["partner"].extra["choices"] = [
            (str(p.pk), str(p)) for p in Partner.objects.restrict(user, VIEW).order_by("name")]

    # The fiscal year and its quarters follow each event's office (July for the WCO offices).

    def filter_todo(self, queryset, name, value: str):
        from django.utils import timezone

        return queryset.todo(value, timezone.localdate())

    def filter_fiscal_year(self, queryset, name, value: str):
        return queryset.with_fiscal_year().filter(fy_start=int(value))

    def filter_quarter(self, queryset, name, value):
        first_month = 3 * (int(value[1]) - 1)  # months since the fiscal year began
        return queryset.annotate(
            _fy_offset=Mod(ExtractMonth("start_date") - F("office__fiscal_year_start_month")
                           + 12, 12),
        ).filter(_fy_offset__gte=first_month, _fy_offset__lte=first_month + 2)

    def filter_member(self, queryset, name, value: str):
        through = Event.beneficiaries.through
        return queryset.filter(pk__in=through.objects.filter(member__iso3=value)
                               .values("event_id"))

    def filter_sub_region(self, queryset, name, value: str):
        through = Event.beneficiaries.through
        return queryset.filter(pk__in=through.objects.filter(member__sub_region=value)
                               .values("event_id"))

    def filter_action(self, queryset, name, value):
        return queryset.filter(pk__in=EventAction.objects.filter(action__code=value)
                               .values("event_id"))

    def filter_partner(self, queryset, name, value: str):
        return queryset.filter(pk__in=EventPartner.objects.filter(partner_id=int(value))
                               .values("event_id"))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(city__icontains=value)
                               | Q(summary__icontains=value))


class RequestFilterSet(django_filters.FilterSet):
    """The request list's filters: status, and the member for those who see several."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=Request.Status.choices,
                                         empty_label=_("All statuses"))
    member = django_filters.ChoiceFilter(label=_("Member"), field_name="member__iso3",
                                         empty_label=_("All members"))

    class Meta:
        model = Request
        fields = ["status", "member"]

    def __init__(self, data=None, queryset=None, *, request, members_filter: bool = True,
                 **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        if members_filter:
            members = Member.objects.restrict(request.user, VIEW).only("iso3", "name")
            self.filters["member"].extra["choices"] = _member_choices(members.order_by("name"))
        else:
            del self.filters["member"]
