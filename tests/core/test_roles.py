"""Office roles: granted and revoked by a service (and its commands), and nothing but the
membership row. A changed role replaces what the old one gave, a revoked one leaves nothing
of the office, an office keeps at least one admin, and no role opens the Django admin."""

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from workplan.core.models import Membership, Role
from workplan.core.services import RoleError, assign_role, revoke_role
from workplan.delivery.models import Event, Participation
from workplan.delivery.services import record_event
from workplan.directory.models import Member, Person

pytestmark = pytest.mark.django_db


def grant(*args):
    """Run ``workplan grant_role`` and return what it printed."""
    from io import StringIO

    out = StringIO()
    call_command("grant_role", *args, stdout=out)
    return out.getvalue().strip()


def revoke(*args):
    from io import StringIO

    out = StringIO()
    call_command("revoke_role", *args, stdout=out)
    return out.getvalue().strip()


def role_of(user, office):
    return Membership.objects.filter(user=user, office=office).values_list("role", flat=True) \
        .first()


@pytest.fixture
def event(office):
    lao = Member.objects.get(iso3="LAO")
    return record_event(office=office, title="Risk management workshop", kind="workshop",
                        level="national", start_date=dt.date(2024, 9, 2),
                        end_date=dt.date(2024, 9, 4), host_member=lao, beneficiaries=[lao])


def test_grant_role_gives_the_membership_and_nothing_else(django_user_model, office):
    user = django_user_model.objects.create_user("ana", password="x-unused-9")
    assert grant("ana", "ROCB-AP", "admin") == "ana is now Office admin of ROCB-AP"
    user = django_user_model.objects.get(pk=user.pk)
    assert role_of(user, office) == "admin"
    # no key to the Django admin: no is_staff, no group, no model permission
    assert not user.is_staff and not user.is_superuser
    assert not user.groups.exists() and not user.get_all_permissions()
    assert not Group.objects.filter(name__in=["Office admins", "Office staff"]).exists()
    django_user_model.objects.create_user("bo", password="x-unused-9")
    grant("bo", "ROCB-AP", "admin")
    assert grant("ana", "rocb-ap", "staff") == "ana is now Office staff of ROCB-AP"
    assert role_of(user, office) == "staff"
    assert Membership.objects.filter(user=user).count() == 1


def test_grant_role_errors_change_nothing(django_user_model, office, other_office):
    django_user_model.objects.create_user("bo", password="x-unused-9")
    with pytest.raises(CommandError, match="no user 'nobody'"):
        grant("nobody", "ROCB-AP", "staff")
    with pytest.raises(CommandError, match=r"no office with code 'ROCB-XX' \(offices: "
                                           r"ROCB-AP, ROCB-ESA\)"):
        grant("bo", "ROCB-XX", "staff")
    with pytest.raises(CommandError, match="needs --member"):
        grant("bo", "ROCB-AP", "focal_point")
    with pytest.raises(CommandError, match="no member with ISO code 'XXX'"):
        grant("bo", "ROCB-AP", "focal_point", "--member", "XXX")
    with pytest.raises(CommandError, match="The member KEN is not of the region of ROCB-AP"):
        grant("bo", "ROCB-AP", "focal_point", "--member", "KEN")
    assert not Membership.objects.exists()
    assert grant("bo", "ROCB-ESA", "focal_point", "--member", "ken") == \
        "bo is now Member focal point of ROCB-ESA"


def test_revoke_role_command(django_user_model, office, other_office):
    user = django_user_model.objects.create_user("cy", password="x-unused-9")
    with pytest.raises(CommandError, match="There is no role of cy in ROCB-AP to take away"):
        revoke("cy", "ROCB-AP")
    with pytest.raises(CommandError, match="no user 'nobody'"):
        revoke("nobody", "ROCB-AP")
    grant("cy", "ROCB-AP", "viewer")
    grant("cy", "ROCB-ESA", "staff")
    assert revoke("cy", "ROCB-AP") == \
        "cy is no longer Viewer of ROCB-AP and holds no role there"
    assert role_of(user, office) is None
    assert role_of(user, other_office) == "staff"  # the other office's role stays


def test_an_office_keeps_at_least_one_admin(django_user_model, office, other_office):
    ana = django_user_model.objects.create_user("ana", password="x-unused-9")
    bo = django_user_model.objects.create_user("bo", password="x-unused-9")
    grant("ana", "ROCB-AP", "admin")
    grant("ana", "ROCB-ESA", "admin")
    message = ("ROCB-AP must keep at least one admin, and ana is its only one. Make someone "
               "else admin of ROCB-AP first.")
    for command, args in (("grant_role", ["staff"]), ("grant_role", ["viewer"]),
                          ("revoke_role", [])):
        with pytest.raises(CommandError) as refused:
            call_command(command, "ana", "ROCB-AP", *args)
        assert str(refused.value) == message
        assert role_of(ana, office) == "admin"
    # an admin whose account is disabled does not count as the other admin
    grant("bo", "ROCB-AP", "admin")
    bo.is_active = False
    bo.save()
    with pytest.raises(CommandError, match="ROCB-AP must keep at least one admin, and ana"):
        revoke("ana", "ROCB-AP")
    bo.is_active = True
    bo.save()
    # with another admin, the first may step down; now bo is the one that must stay
    assert grant("ana", "ROCB-AP", "staff") == "ana is now Office staff of ROCB-AP"
    with pytest.raises(CommandError, match="at least one admin, and bo is its only one"):
        revoke("bo", "ROCB-AP")
    assert role_of(bo, office) == "admin" and role_of(ana, other_office) == "admin"


def test_the_rules_are_the_service_s(django_user_model, office):
    """Future office-administration pages call the service: they get the same refusals."""
    ana = django_user_model.objects.create_user("ana", password="x-unused-9")
    assign_role(ana, office, Role.ADMIN)
    with pytest.raises(RoleError, match="ROCB-AP must keep at least one admin"):
        assign_role(ana, office, Role.VIEWER)
    with pytest.raises(RoleError, match="ROCB-AP must keep at least one admin"):
        revoke_role(ana, office)
    with pytest.raises(RoleError, match="speaks for a member"):
        assign_role(ana, office, Role.FOCAL_POINT)
    with pytest.raises(RoleError, match="No role is called owner"):
        assign_role(ana, office, "owner")
    assert role_of(ana, office) == "admin"
    # a role that is no focal point's keeps no member
    lao = Member.objects.get(iso3="LAO")
    bo = django_user_model.objects.create_user("bo", password="x-unused-9")
    assign_role(bo, office, Role.FOCAL_POINT, member=lao)
    assign_role(bo, office, Role.STAFF, member=lao)
    assert Membership.objects.get(user=bo).member is None


def test_demotion_and_revocation_take_away_what_the_role_gave(client, make_user, office,
                                                               seed_plan, event):
    staff = make_user(Role.STAFF, username="demoted")
    client.force_login(staff)
    edit = reverse("delivery:event_update", args=[event.pk])
    detail = reverse("delivery:event_detail", args=[event.pk])
    plan = reverse("plans:workplan_detail", args=[office.code, seed_plan.period])
    assert client.get(edit).status_code == 200
    # demoted to viewer (same session): reads, changes nothing
    grant("demoted", "ROCB-AP", "viewer")
    assert client.get(detail).status_code == 200
    assert client.get(edit).status_code == 404
    response = client.post(edit, {"title": "Renamed by a viewer", "version": event.version})
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.title == "Risk management workshop" and event.version == 1
    # no key to the admin at any point
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/directory/person/").status_code == 302
    # revoked: the office's pages are not there for them
    assert revoke("demoted", "ROCB-AP").startswith("demoted is no longer Viewer of ROCB-AP")
    assert client.get(detail).status_code == 404
    assert client.get(plan).status_code == 404
    listed = client.get(reverse("delivery:event_list"))
    assert listed.status_code == 200 and detail not in listed.content.decode()


def test_a_revoked_expert_no_longer_sees_their_own_deployments(client, make_user, office,
                                                                other_office, event):
    """What is about a person (an expert's deployments, their profile) opens only in the
    offices where the linked user holds a role; linking someone of another office to a
    person record opens nothing of this office to them."""
    expert = make_user(Role.EXPERT, username="deployed")
    person = Person.objects.create(office=office, full_name="Deployed Expert", user=expert,
                                   member=Member.objects.get(iso3="LAO"))
    Participation.objects.create(event=event, person=person, member=person.member,
                                 role=Participation.Role.EXPERT)
    client.force_login(expert)
    detail = reverse("delivery:event_detail", args=[event.pk])
    assert client.get(detail).status_code == 200
    assert list(Person.objects.restrict(expert, "change")) == [person]
    revoke("deployed", "ROCB-AP")
    assert client.get(detail).status_code == 404
    expert = type(expert).objects.get(pk=expert.pk)  # as the next request loads it
    assert not Event.objects.restrict(expert).exists()
    assert not Participation.objects.restrict(expert).exists()
    assert not Person.objects.restrict(expert).exists()
    assert not Person.objects.restrict(expert, "change").exists()
    # an expert of another office, linked to this office's person record: nothing opens
    outsider = make_user(Role.EXPERT, office=other_office, username="outsider")
    person.user = outsider
    person.save()
    client.force_login(outsider)
    assert client.get(detail).status_code == 404
    assert not Event.objects.restrict(outsider).filter(office=office).exists()
    assert not Person.objects.restrict(outsider).filter(office=office).exists()


def test_the_migration_takes_back_what_roles_gave(django_user_model, make_user, office):
    """Users made ``is_staff`` and put in the role groups by the old ``assign_role`` lose both;
    superusers and groups an operator made keep theirs."""
    migration = import_module("workplan.core.migrations.0003_roles_give_no_admin_access")
    perms = Permission.objects.filter(content_type__app_label="directory")
    office_staff = Group.objects.create(name="Office staff")
    office_staff.permissions.set(perms)
    office_admins = Group.objects.create(name="Office admins")
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.set(perms)
    old_staff = make_user(Role.VIEWER, username="old-staff", is_staff=True)  # demoted since
    old_staff.groups.add(office_staff)
    old_admin = make_user(Role.ADMIN, username="old-admin", is_staff=True)  # left the group
    auditor = make_user(None, username="auditor", is_staff=True)
    auditor.groups.add(auditors)
    root = django_user_model.objects.create_superuser("root", "root@x.org", "unused-pw-1")
    root.groups.add(office_admins)
    client_of = {}
    for user in (old_staff, old_admin):
        from django.test import Client

        client_of[user] = Client()
        client_of[user].force_login(user)
        # the admin refuses them already, before the migration runs
        assert client_of[user].get("/admin/directory/person/").status_code == 302

    migration.take_back_admin_access(apps, None)

    def flags(user):
        user = django_user_model.objects.get(pk=user.pk)
        return user.is_staff, sorted(user.groups.values_list("name", flat=True))

    assert flags(old_staff) == (False, [])
    assert flags(old_admin) == (False, [])
    assert flags(auditor) == (True, ["Auditors"])
    assert flags(root) == (True, [])
    assert set(Group.objects.values_list("name", flat=True)) == {"Auditors"}
    assert auditors.permissions.count() == perms.count()
    assert role_of(old_admin, office) == "admin"  # the roles themselves stay
    migration.take_back_admin_access(apps, None)  # run again: nothing left to do
    assert flags(auditor) == (True, ["Auditors"])


def test_the_operators_admin_changes_roles_through_the_service(client, django_user_model,
                                                               office):
    """The admin's office roles page (operators only) gives the same refusals as the command
    line, on the form, and changes nothing when it refuses."""
    root = django_user_model.objects.create_superuser("root", "root@x.org", "unused-pw-1")
    ana = django_user_model.objects.create_user("ana", password="x-unused-9")
    bo = django_user_model.objects.create_user("bo", password="x-unused-9")
    admin_role = assign_role(ana, office, Role.ADMIN)
    client.force_login(root)
    change = reverse("admin:core_membership_change", args=[admin_role.pk])
    response = client.post(change, {"role": "staff"})
    assert response.status_code == 200
    assert "ROCB-AP must keep at least one admin, and ana is its only one" in \
        response.content.decode()
    assert role_of(ana, office) == "admin"
    response = client.post(reverse("admin:core_membership_delete", args=[admin_role.pk]),
                           {"post": "yes"})
    assert response.status_code == 302 and response["Location"] == change
    assert "ROCB-AP must keep at least one admin, and ana is its only one" in \
        client.get(change).content.decode()
    assert role_of(ana, office) == "admin"
    add = reverse("admin:core_membership_add")
    lao = Member.objects.get(iso3="LAO")
    response = client.post(add, {"user": ana.pk, "office": office.pk, "role": "viewer"})
    assert "There is a role of ana in ROCB-AP already" in response.content.decode()
    response = client.post(add, {"user": bo.pk, "office": office.pk, "role": "focal_point"})
    assert "speaks for a member" in response.content.decode()
    assert role_of(bo, office) is None
    response = client.post(add, {"user": bo.pk, "office": office.pk, "role": "admin",
                                 "member": lao.pk})
    assert response.status_code == 302
    bo_role = Membership.objects.get(user=bo, office=office)
    assert (bo_role.role, bo_role.member) == ("admin", None)  # an admin speaks for no member
    # with a second admin, ana may be demoted; then bo is the one who must stay
    assert client.post(change, {"role": "staff"}).status_code == 302
    assert role_of(ana, office) == "staff"
    delete_bo = reverse("admin:core_membership_delete", args=[bo_role.pk])
    assert client.post(delete_bo, {"post": "yes"}).status_code == 302
    assert role_of(bo, office) == "admin"
    assert client.post(change, {"role": "admin"}).status_code == 302
    assert client.post(delete_bo, {"post": "yes"}).status_code == 302
    assert role_of(bo, office) is None and role_of(ana, office) == "admin"
