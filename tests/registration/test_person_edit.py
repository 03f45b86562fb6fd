"""Staff correct a person's record in the app (the Django admin is for operators); an office
admin links it to the person's account, which is what opens an expert's profile to them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from workplan.directory.models import Member, Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def someone(office):
    return Person.objects.create(office=office, full_name="Sione Tuipulotu", gender="male",
                                 member=Member.objects.get(iso3="TON"))


def form_data(person, **changes):
    data = {"full_name": person.full_name, "gender": person.gender,
            "member": person.member_id or "", "position": person.position,
            "email": person.email, "version": person.version}
    return {**data, **changes}


def test_staff_correct_a_record_with_history(client, make_user, someone):
    staff = make_user("staff")
    client.force_login(staff)
    url = reverse("registration:person_update", args=[someone.pk])
    page = client.get(url)
    assert page.status_code == 200 and "account" not in page.context["form"].fields
    response = client.post(url, form_data(someone, full_name="Sione Tuipulotu Jr",
                                          email="sione@customs.gov.to",
                                          expertise="risk management, AEO"))
    assert response.status_code == 302
    someone.refresh_from_db()
    assert (someone.full_name, someone.email) == ("Sione Tuipulotu Jr", "sione@customs.gov.to")
    assert someone.expertise == ["risk management", "AEO"]
    assert someone.history.first().history_user == staff
    # a crafted account from staff is not theirs to give
    expert = make_user("expert")
    client.post(url, form_data(someone, account=expert.pk))
    someone.refresh_from_db()
    assert someone.user_id is None


def test_bad_input_names_the_field_and_saves_nothing(client, make_user, someone):
    client.force_login(make_user("staff"))
    url = reverse("registration:person_update", args=[someone.pk])
    response = client.post(url, form_data(someone, full_name="", phone="12"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "full_name" in errors and "phone" in errors
    someone.refresh_from_db()
    assert someone.full_name == "Sione Tuipulotu" and someone.phone == ""
    # a stale form: someone saved in between
    stale = form_data(someone, full_name="Late")
    client.post(url, form_data(someone, full_name="First"))
    assert client.post(url, stale).status_code == 409
    someone.refresh_from_db()
    assert someone.full_name == "First"


def test_an_admin_links_an_experts_account_and_the_expert_gets_their_profile(
        client, make_user, someone, office, other_office):
    admin, expert = make_user("admin"), make_user("expert")
    client.force_login(expert)
    assert b"not linked to an expert record yet" in client.get(
        reverse("directory:expert_profile")).content

    client.force_login(admin)
    url = reverse("registration:person_update", args=[someone.pk])
    assert "Linked account" in client.get(url).content.decode()
    assert client.post(url, form_data(someone, account=expert.pk)).status_code == 302
    someone.refresh_from_db()
    assert someone.user == expert

    client.force_login(expert)
    profile = client.get(reverse("directory:expert_profile"))
    assert profile.context["person"] == someone

    # an account linked already, or of nobody in the office, is refused; nothing is saved
    client.force_login(admin)
    other = Person.objects.create(office=office, full_name="Other", gender="female")
    response = client.post(reverse("registration:person_update", args=[other.pk]),
                           form_data(other, full_name="Renamed", account=expert.pk))
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.user_id is None and other.full_name == "Other"
    outsider = make_user("staff", office=other_office)
    response = client.post(url, form_data(someone, account=outsider.pk))
    assert response.status_code == 400  # not one of the form's choices
    someone.refresh_from_db()
    assert someone.user == expert


def test_who_may_not_edit_a_record_gets_a_404(client, make_user, someone, other_office):
    url = reverse("registration:person_update", args=[someone.pk])
    for user in (make_user("viewer"), make_user("focal_point", member=someone.member),
                 make_user("staff", office=other_office)):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, form_data(someone, full_name="X")).status_code == 404
    someone.erased_at = timezone.now()
    someone.save()
    client.force_login(make_user("admin"))
    assert client.get(url).status_code == 404  # an erased record is not filled in again
    someone.refresh_from_db()
    assert someone.full_name == "Sione Tuipulotu"
