"""Accreditations are personal data scoped like the people they belong to: office-wide for
admins, staff and viewers; a focal point sees those of their member's people, an expert their
own; nobody sees another office's (docs/delivery.md "Who sees what"). On the expert pages and
in the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from workplan.core.models import Role
from workplan.directory.models import Accreditation, Member, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(office, other_office, make_user):
    """Accredited people: two of the office's members (LAO, VNM), an expert who signs in
    (JPN), one of the other office. Areas name whose they are."""
    lao, vnm, jpn, ken = (Member.objects.get(iso3=c) for c in ("LAO", "VNM", "JPN", "KEN"))
    expert_user = make_user(Role.EXPERT, username="the-expert")
    found = {
        "lao": Person.objects.create(office=office, full_name="Lao Official", member=lao),
        "vnm": Person.objects.create(office=office, full_name="Viet Official", member=vnm),
        "expert": Person.objects.create(office=office, full_name="Jun Expert", member=jpn,
                                        user=expert_user),
        "outside": Person.objects.create(office=other_office, full_name="Kenyan Expert",
                                         member=ken),
    }
    for key, person in found.items():
        Accreditation.objects.create(person=person, area=f"area of {key}",
                                     accredited_on=dt.date(2022, 1, 1))
    found["expert_user"] = expert_user
    return found


def seen_by(user) -> set[str]:
    return {a.area.removeprefix("area of ")
            for a in Accreditation.objects.restrict(user)}


def api_seen_by(user) -> set[str]:
    api = APIClient()
    api.force_authenticate(user)
    response = api.get("/api/v1/accreditations/", {"page_size": 100})
    assert response.status_code == 200
    return {row["area"].removeprefix("area of ") for row in response.json()["results"]}


def page_seen_by(client, user) -> set[str]:
    """Areas offered by the expert registry's filter (every accreditation the user sees)."""
    client.force_login(user)
    response = client.get(reverse("delivery:expert_list"))
    assert response.status_code == 200
    return {value.removeprefix("area of ")
            for value, _label in response.context["form"].fields["area"].choices if value}


@pytest.mark.parametrize("role, member, expected", [
    (Role.ADMIN, None, {"lao", "vnm", "expert"}),
    (Role.STAFF, None, {"lao", "vnm", "expert"}),
    (Role.VIEWER, None, {"lao", "vnm", "expert"}),
    (Role.FOCAL_POINT, "LAO", {"lao"}),
    (Role.FOCAL_POINT, "JPN", {"expert"}),
    (None, None, set()),
])
def test_each_role_sees_its_part(client, make_user, people, role, member, expected):
    user = make_user(role, member=Member.objects.get(iso3=member) if member else None)
    assert seen_by(user) == expected
    assert api_seen_by(user) == expected
    assert page_seen_by(client, user) == expected


def test_an_expert_sees_only_their_own(client, people):
    user = people["expert_user"]
    assert seen_by(user) == api_seen_by(user) == page_seen_by(client, user) == {"expert"}
    client.force_login(user)
    response = client.get(reverse("delivery:expert_detail", args=[people["expert"].pk]))
    assert response.status_code == 200
    assert [a.area for a in response.context["accreditations"]] == ["area of expert"]
    # Another accredited person of the office: neither the page nor the record.
    assert client.get(reverse("delivery:expert_detail",
                              args=[people["vnm"].pk])).status_code == 404
    other = Accreditation.objects.get(person=people["vnm"])
    api = APIClient()
    api.force_authenticate(user)
    assert api.get(f"/api/v1/accreditations/{other.pk}/").status_code == 404


def test_a_focal_point_sees_their_members_experts_accreditations_on_the_page(client,
                                                                          make_user, people):
    user = make_user(Role.FOCAL_POINT, member=Member.objects.get(iso3="LAO"))
    client.force_login(user)
    response = client.get(reverse("delivery:expert_detail", args=[people["lao"].pk]))
    assert response.status_code == 200
    assert [a.area for a in response.context["accreditations"]] == ["area of lao"]
    assert client.get(reverse("delivery:expert_detail",
                              args=[people["expert"].pk])).status_code == 404


def test_other_offices_staff_and_operators(make_user, other_office, people,
                                           django_user_model):
    assert seen_by(make_user(Role.STAFF, office=other_office)) == {"outside"}
    root = django_user_model.objects.create_superuser("root", "r@x.example", "unused-pw-1")
    assert seen_by(root) == {"lao", "vnm", "expert", "outside"}


def test_nobody_changes_an_accreditation_through_a_narrow_role(make_user, people):
    assert not Accreditation.objects.restrict(people["expert_user"], "change").exists()
    lao_focal = make_user(Role.FOCAL_POINT, member=Member.objects.get(iso3="LAO"))
    assert not Accreditation.objects.restrict(lao_focal, "change").exists()
    assert Accreditation.objects.restrict(make_user(Role.STAFF), "change").count() == 3
