"""Office administration in the app: users and roles, invitations, settings, partners,
members' names and groups, for office admins (and operators), never for staff; bad input gets
a clear message and changes nothing; every change is in history with who made it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from workplan.core.models import Membership, OfficeInvitation, Role
from workplan.core.services import invitation_token_hash
from workplan.directory.models import Member, MemberGroup, Partner

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/invitation/(?P<token>[^/\s]+)/")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, username="ap-admin", email="admin@rocb.example")


def _invite(client, office, **data):
    return client.post(reverse("core:office_invite", args=[office.code]), data)


def _link(message) -> str:
    return LINK.search(message.body).group(0)


def test_admin_invites_a_new_address_and_the_link_opens_the_account_once(
        client, admin, office, django_capture_on_commit_callbacks):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, office, email="Newcomer@Customs.example", role="staff")
    assert response.status_code == 302
    invitation = OfficeInvitation.objects.get()
    assert (invitation.office, invitation.role, invitation.invited_by) == (office, "staff", admin)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["Newcomer@Customs.example"]
    url = _link(mail.outbox[0])
    token = LINK.search(url).group("token")
    assert invitation.token_hash == invitation_token_hash(token) and token not in str(
        OfficeInvitation.objects.values_list().get())  # only the hash is stored

    client.logout()
    page = client.get(url)
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    assert "Asia/Pacific Regional Office" in page.content.decode()
    refused = client.post(url, {"new_password1": "short", "new_password2": "short"})
    assert refused.status_code == 400
    assert not Membership.objects.filter(user__username="Newcomer@Customs.example").exists()
    done = client.post(url, {"first_name": "Nia", "last_name": "Comer",
                             "new_password1": "a-long-pass-phrase-71",
                             "new_password2": "a-long-pass-phrase-71"})
    assert done.status_code == 302
    membership = Membership.objects.get(user__email__iexact="Newcomer@Customs.example")
    assert (membership.office, membership.role) == (office, "staff")
    assert membership.user.check_password("a-long-pass-phrase-71")
    invitation.refresh_from_db()
    assert invitation.state() == "accepted" and invitation.accepted_by == membership.user
    assert client.get(reverse("core:search")).status_code == 200  # signed in
    client.logout()
    again = client.get(url)
    assert again.status_code == 404 and "already used" in again.content.decode()


def test_an_expired_or_withdrawn_link_opens_nothing(client, admin, office):
    client.force_login(admin)
    _invite(client, office, email="late@customs.example", role="viewer")
    invitation = OfficeInvitation.objects.get()
    token = "x" * 43
    invitation.token_hash = invitation_token_hash(token)
    invitation.expires_at = timezone.now() - dt.timedelta(minutes=1)
    invitation.save()
    client.logout()
    url = reverse("core:invitation_accept", args=[token])
    response = client.post(url, {"new_password1": "a-long-pass-phrase-71",
                                 "new_password2": "a-long-pass-phrase-71"})
    assert response.status_code == 404 and "expired" in response.content.decode()
    invitation.expires_at = timezone.now() + dt.timedelta(days=1)
    invitation.revoked_at = timezone.now()
    invitation.save()
    assert "withdrawn" in client.get(url).content.decode()
    assert client.get(reverse("core:invitation_accept", args=["nonsense"])).status_code == 404
    assert not Membership.objects.filter(user__email="late@customs.example").exists()


def test_inviting_again_replaces_the_link(client, admin, office,
                                         django_capture_on_commit_callbacks):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, office, email="twice@customs.example", role="viewer")
    first = _link(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, office, email="twice@customs.example", role="staff")
    invitation = OfficeInvitation.objects.get()
    second = _link(mail.outbox[1])
    assert second != first and invitation.role == "staff"
    assert invitation.token_hash == invitation_token_hash(LINK.search(second).group("token"))
    client.logout()
    assert client.get(first).status_code == 404
    assert "Office staff" in client.get(second).content.decode()


def test_an_address_in_use_is_said_and_its_account_can_be_given_the_role(
        client, admin, office, make_user, other_office):
    known = make_user(Role.STAFF, office=other_office, username="known",
                      email="known@customs.example")
    client.force_login(admin)
    response = _invite(client, office, email="KNOWN@customs.example", role="viewer")
    assert response.status_code == 400
    text = response.content.decode()
    assert "already has an account" in text and "Give the existing account known" in text
    assert not OfficeInvitation.objects.exists() and not mail.outbox
    response = _invite(client, office, email="known@customs.example", role="viewer",
                       add_existing="1")
    assert response.status_code == 302
    assert Membership.objects.get(user=known, office=office).role == "viewer"
    # Once they hold a role here, the list is where it changes.
    response = _invite(client, office, email="known@customs.example", role="staff",
                       add_existing="1")
    assert response.status_code == 400 and "already holds the role" in response.content.decode()
    assert Membership.objects.get(user=known, office=office).role == "viewer"


def test_a_focal_point_needs_a_member_of_the_region(client, admin, office, other_office):
    client.force_login(admin)
    response = _invite(client, office, email="fp@customs.example", role="focal_point")
    assert response.status_code == 400 and "give the member" in response.content.decode()
    kenya = Member.objects.get(iso3="KEN")
    response = _invite(client, office, email="fp@customs.example", role="focal_point",
                       member=kenya.pk)
    assert response.status_code == 400  # not a choice: Kenya is of another region
    assert not OfficeInvitation.objects.exists()


def test_the_last_admin_cannot_be_demoted_or_revoked(client, admin, office, make_user):
    client.force_login(admin)
    own = admin.memberships.get()
    response = client.post(reverse("core:membership_update", args=[own.pk]), {"role": "staff"})
    assert response.status_code == 400
    assert "must keep at least one admin" in response.content.decode()
    response = client.post(reverse("core:membership_revoke", args=[own.pk]), follow=True)
    assert "must keep at least one admin" in response.content.decode()
    own.refresh_from_db()
    assert own.role == "admin"
    # With a second admin, the change goes through and is in the office's history.
    second = make_user(Role.STAFF, username="second")
    row = second.memberships.get()
    assert client.post(reverse("core:membership_update", args=[row.pk]),
                       {"role": "admin"}).status_code == 302
    assert client.post(reverse("core:membership_update", args=[own.pk]),
                       {"role": "viewer"}).status_code == 302
    client.force_login(second)
    assert client.post(reverse("core:membership_revoke", args=[own.pk])).status_code == 302
    assert not Membership.objects.filter(user=admin).exists()
    page = client.get(reverse("core:office_admin", args=[office.code])).content.decode()
    assert "Taken away" in page and "by second" in page
    records = Membership.history.filter(office_id=office.pk, user_id=admin.pk)
    assert [r.history_type for r in records.order_by("history_date")] == ["+", "~", "-"]
    assert records.order_by("history_date").last().history_user == second


def test_only_the_office_s_admins_and_operators_administer_it(
        client, office, other_office, make_user, django_user_model):
    staff = make_user(Role.STAFF)
    other_admin = make_user(Role.ADMIN, office=other_office)
    root = django_user_model.objects.create_superuser("root", "root@x.example", "pw-unused-1")
    pages = [reverse("core:office_admin", args=[office.code]),
             reverse("core:office_settings", args=[office.code]),
             reverse("directory:member_update", args=["FJI"])]
    for user, expected in ((staff, 404), (other_admin, 404), (root, 200)):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == expected, (user, url)
    client.force_login(other_admin)
    assert client.get(reverse("core:office_list")).status_code == 200
    assert client.get(reverse("core:office_admin", args=[other_office.code])).status_code == 200
    client.force_login(staff)
    response = client.post(reverse("core:office_invite", args=[office.code]),
                           {"email": "x@customs.example", "role": "admin"})
    assert response.status_code == 404 and not OfficeInvitation.objects.exists()
    assert "Office administration" not in client.get(reverse("core:search")).content.decode()


def test_settings_saved_with_who_and_when(client, admin, office):
    client.force_login(admin)
    url = reverse("core:office_settings", args=[office.code])
    bad = client.post(url, {"name": office.name, "short_name": "ROCB A/P", "country": "TH",
                            "fiscal_year_start_month": 13})
    assert bad.status_code == 400
    office.refresh_from_db()
    assert office.country == "THA" and office.fiscal_year_start_month == 7
    assert client.post(url, {"name": office.name, "short_name": "ROCB AP", "city": "Bangkok",
                             "country": "tha", "fiscal_year_start_month": 7}
                       ).status_code == 302
    office.refresh_from_db()
    assert office.short_name == "ROCB AP"
    page = client.get(url).content.decode()
    assert "ROCB AP" in page and "by ap-admin" in page


def test_partners_added_and_corrected_by_admins_only(client, admin, office, make_user):
    assert Partner.objects.filter(acronym__in=["OCO", "PIFS"]).count() == 2
    client.force_login(make_user(Role.STAFF))
    assert client.get(reverse("directory:partner_create")).status_code == 404
    assert client.get(reverse("directory:partner_list")).status_code == 200
    client.force_login(admin)
    duplicate = client.post(reverse("directory:partner_create"),
                            {"name": "oceania customs organisation", "kind": "other"})
    assert duplicate.status_code == 400 and "already a partner" in duplicate.content.decode()
    response = client.post(reverse("directory:partner_create"),
                           {"name": "Melanesian Spearhead Group", "acronym": "MSG",
                            "kind": "other", "country": "vut",
                            "website": "www.msgsec.info"})
    assert response.status_code == 302
    partner = Partner.objects.get(acronym="MSG")
    assert partner.country == "VUT" and partner.website == "https://www.msgsec.info"
    assert partner.history.get().history_user == admin


def test_member_names_and_groups_of_the_admin_s_region(client, admin, office, other_office):
    client.force_login(admin)
    url = reverse("directory:member_update", args=["LAO"])
    clash = client.post(url, {"aliases": "Lao PDR\nFiji", "sub_region": "South-East Asia"})
    assert clash.status_code == 400 and "Fiji (Fiji)" in clash.content.decode()
    lao = Member.objects.get(iso3="LAO")
    before = list(lao.aliases)
    assert "Fiji" not in lao.aliases
    assert client.post(url, {"aliases": "\n".join([*before, "Lao (PDR)"]),
                             "sub_region": lao.sub_region}).status_code == 302
    lao.refresh_from_db()
    assert lao.aliases == [*before, "Lao (PDR)"]
    assert lao.history.order_by("-history_date").first().history_user == admin
    assert client.get(reverse("directory:member_update", args=["KEN"])).status_code == 404

    pacific = MemberGroup.objects.get(region=office.region, name="Pacific Islands")
    fiji, tonga = Member.objects.get(iso3="FJI"), Member.objects.get(iso3="TON")
    response = client.post(reverse("directory:group_update", args=[pacific.pk]),
                           {"name": "Pacific Islands", "aliases": "PICs",
                            "members": [fiji.pk, tonga.pk]})
    assert response.status_code == 302
    assert set(pacific.members.values_list("iso3", flat=True)) == {"FJI", "TON"}
    kenya = Member.objects.get(iso3="KEN")
    response = client.post(reverse("directory:group_create") + "?region=asia-pacific",
                           {"name": "Melanesia", "members": [fiji.pk, kenya.pk]})
    assert response.status_code == 400  # Kenya is not of the region: nothing saved
    assert not MemberGroup.objects.filter(name="Melanesia").exists()
    page = client.get(reverse("directory:group_update", args=[pacific.pk])).content.decode()
    assert "by ap-admin" in page


def test_the_administration_page_s_queries_do_not_grow(
        client, admin, office, make_user, django_assert_max_num_queries):
    client.force_login(admin)
    url = reverse("core:office_admin", args=[office.code])
    client.get(url)
    for n in range(6):
        make_user(Role.VIEWER)
        _invite(client, office, email=f"guest{n}@customs.example", role="staff")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count("guest") >= 6
