"""Who sees which delivery records: restrict() for every role, at the queryset level."""

import pytest

from workplan.core.access import CHANGE, VIEW
from workplan.delivery.demo import Demo
from workplan.delivery.models import Event, Funding, Participation, Request
from workplan.directory.models import Member, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(office, seed_plan):
    return Demo(office, seed=7).run()


def test_demo_is_deterministic_and_plausible(demo, office):
    assert demo["events"] >= 140 and demo["participations"] >= 3500
    fingerprint = list(Event.objects.order_by("start_date", "title", "pk")
                       .values_list("title", "start_date", "status")[:20])
    Event.objects.all().delete()
    Request.objects.all().delete()
    Person.objects.all().delete()
    again = Demo(office, seed=7).run()
    assert again == demo
    assert list(Event.objects.order_by("start_date", "title", "pk")
                .values_list("title", "start_date", "status")[:20]) == fingerprint


def test_office_wide_roles_see_everything_of_their_office(demo, make_user, other_office):
    for role in ("admin", "staff", "viewer"):
        user = make_user(role)
        assert Event.objects.restrict(user).count() == demo["events"]
        assert Request.objects.restrict(user).count() == demo["requests"]
        assert Funding.objects.restrict(user).count() == Funding.objects.count()
    stranger = make_user("admin", office=other_office)
    assert not Event.objects.restrict(stranger).exists()
    assert not Person.objects.restrict(stranger).exists()
    viewer = make_user("viewer")
    assert not Event.objects.restrict(viewer, CHANGE).exists()


def test_focal_point_sees_their_member_only(demo, make_user):
    lao = Member.objects.get(iso3="LAO")
    user = make_user("focal_point", member=lao)
    requests = Request.objects.restrict(user)
    assert requests.exists()
    assert set(requests.values_list("member__iso3", flat=True)) == {"LAO"}
    assert Request.objects.restrict(user, CHANGE).count() == requests.count()
    events = Event.objects.restrict(user)
    assert events.exists()
    for event in events.prefetch_related("beneficiaries"):
        assert event.host_member_id == lao.pk or lao in event.beneficiaries.all()
    assert not Event.objects.restrict(user, CHANGE).exists()
    people = Person.objects.restrict(user)
    assert set(people.values_list("member__iso3", flat=True)) == {"LAO"}
    assert set(Participation.objects.restrict(user).values_list("member__iso3", flat=True)) \
        == {"LAO"}
    assert not Funding.objects.restrict(user).exists()


def test_expert_sees_their_own_deployments(demo, make_user):
    deployment = Participation.objects.filter(role="expert").select_related("person").first()
    user = make_user("expert")
    expert = deployment.person
    expert.user = user
    expert.save()
    mine = Participation.objects.filter(person=expert, role="expert")
    assert set(Event.objects.restrict(user).values_list("pk", flat=True)) == set(
        mine.values_list("event_id", flat=True))
    assert list(Person.objects.restrict(user)) == [expert]
    assert Person.objects.restrict(user, CHANGE).get() == expert  # their own profile
    assert not Request.objects.restrict(user).exists()


def test_restricted_queries_are_one_query(demo, make_user, django_assert_num_queries):
    user = make_user("focal_point", member=Member.objects.get(iso3="FJI"))
    list(Request.objects.restrict(user, VIEW))  # reads the user's roles once
    with django_assert_num_queries(1):
        list(Event.objects.restrict(user, VIEW))
