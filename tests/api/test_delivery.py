"""Writes of the delivery API: requests (filed by focal points and staff, moved through their
life cycle), events (recorded and changed with versions), participations. Checked by the same
forms and done by the same services as the web pages: bad input is a 400 naming the field, and
nothing is half-written."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from workplan.core.models import Role
from workplan.delivery.models import Event, EventAction, Participation, Request, RequestStep
from workplan.delivery.services import file_request, record_event
from workplan.directory.models import Member, Person
from workplan.plans.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lao():
    return Member.objects.get(iso3="LAO")


def client_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def focal(make_user, lao):
    return make_user(Role.FOCAL_POINT, member=lao)


def counts():
    return (Request.objects.count(), RequestStep.objects.count(), Event.objects.count(),
            EventAction.objects.count(), Participation.objects.count(), Person.objects.count(),
            Event.beneficiaries.through.objects.count())


# --- requests -----------------------------------------------------------------------------------


def test_focal_point_files_for_their_own_member_only(focal, office, seed_plan):
    api = client_for(focal)
    action = seed_plan.actions.get(code="1-(a)")
    response = api.post("/api/v1/requests/", {
        "member": "lao", "topic": "Risk management", "action": action.pk,
        "preferred_start": "2025-03-01", "preferred_end": "2025-03-31"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["member"] == "LAO" and body["office"] == office.pk
    assert body["status"] == "received" and body["transitions"] == ["withdrawn"]
    assert body["steps"][0]["status"] == "received" and body["steps"][0]["by"] == focal.username
    before = counts()
    response = api.post("/api/v1/requests/", {"member": "VNM", "topic": "Not mine"})
    assert response.status_code == 400 and "member" in response.json()
    assert counts() == before


@pytest.mark.parametrize("data, field", [
    ({"topic": "No member"}, "member"),
    ({"member": "LAO"}, "topic"),
    ({"member": "ZZZ", "topic": "x"}, "member"),
    ({"member": "KEN", "topic": "x"}, "member"),  # another region's member
    ({"member": "LAO", "topic": "x", "preferred_start": "2025-03-01",
      "preferred_end": "2025-02-01"}, "preferred_end"),
    ({"member": "LAO", "topic": "x", "preferred_start": "yesterday"}, "preferred_start"),
    ({"member": "LAO", "topic": "x", "action": 999999}, "action"),
    ({"member": "LAO", "topic": "x", "office": 999999}, "office"),
])
def test_bad_requests_name_the_field_and_write_nothing(staff, seed_plan, other_office, data,
                                                       field):
    before = counts()
    response = client_for(staff).post("/api/v1/requests/", data)
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert counts() == before


def test_viewers_and_experts_cannot_file(make_user):
    for role in (Role.VIEWER, Role.EXPERT):
        response = client_for(make_user(role)).post("/api/v1/requests/",
                                                    {"member": "LAO", "topic": "x"})
        assert response.status_code == 403
    assert not Request.objects.exists()


def test_request_life_cycle(staff, focal, office, lao, seed_plan):
    req = file_request(office=office, member=lao, topic="Audit", user=focal)
    as_staff, as_focal = client_for(staff), client_for(focal)
    url = f"/api/v1/requests/{req.pk}/transition/"
    # A focal point may only withdraw; "accept" is the staff's.
    response = as_focal.post(url, {"status": "accepted"})
    assert response.status_code == 403
    response = as_staff.post(url, {"status": "accepted", "version": 1, "note": "OK"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted" and response.json()["version"] == 2
    # Stale version: someone saved since.
    response = as_staff.post(url, {"status": "declined", "version": 1})
    assert response.status_code == 409 and response.json()["current_version"] == 2
    # Backwards: refused by the service, with its words, on the status field.
    response = as_staff.post(url, {"status": "received"})
    assert response.status_code == 400 and "cannot become" in response.json()["status"][0]
    # Scheduling needs an event the request can be scheduled as.
    response = as_staff.post(url, {"status": "scheduled"})
    assert response.status_code == 400 and "event" in response.json()
    event = record_event(office=office, title="Audit workshop", kind="workshop",
                         level="national", start_date=dt.date(2025, 3, 3),
                         end_date=dt.date(2025, 3, 5), host_member=lao, beneficiaries=[lao])
    response = as_staff.post(url, {"status": "scheduled", "event": event.pk})
    assert response.status_code == 200 and response.json()["event"] == event.pk
    # Delivered only once the event is held: holding the event delivers it.
    response = as_staff.post(f"/api/v1/events/{event.pk}/transition/",
                             {"status": "held", "version": event.version})
    assert response.status_code == 200, response.json()
    req.refresh_from_db()
    assert req.status == "delivered"
    assert [s.status for s in req.steps.order_by("at", "pk")] == [
        "received", "accepted", "scheduled", "delivered"]


def test_focal_point_withdraws_their_request(focal, office, lao):
    req = file_request(office=office, member=lao, topic="Audit", user=focal)
    response = client_for(focal).post(f"/api/v1/requests/{req.pk}/transition/",
                                      {"status": "withdrawn", "note": "No longer needed"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


# --- events -------------------------------------------------------------------------------------

EVENT = {"title": "Risk management workshop", "kind": "workshop", "level": "national",
         "start_date": "2025-03-10", "end_date": "2025-03-12", "host_member": "LAO",
         "beneficiaries": ["LAO"], "country": "lao", "city": "Vientiane"}


def test_staff_record_an_event_of_a_planned_activity(staff, office, seed_plan):
    activity = Activity.objects.filter(work_plan=seed_plan, action_links__isnull=False) \
        .order_by("position").first()
    response = client_for(staff).post("/api/v1/events/", {**EVENT, "activity": activity.pk})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["office"] == office.pk and body["country"] == "LAO"
    assert body["status"] == "planned" and body["mode"] == "in_person" and body["version"] == 1
    assert sorted(body["actions"]) == sorted(a.pk for a in activity.actions.all())
    assert body["beneficiaries"] == ["LAO"] and body["host_member"] == "LAO"


@pytest.mark.parametrize("change, field", [
    ({"end_date": "2025-03-01"}, "end_date"),
    ({"host_member": "KEN"}, "host_member"),
    ({"beneficiaries": ["LAO", "KEN"]}, "beneficiaries"),
    ({"beneficiaries": ["LAO", "XYZ"]}, "beneficiaries"),
    ({"country": "ZZZ"}, "country"),
    ({"kind": "party"}, "kind"),
    ({"start_date": "soon"}, "start_date"),
    ({"actions": [999999]}, "actions"),
    ({"title": ""}, "title"),
])
def test_bad_events_name_the_field_and_write_nothing(staff, seed_plan, other_office, change,
                                                     field):
    before = counts()
    response = client_for(staff).post("/api/v1/events/", {**EVENT, **change})
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert counts() == before


def test_an_event_of_another_offices_plan_is_refused(staff, office, seed_plan, sibling_plan):
    before = counts()
    response = client_for(staff).post("/api/v1/events/", {
        **EVENT, "actions": [sibling_plan.actions.get().pk]})
    assert response.status_code == 400 and "actions" in response.json()
    assert counts() == before


def test_edit_with_version_and_conflict(staff, make_user, office, lao):
    event = record_event(office=office, title="Before", kind="workshop", level="national",
                         start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 5),
                         host_member=lao, beneficiaries=[lao])
    api = client_for(staff)
    url = f"/api/v1/events/{event.pk}/"
    response = api.patch(url, {"title": "After"})
    assert response.status_code == 400 and "version" in response.json()
    response = api.patch(url, {"title": "After", "beneficiaries": ["LAO", "VNM"],
                               "version": 1})
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "After" and response.json()["version"] == 2
    assert sorted(response.json()["beneficiaries"]) == ["LAO", "VNM"]
    # Someone else read version 1 and saves: refused, nothing written.
    response = client_for(make_user(Role.STAFF)).patch(url, {"title": "Theirs",
                                                             "beneficiaries": [],
                                                             "version": 1})
    assert response.status_code == 409 and "changed by" in response.json()["detail"]
    event.refresh_from_db()
    assert event.title == "After" and event.beneficiaries.count() == 2
    # A bad change writes nothing either.
    response = api.patch(url, {"end_date": "2025-01-01", "title": "Bad", "version": 2})
    assert response.status_code == 400 and "end_date" in response.json()
    event.refresh_from_db()
    assert event.title == "After" and event.version == 2


def test_event_transitions(staff, office, lao):
    event = record_event(office=office, title="E", kind="workshop", level="national",
                         start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 5))
    api = client_for(staff)
    url = f"/api/v1/events/{event.pk}/transition/"
    assert api.get(f"/api/v1/events/{event.pk}/").json()["transitions"] == [
        "cancelled", "confirmed", "held", "postponed"]
    response = api.post(url, {"status": "nonsense"})
    assert response.status_code == 400 and "status" in response.json()
    assert api.post(url, {"status": "cancelled"}).json()["status"] == "cancelled"
    response = api.post(url, {"status": "held"})
    assert response.status_code == 400 and "cannot become" in response.json()["status"][0]


def test_viewers_cannot_change_events(make_user, office):
    event = record_event(office=office, title="E", kind="workshop", level="national",
                         start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 5))
    viewer = client_for(make_user(Role.VIEWER))
    assert viewer.get(f"/api/v1/events/{event.pk}/").status_code == 200
    assert viewer.patch(f"/api/v1/events/{event.pk}/", {"title": "x", "version": 1}) \
        .status_code == 404
    assert viewer.post("/api/v1/events/", EVENT).status_code == 403
    event.refresh_from_db()
    assert event.title == "E"


# --- participations -----------------------------------------------------------------------------


def test_register_known_and_new_people(staff, office, lao):
    event = record_event(office=office, title="E", kind="workshop", level="national",
                         start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 5))
    known = Person.objects.create(office=office, full_name="Known Person", member=lao,
                                  email="known@customs.example")
    api = client_for(staff)
    response = api.post("/api/v1/participations/", {"event": event.pk, "person": known.pk,
                                                     "role": "expert"})
    assert response.status_code == 201, response.json()
    assert response.json()["member"] == "LAO" and response.json()["role"] == "expert"
    before = counts()
    response = api.post("/api/v1/participations/", {"event": event.pk, "person": known.pk})
    assert response.status_code == 400 and "already registered" in response.json()["person"][0]
    # A new person: a duplicate e-mail is refused on the field, nothing written.
    response = api.post("/api/v1/participations/", {"event": event.pk, "new_person": {
        "full_name": "Someone", "email": "KNOWN@customs.example"}})
    assert response.status_code == 400 and "email" in response.json()["new_person"]
    response = api.post("/api/v1/participations/", {"event": event.pk, "new_person": {
        "full_name": "Someone", "member": "KEN"}})
    assert response.status_code == 400 and "member" in response.json()["new_person"]
    response = api.post("/api/v1/participations/", {"event": event.pk})
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert counts() == before
    response = api.post("/api/v1/participations/?expand=person", {
        "event": event.pk, "attended": False, "new_person": {
            "full_name": "New Person", "gender": "female", "member": "LAO"}})
    assert response.status_code == 201, response.json()
    created = Participation.objects.get(pk=response.json()["id"])
    assert not created.attended and created.person.office == office
    assert created.person.gender == "female" and created.member == lao
    assert api.delete(f"/api/v1/participations/{created.pk}/").status_code == 204
    assert not Participation.objects.filter(pk=created.pk).exists()


def test_participations_of_another_office_are_refused(staff, other_office):
    event = record_event(office=other_office, title="E", kind="workshop", level="national",
                         start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 5))
    response = client_for(staff).post("/api/v1/participations/", {
        "event": event.pk, "new_person": {"full_name": "X"}})
    assert response.status_code == 400 and "event" in response.json()
    assert not Participation.objects.exists()


def test_event_counts_are_the_event_lists(staff, office, seed_plan):
    from workplan.delivery.demo import Demo

    Demo(office).run()
    body = client_for(staff).get("/api/v1/events/?page_size=100").json()
    expected = {e.pk: (e.n_participants, e.n_women)
                for e in Event.objects.restrict(staff).for_list()}
    assert body["results"] and any(row["women_count"] for row in body["results"])
    for row in body["results"]:
        assert (row["participant_count"], row["women_count"]) == expected[row["id"]]
