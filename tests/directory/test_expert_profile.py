"""An expert's own profile (/directory/me/expert/): what is missing (one definition), the
service that saves it (checked whole, versioned, with history), the page (only the expert's
own record, office-kept fields out of reach), the registry page that shows staff the same
checklist, and the person's data export and erasure that cover the new fields."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from workplan.core.concurrency import EditConflict
from workplan.core.models import Membership, Role
from workplan.directory.forms import ExpertProfileForm
from workplan.directory.models import PROFILE_ITEMS, Accreditation, Member, Partner, Person
from workplan.directory.services import EXPERT_FIELDS, update_expert_profile

pytestmark = pytest.mark.django_db

URL = "/directory/me/expert/"
# session, user, roles, the person (with office, member, partner), their accreditations, the
# members of the region and the partners (the form's choices), the history with its users
# (one more per foreign key a change of it names: none on a new record).
PROFILE_QUERIES = 8

COMPLETE = {"position": "Senior trainer", "email": "kiri@customs.example",
            "phone": "+679 330 2222", "languages": ["English", "Fijian"],
            "expertise": ["Risk management", "AEO"],
            "biography": "Twenty years in Fiji Customs, ten as a WCO accredited trainer."}


@pytest.fixture
def expert(make_user):
    return make_user(Role.EXPERT, username="kiri", first_name="Kiri", last_name="Expert")


@pytest.fixture
def person(office, expert):
    person = Person.objects.create(office=office, full_name="Kiri Expert", user=expert)
    Accreditation.objects.create(person=person, area="Risk management",
                                 accredited_on=dt.date(2022, 3, 1))
    return person


def form_data(person, /, **changes) -> dict:
    """What the page posts when the expert saves it as it is, with ``changes``."""
    data = {"full_name": person.full_name, "gender": person.gender,
            "position": person.position, "member": person.member_id or "",
            "partner": person.partner_id or "", "email": person.email, "phone": person.phone,
            "languages": "\n".join(person.languages), "expertise": "\n".join(person.expertise),
            "biography": person.biography, "availability": person.availability,
            "version": person.version}
    data.update(changes)
    return data


def snapshot(person) -> dict:
    person.refresh_from_db()
    return {**{name: getattr(person, name) for name in EXPERT_FIELDS},
            "version": person.version, "office": person.office_id, "user": person.user_id,
            "history": person.history.count()}


# --- what is missing ---------------------------------------------------------------------------


def test_what_is_missing_is_one_list_and_filling_it_in_empties_it(office):
    person = Person(office=office, full_name="New Expert", position="   ")
    assert [item.key for item in person.profile_missing()] == [
        "position", "organisation", "email", "phone", "languages", "expertise", "biography"]
    assert [item.key for item in PROFILE_ITEMS] == [i.key for i in person.profile_missing()]
    for name, value in COMPLETE.items():
        setattr(person, name, value)
    assert [item.key for item in person.profile_missing()] == ["organisation"]
    person.partner = Partner.objects.order_by("pk").first()  # an organisation will do
    assert person.profile_missing() == []
    # "Prefer not to say" is an answer: gender is never what is missing
    assert person.gender == Person.Gender.UNDISCLOSED
    assert all(done for _item, done in person.profile_checklist())


# --- the service --------------------------------------------------------------------------------


def test_the_expert_saves_their_profile_and_the_history_says_who(person, expert):
    fiji = Member.objects.get(iso3="FJI")
    changed = update_expert_profile(person, user=expert, version=1, member=fiji, **COMPLETE)
    assert sorted(changed) == sorted(["member", *COMPLETE])
    person.refresh_from_db()
    assert (person.phone, person.languages, person.member, person.version) == (
        "+679 330 2222", ["English", "Fijian"], fiji, 2)
    latest = person.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == expert and latest.phone == "+679 330 2222"
    assert person.profile_missing() == []

    # Saving it again unchanged writes nothing: no new version, no empty history entry.
    before = snapshot(person)
    assert update_expert_profile(person, user=expert, version=2, **COMPLETE) == []
    assert snapshot(person) == before


def test_bad_values_are_refused_naming_each_field_and_nothing_is_saved(person, expert,
                                                                       other_office):
    before = snapshot(person)
    kenya = Member.objects.get(iso3="KEN")  # of another region than the office's
    with pytest.raises(ValidationError) as refused:
        update_expert_profile(person, user=expert, version=1, position="Trainer",
                              phone="330 2222", email="not-an-address", member=kenya,
                              languages=[f"Language {n}" for n in range(21)],
                              expertise=["x" * 121], full_name="")
    errors = refused.value.message_dict
    assert set(errors) == {"phone", "email", "member", "languages", "expertise", "full_name"}
    assert "country code" in errors["phone"][0]
    assert "Kenya is not a member of the office's region" in errors["member"][0]
    assert "At most 20" in errors["languages"][0]
    assert "longer than 120 characters" in errors["expertise"][0]
    # Nothing written, not even the good position; the caller's object shows what is stored.
    assert person.position == "" and person.phone == ""
    assert snapshot(person) == before


def test_a_save_over_a_newer_version_is_refused(person, expert):
    update_expert_profile(person, user=expert, version=1, phone="+66 2 123 4567")
    stale = Person.objects.get(pk=person.pk)
    stale.version = 1  # a second tab, opened before the first save
    with pytest.raises(EditConflict):
        update_expert_profile(stale, user=expert, version=1, phone="+66 2 000 0000")
    person.refresh_from_db()
    assert (person.phone, person.version) == ("+66 2 123 4567", 2)


def test_what_the_office_keeps_is_no_argument_of_the_service(person, expert, other_office):
    for field, value in (("office", other_office), ("user", None), ("erased_at", None)):
        with pytest.raises(TypeError):
            update_expert_profile(person, user=expert, version=1, **{field: value})


def test_the_form_reads_languages_and_areas_one_per_line_or_comma_separated(person):
    form = ExpertProfileForm(form_data(person, languages="English, French\nthai; english",
                                       expertise="Risk management;\n\n AEO "), person=person)
    assert form.is_valid(), form.errors
    assert form.values()["languages"] == ["English", "French", "thai"]
    assert form.values()["expertise"] == ["Risk management", "AEO"]


# --- the page -----------------------------------------------------------------------------------


def test_the_expert_opens_their_profile_with_its_checklist(client, person, expert,
                                                           django_assert_max_num_queries):
    client.force_login(expert)
    with django_assert_max_num_queries(PROFILE_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200 and response.context["person"] == person
    page = response.content.decode()
    assert "7 items to complete" in page
    assert 'href="#id_phone">Telephone</a>' in page  # a missing item links to its field
    assert "Kept by the office" in page and "Risk management" in page
    assert reverse("directory:expert_profile") == URL
    # the account menu offers it to experts
    assert f'href="{URL}" aria-current="page">My expert profile' in page


def test_the_expert_saves_the_page_and_the_history_names_them(client, person, expert):
    client.force_login(expert)
    fiji = Member.objects.get(iso3="FJI")
    data = form_data(person, **{**COMPLETE, "languages": "English, Fijian",
                                "expertise": "Risk management\nAEO"}, member=fiji.pk,
                     availability="Not in March")
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == URL
    person.refresh_from_db()
    assert (person.languages, person.member, person.availability, person.version) == (
        ["English", "Fijian"], fiji, "Not in March", 2)
    assert person.history.order_by("-history_date").first().history_user == expert
    page = client.get(URL).content.decode()
    assert "Your profile was saved." in page and "Your profile is complete" in page


def test_a_crafted_post_does_not_reach_what_the_office_keeps(client, office, person, expert,
                                                             other_office, make_user):
    """Fields the form does not have (office, account, erasure, accreditations, another
    record's id) are ignored; only the signed-in expert's own record changes."""
    other_user = make_user(Role.EXPERT, username="other-expert")
    other = Person.objects.create(office=office, full_name="Other Expert", user=other_user)
    other_before = snapshot(other)
    client.force_login(expert)
    response = client.post(URL, form_data(
        person, position="Trainer", office=other_office.pk, user=other_user.pk,
        erased_at="2026-01-01T00:00:00Z", accreditations="", id=other.pk, pk=other.pk,
        person=other.pk))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.position, person.office, person.user, person.erased_at) == (
        "Trainer", office, expert, None)
    assert list(person.accreditations.values_list("area", flat=True)) == ["Risk management"]
    assert snapshot(other) == other_before


def test_bad_input_comes_back_naming_the_field_and_nothing_is_saved(client, person, expert,
                                                                    other_office):
    client.force_login(expert)
    before = snapshot(person)
    response = client.post(URL, form_data(person, position="Trainer", phone="12",
                                          email="kiri@", full_name=""))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"phone", "email", "full_name"}
    page = response.content.decode()
    assert "Please correct the fields marked below; nothing was saved." in page
    assert re.search(r'id="id_phone_error"[^>]*>\s*<p>Give the number with its country code',
                     page)
    assert "7 items to complete" in page  # the checklist shows what is stored
    assert snapshot(person) == before

    # A member of another region (not offered, but posted) and too long a language.
    response = client.post(URL, form_data(person, member=Member.objects.get(iso3="KEN").pk,
                                          languages="x" * 51))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"member", "languages"}
    assert "longer than 50 characters" in str(errors["languages"])
    assert snapshot(person) == before


def test_a_post_over_a_newer_version_is_refused(client, person, expert):
    client.force_login(expert)
    data = form_data(person, phone="+66 2 123 4567")
    assert client.post(URL, data).status_code == 302
    response = client.post(URL, {**data, "phone": "+66 2 000 0000"})  # still version 1
    assert response.status_code == 409
    assert "while you were editing it" in response.content.decode()
    person.refresh_from_db()
    assert (person.phone, person.version) == ("+66 2 123 4567", 2)


def test_only_an_expert_has_the_page(client, office, person, expert, make_user):
    staff = make_user(Role.STAFF)
    Person.objects.create(office=office, full_name="Staff Person", user=staff)
    client.force_login(staff)  # a staff member with a record of their own: not an expert
    assert client.get(URL).status_code == 404
    assert client.post(URL, form_data(person, position="Sneaked in")).status_code == 404
    assert f'href="{URL}"' not in client.get("/").content.decode()  # nor in the menu
    person.refresh_from_db()
    assert person.position == ""

    # An expert whose role was revoked: the page is gone with the role.
    Membership.objects.filter(user=expert).delete()
    client.force_login(expert)
    assert client.get(URL).status_code == 404


def test_an_expert_not_linked_to_a_record_is_told_to_ask_the_office(client, make_user):
    client.force_login(make_user(Role.EXPERT))
    response = client.get(URL)
    assert response.status_code == 200
    assert "not linked to an expert record yet" in response.content.decode()
    assert "form" not in response.context


# --- what the office sees -----------------------------------------------------------------------


def test_staff_see_the_same_checklist_on_the_experts_registry_page(client, person, expert,
                                                                   make_user):
    client.force_login(make_user(Role.STAFF))
    url = reverse("delivery:expert_detail", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Profile: 7 items missing" in page and "Short biography" in page
    update_expert_profile(person, user=expert, version=1,
                          partner=Partner.objects.order_by("pk").first(), **COMPLETE)
    page = client.get(url).content.decode()
    assert "Profile complete" in page and "+679 330 2222" in page and "English, Fijian" in page
    assert "Twenty years in Fiji Customs" in page


def test_the_persons_export_and_erasure_cover_the_profile(person, expert, make_user):
    from workplan.registration.services import erase_person, person_data

    update_expert_profile(person, user=expert, version=1, availability="Not in March",
                          **COMPLETE)
    person.refresh_from_db()
    data = person_data(person)["person"]
    assert (data["phone"], data["languages"], data["availability"]) == (
        "+679 330 2222", ["English", "Fijian"], "Not in March")
    erase_person(person, user=make_user(Role.ADMIN))
    person.refresh_from_db()
    assert (person.phone, person.languages, person.expertise, person.biography,
            person.availability) == ("", [], [], "", "")
    assert person.history.count() == 1  # the versions that held them are gone


def test_a_merge_takes_the_profile_from_the_merged_record_where_the_kept_has_none(office):
    from workplan.registration.services import merge_people

    keep = Person.objects.create(office=office, full_name="Kiri Expert", phone="+679 1 111 111")
    other = Person.objects.create(office=office, full_name="Kiri Expert", phone="+679 2 222 222",
                                  languages=["English"], biography="From the other record.")
    merge = merge_people(keep, other)
    keep.refresh_from_db()
    assert (keep.phone, keep.languages, keep.biography) == (
        "+679 1 111 111", ["English"], "From the other record.")
    assert merge.merged["phone"] == "+679 2 222 222"
