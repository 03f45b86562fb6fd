"""The quarterly e-newsletter draft: the quarter's held events (a paragraph each), its figures,
what comes next quarter and what the office published. Staff edit the draft (DOCX) or paste
it into their mailing tool (HTML).

The quarter's figures add up the same records the KPIs count: participants who attended held
events (role participant), women among them, beneficiary members reached.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workplan.delivery.models import Event
from workplan.indicators.periods import Period

from .annual import KeyFigure, PublicationRow, _percent
from .events import EventFacts, event_facts, join_words

QUARTER_NAMES = {1: "Q1", 2: "Q2", 3: "Q3", 4: "Q4"}


@dataclass
class Newsletter:
    office: object
    period: Period
    title: str
    subtitle: str
    intro: str
    figures: list[KeyFigure]
    events: list[EventFacts]
    upcoming: list[EventFacts]
    publications: list[PublicationRow]
    closing: str
    generated: dt.date

    @property
    def participants(self) -> int:
        return sum(e.participants for e in self.events)

    @property
    def women(self) -> int:
        return sum(e.women for e in self.events)


def newsletter(office, start_year: int, quarter: int, *, events, publications,
               today: dt.date | None = None) -> Newsletter:
    """The draft of ``quarter`` (1-4) of fiscal year ``start_year``; ``events`` and
    ``publications`` are the querysets the user may see (scoped)."""
    today = today or timezone.localdate()
    period = Period(start_year, quarter, office.fiscal_year_start_month)
    following = _next_quarter(period)
    held = event_facts(
        events.held().in_period(period.start, period.end).filter(office=office)
        .order_by("start_date", "pk"),
        region_id=office.region_id)
    upcoming = event_facts(
        events.filter(office=office, status__in=(Event.Status.PLANNED, Event.Status.CONFIRMED),
                      start_date__gte=following.start, start_date__lte=following.end)
        .order_by("start_date", "pk"), region_id=office.region_id)
    items = [PublicationRow(p.date, p.get_kind_display(), p.title,
                            p.member.name if p.member else "", p.url,
                            [a.code for a in p.actions.all()], p.kind)
             for p in publications.filter(office=office).within(period.start, period.end)
             .for_list().order_by("date", "title", "pk")]
    members = {iso for e in held for iso, _name in e.beneficiaries}
    participants = sum(e.participants for e in held)
    women = sum(e.women for e in held)
    short = office.short_name
    months = f"{date_format(period.start, 'F')} – {date_format(period.end, 'F Y')}"
    title = _("%(office)s E-Newsletter") % {"office": short}
    subtitle = _("%(quarter)s of fiscal year %(year)s (%(months)s)") % {
        "quarter": QUARTER_NAMES[quarter], "year": period.year_label, "months": months}
    span = _("%(first)s to %(last)s") % {"first": date_format(period.start, "F"),
                                          "last": date_format(period.end, "F Y")}
    if held:
        intro = ngettext(
            "From %(months)s, %(office)s held %(n)s event with %(participants)s participants "
            "from %(members)s members.",
            "From %(months)s, %(office)s held %(n)s events with %(participants)s participants "
            "from %(members)s members.", len(held)) % {
            "months": span, "office": short, "n": len(held),
            "participants": f"{participants:,}", "members": len(members)}
        kinds = sorted({e.kind_label.lower() for e in held})
        intro += " " + _("This issue tells the story of each of them (%(kinds)s), what comes "
                         "next and what we published.") % {"kinds": join_words(kinds)}
    else:
        intro = _("%(office)s held no event from %(months)s.") % {"office": short,
                                                                  "months": span}
    figures = [
        KeyFigure("events", _("Events held"), len(held), f"{len(held):,}"),
        KeyFigure("participants", _("Participants"), participants, f"{participants:,}"),
        KeyFigure("women", _("Women among participants"), women,
                  f"{women:,} ({_percent(women / participants if participants else None)})"),
        KeyFigure("members", _("Members reached"), len(members), f"{len(members):,}"),
    ]
    closing = _("Members are welcome to share their experience in the next issue: send your "
                "article to %(office)s by the end of %(month)s.") % {
        "office": short, "month": date_format(following.start, "F Y")}
    return Newsletter(office=office, period=period, title=title, subtitle=subtitle,
                      intro=intro, figures=figures, events=held, upcoming=upcoming,
                      publications=items, closing=closing, generated=today)


def _next_quarter(period: Period) -> Period:
    if period.quarter < 4:
        return Period(period.fiscal_year, period.quarter + 1, period.start_month)
    return Period(period.fiscal_year + 1, 1, period.start_month)
