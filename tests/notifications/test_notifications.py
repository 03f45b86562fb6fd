"""Notifications: who is told what (request life cycle, deployments, KPI values, surveys),
each user's choice per kind, e-mail sent by a task after the commit (never by the page),
retried on failure and then listed for the office's admins; fixed query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from workplan.core.models import Role
from workplan.delivery.services import (
    add_participation,
    file_request,
    move_request,
    record_event,
)
from workplan.directory.models import Member, Person
from workplan.notifications import kinds, services, tasks
from workplan.notifications.models import Notification, Preference, SendFailure

pytestmark = pytest.mark.django_db

SIGNED_IN = 2  # session, user


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message (what a misconfigured relay does)."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("Connection refused by smtp.example:25")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lao():
    return Member.objects.get(iso3="LAO")


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF, username="sam", email="sam@rocb.example")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, username="ada", email="ada@rocb.example")


@pytest.fixture
def focal(make_user, lao):
    return make_user(Role.FOCAL_POINT, username="lao-focal", member=lao,
                     email="focal@customs.gov.la")


def file_one(office, lao, focal, capture):
    with capture(execute=True):
        return file_request(office=office, member=lao, topic="Risk management workshop",
                            user=focal, preferred_start=dt.date(2025, 3, 1))


def test_a_filed_request_tells_the_office_staff_by_mail_after_the_commit(
        office, lao, staff, admin, focal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        req = file_request(office=office, member=lao, topic="Risk management workshop",
                           user=focal)
    # Stored with the request; nothing sent before the commit.
    rows = Notification.objects.filter(kind="request_filed")
    assert {n.user for n in rows} == {staff, admin}  # not the focal point who filed it
    assert not mail.outbox and len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@rocb.example", "sam@rocb.example"]
    assert "Lao" in mail.outbox[0].subject and req.get_absolute_url() in mail.outbox[0].body
    assert set(rows.values_list("email_state", flat=True)) == {"sent"}


def test_the_request_life_cycle_tells_the_focal_point(office, lao, staff, focal,
                                                      django_capture_on_commit_callbacks):
    req = file_one(office, lao, focal, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move_request(req, "accepted", user=staff)
        event = record_event(office=office, title="RM workshop, Vientiane", kind="workshop",
                             level="national", start_date=dt.date(2025, 3, 10),
                             end_date=dt.date(2025, 3, 13), beneficiaries=[lao])
        move_request(req, "scheduled", user=staff, event=event)
    texts = list(Notification.objects.filter(user=focal).order_by("pk")
                 .values_list("kind", "text"))
    assert [kind for kind, _text in texts] == ["request_accepted", "request_scheduled"]
    assert "RM workshop, Vientiane" in texts[1][1] and "2025-03-10" in texts[1][1]
    assert [m.to for m in mail.outbox] == [["focal@customs.gov.la"]] * 2
    # Withdrawn: the staff are told, not the focal point who withdrew it.
    other = file_one(office, lao, focal, django_capture_on_commit_callbacks)
    move_request(other, "withdrawn", user=focal)
    assert Notification.objects.filter(kind="request_withdrawn").get().user == staff


def test_preferences_off_and_daily_digest(office, lao, staff, focal,
                                          django_capture_on_commit_callbacks):
    services.set_preferences(focal, {"request_accepted": kinds.OFF,
                                     "request_declined": kinds.DIGEST})
    first = file_one(office, lao, focal, django_capture_on_commit_callbacks)
    second = file_one(office, lao, focal, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move_request(first, "accepted", user=staff)
        move_request(second, "declined", user=staff, note="Not this year")
    assert not Notification.objects.filter(user=focal, kind="request_accepted").exists()
    waiting = Notification.objects.get(user=focal, kind="request_declined")
    assert waiting.email_state == "digest" and not mail.outbox
    assert services.queue_digests() == 1
    assert len(mail.outbox) == 1 and "declined" in mail.outbox[0].body
    waiting.refresh_from_db()
    assert waiting.email_state == "sent" and services.queue_digests() == 0
    with pytest.raises(ValueError):
        services.set_preferences(focal, {"request_accepted": "carrier pigeon"})
    assert Preference.objects.get(user=focal, kind="request_accepted").channel == kinds.OFF


def test_a_failing_mail_server_is_retried_then_listed_for_admins(
        settings, client, office, lao, staff, admin, focal,
        django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    req = file_one(office, lao, focal, django_capture_on_commit_callbacks)  # staff told
    notice = Notification.objects.get(user=staff, kind="request_filed")
    assert (notice.email_state, notice.attempts) == ("failed", tasks.MAX_ATTEMPTS)
    assert "Connection refused" in notice.last_error
    failures = SendFailure.objects.filter(resolved_at__isnull=True)
    assert {f.recipient for f in failures} == {"sam@rocb.example", "ada@rocb.example"}
    # The request itself was filed: a mail failure never undoes the office's work.
    assert req.pk and req.status == "received"

    client.force_login(staff)  # staff: not the page of admins
    assert client.get(reverse("notifications:failure_list")).status_code == 404
    client.force_login(admin)
    page = client.get(reverse("notifications:failure_list")).content.decode()
    assert "sam@rocb.example" in page and "Connection refused" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    failure = failures.get(recipient="sam@rocb.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:failure_resolve", args=[failure.pk]),
                    {"do": "resend"})
    notice.refresh_from_db()
    assert notice.email_state == "sent" and [m.to for m in mail.outbox] == [
        ["sam@rocb.example"]]
    assert SendFailure.objects.filter(resolved_at__isnull=True).count() == 1


def test_a_send_task_run_twice_sends_once(office, lao, staff, focal,
                                          django_capture_on_commit_callbacks):
    file_one(office, lao, focal, django_capture_on_commit_callbacks)
    notice = Notification.objects.get(user=staff)
    assert len(mail.outbox) == 1
    assert tasks.send_notification.call(notice.pk) == "nothing to send"
    assert len(mail.outbox) == 1


def test_an_expert_deployed_is_told(office, make_user, django_capture_on_commit_callbacks):
    expert = make_user(Role.EXPERT, username="kiri", email="kiri@experts.example")
    person = Person.objects.create(office=office, full_name="Kiri Expert", gender="female",
                                   user=expert)
    event = record_event(office=office, title="Valuation workshop", kind="workshop",
                         level="regional", start_date=dt.date(2025, 5, 5),
                         end_date=dt.date(2025, 5, 8))
    with django_capture_on_commit_callbacks(execute=True):
        add_participation(event, person, role="expert")
    notice = Notification.objects.get(user=expert)
    assert notice.kind == "expert_deployed" and "Valuation workshop" in notice.text
    assert notice.url == event.get_absolute_url() and mail.outbox[0].to == [expert.email]


def test_kpi_values_submitted_returned_approved(seed_plan, make_user,
                                                django_capture_on_commit_callbacks):
    from workplan.indicators import services as kpis
    from workplan.indicators.models import Indicator

    manual = Indicator.objects.get(action__work_plan=seed_plan, action__code="3-(d)",
                                   position=1)
    alice = make_user(Role.STAFF, username="alice", email="alice@rocb.example")
    bob = make_user(Role.STAFF, username="bob", email="bob@rocb.example")
    with django_capture_on_commit_callbacks(execute=True):
        value = kpis.add_value(manual, user=alice, on=dt.date(2024, 10, 3),
                               value=Decimal("2"), description="Two briefs",
                               evidence="Newsletter 2024/10", submit=True)
    assert Notification.objects.get(kind="value_submitted").user == bob
    kpis.review_value(value, user=bob, to="returned", note="Add the newsletter issue")
    returned = Notification.objects.get(kind="value_returned")
    assert returned.user == alice and "Add the newsletter issue" in returned.text


def test_a_needs_survey_opened_asks_the_focal_points(office, seed_plan, staff, focal):
    from workplan.surveys import services as surveys

    survey = surveys.create_survey(office=office, kind="needs", fiscal_year=2024,
                                   opens_on=dt.date(2024, 8, 1),
                                   closes_on=dt.date(2024, 9, 30))
    surveys.move_survey(survey, "open", user=staff, today=dt.date(2024, 8, 1))
    notice = Notification.objects.get(kind="survey_to_answer")
    assert notice.user == focal
    assert notice.url == reverse("surveys:member_response", args=[survey.pk])


def test_the_list_the_bell_and_reading(client, office, lao, staff, focal,
                                       django_assert_num_queries,
                                       django_capture_on_commit_callbacks):
    for _ in range(3):
        file_one(office, lao, focal, django_capture_on_commit_callbacks)
    client.force_login(staff)
    with django_assert_num_queries(SIGNED_IN + 1):  # the unread count
        bell = client.get(reverse("notifications:notification_bell"),
                         HTTP_HX_REQUEST="true").content.decode()
    assert ">3</span>" in bell
    # The list: the user's roles (may they see failed sends), the unread count, the page's
    # count and rows.
    with django_assert_num_queries(SIGNED_IN + 4):
        page = client.get(reverse("notifications:notification_list")).content.decode()
    assert page.count("Lao PDR filed a request") == 3
    first = Notification.objects.filter(user=staff).first()
    response = client.post(reverse("notifications:notification_open", args=[first.pk]))
    assert response.url == first.url
    assert Notification.objects.of(staff).unread().count() == 2
    client.post(reverse("notifications:notification_read_all"))
    assert not Notification.objects.of(staff).unread().exists()
    # Nobody opens another's notification.
    client.force_login(focal)
    assert client.post(reverse("notifications:notification_open",
                               args=[first.pk])).status_code == 404


def test_preferences_page(client, focal):
    client.force_login(focal)
    page = client.get(reverse("notifications:preference_edit")).content.decode()
    assert "Your member&#x27;s request was accepted" in page
    data = {kind.code: kind.default for kind in kinds.all_kinds()}
    data["request_scheduled"] = kinds.DIGEST
    client.post(reverse("notifications:preference_edit"), data)
    assert dict(services.preferences_of(focal))[kinds.REQUEST_SCHEDULED] == kinds.DIGEST
    data["request_scheduled"] = "sometimes"
    refused = client.post(reverse("notifications:preference_edit"), data)
    assert refused.status_code == 400 and "nothing was saved" in refused.content.decode()
    assert dict(services.preferences_of(focal))[kinds.REQUEST_SCHEDULED] == kinds.DIGEST
