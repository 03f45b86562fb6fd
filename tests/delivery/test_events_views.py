"""The event pages: list with filters and pagination, event page, record and edit (with
concurrent edits refused), status changes, partners, funding and documents; scoping (404
outside the user's scope) and fixed query counts."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from workplan.core.models import Role
from workplan.delivery.demo import Demo
from workplan.delivery.models import (
    Attachment,
    Event,
    EventAction,
    EventPartner,
    Funding,
    Participation,
)
from workplan.delivery.services import event_defaults_for, record_event
from workplan.directory.models import Member, Partner, Person
from workplan.plans.models import Activity

pytestmark = pytest.mark.django_db

AEO = "National workshop on AEO for Lao People's Dem. Rep., Vanuatu, and Vietnam"
# Queries of a signed-in office member's request: session, user, the user's office roles.
AUTH = 3
# Event list: members of the member and sub-region filters, partners of the partner filter,
# the fiscal years the events span, the count for the pager, one page of events (with office,
# host, activity, participant and women counts), the page's beneficiaries.
EVENT_LIST = AUTH + 6
# Event page: the event (with office, region, host, activity and plan), beneficiaries, actions
# served, partners with roles, attachments; the headcount (participants, resource persons,
# absent ...), participants by member and gender, experts, linked requests, funding; the
# history panel (its records with their users; the demo's
# events have no history yet, so no query for the history of their beneficiaries).
EVENT_PAGE = AUTH + 10 + 1


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def as_staff(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def demo(office, seed_plan):
    return Demo(office).run()


@pytest.fixture
def lao():
    return Member.objects.get(iso3="LAO")


@pytest.fixture
def aeo(seed_plan):
    return Activity.objects.get(work_plan=seed_plan, title=AEO)


@pytest.fixture
def aeo_event(office, aeo, lao):
    defaults = event_defaults_for(aeo, lao)
    return record_event(office=office, activity=aeo, start_date=dt.date(2024, 9, 2),
                        end_date=dt.date(2024, 9, 5), city="Vientiane", country="LAO",
                        title=defaults["title"], kind=defaults["kind"], level=defaults["level"],
                        beneficiaries=defaults["beneficiaries"],
                        host_member=defaults["host_member"])


def text(response) -> str:
    return response.content.decode()


def form_data(event, **changes) -> dict:
    """What the edit form posts for ``event`` unchanged, with ``changes``."""
    data = {
        "title": event.title, "kind": event.kind, "level": event.level,
        "office_role": event.office_role, "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(), "mode": event.mode, "city": event.city,
        "country": event.country, "host_member": event.host_member_id or "",
        "beneficiaries": [m.pk for m in event.beneficiaries.all()],
        "actions": list(event.action_links.values_list("action_id", flat=True)),
        "summary": event.summary, "version": event.version,
        "activity": event.activity_id or "",
    }
    data.update(changes)
    return data


# --- sign-in and scope ------------------------------------------------------------------------


def test_pages_require_sign_in(client, aeo_event):
    for url in [reverse("delivery:event_list"), aeo_event.get_absolute_url(),
                reverse("delivery:event_create"),
                reverse("delivery:event_update", args=[aeo_event.pk]),
                reverse("delivery:event_participants", args=[aeo_event.pk]),
                reverse("delivery:attendance_import", args=[aeo_event.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_out_of_office_users_get_404(client, make_user, other_office, aeo_event):
    client.force_login(make_user(Role.ADMIN, office=other_office))
    for url in [aeo_event.get_absolute_url(),
                reverse("delivery:event_update", args=[aeo_event.pk]),
                reverse("delivery:event_participants", args=[aeo_event.pk]),
                reverse("delivery:attendance_import", args=[aeo_event.pk]),
                reverse("delivery:funding_add", args=[aeo_event.pk]),
                reverse("delivery:event_partner_add", args=[aeo_event.pk]),
                reverse("delivery:attachment_add", args=[aeo_event.pk])]:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("delivery:event_transition", args=[aeo_event.pk]),
                           {"status": "held", "version": 1})
    assert response.status_code == 404
    aeo_event.refresh_from_db()
    assert aeo_event.status == "planned"
    listing = text(client.get(reverse("delivery:event_list")))
    assert AEO not in listing and "0 events" in listing


def test_viewer_reads_but_cannot_change(client, make_user, aeo_event):
    client.force_login(make_user(Role.VIEWER))
    page = client.get(aeo_event.get_absolute_url())
    assert page.status_code == 200
    assert "Mark as held" not in text(page) and "Edit</a>" not in text(page)
    assert client.get(reverse("delivery:event_update", args=[aeo_event.pk])).status_code == 404
    assert client.get(reverse("delivery:event_create")).status_code == 404
    response = client.post(reverse("delivery:event_transition", args=[aeo_event.pk]),
                           {"status": "held", "version": 1})
    assert response.status_code == 404


# --- the list ---------------------------------------------------------------------------------


def test_event_list_shows_events_with_counts(as_staff, demo):
    response = as_staff.get(reverse("delivery:event_list"))
    assert response.status_code == 200
    page = text(response)
    assert f"{demo['events']} events" in page
    assert page.count('class="event-table__title"') == 50  # one page
    newest = Event.objects.for_list().order_by("-start_date", "title").first()
    assert newest.get_absolute_url() in page
    held = (Event.objects.for_list().filter(status="held", n_participants__gt=0)
            .order_by("-start_date", "title").first())
    assert held.n_women > 0
    assert "Record an event" in page  # staff may record
    assert reverse("delivery:event_list") in page  # the nav link


def test_event_list_is_paginated(as_staff, demo):
    url = reverse("delivery:event_list")
    last_page = (demo["events"] + 49) // 50
    page = text(as_staff.get(url, {"page": last_page}))
    assert page.count('class="event-table__title"') == demo["events"] - 50 * (last_page - 1)
    assert 'rel="prev"' in page and 'rel="next"' not in page
    # a page number that is not one shows the last page, not an error
    assert as_staff.get(url, {"page": "999"}).status_code == 200


@pytest.mark.parametrize("query, check", [
    ({"kind": "mission"}, lambda e: e.kind == "mission"),
    ({"level": "regional"}, lambda e: e.level == "regional"),
    ({"status": "cancelled"}, lambda e: e.status == "cancelled"),
    ({"member": "LAO"}, lambda e: "LAO" in {m.iso3 for m in e.beneficiaries.all()}),
    ({"sub_region": "Australasia/Oceania"},
     lambda e: "Australasia/Oceania" in {m.sub_region for m in e.beneficiaries.all()}),
    ({"fy": "2024"}, lambda e: dt.date(2024, 7, 1) <= e.start_date <= dt.date(2025, 6, 30)),
    ({"quarter": "Q2"}, lambda e: e.start_date.month in (10, 11, 12)),
    ({"fy": "2024", "quarter": "Q3"},
     lambda e: dt.date(2025, 1, 1) <= e.start_date <= dt.date(2025, 3, 31)),
    ({"q": "Ad hoc"}, lambda e: "ad hoc" in e.title.lower()),
])
def test_event_list_filters(as_staff, demo, query, check):
    response = as_staff.get(reverse("delivery:event_list"), query)
    assert response.status_code == 200
    shown = [int(pk) for pk in re.findall(r'href="/delivery/events/(\d+)/"', text(response))]
    assert shown, query
    events = Event.objects.prefetch_related("beneficiaries").in_bulk(shown)
    assert all(check(events[pk]) for pk in shown), query
    expected = sum(1 for e in Event.objects.prefetch_related("beneficiaries") if check(e))
    assert f"{expected} event" in text(response)


def test_event_list_filters_by_action_and_partner(as_staff, demo):
    link = EventAction.objects.select_related("action").first()
    expected = EventAction.objects.filter(action__code=link.action.code).count()
    page = text(as_staff.get(reverse("delivery:event_list"),
                             {"action": link.action.code.replace("-", "").replace("(", "")
                              .replace(")", "")}))  # "1a" is read as "1-(a)"
    assert f"{expected} event" in page
    partner = Partner.objects.get(acronym="ADB")
    expected = Event.objects.filter(partner_roles__partner=partner).distinct().count()
    page = text(as_staff.get(reverse("delivery:event_list"), {"partner": partner.pk}))
    assert f"{expected} event" in page


def test_event_list_reports_a_bad_filter_and_ignores_it(as_staff, demo):
    response = as_staff.get(reverse("delivery:event_list"), {"action": "zzz", "kind": "picnic"})
    assert response.status_code == 200
    page = text(response)
    assert "is not an action code" in page and "Select a valid choice" in page
    assert f"{demo['events']} events" in page


def test_event_list_htmx_returns_the_results_only(as_staff, demo):
    response = as_staff.get(reverse("delivery:event_list"), {"kind": "mission"},
                            headers={"HX-Request": "true", "HX-Target": "event-results"})
    page = text(response)
    assert page.startswith('<div id="event-results">') and "<html" not in page


def test_event_list_query_count_does_not_grow(as_staff, office, demo,
                                              django_assert_num_queries):
    url = reverse("delivery:event_list")
    with django_assert_num_queries(EVENT_LIST):
        as_staff.get(url)
    with django_assert_num_queries(EVENT_LIST):
        response = as_staff.get(url, {"fy": "2024", "member": "LAO", "status": "held",
                                      "q": "workshop"})
    assert response.context["page"].object_list
    Demo(office, seed=2).run()
    Demo(office, seed=3).run()
    assert Event.objects.count() >= 3 * demo["events"]
    with django_assert_num_queries(EVENT_LIST):
        as_staff.get(url)
    with django_assert_num_queries(EVENT_LIST):
        response = as_staff.get(url, {"page": 2, "quarter": "Q1", "level": "national"})
    assert response.context["page"].number == 2 and response.context["page"].object_list


# --- the event page ---------------------------------------------------------------------------


def test_event_page_shows_everything(as_staff, office, demo, aeo_event, lao):
    held = (Event.objects.for_list().filter(status="held", n_participants__gt=20,
                                            activity__isnull=False)
            .order_by("pk").first())
    response = as_staff.get(held.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert held.title in page and held.get_mode_display() in page
    # participants by member and gender, with totals and the women's share
    participations = Participation.objects.filter(event=held)
    counted = participations.filter(role="participant", attended=True)
    women = counted.filter(person__gender="female").count()
    total = counted.count()
    assert f"{total} participants" in page
    share = int(Decimal(100 * women / total).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert f"{women} women ({share}%)" in page
    assert "Participants by member and gender" in page
    # experts, partners with roles, funding by currency
    expert = participations.filter(role="expert").select_related("person").first()
    assert expert.person.full_name in page
    assert reverse("delivery:expert_detail", args=[expert.person_id]) in page
    role = EventPartner.objects.filter(event=held).select_related("partner").first()
    assert str(role.partner) in page and role.get_role_display() in page
    funding = Funding.objects.filter(event=held).first()
    assert 'id="funding"' in page and f"{funding.amount:,.2f} USD" in page
    in_kind = Funding.objects.filter(in_kind=True).select_related("event").first()
    assert "in kind" in text(as_staff.get(in_kind.event.get_absolute_url()))
    # actions served link to the plan
    link = EventAction.objects.filter(event=held).select_related("action").first()
    assert reverse("plans:action_detail", args=[link.action_id]) in page
    # the status buttons of a held event: none (held is final); edit remains
    assert "Mark as" not in page and "Edit</a>" in page
    # a planned event offers its transitions
    page = text(as_staff.get(aeo_event.get_absolute_url()))
    for label in ("Mark as confirmed", "Mark as held", "Mark as postponed", "Mark as cancelled"):
        assert label in page
    assert reverse("plans:activity_detail", args=[aeo_event.activity_id]) in page
    assert f"Vientiane, {lao.name}" in page  # the venue by the member's name, not its code


def test_funding_is_hidden_from_focal_points(client, make_user, demo, lao):
    client.force_login(make_user(Role.FOCAL_POINT, member=lao))
    event = Event.objects.filter(host_member=lao, status="held").first()
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert 'id="funding"' not in text(response)
    other = Event.objects.exclude(host_member=lao).exclude(beneficiaries=lao).first()
    assert client.get(other.get_absolute_url()).status_code == 404


def test_event_page_query_count_does_not_grow(as_staff, office, demo,
                                              django_assert_num_queries):
    event = (Event.objects.for_list().filter(status="held", n_participants__gt=10)
             .order_by("pk").first())
    url = event.get_absolute_url()
    with django_assert_num_queries(EVENT_PAGE):
        as_staff.get(url)
    # three times the participants, more partners, funding, documents and requests
    known = set(Participation.objects.filter(event=event).values_list("person_id", flat=True))
    extra = Person.objects.filter(office=office).exclude(pk__in=known)[: 2 * len(known)]
    Participation.objects.bulk_create([Participation(event=event, person=p, member=p.member)
                                       for p in extra])
    for partner in Partner.objects.all()[:4]:
        EventPartner.objects.get_or_create(event=event, partner=partner, role="other")
        Funding.objects.create(event=event, partner=partner, amount=10, currency="EUR")
    Demo(office, seed=5).run()
    with django_assert_num_queries(EVENT_PAGE):
        response = as_staff.get(url)
    counted = Participation.objects.filter(event=event, role="participant", attended=True)
    assert f"{counted.count()} participants" in text(response)


# --- record, edit, status ---------------------------------------------------------------------


def test_record_an_event_from_a_planned_activity(as_staff, office, aeo, lao):
    url = reverse("delivery:event_create") + f"?activity={aeo.pk}&member=LAO"
    response = as_staff.get(url)
    assert response.status_code == 200
    page = text(response)
    assert f'value="{aeo.pk}"' in page and "Of the planned activity" in page
    assert f'value="{lao.pk}" selected' in page or f'value="{lao.pk}" checked' in page
    before = Event.objects.count()
    data = {"office": office.pk, "activity": aeo.pk, "title": aeo.title, "kind": "workshop",
            "level": "national", "office_role": "organised", "status": "held",
            "start_date": "2024-10-01", "end_date": "2024-10-03", "mode": "in_person",
            "city": "Vientiane", "country": "lao", "host_member": lao.pk,
            "beneficiaries": [lao.pk],
            "actions": [a.pk for a in aeo.actions.all()], "summary": ""}
    response = as_staff.post(reverse("delivery:event_create"), data)
    assert Event.objects.count() == before + 1
    event = Event.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.country == "LAO" and event.status == "held" and event.activity == aeo
    assert list(event.beneficiaries.all()) == [lao]
    assert set(event.actions.all()) == set(aeo.actions.all())


def test_activity_page_offers_one_event_per_member_of_a_national_workshop(as_staff, aeo):
    page = text(as_staff.get(aeo.get_absolute_url()))
    for iso3 in ("LAO", "VUT", "VNM"):
        assert f"?activity={aeo.pk}&amp;member={iso3}" in page


def test_unplanned_event_can_be_recorded(as_staff, office, lao):
    response = as_staff.post(reverse("delivery:event_create"), {
        "office": office.pk, "title": "Ad hoc mission", "kind": "mission", "level": "national",
        "office_role": "organised", "status": "planned", "start_date": "2025-02-03",
        "end_date": "2025-02-03", "mode": "virtual", "beneficiaries": [lao.pk]})
    assert response.status_code == 302
    assert Event.objects.get(title="Ad hoc mission").activity is None


@pytest.mark.parametrize("changes, field, message", [
    ({"start_date": "2024-10-05", "end_date": "2024-10-01"}, "end_date",
     "The event ends before it starts."),
    ({"country": "XYZ"}, "country", "is not an ISO 3166 alpha-3 country code"),
    ({"country": "LA"}, "country", "is not an ISO 3166 alpha-3 country code"),
    ({"kind": "picnic"}, "kind", "Select a valid choice"),
    ({"title": ""}, "title", "This field is required."),
])
def test_bad_event_input_names_the_field_and_saves_nothing(as_staff, office, lao, changes,
                                                           field, message):
    data = {"office": office.pk, "title": "Workshop", "kind": "workshop", "level": "national",
            "office_role": "organised", "status": "planned", "start_date": "2024-10-01",
            "end_date": "2024-10-03", "mode": "in_person", "country": "LAO",
            "beneficiaries": [lao.pk]}
    data.update(changes)
    before = Event.objects.count()
    response = as_staff.post(reverse("delivery:event_create"), data)
    assert response.status_code == 200
    assert Event.objects.count() == before
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert f'id="id_{field}_error"' in text(response)


def test_members_of_another_region_are_refused(as_staff, office, other_office):
    kenya = Member.objects.get(iso3="KEN")
    response = as_staff.post(reverse("delivery:event_create"), {
        "office": office.pk, "title": "W", "kind": "workshop", "level": "national",
        "office_role": "organised", "status": "planned", "start_date": "2024-10-01",
        "end_date": "2024-10-01", "mode": "in_person", "beneficiaries": [kenya.pk],
        "host_member": kenya.pk})
    errors = response.context["form"].errors
    assert "beneficiaries" in errors and "host_member" in errors
    assert not Event.objects.filter(title="W").exists()


def test_edit_an_event(as_staff, aeo_event):
    url = reverse("delivery:event_update", args=[aeo_event.pk])
    page = text(as_staff.get(url))
    assert 'name="version" value="1"' in page
    response = as_staff.post(url, form_data(aeo_event, city="Luang Prabang"))
    assert response.status_code == 302
    aeo_event.refresh_from_db()
    assert aeo_event.city == "Luang Prabang" and aeo_event.version == 2


def test_a_concurrent_edit_is_refused_with_a_clear_message(client, make_user, aeo_event):
    first, second = make_user(Role.STAFF), make_user(Role.STAFF)
    url = reverse("delivery:event_update", args=[aeo_event.pk])
    data = form_data(aeo_event)  # both opened the form at version 1
    client.force_login(first)
    assert client.post(url, {**data, "city": "Pakse"}).status_code == 302
    client.force_login(second)
    response = client.post(url, {**data, "city": "Savannakhet", "summary": "Mine"})
    assert response.status_code == 409
    page = text(response)
    assert "changed by" in page and first.username in page
    assert "Your changes were not saved" in page
    aeo_event.refresh_from_db()
    assert aeo_event.city == "Pakse" and aeo_event.summary == "" and aeo_event.version == 2


def test_status_transitions(as_staff, aeo_event):
    url = reverse("delivery:event_transition", args=[aeo_event.pk])
    response = as_staff.post(url, {"status": "held", "version": 1}, follow=True)
    assert "The event is now held." in text(response)
    aeo_event.refresh_from_db()
    assert aeo_event.status == "held"
    response = as_staff.post(url, {"status": "planned", "version": 2}, follow=True)
    assert "cannot become planned" in text(response)
    aeo_event.refresh_from_db()
    assert aeo_event.status == "held" and aeo_event.version == 2


def test_a_stale_status_change_is_refused(as_staff, aeo_event):
    url = reverse("delivery:event_transition", args=[aeo_event.pk])
    as_staff.post(url, {"status": "confirmed", "version": 1})
    response = as_staff.post(url, {"status": "cancelled", "version": 1}, follow=True)
    assert "while you were editing it" in text(response)
    aeo_event.refresh_from_db()
    assert aeo_event.status == "confirmed"


# --- partners and funding ---------------------------------------------------------------------


def test_add_and_remove_a_partner(as_staff, aeo_event):
    partner = Partner.objects.create(name="Test donor", acronym="TD")
    url = reverse("delivery:event_partner_add", args=[aeo_event.pk])
    assert as_staff.get(url).status_code == 200
    response = as_staff.post(url, {"partner": partner.pk, "role": "funder"})
    assert response.status_code == 302
    link = EventPartner.objects.get(event=aeo_event, partner=partner)
    response = as_staff.post(url, {"partner": partner.pk, "role": "funder"})
    assert "already named as funder" in text(response)
    assert EventPartner.objects.filter(event=aeo_event).count() == 1
    as_staff.post(reverse("delivery:event_partner_remove", args=[aeo_event.pk, link.pk]))
    assert not EventPartner.objects.filter(event=aeo_event).exists()


def test_add_funding_from_a_partner_or_a_member(as_staff, aeo_event, lao):
    partner = Partner.objects.create(name="Test donor", acronym="TD")
    url = reverse("delivery:funding_add", args=[aeo_event.pk])
    assert as_staff.post(url, {"partner": partner.pk, "amount": "12500.50",
                               "currency": "usd"}).status_code == 302
    assert as_staff.post(url, {"member": lao.pk, "amount": "0", "currency": "LAK",
                               "in_kind": "on", "note": "Venue"}).status_code == 302
    amounts = set(Funding.objects.filter(event=aeo_event).values_list("amount", "currency"))
    assert amounts == {(Decimal("12500.50"), "USD"), (Decimal("0.00"), "LAK")}
    page = text(as_staff.get(aeo_event.get_absolute_url()))
    assert "12,500.50 USD" in page and "0.00 LAK" in page


@pytest.mark.parametrize("data, field, message", [
    ({"amount": "-5", "currency": "USD"}, "amount", "The amount cannot be negative."),
    ({"amount": "twelve", "currency": "USD"}, "amount", "Enter the amount as a number"),
    ({"amount": "1,000", "currency": "USD"}, "amount", "Enter the amount as a number"),
    ({"amount": "", "currency": "USD"}, "amount", "This field is required."),
    ({"amount": "100", "currency": "XXQ"}, "currency", "is not an ISO 4217 currency code"),
    ({"amount": "100", "currency": "USD", "partner": None}, "partner",
     "Choose who gives the money"),
    ({"amount": "100", "currency": "USD", "member": "LAO"}, "member", "not both"),
])
def test_bad_funding_names_the_field_and_saves_nothing(as_staff, aeo_event, lao, data, field,
                                                       message):
    partner = Partner.objects.create(name="Test donor", acronym="TD")
    post = {"partner": partner.pk, **data}
    if post.get("partner") is None:
        post.pop("partner")
    if post.get("member") == "LAO":
        post["member"] = lao.pk
    before = Funding.objects.count()
    response = as_staff.post(reverse("delivery:funding_add", args=[aeo_event.pk]), post)
    assert response.status_code == 200
    assert Funding.objects.count() == before
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors


def test_funding_forms_are_closed_to_viewers_and_focal_points(client, make_user, aeo_event,
                                                              lao):
    for user in (make_user(Role.VIEWER), make_user(Role.FOCAL_POINT, member=lao)):
        client.force_login(user)
        response = client.post(reverse("delivery:funding_add", args=[aeo_event.pk]),
                               {"member": lao.pk, "amount": "5", "currency": "USD"})
        assert response.status_code == 404
    assert not Funding.objects.exists()


# --- documents --------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(as_staff, event, name, data, kind="agenda"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return as_staff.post(reverse("delivery:attachment_add", args=[event.pk]),
                         {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_upload_and_download_a_document(as_staff, client, make_user, other_office, media,
                                        aeo_event):
    response = upload(as_staff, aeo_event, "Agenda final.pdf", PDF)
    assert response.status_code == 302
    attachment = Attachment.objects.get(event=aeo_event)
    assert attachment.name == "Agenda-final.pdf" and attachment.content_type == "application/pdf"
    page = text(as_staff.get(aeo_event.get_absolute_url()))
    url = reverse("delivery:attachment_download", args=[attachment.pk])
    assert url in page
    response = as_staff.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Agenda-final.pdf" in response["Content-Disposition"]
    # the download re-checks scope
    client.force_login(make_user(Role.ADMIN, office=other_office))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name, data, message", [
    ("report.exe", b"MZ\x90\x00", "files of this type are not accepted"),
    ("report.pdf", b"<html>not a pdf</html>", "is not really a .pdf file"),
    ("photo.png", PDF, "is not really a .png file"),
    ("big.pdf", PDF + b"0" * 2000, "the limit is"),
    ("empty.pdf", b"", "The submitted file is empty."),
])
def test_bad_documents_are_refused_on_the_file_field(as_staff, settings, media, aeo_event,
                                                     name, data, message):
    settings.WORKPLAN_MAX_ATTACHMENT = 1000
    response = upload(as_staff, aeo_event, name, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "file" in errors and message in " ".join(errors["file"]), errors
    assert not Attachment.objects.exists()
    assert not (media / "events").exists() or not any((media / "events").rglob("*.*"))


def test_remove_a_document(as_staff, media, aeo_event):
    upload(as_staff, aeo_event, "agenda.pdf", PDF)
    attachment = Attachment.objects.get()
    response = as_staff.post(reverse("delivery:attachment_remove", args=[attachment.pk]))
    assert response.status_code == 302
    assert not Attachment.objects.exists()
