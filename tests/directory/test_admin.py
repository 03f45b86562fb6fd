"""The admin of the directory, framework, indicators and core models: every page opens for an
operator, members are found by their aliases, and office users are not let in."""

import pytest
from django.contrib import admin
from django.urls import reverse

from workplan.core.models import Membership
from workplan.directory.models import Member, MemberGroup, Office, Partner, Person, Region
from workplan.framework.models import Objective, StrategicPlan
from workplan.indicators.models import Indicator

pytestmark = pytest.mark.django_db

MODELS = [Region, Office, Member, MemberGroup, Partner, Person, StrategicPlan, Objective,
          Indicator, Membership]


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org",
                                                                  "unused-password-1"))
    return client


def test_models_are_registered():
    for model in MODELS:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_open(admin_client, make_user, seed_plan, model):
    Partner.objects.create(name="Korea Customs Service", acronym="KCS")
    Person.objects.create(office=seed_plan.office, full_name="A. Participant",
                          member=Member.objects.get(iso3="LAO"))
    make_user("staff")
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist + "?q=a").status_code == 200
    assert admin_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    ).status_code == 200
    if hasattr(obj, "history"):
        assert admin_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        ).status_code == 200


@pytest.mark.parametrize("query", ["Dem. Rep", "LAO", "Lao People"])
def test_member_admin_finds_members_by_alias_code_and_name(admin_client, query):
    response = admin_client.get(reverse("admin:directory_member_changelist"), {"q": query})
    assert response.status_code == 200
    found = [m.iso3 for m in response.context["cl"].result_list]
    assert found == ["LAO"]


def test_indicator_admin_filters_by_measure(admin_client, seed_plan):
    response = admin_client.get(reverse("admin:indicators_indicator_changelist"),
                                {"measure": "manual"})
    assert response.status_code == 200
    assert all(i.measure == "manual" for i in response.context["cl"].result_list)


def test_the_admin_is_closed_to_office_users(client, make_user, other_office, office):
    """Office admins work in the app's pages; the admin, which is not scoped to offices, sends
    them to its sign-in page, even with ``is_staff`` and the model permissions. An operator
    sees every office there."""
    from django.contrib.auth.models import Permission

    user = make_user("admin", office=other_office, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_member", "view_office", "view_membership", "change_member"]))
    client.force_login(user)
    lao = Member.objects.get(iso3="LAO")
    for url in (reverse("admin:directory_member_changelist"),
                reverse("admin:directory_office_changelist"),
                reverse("admin:directory_member_change", args=[lao.pk]),
                reverse("admin:core_membership_changelist")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    response = client.post(reverse("admin:directory_member_change", args=[lao.pk]),
                           {"name": "Renamed", "iso3": "LAO", "region": office.region_id})
    assert response.status_code == 302
    assert Member.objects.get(pk=lao.pk).name != "Renamed"
    client.force_login(make_user(None, is_superuser=True, is_staff=True))
    response = client.get(reverse("admin:directory_office_changelist"))
    assert {o.code for o in response.context["cl"].result_list} >= {"ROCB-AP", "ROCB-ESA"}
