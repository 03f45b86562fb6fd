"""Office roles: granted by a service/command, and what an office admin sees in the admin."""

import pytest
from django.core.management import CommandError, call_command

from workplan.core.models import Membership
from workplan.directory.models import Office, Region

pytestmark = pytest.mark.django_db


def test_grant_role_command(django_user_model, office):
    user = django_user_model.objects.create_user("ana", password="x-unused-9")
    call_command("grant_role", "ana", "ROCB-AP", "admin")
    user.refresh_from_db()
    assert user.is_staff and not user.is_superuser
    assert Membership.objects.get(user=user).role == "admin"
    assert user.has_perm("plans.change_activity") and user.has_perm("plans.delete_activity")
    call_command("grant_role", "ana", "ROCB-AP", "staff")
    assert Membership.objects.get(user=user).role == "staff"


def test_grant_role_errors(django_user_model, office):
    django_user_model.objects.create_user("bo", password="x-unused-9")
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("grant_role", "nobody", "ROCB-AP", "staff")
    with pytest.raises(CommandError, match="needs --member"):
        call_command("grant_role", "bo", "ROCB-AP", "focal_point")
    with pytest.raises(CommandError, match="no member with ISO code 'XXX'"):
        call_command("grant_role", "bo", "ROCB-AP", "focal_point", "--member", "XXX")
    assert not Membership.objects.exists()


def test_office_admin_uses_the_django_admin_for_their_office_only(client, django_user_model,
                                                                   seed_plan):
    region = Region.objects.create(code="esa", name="East and Southern Africa")
    other = Office.objects.create(code="ROCB-ESA", name="ROCB ESA", short_name="ROCB ESA",
                                  region=region)
    user = django_user_model.objects.create_user("ana", password="x-unused-9")
    call_command("grant_role", "ana", "ROCB-ESA", "admin")
    client.force_login(user)
    response = client.get("/admin/plans/activity/")
    assert response.status_code == 200
    assert b"National workshop on Risk Management for Iran" not in response.content
    call_command("grant_role", "ana", "ROCB-AP", "admin")
    response = client.get("/admin/plans/activity/")
    assert b"National workshop on Risk Management for Iran" in response.content
    assert other.pk
