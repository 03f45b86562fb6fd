"""Requests for assistance: focal points file and follow their own member's, staff triage
them all; each step of the life cycle is dated and attributed, a backwards step is refused and
changes nothing; fixed query counts."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from workplan.core.models import Role
from workplan.delivery.demo import Demo
from workplan.delivery.models import Event, Request, RequestStep
from workplan.delivery.services import file_request, move_request, record_event
from workplan.directory.models import Member

pytestmark = pytest.mark.django_db

AUTH = 3
# Request list: members of the member filter, the count for the pager, one page of requests
# (with member, action, activity, office and event).
REQUEST_LIST = AUTH + 3
# ... for a focal point: no member filter.
REQUEST_LIST_FOCAL_POINT = AUTH + 2
# Request page: the request (with member, action and plan, activity, office, event, filer),
# its steps with who took them, the history panel (its records with their users).
REQUEST_PAGE = AUTH + 3
# ... of an accepted request, for staff: also the events it may be scheduled as.
REQUEST_PAGE_TO_SCHEDULE = REQUEST_PAGE + 1


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lao():
    return Member.objects.get(iso3="LAO")


@pytest.fixture
def fiji():
    return Member.objects.get(iso3="FJI")


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def focal(make_user, lao):
    return make_user(Role.FOCAL_POINT, member=lao)


@pytest.fixture
def as_staff(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def as_focal(client, focal):
    client.force_login(focal)
    return client


@pytest.fixture
def lao_request(office, lao, focal):
    return file_request(office=office, member=lao, topic="Risk management workshop",
                        user=focal, preferred_start=dt.date(2025, 3, 1),
                        preferred_end=dt.date(2025, 3, 31))


@pytest.fixture
def fiji_request(office, fiji, staff):
    return file_request(office=office, member=fiji, topic="Valuation diagnostic", user=staff)


@pytest.fixture
def demo(office, seed_plan):
    return Demo(office).run()


def text(response) -> str:
    return html.unescape(response.content.decode())


def step(client, req, status, **extra):
    req.refresh_from_db()
    data = {"status": status, "version": req.version, **extra}
    return client.post(reverse("delivery:request_transition", args=[req.pk]), data,
                       follow=True)


# --- scope ------------------------------------------------------------------------------------


def test_pages_require_sign_in(client, lao_request):
    for url in [reverse("delivery:request_list"), reverse("delivery:request_create"),
                lao_request.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_focal_point_sees_only_their_members_requests(as_focal, lao_request, fiji_request):
    page = text(as_focal.get(reverse("delivery:request_list")))
    assert "Risk management workshop" in page and "Valuation diagnostic" not in page
    assert "1 request" in page
    assert 'name="member"' not in page  # no member filter for a single member
    assert as_focal.get(lao_request.get_absolute_url()).status_code == 200
    assert as_focal.get(fiji_request.get_absolute_url()).status_code == 404
    response = as_focal.post(reverse("delivery:request_transition", args=[fiji_request.pk]),
                             {"status": "withdrawn", "version": 1})
    assert response.status_code == 404
    fiji_request.refresh_from_db()
    assert fiji_request.status == "received"


def test_staff_see_all_requests_and_filter_them(as_staff, lao_request, fiji_request):
    move_request(fiji_request, "accepted")
    page = text(as_staff.get(reverse("delivery:request_list")))
    assert "Risk management workshop" in page and "Valuation diagnostic" in page
    page = text(as_staff.get(reverse("delivery:request_list"), {"member": "FJI"}))
    assert "Valuation diagnostic" in page and "Risk management workshop" not in page
    page = text(as_staff.get(reverse("delivery:request_list"), {"status": "received"}))
    assert "Risk management workshop" in page and "Valuation diagnostic" not in page


def test_out_of_office_users_get_404(client, make_user, other_office, lao_request):
    client.force_login(make_user(Role.ADMIN, office=other_office))
    assert client.get(lao_request.get_absolute_url()).status_code == 404
    assert "Risk management workshop" not in text(client.get(reverse("delivery:request_list")))
    response = client.post(reverse("delivery:request_transition", args=[lao_request.pk]),
                           {"status": "accepted", "version": 1})
    assert response.status_code == 404


# --- filing -----------------------------------------------------------------------------------


def test_focal_point_files_for_their_own_member_only(as_focal, office, seed_plan, lao, fiji,
                                                     focal):
    response = as_focal.get(reverse("delivery:request_create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["member"].disabled and list(form.fields["member"].queryset) == [lao]
    action = seed_plan.actions.get(code="1-(a)")
    # a member posted by hand is ignored: the field is fixed to theirs
    response = as_focal.post(reverse("delivery:request_create"), {
        "office": office.pk, "member": fiji.pk, "topic": "Post-clearance audit training",
        "action": action.pk, "preferred_start": "2025-01-10", "preferred_end": "2025-01-20"})
    assert response.status_code == 302
    filed = Request.objects.get(topic="Post-clearance audit training")
    assert filed.member == lao and filed.filed_by == focal and filed.action == action
    step = RequestStep.objects.get(request=filed)
    assert step.status == "received" and step.by == focal


def test_staff_file_for_any_member_of_the_region(as_staff, office, fiji):
    response = as_staff.post(reverse("delivery:request_create"), {
        "office": office.pk, "member": fiji.pk, "topic": "Rules of origin"})
    assert response.status_code == 302
    assert Request.objects.get(topic="Rules of origin").member == fiji


def test_preferred_dates_out_of_order_name_the_field(as_focal, office):
    response = as_focal.post(reverse("delivery:request_create"), {
        "office": office.pk, "topic": "Risk", "preferred_start": "2025-03-10",
        "preferred_end": "2025-03-01"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "The preferred period ends before it starts." in errors["preferred_end"]
    assert not Request.objects.exists()


def test_viewers_cannot_file(client, make_user):
    client.force_login(make_user(Role.VIEWER))
    assert client.get(reverse("delivery:request_create")).status_code == 404
    assert "File a request" not in text(client.get(reverse("delivery:request_list")))


# --- the life cycle ---------------------------------------------------------------------------


def test_request_page_shows_the_life_cycle(as_staff, staff, lao_request):
    move_request(lao_request, "accepted", user=staff, note="Fits action 1-(a)")
    page = text(as_staff.get(lao_request.get_absolute_url()))
    assert "Risk management workshop" in page and "Lao" in page
    assert page.count('class="timeline__head"') == 2
    assert "Received" in page and "Accepted" in page and "Fits action 1-(a)" in page
    assert f"by {staff.username}" in page and "Filed" in page
    assert "Schedule as this event" not in page  # no event of the member yet
    assert "No recorded event for Lao" in page
    assert f"/delivery/events/new/?request={lao_request.pk}" in page  # "Schedule as a new event"


def test_focal_point_cannot_accept(as_focal, lao_request):
    response = step(as_focal, lao_request, "accepted")
    assert "Only the office's staff can mark a request as accepted" in text(response)
    lao_request.refresh_from_db()
    assert lao_request.status == "received" and lao_request.version == 1
    assert RequestStep.objects.filter(request=lao_request).count() == 1
    page = text(as_focal.get(lao_request.get_absolute_url()))
    assert "Mark as withdrawn" in page and "Mark as accepted" not in page


def test_focal_point_withdraws_their_own_request(as_focal, focal, lao_request):
    response = step(as_focal, lao_request, "withdrawn", note="No longer needed")
    assert "The request is now withdrawn." in text(response)
    last = RequestStep.objects.filter(request=lao_request).last()
    assert (last.status, last.by, last.note) == ("withdrawn", focal, "No longer needed")


def test_staff_accept_schedule_and_deliver(as_staff, staff, office, lao, lao_request):
    page = text(as_staff.get(lao_request.get_absolute_url()))
    assert "Mark as accepted" in page and "Mark as declined" in page
    assert "Mark as withdrawn" not in page
    assert "The request is now accepted." in text(step(as_staff, lao_request, "accepted"))
    event = record_event(office=office, title="National workshop on RM for Lao",
                         kind="workshop", level="national", start_date=dt.date(2025, 3, 3),
                         end_date=dt.date(2025, 3, 6), host_member=lao, beneficiaries=[lao])
    page = text(as_staff.get(lao_request.get_absolute_url()))
    assert "Schedule as this event" in page and "National workshop on RM for Lao" in page
    response = step(as_staff, lao_request, "scheduled", event=event.pk)
    assert "The request is now scheduled." in text(response)
    # delivered only once the event was held
    response = step(as_staff, lao_request, "delivered")
    assert "delivered when its event has been held" in text(response)
    lao_request.refresh_from_db()
    assert lao_request.status == "scheduled" and lao_request.event == event
    event.status = "held"
    event.save()
    assert "The request is now delivered." in text(step(as_staff, lao_request, "delivered"))
    steps = list(RequestStep.objects.filter(request=lao_request).values_list("status", "by"))
    assert steps == [("received", lao_request.filed_by_id), ("accepted", staff.pk),
                     ("scheduled", staff.pk), ("delivered", staff.pk)]
    # the event page lists the request it answers
    assert lao_request.get_absolute_url() in text(as_staff.get(event.get_absolute_url()))


def test_scheduling_needs_an_event_of_the_member(as_staff, office, fiji, lao_request):
    move_request(lao_request, "accepted")
    other = record_event(office=office, title="Fiji workshop", kind="workshop",
                         level="national", start_date=dt.date(2025, 3, 3),
                         end_date=dt.date(2025, 3, 6), host_member=fiji, beneficiaries=[fiji])
    response = step(as_staff, lao_request, "scheduled", event=other.pk)
    assert "Choose the event the request is scheduled as" in text(response)
    lao_request.refresh_from_db()
    assert lao_request.status == "accepted" and lao_request.event is None


@pytest.mark.parametrize("target", ["received", "accepted", "picnic"])
def test_a_request_moved_backwards_is_refused_and_nothing_changes(as_staff, lao_request,
                                                                  target):
    move_request(lao_request, "accepted")
    move_request(lao_request, "declined")
    lao_request.refresh_from_db()
    version, steps = lao_request.version, RequestStep.objects.count()
    response = step(as_staff, lao_request, target)
    page = text(response)
    assert "cannot become" in page or "Unknown status" in page
    lao_request.refresh_from_db()
    assert lao_request.status == "declined" and lao_request.version == version
    assert RequestStep.objects.count() == steps


def test_a_stale_step_is_refused(as_staff, lao_request):
    move_request(lao_request, "accepted")
    response = as_staff.post(reverse("delivery:request_transition", args=[lao_request.pk]),
                             {"status": "declined", "version": 1}, follow=True)
    assert "while you were editing it" in text(response)
    lao_request.refresh_from_db()
    assert lao_request.status == "accepted"


# --- query counts -----------------------------------------------------------------------------


def test_request_list_query_count_does_not_grow(client, office, make_user, demo, lao,
                                                django_assert_num_queries):
    staff, focal = make_user(Role.STAFF), make_user(Role.FOCAL_POINT, member=lao)
    url = reverse("delivery:request_list")

    def check():
        client.force_login(staff)
        with django_assert_num_queries(REQUEST_LIST):
            response = client.get(url)
        assert len(response.context["items"]) == min(50, Request.objects.count())
        with django_assert_num_queries(REQUEST_LIST):
            response = client.get(url, {"status": "delivered", "member": "LAO"})
        assert {r.status for r in response.context["items"]} == {"delivered"}
        client.force_login(focal)
        with django_assert_num_queries(REQUEST_LIST_FOCAL_POINT):
            response = client.get(url)
        assert {r.member_id for r in response.context["items"]} == {lao.pk}

    check()
    Demo(office, seed=2).run()
    Demo(office, seed=3).run()
    assert Request.objects.count() >= 3 * demo["requests"]
    check()


def test_request_page_query_count_does_not_grow(as_staff, office, staff, demo,
                                                django_assert_num_queries):
    received = Request.objects.filter(status="received").order_by("pk").first()
    accepted = Request.objects.filter(status="accepted").order_by("pk").first()
    delivered = Request.objects.filter(status="delivered").order_by("pk").first()

    def check():
        for req, expected in [(received, REQUEST_PAGE), (delivered, REQUEST_PAGE),
                              (accepted, REQUEST_PAGE_TO_SCHEDULE)]:
            with django_assert_num_queries(expected):
                response = as_staff.get(req.get_absolute_url())
            assert response.status_code == 200

    check()
    Demo(office, seed=2).run()
    for _ in range(3):  # a longer life: more steps, more history
        RequestStep.objects.create(request=delivered, status="delivered", by=staff, note="x")
    Event.objects.filter(host_member=accepted.member).update(status="planned")
    check()


# --- a request scheduled as a new event, in one step ------------------------------------------


def test_schedule_as_a_new_event_prefills_the_form_and_links_both(as_staff, staff, office, lao,
                                                                   lao_request):
    page = text(as_staff.get(lao_request.get_absolute_url()))
    create = reverse("delivery:event_create") + f"?request={lao_request.pk}"
    assert "Schedule as a new event" in page and create in page
    form = as_staff.get(create).context["form"]
    assert form.initial["title"] == "Risk management workshop"
    assert form.initial["host_member"] == lao.pk and form.initial["beneficiaries"] == [lao.pk]
    assert (form.initial["start_date"], form.initial["end_date"]) == (
        dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    response = as_staff.post(reverse("delivery:event_create"), {
        "request": lao_request.pk, "office": office.pk, "title": "Risk management, Vientiane",
        "kind": "workshop", "level": "national", "office_role": "organised",
        "status": "planned", "mode": "in_person", "start_date": "2025-03-10",
        "end_date": "2025-03-13", "host_member": lao.pk, "beneficiaries": [lao.pk],
        "country": "LAO"}, follow=True)
    assert "the request of Lao" in text(response)
    lao_request.refresh_from_db()
    event = Event.objects.get(title="Risk management, Vientiane")
    assert lao_request.status == "scheduled" and lao_request.event == event
    steps = list(RequestStep.objects.filter(request=lao_request).values_list("status", "by"))
    assert steps == [("received", lao_request.filed_by_id), ("accepted", staff.pk),
                     ("scheduled", staff.pk)]
    # Scheduled twice: refused with a clear message, no second event.
    again = as_staff.post(reverse("delivery:event_create"), {
        "request": lao_request.pk, "office": office.pk, "title": "Second try",
        "kind": "workshop", "level": "national", "office_role": "organised",
        "status": "planned", "mode": "in_person", "start_date": "2025-03-10",
        "end_date": "2025-03-13"}, follow=True)
    assert "already scheduled as “Risk management, Vientiane”" in text(again)
    assert not Event.objects.filter(title="Second try").exists()
    assert "already scheduled" in text(as_staff.get(create, follow=True))


def test_schedule_as_a_new_event_refused_midway_writes_nothing(staff, office, lao,
                                                               lao_request):
    from workplan.delivery.services import TransitionError, schedule_as_new_event

    move_request(lao_request, "declined", user=staff)
    with pytest.raises(TransitionError, match="declined cannot be scheduled"):
        schedule_as_new_event(lao_request, user=staff, office=office, title="Nope",
                              kind="workshop", level="national",
                              start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 3, 2))
    assert not Event.objects.filter(title="Nope").exists()


def test_focal_points_cannot_schedule_and_see_withdraw_behind_a_disclosure(as_focal,
                                                                           lao_request):
    page = text(as_focal.get(lao_request.get_absolute_url()))
    assert "Schedule as a new event" not in page and "File another request" in page
    assert page.index("File another request") < page.index("Withdraw this request…")
    create = reverse("delivery:event_create") + f"?request={lao_request.pk}"
    assert as_focal.get(create).status_code == 404
