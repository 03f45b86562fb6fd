"""The month calendar and its iCalendar feed: content, scope, fixed query counts, and an ICS
that parses back (RFC 5545: CRLF, folding at 75 octets, TEXT escaping, exclusive DTEND)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from workplan.core.concurrency import save_versioned
from workplan.delivery.demo import Demo
from workplan.delivery.ics import escape_text, fold
from workplan.delivery.models import Event
from workplan.delivery.services import record_event
from workplan.directory.models import Member

pytestmark = pytest.mark.django_db

# session, user, the user's roles, the events overlapping the grid.
CALENDAR_QUERIES = 4
# ... and when the month is empty: the nearest event before and the nearest after.
EMPTY_CALENDAR_QUERIES = 6
# session, user, roles, the events (with their office).
ICS_QUERIES = 4

CALENDAR = reverse("delivery:calendar")
ICS = reverse("delivery:calendar_ics")


# --- a tiny RFC 5545 reader ----------------------------------------------------------------------


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


def parse_ics(data: bytes) -> tuple[dict, list[dict]]:
    """(calendar properties, [event properties]) of an iCalendar file; each property is
    ``{NAME: (params, value)}``. Checks the line rules on the way."""
    assert data.endswith(b"\r\n"), "the file ends with CRLF"
    physical = data[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line and b"\r" not in line, f"bare LF/CR in {line!r}"
        assert len(line) <= 75, f"line of {len(line)} octets: {line!r}"
        line.decode("utf-8")  # a fold never splits a UTF-8 character
    logical: list[bytes] = []
    for line in physical:
        if line[:1] in (b" ", b"\t"):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    calendar, events, current, depth = {}, [], None, 0
    for raw in logical:
        text = raw.decode("utf-8")
        head, _, value = text.partition(":")
        name, *params = head.split(";")
        if name == "BEGIN":
            depth += 1
            if value == "VEVENT":
                current = {}
            continue
        if name == "END":
            depth -= 1
            if value == "VEVENT":
                events.append(current)
                current = None
            continue
        target = current if current is not None else calendar
        assert name not in target or name in ("CATEGORIES",), f"{name} twice"
        target[name] = (params, value)
    assert depth == 0 and logical[0] == b"BEGIN:VCALENDAR" and logical[-1] == b"END:VCALENDAR"
    return calendar, events


def ics_date(value: str) -> dt.date:
    return dt.datetime.strptime(value, "%Y%m%d").date()


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("staff"))
    return client


def event(office, title, start, end=None, status="held", **extra):
    return record_event(office=office, title=title, kind="workshop", level="national",
                        start_date=start, end_date=end or start, status=status, **extra)


@pytest.fixture
def march(office, seed_plan):
    lao = Member.objects.get(iso3="LAO")
    return {
        "across": event(office, "Across the month end", dt.date(2025, 2, 27),
                        dt.date(2025, 3, 2), host_member=lao, beneficiaries=[lao]),
        "mid": event(office, "Mid March", dt.date(2025, 3, 12), dt.date(2025, 3, 14),
                     status="confirmed"),
        "off": event(office, "Called off", dt.date(2025, 3, 20), status="cancelled"),
        "april": event(office, "In April", dt.date(2025, 4, 8), status="planned"),
        "january": event(office, "In January", dt.date(2025, 1, 8)),
    }


# --- the month grid ------------------------------------------------------------------------------


def test_march_shows_the_events_of_march(staff_client, march):
    response = staff_client.get(CALENDAR, {"month": "2025-03"})
    assert response.status_code == 200
    assert response.context["month"] == dt.date(2025, 3, 1)
    assert [e.title for e in response.context["events"]] == [
        "Across the month end", "Mid March", "Called off"]
    weeks = response.context["weeks"]
    assert all(len(week) == 7 for week in weeks)
    assert weeks[0][0].date == dt.date(2025, 2, 24)  # a Monday
    assert weeks[-1][-1].date == dt.date(2025, 4, 6)  # a Sunday
    days = {day.date: [e.title for e in day.events] for week in weeks for day in week}
    for day in (dt.date(2025, 2, 27), dt.date(2025, 2, 28), dt.date(2025, 3, 1),
                dt.date(2025, 3, 2)):
        assert days[day] == ["Across the month end"]
    assert days[dt.date(2025, 3, 3)] == []
    assert days[dt.date(2025, 3, 13)] == ["Mid March"]
    page = response.content.decode()
    assert "March 2025" in page
    assert f'href="{march["mid"].get_absolute_url()}"' in page
    assert "calendar-event--cancelled" in page
    assert "In April" not in page and "In January" not in page
    assert 'href="?month=2025-02"' in page and 'href="?month=2025-04"' in page
    assert f'href="{CALENDAR}" aria-current="page"' in page  # the menu
    assert '<span class="calendar-grid__weekday" title="Monday">Mon</span>' in page


LONG_TITLE = ("Sub-regional workshop on the WCO SAFE Framework of Standards and Authorized "
              "Economic Operator mutual recognition")


def bars(page: str) -> list[str]:
    """The grid's event bars as written: the class attribute and the link's text."""
    import re

    return [f"{m.group(1)} | {re.sub(r'<[^>]+>', '', m.group(2)).strip()}" for m in re.finditer(
        r'<a class="(calendar-event [^"]*)" href="[^"]*">(.*?)</a>', page, re.S)]


def test_an_event_across_a_week_end_is_one_bar_per_week_with_its_full_title(
        staff_client, office, seed_plan, django_assert_num_queries):
    # Saturday 8 to Monday 10 March 2025: two days of one week, one of the next
    event(office, LONG_TITLE, dt.date(2025, 3, 8), dt.date(2025, 3, 10))
    event(office, "One day", dt.date(2025, 3, 12), status="planned")
    with django_assert_num_queries(CALENDAR_QUERIES):
        response = staff_client.get(CALENDAR, {"month": "2025-03"})
    weeks = response.context["weeks"]
    spans = [(week[0].date, bar.start, bar.span, bar.before, bar.after)
             for week in weeks for bar in week.bars if bar.event.title == LONG_TITLE]
    assert spans == [(dt.date(2025, 3, 3), 6, 2, False, True),
                     (dt.date(2025, 3, 10), 1, 1, True, False)]
    found = bars(response.content.decode())
    long_bars = [b for b in found if LONG_TITLE in b]
    assert len(long_bars) == 2  # not one per day
    assert long_bars[0].startswith("calendar-event calendar-event--held calendar-col-6 "
                                   "calendar-span-2 calendar-event--after |")
    assert long_bars[1].startswith("calendar-event calendar-event--held calendar-col-1 "
                                   "calendar-span-1 calendar-event--before |")
    # the full title is the link's text, with its dates for a screen reader
    assert long_bars[0].endswith(f"| 8–10 Mar 2025, held: {LONG_TITLE} ›")
    assert long_bars[1].endswith(f"| 8–10 Mar 2025, held: ‹ {LONG_TITLE}")
    assert [b for b in found if "One day" in b][0].startswith(
        "calendar-event calendar-event--planned calendar-col-3 calendar-span-1 |")


def test_the_multi_day_event_is_in_february_too(staff_client, march):
    response = staff_client.get(CALENDAR, {"month": "2025-02"})
    assert [e.title for e in response.context["events"]] == ["Across the month end"]


def test_bad_month_says_so_and_shows_this_month(staff_client, march):
    for bad in ("2025-13", "March", "2025-3", "0000-01"):
        response = staff_client.get(CALENDAR, {"month": bad})
        assert response.status_code == 200
        assert "is not a month" in response.content.decode()
        assert response.context["month"] == dt.date.today().replace(day=1)


def test_an_empty_month_points_to_the_nearest_months(staff_client, march,
                                                     django_assert_num_queries):
    with django_assert_num_queries(EMPTY_CALENDAR_QUERIES):
        response = staff_client.get(CALENDAR, {"month": "2024-06"})
    assert response.context["nearest"] == {"before": None, "after": dt.date(2025, 1, 8)}
    assert 'href="?month=2025-01"' in response.content.decode()


def test_calendar_is_scoped(client, make_user, march, other_office):
    assert client.get(CALENDAR).status_code == 302
    client.force_login(make_user("staff", office=other_office))
    assert list(client.get(CALENDAR, {"month": "2025-03"}).context["events"]) == []
    client.force_login(make_user("focal_point", member=Member.objects.get(iso3="LAO")))
    assert [e.title for e in client.get(CALENDAR, {"month": "2025-03"}).context["events"]] \
        == ["Across the month end"]


def test_calendar_query_count_is_fixed(staff_client, march, django_assert_num_queries):
    with django_assert_num_queries(CALENDAR_QUERIES):
        assert staff_client.get(CALENDAR, {"month": "2025-03"}).status_code == 200


def test_calendar_query_count_does_not_grow(staff_client, office, seed_plan, sibling_plan,
                                            django_assert_num_queries):
    Demo(office).run()
    Demo(office, seed=3).run()
    Demo(sibling_plan.office, seed=5).run()
    with django_assert_num_queries(CALENDAR_QUERIES):
        response = staff_client.get(CALENDAR, {"month": "2025-03"})
    assert len(response.context["events"]) > 10


# --- the iCalendar feed -------------------------------------------------------------------------


def test_feed_parses_back_with_every_visible_event(staff_client, office, seed_plan):
    Demo(office).run()
    response = staff_client.get(ICS)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "workplan-events.ics" in response["Content-Disposition"]
    calendar, events = parse_ics(response.content)
    assert calendar["VERSION"][1] == "2.0" and calendar["PRODID"][1]
    assert len(events) == Event.objects.count()
    by_uid = {e["UID"][1]: e for e in events}
    assert len(by_uid) == len(events)
    statuses = {"held": "CONFIRMED", "confirmed": "CONFIRMED", "planned": "TENTATIVE",
                "postponed": "TENTATIVE", "cancelled": "CANCELLED"}
    for stored in Event.objects.select_related("office"):
        item = by_uid[f"event-{stored.pk}@rocb-ap.workplan"]
        assert unescape(item["SUMMARY"][1]) == stored.title
        assert item["DTSTART"] == (["VALUE=DATE"], stored.start_date.strftime("%Y%m%d"))
        assert item["DTEND"][0] == ["VALUE=DATE"]
        assert ics_date(item["DTEND"][1]) == stored.end_date + dt.timedelta(days=1)
        assert item["STATUS"][1] == statuses[stored.status]
        assert item["URL"][1] == f"http://testserver{stored.get_absolute_url()}"
        assert item["DTSTAMP"][1].endswith("Z") and len(item["DTSTAMP"][1]) == 16


def test_feed_escapes_and_folds(staff_client, office, seed_plan):
    title = "Atelier régional, douane; valeur \\ origine — 東京 " * 3
    summary = "Line one, with a comma;\nline two: 関税 and a backslash \\ end"
    stored = event(office, title.strip(), dt.date(2025, 3, 3), dt.date(2025, 3, 5),
                   summary=summary, city="Nuku'alofa, Tongatapu")
    _calendar, events = parse_ics(staff_client.get(ICS).content)
    (item,) = events
    assert unescape(item["SUMMARY"][1]) == stored.title
    assert unescape(item["DESCRIPTION"][1]).split("\n")[2:4] == summary.split("\n")
    assert unescape(item["LOCATION"][1]) == "Nuku'alofa, Tongatapu"
    assert "\\," in item["SUMMARY"][1] and "\\;" in item["SUMMARY"][1]
    assert item["DTSTART"][1] == "20250303" and item["DTEND"][1] == "20250306"


def test_fold_and_escape_units():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert fold("X" * 75) == b"X" * 75 + b"\r\n"
    assert fold("X" * 76) == b"X" * 75 + b"\r\n X\r\n"
    folded = fold("é" * 80)  # two octets each: never split
    for line in folded[:-2].split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")


def test_uid_is_stable_and_sequence_grows(staff_client, office, seed_plan):
    stored = event(office, "Stable", dt.date(2025, 3, 3), status="planned")
    first = parse_ics(staff_client.get(ICS).content)[1][0]
    stored.title = "Stable, renamed"
    save_versioned(stored, stored.version)
    second = parse_ics(staff_client.get(ICS).content)[1][0]
    assert first["UID"] == second["UID"]
    assert int(second["SEQUENCE"][1]) == int(first["SEQUENCE"][1]) + 1
    assert unescape(second["SUMMARY"][1]) == "Stable, renamed"
    assert second["STATUS"][1] == "TENTATIVE"


def test_feed_is_scoped(client, make_user, march, other_office):
    response = client.get(ICS)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(make_user("focal_point", member=Member.objects.get(iso3="LAO")))
    events = parse_ics(client.get(ICS).content)[1]
    assert [unescape(e["SUMMARY"][1]) for e in events] == ["Across the month end"]
    client.force_login(make_user("staff", office=other_office))
    assert parse_ics(client.get(ICS).content)[1] == []


def test_feed_query_count_does_not_grow(staff_client, office, seed_plan, sibling_plan,
                                        django_assert_num_queries):
    event(office, "One", dt.date(2025, 3, 3))
    with django_assert_num_queries(ICS_QUERIES):
        assert staff_client.get(ICS).status_code == 200
    Demo(office).run()
    Demo(sibling_plan.office, seed=5).run()
    with django_assert_num_queries(ICS_QUERIES):
        response = staff_client.get(ICS)
    assert len(parse_ics(response.content)[1]) == Event.objects.filter(office=office).count()
