"""Every calendar output parses strictly in two independent iCalendar parsers: the Python
``icalendar`` package and ical.js (Mozilla's, from npm): the feed /delivery/calendar.ics, the
Reports page's and the API's ``calendar`` download, and ``workplan export calendar``. Each
event links to its page by an absolute URL: the request's host on the web, WORKPLAN_BASE_URL
from the command line."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from workplan.core.models import Role

from .tools import icalendar_problems, icaljs_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(office):
    from workplan.delivery.models import Event
    from workplan.delivery.services import record_event
    from workplan.directory.models import Member

    lao = Member.objects.get(iso3="LAO")
    made = [
        record_event(office=office, title="Regional workshop on risk management; "
                     "post-clearance audit, AEO and “coordinated border management” — "
                     "Vientiane édition, with a title long enough to be folded twice over",
                     kind="workshop", level="regional", start_date=dt.date(2025, 3, 3),
                     end_date=dt.date(2025, 3, 6), status="held", beneficiaries=[lao],
                     city="Vientiane", country="LAO"),
        record_event(office=office, title="Online meeting of focal points", kind="meeting",
                     level="regional", mode=Event.Mode.VIRTUAL, start_date=dt.date(2025, 5, 2),
                     end_date=dt.date(2025, 5, 2), status="planned"),
    ]
    return made


def check(content: bytes, tmp_path, name: str) -> list[str]:
    path = tmp_path / f"{name}.ics"
    path.write_bytes(content)
    return icalendar_problems(content) + icaljs_problems([path])[str(path)]


def test_every_calendar_output_passes_both_parsers(client, make_user, events, tmp_path,
                                                   settings):
    settings.WORKPLAN_BASE_URL = "https://workplan.example.org"
    client.force_login(make_user(Role.ADMIN))
    outputs = {
        "feed": client.get(reverse("delivery:calendar_ics")),
        "reports-page": client.get(reverse("reports:report_download", args=["calendar"])),
        "api": client.get("/api/v1/exports/calendar/", HTTP_ACCEPT="text/calendar"),
    }
    failures = {}
    for name, response in outputs.items():
        assert response.status_code == 200, (name, response.status_code)
        assert response["Content-Type"].startswith("text/calendar"), name
        content = b"".join(response) if response.streaming else response.content
        assert content.count(b"BEGIN:VEVENT") == 2, name
        assert f"URL:http://testserver/delivery/events/{events[0].pk}/".encode() in content
        failures[name] = check(content, tmp_path, name)
    out = tmp_path / "cli.ics"
    call_command("export", "calendar", "-o", str(out))
    cli = out.read_bytes()
    assert f"URL:https://workplan.example.org/delivery/events/{events[0].pk}/".encode() in cli
    failures["cli"] = check(cli, tmp_path, "cli-checked")
    assert not any(failures.values()), failures


def test_both_parsers_catch_a_planted_fault(events, tmp_path, settings):
    """A relative URL (what the export wrote before) and a property line that is no
    ``NAME:value`` are caught by each parser on its own."""
    settings.WORKPLAN_BASE_URL = "https://workplan.example.org"
    out = tmp_path / "good.ics"
    call_command("export", "calendar", "-o", str(out))
    good = out.read_bytes()
    assert not check(good, tmp_path, "good")
    relative = good.replace(b"URL:https://workplan.example.org/", b"URL:/", 1)
    path = tmp_path / "relative.ics"
    path.write_bytes(relative)
    assert any("absolute" in p for p in icalendar_problems(relative))
    assert any("absolute" in p for p in icaljs_problems([path])[str(path)])
    broken = good.replace(b"\r\nSTATUS:", b"\r\nSTATUS CONFIRMED\r\nSTATUS:", 1)
    path = tmp_path / "broken.ics"
    path.write_bytes(broken)
    assert icalendar_problems(broken)
    assert icaljs_problems([path])[str(path)]
