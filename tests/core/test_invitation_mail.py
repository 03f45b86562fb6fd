"""The office invitation's e-mail is a task of Django's Tasks API that makes the set-password
link when it sends it: the task table never holds the link, a retry after a failure sends a
working link (the failed attempt's is dead), a send that fails its retries is shown to the
office's admins, who send it again (the old link stops working), and the page says "being
sent" while the e-mail has not gone."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.link_mail import DATABASE_TASKS, run_due_tasks, task_table_text
from workplan.core.models import Membership, OfficeInvitation, Role
from workplan.core.services import invitation_token_hash
from workplan.notifications.models import SendFailure
from workplan.notifications.tasks import MAX_ATTEMPTS

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/invitation/(?P<token>[^/\s]+)/")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, username="ap-admin", email="admin@rocb.example")


def _invite(client, office, email="newcomer@customs.example", role="staff"):
    return client.post(reverse("core:office_invite", args=[office.code]),
                       {"email": email, "role": role})


def _link(message) -> str:
    return LINK.search(message.body).group(0)


def _token(url: str) -> str:
    return LINK.search(url).group("token")


def _admin_page(client, office) -> str:
    return client.get(reverse("core:office_admin", args=[office.code])).content.decode()


def _opens(client, url) -> bool:
    """The link opens the set-password page (else it is refused as not valid)."""
    response = client.get(url)
    assert response.status_code in (200, 404), response.status_code
    if response.status_code == 404:
        assert "not valid" in response.content.decode()
    return response.status_code == 200


def test_the_task_table_never_holds_the_link_and_a_retry_sends_a_new_one(
        client, admin, office, flaky_mail, settings,
        django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    flaky_mail.refusals = 1
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, office)
    assert response.status_code == 302
    invitation = OfficeInvitation.objects.get()
    # Queued, not sent: no link exists yet, and the page says so.
    assert (invitation.email_state, invitation.token_hash) == ("queued", None)
    assert not mail.outbox
    assert "being sent" in _admin_page(client, office)
    row = DBTaskResult.objects.get()
    assert row.task_path == "workplan.core.tasks.send_invitation"
    assert row.args_kwargs == {"args": [invitation.pk, "http://testserver"], "kwargs": {}}

    # The worker's first attempt: the mail server refuses; the link it carried was not kept.
    assert run_due_tasks() == 1
    assert len(flaky_mail.refused) == 1 and not mail.outbox
    failed_link = _link(flaky_mail.refused[0])
    invitation.refresh_from_db()
    assert (invitation.email_state, invitation.email_attempts, invitation.token_hash) == (
        "queued", 1, None)
    assert "1 attempt failed, trying again" in _admin_page(client, office)
    assert run_due_tasks() == 0  # the retry waits its minute
    assert run_due_tasks(later=True) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newcomer@customs.example"]
    sent_link = _link(mail.outbox[0])
    invitation.refresh_from_db()
    assert (invitation.email_state, invitation.email_attempts) == ("sent", 2)
    assert invitation.token_hash == invitation_token_hash(_token(sent_link))
    assert sent_link != failed_link

    stored = task_table_text()
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    for secret in (_token(sent_link), _token(failed_link)):
        assert secret not in stored
    client.logout()
    assert not _opens(client, failed_link)
    assert _opens(client, sent_link)
    client.post(sent_link, {"new_password1": "a-long-pass-phrase-71",
                            "new_password2": "a-long-pass-phrase-71"})
    assert Membership.objects.get(user__email="newcomer@customs.example").role == "staff"


def test_a_send_that_fails_its_retries_is_shown_to_the_admins_who_send_it_again(
        client, admin, office, make_user, flaky_mail,
        django_capture_on_commit_callbacks):
    flaky_mail.refusals = MAX_ATTEMPTS
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, office)
    invitation = OfficeInvitation.objects.get()
    assert (invitation.email_state, invitation.email_attempts, invitation.token_hash) == (
        "failed", MAX_ATTEMPTS, None)
    assert len(flaky_mail.refused) == MAX_ATTEMPTS and not mail.outbox
    # Four attempts, four different links, none of which opens anything.
    links = {_link(message) for message in flaky_mail.refused}
    assert len(links) == MAX_ATTEMPTS

    failure = SendFailure.objects.get()
    assert (failure.office, failure.recipient, failure.url) == (
        office, "newcomer@customs.example", invitation.page_url())
    page = _admin_page(client, office)
    assert f'id="invitation-{invitation.pk}"' in page
    assert "sending failed" in page and "Connection refused by smtp.example:25" in page
    listed = client.get(reverse("notifications:failure_list")).content.decode()
    assert "Invitation to ROCB-AP as Office staff" in listed
    assert f"#invitation-{invitation.pk}" in listed
    # Staff do not administer the office: no sending again for them.
    client.force_login(make_user(Role.STAFF))
    resend = reverse("core:invitation_resend", args=[invitation.pk])
    assert client.post(resend).status_code == 404

    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, follow=True)
    assert "A new invitation is being sent" in response.content.decode()
    assert len(mail.outbox) == 1
    first = _link(mail.outbox[0])
    invitation.refresh_from_db()
    assert invitation.email_state == "sent"
    failure.refresh_from_db()
    assert failure.resolved_at is not None  # no longer listed
    assert "sending failed" not in _admin_page(client, office)

    # Sent again (the e-mail was lost): a new link, and the one sent before stops working.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resend)
    second = _link(mail.outbox[1])
    client.logout()
    assert second != first
    assert not _opens(client, first)
    assert not any(_opens(client, link) for link in links)
    assert _opens(client, second)


def test_withdrawn_before_it_went_the_invitation_is_not_sent_nor_sent_again(
        client, admin, office, django_capture_on_commit_callbacks):
    client.force_login(admin)
    with django_capture_on_commit_callbacks() as callbacks:
        _invite(client, office)
    invitation = OfficeInvitation.objects.get()
    client.post(reverse("core:invitation_revoke", args=[invitation.pk]))
    for callback in callbacks:  # the worker comes round after the withdrawal
        callback()
    assert not mail.outbox
    invitation.refresh_from_db()
    assert (invitation.state(), invitation.email_state, invitation.token_hash) == (
        "revoked", "none", None)
    before = OfficeInvitation.objects.values().get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:invitation_resend", args=[invitation.pk]),
                               follow=True)
    assert "was withdrawn: invite the address again instead" in response.content.decode()
    assert not mail.outbox and OfficeInvitation.objects.values().get() == before


def test_a_used_invitation_is_not_sent_again(client, admin, office,
                                             django_capture_on_commit_callbacks):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, office)
    link = _link(mail.outbox[0])
    client.logout()
    client.post(link, {"new_password1": "a-long-pass-phrase-71",
                       "new_password2": "a-long-pass-phrase-71"})
    invitation = OfficeInvitation.objects.get()
    assert invitation.state() == "accepted"
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:invitation_resend", args=[invitation.pk]),
                               follow=True)
    assert "was used: it is not sent again" in response.content.decode()
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.token_hash == invitation_token_hash(_token(link))
