"""API of the directory: offices, members, partners, people and accreditations (read-only:
the web pages do not edit them either; people are added with their participations)."""

from __future__ import annotations

import django_filters
from rest_framework import serializers

from workplan.api.base import ReadOnlyScopedViewSet
from workplan.api.expand import Expandable, Loading
from workplan.api.pagination import Cursor

from .models import Accreditation, Member, Office, Partner, Person, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class OfficeSerializer(serializers.ModelSerializer):
    region = RegionSerializer(read_only=True)

    class Meta:
        model = Office
        fields = ["id", "code", "name", "short_name", "region", "city", "country",
                  "fiscal_year_start_month"]


class MemberSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    groups = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Member
        fields = ["iso3", "name", "aliases", "region", "sub_region", "sie", "joined", "groups"]


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "name", "acronym", "kind", "country", "website"]


def member_field(source="member", **kwargs) -> Expandable:
    """A member by its ISO 3166 alpha-3 code, or whole with ``?expand=``."""
    path = source.replace(".", "__")
    return Expandable(MemberSerializer, key="iso3", source=source,
                      always=Loading(select=(path,)),
                      expanded=Loading(select=(f"{path}__region",),
                                       prefetch=(f"{path}__groups",)), **kwargs)


def members_field(source, **kwargs) -> Expandable:
    return Expandable(MemberSerializer, key="iso3", many=True, source=source,
                      always=Loading(prefetch=(source,)),
                      expanded=Loading(prefetch=(f"{source}__region", f"{source}__groups")),
                      **kwargs)


def office_field(source="office", **kwargs) -> Expandable:
    path = source.replace(".", "__")
    return Expandable(OfficeSerializer, source=source,
                      expanded=Loading(select=(f"{path}__region",)), **kwargs)


class AccreditationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Accreditation
        fields = ["id", "person", "area", "accredited_on", "expires_on", "notes"]


class PersonSerializer(serializers.ModelSerializer):
    office = office_field()
    member = member_field(allow_null=True)
    partner = Expandable(PartnerSerializer, allow_null=True)
    accreditations = Expandable(AccreditationSerializer, many=True,
                                always=Loading(prefetch=("accreditations",)))

    class Meta:
        model = Person
        fields = ["id", "office", "full_name", "gender", "member", "partner", "position",
                  "email", "accreditations"]


# --- viewsets ---------------------------------------------------------------------------------


class OfficeViewSet(ReadOnlyScopedViewSet):
    """The offices where you hold a role."""

    model = Office
    serializer_class = OfficeSerializer
    select = ("region",)
    filterset_fields = ["code"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]


class MemberFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code")

    class Meta:
        model = Member
        fields = ["region", "sub_region", "sie"]


class MemberViewSet(ReadOnlyScopedViewSet):
    """The members of your offices' regions, by ISO 3166 alpha-3 code (``/members/LAO/``)."""

    model = Member
    serializer_class = MemberSerializer
    select = ("region",)
    prefetch = ("groups",)
    lookup_field = "iso3"
    lookup_value_regex = r"[A-Za-z]{3}"
    filterset_class = MemberFilterSet
    ordering_fields = ["name", "iso3", "sub_region"]
    ordering = ["name"]

    def get_object(self):
        self.kwargs["iso3"] = self.kwargs["iso3"].upper()
        return super().get_object()


class PartnerViewSet(ReadOnlyScopedViewSet):
    """Development partners, donors, regional entities and the WCO Secretariat."""

    model = Partner
    serializer_class = PartnerSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["name"]
    ordering = ["name"]


class PersonFilterSet(django_filters.FilterSet):
    member = django_filters.CharFilter(field_name="member__iso3", label="Member (ISO code)")
    q = django_filters.CharFilter(field_name="full_name", lookup_expr="icontains",
                                  label="Name contains")

    class Meta:
        model = Person
        fields = ["office", "gender", "member", "partner", "q"]


class PersonViewSet(ReadOnlyScopedViewSet):
    """People of your offices (focal points: their member's; experts: themselves)."""

    model = Person
    serializer_class = PersonSerializer
    pagination_class = Cursor
    filterset_class = PersonFilterSet
    ordering_fields = ["full_name", "id"]
    ordering = ["full_name", "id"]


class AccreditationViewSet(ReadOnlyScopedViewSet):
    """Accredited experts by area."""

    model = Accreditation
    serializer_class = AccreditationSerializer
    filterset_fields = ["person", "area"]
    ordering_fields = ["accredited_on", "area", "id"]
    ordering = ["id"]


routes = [
    ("offices", OfficeViewSet, "office"),
    ("members", MemberViewSet, "member"),
    ("partners", PartnerViewSet, "partner"),
    ("people", PersonViewSet, "person"),
    ("accreditations", AccreditationViewSet, "accreditation"),
]
