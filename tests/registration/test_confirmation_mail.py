"""The registration's confirmation e-mail is a task of Django's Tasks API that makes the
personal link (and its QR code) when it sends it: the task table never holds the link, a retry
after a failure sends a working link (the failed attempt's is dead), a send that fails its
retries is shown on the event's registration page and to the office's admins, staff send it
again (the old link stops working), and the page says "being sent" until it has gone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.link_mail import DATABASE_TASKS, run_due_tasks, task_table_text, ticket_of
from workplan.core.models import Role
from workplan.delivery.services import record_event
from workplan.notifications.models import SendFailure
from workplan.notifications.tasks import MAX_ATTEMPTS
from workplan.registration import services
from workplan.registration.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def event(office):
    return record_event(office=office, title="Regional workshop on e-commerce",
                        kind="workshop", level="regional", start_date=dt.date(2099, 5, 5),
                        end_date=dt.date(2099, 5, 7), city="Bangkok")


@pytest.fixture
def registration(event):
    services.open_registration(event, closes_at=timezone.now() + dt.timedelta(days=30))
    return services.register(event, full_name="Lan Nguyen", email="lan@customs.example",
                             gender="female")


def _decide(client, registration, decision, **extra):
    return client.post(reverse("registration:registration_decide",
                               args=[registration.event_id]),
                       {"registration": registration.pk, "decision": decision}, **extra)


def _page(client, event) -> str:
    return client.get(reverse("registration:event_registration",
                              args=[event.pk])).content.decode()


def _opens(client, token) -> bool:
    """The personal link opens the registrant's page (else it is refused as not valid)."""
    response = client.get(reverse("registration:ticket", args=[token]))
    assert response.status_code in (200, 404), response.status_code
    if response.status_code == 404:
        assert "This personal link is not valid." in response.content.decode()
    return response.status_code == 200


def test_the_task_table_never_holds_the_link_and_a_retry_sends_a_new_one(
        client, make_user, event, registration, flaky_mail, settings,
        django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    flaky_mail.refusals = 1
    client.force_login(make_user(Role.STAFF))
    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(client, registration, "confirm", follow=True)
    assert "the e-mail with their personal link is being sent" in response.content.decode()
    registration.refresh_from_db()
    assert (registration.state, registration.email_state, registration.ticket_hash) == (
        "confirmed", "queued", None)
    assert registration.participation is not None  # recorded at the event meanwhile
    assert "e-mail being sent" in _page(client, event) and not mail.outbox
    row = DBTaskResult.objects.get()
    assert row.task_path == "workplan.registration.tasks.send_confirmation"
    assert row.args_kwargs == {"args": [registration.pk, "http://testserver"], "kwargs": {}}

    assert run_due_tasks() == 1  # refused by the mail server
    failed = ticket_of(flaky_mail.refused[0])
    registration.refresh_from_db()
    assert (registration.email_state, registration.email_attempts,
            registration.ticket_hash) == ("queued", 1, None)
    assert run_due_tasks(later=True) == 1
    message = mail.outbox[0]
    sent = ticket_of(message)
    assert sent != failed and message.to == ["lan@customs.example"]
    assert [name for name, _c, _t in message.attachments] == ["event.ics", "check-in-qr.png"]
    ics = message.attachments[0][1]
    assert sent in (ics.decode() if isinstance(ics, bytes) else ics)
    registration.refresh_from_db()
    assert (registration.email_state, registration.email_attempts) == ("sent", 2)
    assert services.find_registration(sent) == registration

    stored = task_table_text()
    assert str(registration.pk) in stored
    assert sent not in stored and failed not in stored
    assert "e-mailed" in _page(client, event)
    client.logout()
    assert not _opens(client, failed)
    assert _opens(client, sent)


def test_a_send_that_fails_its_retries_is_shown_and_sent_again_by_staff(
        client, make_user, event, registration, flaky_mail,
        django_capture_on_commit_callbacks):
    flaky_mail.refusals = MAX_ATTEMPTS
    staff = make_user(Role.STAFF)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, registration, "confirm")
    registration.refresh_from_db()
    assert (registration.email_state, registration.email_attempts,
            registration.ticket_hash) == ("failed", MAX_ATTEMPTS, None)
    refused = [ticket_of(message) for message in flaky_mail.refused]
    assert len(set(refused)) == MAX_ATTEMPTS and not mail.outbox
    failure = SendFailure.objects.get()
    assert (failure.office, failure.recipient, failure.url) == (
        event.office, "lan@customs.example", registration.page_url())
    page = _page(client, event)
    assert f'id="registration-{registration.pk}"' in page
    assert "e-mail failed" in page and "Connection refused by smtp.example:25" in page
    client.force_login(make_user(Role.ADMIN))
    listed = client.get(reverse("notifications:failure_list")).content.decode()
    assert "Registration confirmed: Regional workshop on e-commerce" in listed
    assert f"#registration-{registration.pk}" in listed

    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(client, registration, "resend", follow=True)
    assert "A new personal link is being sent to Lan Nguyen" in response.content.decode()
    first = ticket_of(mail.outbox[0])
    failure.refresh_from_db()
    assert failure.resolved_at is not None
    registration.refresh_from_db()
    assert registration.email_state == "sent"
    # The e-mail was lost: sent again, with a new link; the one sent before stops working.
    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, registration, "resend")
    second = ticket_of(mail.outbox[1])
    client.logout()
    assert second != first
    assert not _opens(client, first)
    assert not any(_opens(client, token) for token in refused)
    assert _opens(client, second)


def test_only_a_confirmed_registration_is_sent_again(client, make_user, registration,
                                                     django_capture_on_commit_callbacks):
    client.force_login(make_user(Role.STAFF))
    before = Registration.objects.values().get()
    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(client, registration, "resend", follow=True)
    assert "is sent once it is confirmed" in response.content.decode()
    assert not mail.outbox and Registration.objects.values().get() == before


def test_an_erased_registrant_is_not_e_mailed(make_user, registration,
                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        registration = services.confirm_registration(registration)
    services.erase_person(registration.person)
    for callback in callbacks:  # the worker comes round after the erasure
        callback()
    assert not mail.outbox and not SendFailure.objects.exists()
    registration.refresh_from_db()
    assert (registration.email_state, registration.ticket_hash) == ("none", None)
