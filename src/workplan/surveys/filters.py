"""Filters of the survey list (django-filter), shared by the web page and, later, the API.

The fiscal years offered are read once (one aggregate) when the filter set is made, so the
list costs the same number of queries whatever filters are used.
"""

from __future__ import annotations

import django_filters
from django.db.models import Max, Min, Q
from django.utils.translation import gettext_lazy as _

from workplan.delivery.summaries import fiscal_year_label

from .models import Survey


class SurveyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Survey.Kind.choices,
                                       empty_label=_("All kinds"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Survey.Status.choices,
                                         empty_label=_("All statuses"))
    fy = django_filters.ChoiceFilter(label=_("Fiscal year"), field_name="fiscal_year",
                                     empty_label=_("All years"))

    class Meta:
        model = Survey
        fields = ["q", "kind", "status", "fy"]

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        years = self.queryset.order_by().aggregate(first=Min("fiscal_year"),
                                                   last=Max("fiscal_year"))
        span = (range(years["last"], years["first"] - 1, -1)
                if years["first"] is not None else [])
        self.filters["fy"].extra["choices"] = [(str(y), fiscal_year_label(y)) for y in span]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(event__title__icontains=value))
