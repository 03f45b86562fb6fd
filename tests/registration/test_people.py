"""Person records that stay right: a participation corrected, gender chosen (never defaulted),
duplicates found and merged with history, a person's data exported and erased on request with
every past figure unchanged."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from workplan.core.models import Role
from workplan.delivery.models import Event, Participation
from workplan.delivery.services import record_event
from workplan.directory.models import Accreditation, Member, Person
from workplan.registration.models import PersonMerge
from workplan.registration.services import PersonError, erase_person, merge_people
from workplan.surveys import services as survey_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def event(office):
    lao = Member.objects.get(iso3="LAO")
    return record_event(office=office, title="Workshop on risk management", kind="workshop",
                        level="regional", start_date=dt.date(2024, 11, 4),
                        end_date=dt.date(2024, 11, 7), beneficiaries=[lao], status="held")


def person(office, name, **fields):
    fields.setdefault("gender", "female")
    return Person.objects.create(office=office, full_name=name, **fields)


def test_a_participation_is_corrected_and_the_change_is_in_history(client, make_user, office,
                                                                  event):
    client.force_login(make_user(Role.STAFF))
    lao, tha = Member.objects.get(iso3="LAO"), Member.objects.get(iso3="THA")
    aiko = person(office, "Aiko Tanaka", gender="undisclosed", member=lao)
    participation = Participation.objects.create(event=event, person=aiko, member=lao)
    url = reverse("delivery:participation_update", args=[participation.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="gender"' in page.content.decode()
    response = client.post(url, {"role": "expert", "member": tha.pk, "gender": "female"})
    assert response.status_code == 302
    participation.refresh_from_db()
    aiko.refresh_from_db()
    assert (participation.role, participation.attended, participation.member) == (
        "expert", False, tha)
    assert aiko.gender == "female"
    assert participation.history.count() == 2
    assert Event.objects.filter(pk=event.pk).headcount().resource_persons == 0  # absent now


def test_a_participation_edit_with_a_bad_role_changes_nothing(client, make_user, office, event):
    client.force_login(make_user(Role.STAFF))
    participation = Participation.objects.create(event=event, person=person(office, "Sam"))
    response = client.post(reverse("delivery:participation_update", args=[participation.pk]),
                           {"role": "boss", "attended": "on", "gender": "male"})
    assert response.status_code == 400
    assert "boss" in response.content.decode()
    participation.refresh_from_db()
    assert participation.role == "participant" and participation.person.gender == "female"


def test_a_participation_of_another_office_is_not_found(client, make_user, other_office, event,
                                                        office):
    client.force_login(make_user(Role.STAFF, office=other_office))
    participation = Participation.objects.create(event=event, person=person(office, "Sam"))
    assert client.get(reverse("delivery:participation_update",
                              args=[participation.pk])).status_code == 404


def test_add_someone_new_requires_a_gender_and_proposes_none(client, make_user, office, event):
    client.force_login(make_user(Role.STAFF))
    page = client.get(reverse("delivery:event_participants", args=[event.pk]))
    form = page.context["new_form"]
    assert form["gender"].value() in (None, "")
    assert form.fields["gender"].required
    response = client.post(reverse("delivery:participation_add", args=[event.pk]),
                           {"new-full_name": "Mere Tupou", "new-role": "participant",
                            "new-attended": "on"})
    assert response.status_code == 200
    assert "Choose the person&#x27;s gender" in response.content.decode()
    assert not Person.objects.filter(full_name="Mere Tupou").exists()


def test_duplicates_are_listed_and_merged_with_everything_they_had(client, make_user, office,
                                                                   event):
    staff = make_user(Role.STAFF)
    client.force_login(staff)
    lao = Member.objects.get(iso3="LAO")
    keep = person(office, "Somsak Vong", member=lao, email="somsak@customs.example")
    other = person(office, "SOMSAK VONG", member=lao, position="Director")
    by_mail = person(office, "S. Vong", email="Somsak@Customs.example")
    person(office, "Somsak Vong", member=Member.objects.get(iso3="THA"))  # another member
    later = record_event(office=office, title="Follow-up workshop", kind="workshop",
                         level="national", start_date=dt.date(2025, 2, 3),
                         end_date=dt.date(2025, 2, 4), status="held")
    Participation.objects.create(event=event, person=keep, attended=False)
    Participation.objects.create(event=event, person=other, attended=True)  # same event
    moved = Participation.objects.create(event=later, person=other, member=lao)
    survey = survey_services.create_event_survey(event, "evaluation")[0]
    survey_services.invite(survey, [{"name": "Somsak", "email": "sv@x.example",
                                     "person": other}])
    Accreditation.objects.create(person=other, area="AEO", accredited_on=dt.date(2023, 1, 1))

    listing = client.get(reverse("registration:duplicate_list"))
    groups = {(g.reason, tuple(sorted(p.pk for p in g.people)))
              for g in listing.context["groups"]}
    assert groups == {("name", tuple(sorted((keep.pk, other.pk)))),
                      ("email", tuple(sorted((keep.pk, by_mail.pk))))}
    page = client.get(reverse("registration:person_detail", args=[keep.pk]))
    assert {p.pk for p in page.context["duplicates"]} == {other.pk, by_mail.pk}

    response = client.post(reverse("registration:person_merge", args=[keep.pk]),
                           {"other": other.pk})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=other.pk).exists()
    keep.refresh_from_db()
    assert keep.position == "Director"
    at_event = Participation.objects.get(event=event, person=keep)
    assert at_event.attended  # either record said so
    moved.refresh_from_db()
    assert moved.person == keep
    assert survey.invitations.get().person == keep
    assert Accreditation.objects.get().person == keep
    merge = PersonMerge.objects.get()
    assert (merge.kept, merge.merged_id, merge.by) == (keep, other.pk, staff)
    assert merge.merged["full_name"] == "SOMSAK VONG"
    assert Person.history.filter(id=other.pk, history_type="-").exists()
    assert Event.objects.filter(pk=event.pk).headcount().participants == 1


def test_a_merge_across_offices_is_refused_and_changes_nothing(client, django_user_model,
                                                               office, other_office, event):
    root = django_user_model.objects.create_superuser("root", "r@x.example", "pw-unused-1")
    client.force_login(root)
    ken = Member.objects.get(iso3="KEN")
    here = person(office, "Jane Doe", email="jane@x.example")
    there = person(other_office, "Jane Doe", email="jane@x.example", member=ken)
    Participation.objects.create(event=event, person=here)
    response = client.post(reverse("registration:person_merge", args=[here.pk]),
                           {"other": there.pk}, follow=True)
    assert "different offices" in response.content.decode()
    assert Person.objects.filter(pk__in=[here.pk, there.pk]).count() == 2
    assert not PersonMerge.objects.exists()
    with pytest.raises(PersonError):
        merge_people(here, there)


def test_merge_and_erase_are_refused_to_those_without_the_right(client, make_user, office):
    one, two = person(office, "A B"), person(office, "A B")
    client.force_login(make_user(Role.VIEWER))
    assert client.post(reverse("registration:person_merge", args=[one.pk]),
                       {"other": two.pk}).status_code == 404
    client.force_login(make_user(Role.STAFF))
    assert client.post(reverse("registration:person_erase", args=[one.pk]),
                       {"confirm": "on"}).status_code == 404
    assert Person.objects.filter(pk__in=[one.pk, two.pk], erased_at__isnull=True).count() == 2


def test_a_persons_data_is_exported_as_json(client, make_user, office, event):
    client.force_login(make_user(Role.STAFF))
    aiko = person(office, "Aiko Tanaka", email="aiko@x.example",
                  member=Member.objects.get(iso3="JPN"))
    Participation.objects.create(event=event, person=aiko, role="expert")
    response = client.get(reverse("registration:person_export", args=[aiko.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["full_name"] == "Aiko Tanaka"
    assert data["person"]["member"] == "JPN"
    assert data["participations"] == [{"event": event.title, "start": "2024-11-04",
                                       "end": "2024-11-07", "role": "expert",
                                       "attended": True, "member": None}]
    assert data["history"][0]["email"] == "aiko@x.example"


def _kpis(plan) -> list:
    from workplan.indicators import iptt

    table = iptt.compute(plan, dimension="gender")
    return [(row.indicator.pk, {k: c.actual for k, c in row.columns.items()},
             [(b.key, {k: c.actual for k, c in b.columns.items()}) for b in row.breakdown])
            for row in table.rows]


def test_erasure_keeps_every_kpi_and_figure_as_it_was(client, make_user, office, seed_plan):
    """The KPIs (IPTT, by gender) and the figures of the office's events are the same before
    and after erasing people who attended: only what identifies them goes."""
    from workplan.delivery.demo import Demo

    Demo(office).run()
    admin = make_user(Role.ADMIN)
    client.force_login(admin)
    events = Event.objects.filter(office=office)
    people = list(Person.objects.filter(office=office, participations__attended=True,
                                        gender="female").distinct().order_by("pk")[:5])
    assert len(people) == 5
    Person.objects.filter(pk=people[0].pk).update(email="erase.me@x.example")
    before = (_kpis(seed_plan), events.headcount(), sorted(events.members_reached()))
    for one in people:
        response = client.post(reverse("registration:person_erase", args=[one.pk]),
                               {"confirm": "on"})
        assert response.status_code == 302
    after = (_kpis(seed_plan), events.headcount(), sorted(events.members_reached()))
    assert before == after
    assert any(actual for _pk, columns, _b in before[0] for actual in columns.values())
    erased = Person.objects.get(pk=people[0].pk)
    assert erased.erased_at and erased.email == "" and "erased" in erased.full_name
    assert erased.gender == "female"
    assert not Person.history.filter(id=erased.pk, email="erase.me@x.example").exists()
    assert Person.history.filter(id=erased.pk).get().history_user == admin
    data = json.loads(client.get(reverse("registration:person_export",
                                         args=[erased.pk])).content)
    assert "erase.me" not in json.dumps(data) and data["person"]["erased"]
    with pytest.raises(PersonError):
        erase_person(erased)


def test_erasure_needs_the_confirmation(client, make_user, office):
    client.force_login(make_user(Role.ADMIN))
    one = person(office, "Keep Me")
    client.post(reverse("registration:person_erase", args=[one.pk]), {})
    one.refresh_from_db()
    assert one.full_name == "Keep Me" and one.erased_at is None
