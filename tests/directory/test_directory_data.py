"""The directory that migrations load: the 35 Asia/Pacific members, their names, groups, office."""

import csv
from pathlib import Path

import pytest

from workplan.directory.models import Member, MemberGroup, Office
from workplan.directory.querysets import member_index
from workplan.directory.services import load_region

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "wco-asia-pacific-members.csv"

pytestmark = pytest.mark.django_db


def test_migrations_load_the_region_and_the_office():
    office = Office.objects.get(code="ROCB-AP")
    assert office.short_name == "ROCB A/P" and office.fiscal_year_start_month == 7
    members = Member.objects.filter(region=office.region)
    assert members.count() == 35
    assert sorted(set(members.values_list("sub_region", flat=True))) == [
        "ASEAN", "Australasia/Oceania", "Far East", "Sub-Continent"]
    palau = Member.objects.get(iso3="PLW")
    assert palau.joined == 2024 and palau.sie and "Palau, Republic of" in palau.aliases


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not beside the checkout")
def test_members_match_the_reference_list():
    reference = {r["iso3"]: (r["name"], r["sub_region"]) for r in csv.DictReader(SHARED.open())}
    shipped = {m.iso3: (m.name, m.sub_region) for m in Member.objects.all()}
    assert shipped == reference


def test_groups():
    assert MemberGroup.objects.get(name="All Countries").members.count() == 35
    pacific = MemberGroup.objects.get(name="Pacific Islands")
    assert sorted(pacific.members.values_list("iso3", flat=True)) == [
        "FJI", "PLW", "PNG", "SLB", "TON", "VUT", "WSM"]
    assert MemberGroup.objects.get(name="ASEAN").members.count() == 10


def test_loading_again_changes_nothing():
    before = Member.objects.count(), MemberGroup.objects.count(), Office.objects.count()
    assert load_region() == {"members": 0, "groups": 0, "offices": 0}
    assert (Member.objects.count(), MemberGroup.objects.count(), Office.objects.count()) == before


@pytest.mark.parametrize("title, codes, unknown", [
    ("National workshop on AEO for Lao People's Dem. Rep., Vanuatu, and Vietnam",
     ["LAO", "VNM", "VUT"], []),
    ("National Workshop on HS for Nepal and Palau, Republic of", ["NPL", "PLW"], []),
    ("Workshop for Iran", ["IRN"], []),
    ("Workshop for Hong Kong, China and Macao, China", ["HKG", "MAC"], []),
    ("Workshop for Korea, Republic of", ["KOR"], []),
    ("Sub-Regional Workshop for Fiji, Guinea, Papua New Guinea, Samoa", ["FJI", "PNG", "WSM"],
     ["Guinea"]),
    ("Workshop for Guinea", [], ["Guinea"]),
    ("Workshop for the Pacific Islands", ["FJI", "PLW", "PNG", "SLB", "TON", "VUT", "WSM"], []),
    ("Take every opportunity for training of their personnel", [], []),
])
def test_member_names_in_titles(title, codes, unknown):
    index = member_index(Office.objects.get(code="ROCB-AP").region)
    assert index.members_in_title(title) == (codes, unknown)
