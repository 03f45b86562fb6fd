"""An iCalendar (RFC 5545) feed of events, written by hand: no dependency for ~60 lines.

What a calendar client needs and RFC 5545 demands:

- every content line ends in CRLF and is folded at 75 octets (a continuation line starts with
  one space; a multi-byte UTF-8 character is never split);
- TEXT values escape backslash, semicolon, comma and newline (``\\\\ \\; \\, \\n``);
- all-day events: ``DTSTART;VALUE=DATE`` and an exclusive ``DTEND;VALUE=DATE`` (a workshop held
  3-5 March ends on 6 March);
- a UID that stays the same for an event across downloads, so clients update instead of
  duplicating; ``SEQUENCE`` grows with each saved version; ``DTSTAMP`` (UTC) is when the event
  was last changed, since the feed has no METHOD;
- STATUS: held and confirmed events are CONFIRMED, planned and postponed ones TENTATIVE,
  cancelled ones CANCELLED.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

PRODID = "-//Workplan//Delivery calendar//EN"
STATUS = {
    "held": "CONFIRMED",
    "confirmed": "CONFIRMED",
    "planned": "TENTATIVE",
    "postponed": "TENTATIVE",
    "cancelled": "CANCELLED",
}
LIMIT = 75  # octets per line, without the CRLF


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11)."""
    return (str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded at 75 octets, ending in CRLF (§3.1)."""
    out = bytearray()
    width = 0
    limit = LIMIT
    for char in line:
        encoded = char.encode("utf-8")
        if width + len(encoded) > limit:
            out += b"\r\n "
            width = 1
        out += encoded
        width += len(encoded)
    return bytes(out) + b"\r\n"


def utc_stamp(moment: dt.datetime) -> str:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def date_value(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def event_uid(event) -> str:
    """Stable for the life of the event (its primary key and its office's code)."""
    return f"event-{event.pk}@{event.office.code.lower()}.workplan"


def event_lines(event, url: str) -> list[str]:
    where = ", ".join(part for part in (event.city, event.country) if part)
    if event.mode == "virtual":
        where = _("Online")
    description = "\n".join(part for part in (
        f"{event.get_kind_display()} · {event.get_level_display()} · "
        f"{event.get_mode_display()} · {event.get_status_display()}",
        str(event.office),
        event.summary,
        url,
    ) if part)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event_uid(event)}",
        f"DTSTAMP:{utc_stamp(event.modified)}",
        f"CREATED:{utc_stamp(event.created)}",
        f"LAST-MODIFIED:{utc_stamp(event.modified)}",
        f"SEQUENCE:{max(event.version - 1, 0)}",
        f"DTSTART;VALUE=DATE:{date_value(event.start_date)}",
        f"DTEND;VALUE=DATE:{date_value(event.end_date + dt.timedelta(days=1))}",
        f"SUMMARY:{escape_text(event.title)}",
        f"STATUS:{STATUS.get(event.status, 'TENTATIVE')}",
        f"CATEGORIES:{escape_text(event.get_kind_display())}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
    ]
    if where:
        lines.insert(9, f"LOCATION:{escape_text(where)}")
    lines.append("END:VEVENT")
    return lines


def calendar_bytes(events: Iterable, *, url_for, name: str) -> bytes:
    """The whole feed. ``url_for(event)`` gives the event page's absolute URL."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             f"NAME:{escape_text(name)}", f"X-WR-CALNAME:{escape_text(name)}"]
    for event in events:
        lines += event_lines(event, url_for(event))
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)
