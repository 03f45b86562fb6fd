"""Delivery's writes: life cycles, concurrent edits, attachments, and what the plan import
may no longer remove once delivery uses it."""

import datetime as dt

import pytest

from workplan.core.concurrency import EditConflict, save_versioned
from workplan.delivery.models import Event, Request, RequestStep
from workplan.delivery.services import (
    AttachmentError,
    TransitionError,
    check_attachment,
    event_defaults_for,
    file_request,
    move_event,
    move_request,
    record_event,
)
from workplan.directory.models import Member
from workplan.plans.models import Activity
from workplan.plans.services import PlanImportError, import_plan

pytestmark = pytest.mark.django_db

AEO = "National workshop on AEO for Lao People's Dem. Rep., Vanuatu, and Vietnam"


@pytest.fixture
def lao():
    return Member.objects.get(iso3="LAO")


@pytest.fixture
def aeo(seed_plan):
    return Activity.objects.get(work_plan=seed_plan, title=AEO)


def national_event(office, activity, member, **extra):
    defaults = event_defaults_for(activity, member)
    return record_event(office=office, activity=activity, start_date=dt.date(2024, 9, 2),
                        end_date=dt.date(2024, 9, 5), title=defaults["title"],
                        kind=defaults["kind"], level=defaults["level"],
                        host_member=defaults["host_member"],
                        beneficiaries=defaults["beneficiaries"], **extra)


def test_a_national_workshop_for_three_members_is_up_to_three_events(office, aeo):
    events = [national_event(office, aeo, m) for m in aeo.members.order_by("iso3")]
    assert [(e.kind, e.level, e.host_member.iso3) for e in events] == [
        ("workshop", "national", "LAO"), ("workshop", "national", "VNM"),
        ("workshop", "national", "VUT")]
    # Each serves every action of its activity: 1-(d), 1-(e), 1-(u), 1-(hh).
    assert sorted(events[0].actions.values_list("code", flat=True)) == [
        "1-(d)", "1-(e)", "1-(hh)", "1-(u)"]


def test_request_life_cycle_is_forward_only_and_attributed(office, aeo, lao, make_user):
    staff = make_user("staff")
    request = file_request(office=office, member=lao, topic="AEO programme", activity=aeo)
    move_request(request, "accepted", user=staff, note="Fits 1-(d)")
    event = national_event(office, aeo, lao)
    move_request(request, "scheduled", user=staff, event=event)
    with pytest.raises(TransitionError, match="scheduled cannot become accepted"):
        move_request(request, "accepted", user=staff)
    with pytest.raises(TransitionError, match="event has been held"):
        move_request(request, "delivered", user=staff)
    move_event(event, "held", user=staff)  # delivers the scheduled request
    request.refresh_from_db()
    assert request.status == "delivered"
    steps = list(RequestStep.objects.filter(request=request).values_list("status", "by__username"))
    assert steps == [("received", None), ("accepted", staff.username),
                     ("scheduled", staff.username), ("delivered", staff.username)]
    with pytest.raises(TransitionError, match="delivered cannot become withdrawn"):
        move_request(request, "withdrawn")


def test_event_transitions(office, aeo, lao):
    event = national_event(office, aeo, lao)
    move_event(event, "postponed")
    move_event(event, "confirmed")
    move_event(event, "held")
    with pytest.raises(TransitionError, match="held cannot become cancelled"):
        move_event(event, "cancelled")
    assert Event.objects.get(pk=event.pk).status == "held"


def test_second_of_two_concurrent_edits_is_refused(office, aeo, lao, make_user):
    event = national_event(office, aeo, lao)
    first = Event.objects.get(pk=event.pk)
    second = Event.objects.get(pk=event.pk)
    first.title = "First person's title"
    save_versioned(first, first.version)
    second.title = "Second person's title"
    with pytest.raises(EditConflict, match="changed by .* while you were editing"):
        save_versioned(second, second.version)
    stored = Event.objects.get(pk=event.pk)
    assert stored.title == "First person's title" and stored.version == 2


def test_history_records_who_changed_what(office, aeo, lao, make_user):
    from simple_history.utils import update_change_reason  # noqa: F401  (history is on)

    event = national_event(office, aeo, lao)
    event = Event.objects.get(pk=event.pk)
    event.city = "Vientiane"
    event._history_user = make_user("staff", username="mei")
    save_versioned(event, event.version)
    latest, previous = event.history.all()[:2]
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert changes["city"] == ("", "Vientiane")
    assert latest.history_user.username == "mei"


@pytest.mark.parametrize("name, data, message", [
    ("agenda.exe", b"MZ\x90\x00", "not accepted"),
    ("report.pdf", b"<html>not a pdf</html>", "not really a .pdf"),
    ("photo.png", b"", "is empty"),
    ("notes.csv", b"a,b\x00\x00", "not a text file"),
])
def test_attachment_checks(name, data, message):
    with pytest.raises(AttachmentError, match=message):
        check_attachment(name, data)


def test_attachment_names_are_made_safe():
    assert check_attachment("../../etc/passwd.pdf", b"%PDF-1.7") == ("passwd.pdf",
                                                                     "application/pdf")
    assert check_attachment("C:\\Users\\x\\Agenda final (v2).PDF", b"%PDF-1.4")[0] == \
        "Agenda-final-v2.pdf"


def test_attachment_size_limit(settings):
    settings.WORKPLAN_MAX_ATTACHMENT = 10
    with pytest.raises(AttachmentError, match="the limit is"):
        check_attachment("report.pdf", b"%PDF-" + b"x" * 20)


def test_reimport_cannot_drop_what_delivery_uses(office, seed_plan, seed_bytes, aeo, lao):
    national_event(office, aeo, lao)
    edited = seed_bytes.decode().replace(
        "\u27a4 National workshop on AEO for Lao People's Dem. Rep., Vanuatu, and Vietnam "
        "(See also 1-(e), (u) and (hh)) ", "")
    edited = edited.replace(
        "\u27a4 National workshop on AEO for Lao People's Dem. Rep., Vanuatu, and Vietnam "
        "(See also 1-(d), (u) and (hh)) ", "")
    edited = edited.replace(
        "\u27a4 National workshop on AEO for Lao People's Dem. Rep., Vanuatu, and Vietnam "
        "(See also 1-(d), (e) and (hh)) ", "")
    edited = edited.replace(
        "\u27a4 National workshop on AEO for Lao People's Dem. Rep., Vanuatu, and Vietnam "
        "(See also 1-(d), (e) and (u)) ", "")
    assert AEO not in edited
    with pytest.raises(PlanImportError, match=r'activity "National workshop on AEO.*1 events'):
        import_plan(edited.encode(), office, dry_run=True)
    assert Activity.objects.filter(title=AEO).exists()


def test_request_dates_and_event_dates_must_be_in_order(office, aeo, lao):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        record_event(office=office, title="x", kind="workshop", level="national",
                     start_date=dt.date(2024, 9, 5), end_date=dt.date(2024, 9, 1))
    assert error.value.message_dict["end_date"] == ["The event ends before it starts."]
    assert not Event.objects.exists()
    assert Request.objects.count() == 0
