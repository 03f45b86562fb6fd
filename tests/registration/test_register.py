"""Registration by link and check-in: the public form (deadline, cap per member, duplicate,
consent), confirmation by staff or the member's focal point with an e-mail carrying the ICS and
the personal QR link, check-in by name, by the scanned link, a walk-in; no-shows stay absent."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.link_mail import ticket_of
from workplan.core.logmask import mask
from workplan.core.models import Role
from workplan.delivery.models import Event, Participation
from workplan.delivery.services import record_event
from workplan.directory.models import Member
from workplan.registration import services
from workplan.registration.models import CheckIn, Registration

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
def window(event):
    return services.open_registration(event, closes_at=timezone.now() + dt.timedelta(days=30),
                                      cap_per_member=2)


def link(window):
    return reverse("registration:register", args=[services.link_token(window)])


def nominee(member, **extra):
    return {"full_name": "Lan Nguyen", "member": member.pk, "gender": "female",
            "email": "lan@customs.example", "position": "Officer", "consent": "on", **extra}


def test_a_nominee_registers_by_the_link_and_staff_confirm(client, make_user, event, window,
                                                           django_capture_on_commit_callbacks):
    vnm = Member.objects.get(iso3="VNM")
    page = client.get(link(window))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    response = client.post(link(window), nominee(vnm))
    assert response.status_code == 200 and "you are registered" in response.content.decode()
    registration = Registration.objects.get()
    assert (registration.state, registration.source, registration.member) == (
        "pending", "link", vnm)
    assert registration.consent_at is not None
    client.force_login(make_user(Role.STAFF))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registration:registration_decide", args=[event.pk]),
                               {"registration": registration.pk, "decision": "confirm"})
    assert response.status_code == 302
    registration.refresh_from_db()
    participation = registration.participation
    assert participation.attended is False  # absent until checked in
    assert Event.objects.filter(pk=event.pk).headcount().absent == 1
    message = mail.outbox[-1]
    assert message.to == ["lan@customs.example"]
    names = [name for name, _content, _type in message.attachments]
    assert names == ["event.ics", "check-in-qr.png"]
    ics = message.attachments[0][1]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "BEGIN:VEVENT" in ics and "DTSTART;VALUE=DATE:20990505" in ics
    assert message.attachments[1][1][:8] == b"\x89PNG\r\n\x1a\n"
    ticket = message.body.split("/registration/t/")[1].split("/")[0]
    assert services.find_registration(ticket) == registration
    # the staff member scans the QR code: the personal link, then "Check in"
    url = reverse("registration:ticket", args=[ticket])
    assert "Check in Lan Nguyen" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    participation.refresh_from_db()
    assert participation.attended
    assert CheckIn.objects.get().method == "qr"
    assert "[masked]" in mask(f"GET {url} 200") and ticket not in mask(f"GET {url} 200")


def test_the_personal_link_checks_in_only_for_staff(client, event, window,
                                                    django_capture_on_commit_callbacks):
    registration = services.register(event, full_name="A", email="a@x.example",
                                     gender="male")
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_registration(registration)
    url = reverse("registration:ticket", args=[ticket_of(mail.outbox[-1])])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 400
    assert not Participation.objects.get().attended


@pytest.mark.parametrize("case", ["closed", "past", "duplicate", "full", "no consent",
                                  "tampered"])
def test_a_refused_registration_says_why_and_writes_nothing(client, event, window, case):
    vnm = Member.objects.get(iso3="VNM")
    services.register(event, full_name="Someone", email="lan@customs.example", gender="male",
                      member=Member.objects.get(iso3="THA"))
    url, data = link(window), nominee(vnm)
    expected = {"closed": (410, "closed"), "past": (410, "closed on"),
                "duplicate": (400, "already registered"), "full": (400, "places of Viet Nam"),
                "no consent": (400, "needs your consent"), "tampered": (404, "not valid")}[case]
    if case == "closed":
        window.is_open = False
        window.save()
    elif case == "past":
        window.closes_at = timezone.now() - dt.timedelta(minutes=1)
        window.save()
    elif case == "full":
        for n in range(2):
            services.register(event, full_name=f"V{n}", email=f"v{n}@x.example",
                              gender="male", member=vnm)
        data["email"] = "new@x.example"
    elif case == "no consent":
        del data["consent"]
        data["email"] = "new@x.example"
    elif case == "tampered":
        url = url[:-3] + "xyz/"
    elif case == "duplicate":
        data["email"] = "LAN@customs.example"
    before = Registration.objects.count()
    response = client.post(url, data)
    assert response.status_code == expected[0]
    assert expected[1] in response.content.decode().replace("&#x27;", "'")
    assert Registration.objects.count() == before


def test_a_focal_point_nominates_and_confirms_for_their_member_only(client, make_user, event,
                                                                    window):
    lao, vnm = Member.objects.get(iso3="LAO"), Member.objects.get(iso3="VNM")
    event.beneficiaries.add(lao)
    client.force_login(make_user(Role.FOCAL_POINT, member=lao))
    page = client.get(reverse("registration:event_registration", args=[event.pk]))
    assert page.status_code == 200 and page.context["link"] is None
    response = client.post(reverse("registration:nominate", args=[event.pk]), {
        "nominee-full_name": "Somsak Vong", "nominee-member": lao.pk,
        "nominee-gender": "male", "nominee-email": "somsak@x.example"})
    assert response.status_code == 302
    refused = client.post(reverse("registration:nominate", args=[event.pk]), {
        "nominee-full_name": "Not mine", "nominee-member": vnm.pk,
        "nominee-gender": "male", "nominee-email": "vn@x.example"})
    assert refused.status_code == 400
    other = services.register(event, full_name="Viet", email="viet@x.example",
                              gender="male", member=vnm)
    mine = Registration.objects.get(email="somsak@x.example")
    assert mine.source == "focal_point"
    decide = reverse("registration:registration_decide", args=[event.pk])
    assert client.post(decide, {"registration": other.pk,
                                "decision": "confirm"}).status_code == 404
    assert client.post(decide, {"registration": mine.pk,
                                "decision": "confirm"}).status_code == 302
    assert Registration.objects.get(pk=mine.pk).state == "confirmed"
    assert Registration.objects.get(pk=other.pk).state == "pending"


def test_check_in_by_name_and_a_walk_in_on_the_phone_page(client, make_user, event, office):
    client.force_login(make_user(Role.STAFF))
    registration = services.register(event, full_name="Aiko Tanaka", email="aiko@x.example",
                                     gender="female", member=Member.objects.get(iso3="JPN"))
    services.confirm_registration(registration)
    services.register(event, full_name="No Show", email="ns@x.example", gender="male")
    services.confirm_registration(Registration.objects.get(email="ns@x.example"))
    url = reverse("registration:checkin", args=[event.pk])
    page = client.get(url, {"q": "aiko"})
    assert [p.person.full_name for p in page.context["people"]] == ["Aiko Tanaka"]
    aiko = page.context["people"][0]
    mark = reverse("registration:checkin_mark", args=[event.pk])
    assert client.post(mark, {"participation": aiko.pk, "q": "aiko"}).status_code == 302
    client.post(mark, {"participation": aiko.pk})  # a second tap records nothing new
    assert CheckIn.objects.filter(participation=aiko).count() == 1
    walk_in = reverse("registration:checkin_walk_in", args=[event.pk])
    assert client.post(walk_in, {"walkin-full_name": "Mere Tupou",
                                 "walkin-gender": ""}).status_code == 400
    response = client.post(walk_in, {"walkin-full_name": "Mere Tupou", "walkin-gender": "female",
                                      "walkin-member": Member.objects.get(iso3="FJI").pk})
    assert response.status_code == 302
    headcount = Event.objects.filter(pk=event.pk).headcount()
    assert (headcount.participants, headcount.women, headcount.absent) == (2, 2, 1)
    assert CheckIn.objects.get(participation__person__full_name="Mere Tupou").method == "walk_in"


def test_check_in_is_for_the_office_staff(client, make_user, event, other_office):
    client.force_login(make_user(Role.VIEWER))
    assert client.get(reverse("registration:checkin", args=[event.pk])).status_code == 404
    client.force_login(make_user(Role.STAFF, office=other_office))
    assert client.get(reverse("registration:event_registration",
                              args=[event.pk])).status_code == 404


def test_staff_open_registration_and_see_the_link_with_its_qr_code(client, make_user, event):
    client.force_login(make_user(Role.STAFF))
    response = client.post(reverse("registration:registration_settings", args=[event.pk]),
                           {"is_open": "on", "closes_at": "2099-05-01T18:00",
                            "cap_per_member": "3"})
    assert response.status_code == 302
    page = client.get(reverse("registration:event_registration", args=[event.pk]))
    assert page.context["link"].endswith(link(event.registration_window))
    assert "<svg" in page.context["qr"]
    old = link(event.registration_window)
    client.post(reverse("registration:registration_settings", args=[event.pk]),
                {"is_open": "on", "closes_at": "2099-05-01T18:00", "new_link": "on"})
    event.registration_window.refresh_from_db()
    assert link(event.registration_window) != old
    assert client.get(old).status_code == 404


def test_registration_cannot_close_after_the_event(client, make_user, event):
    client.force_login(make_user(Role.STAFF))
    url = reverse("registration:registration_settings", args=[event.pk])
    response = client.post(url, {"is_open": "on", "closes_at": "2099-05-08T09:00"})
    assert response.status_code == 400
    assert "must close by the last day of the event (7 May 2099)" in response.content.decode()
    assert not hasattr(Event.objects.get(pk=event.pk), "registration_window")
    # until the last day is fine (walk-ins are added at check-in)
    assert client.post(url, {"is_open": "on", "closes_at": "2099-05-07T12:00"}).status_code == 302
