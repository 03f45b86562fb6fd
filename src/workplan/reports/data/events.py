"""Events as the reports tell them: one ``EventFacts`` per event with everything a paragraph,
a spreadsheet row or an IATI activity says of it, read in a fixed number of queries (the
events with their counts, then beneficiaries, partners, funding and actions, one query each,
and the region's member names).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pycountry
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workplan.core.links import absolute
from workplan.delivery.models import Event, EventAction, EventPartner, Funding
from workplan.delivery.querysets import headcount_annotations

MANY = 5  # beneficiaries named one by one up to this many; beyond, "officials of 12 members"


@dataclass
class Money:
    source: str           # partner or member name
    ref: str              # partner acronym or member ISO code
    kind: str             # partner kind ("donor", ...) or "member"
    amount: Decimal
    currency: str
    in_kind: bool
    note: str = ""
    recorded: dt.date | None = None  # the day the funding was recorded (IATI commitments)


@dataclass
class EventFacts:
    pk: int
    title: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    status: str
    status_label: str
    mode: str
    mode_label: str
    start: dt.date
    end: dt.date
    city: str
    country: str              # ISO 3166 alpha-3, "" for a virtual event
    country_name: str
    host: str
    activity: str
    summary: str
    office_role: str
    activity_id: int | None = None
    reach: str = ""           # a wide event's beneficiaries in words (``reach_text``)
    beneficiaries: list[tuple[str, str]] = field(default_factory=list)  # (iso3, name)
    participants: int = 0     # attended, role participant (as the KPIs count them)
    women: int = 0
    experts: int = 0
    partners: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (name, acronym, role, kind)
    funding: list[Money] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # action codes, plan order
    action_ids: list[int] = field(default_factory=list)
    url: str = ""

    @property
    def dates(self) -> str:
        return date_range(self.start, self.end)

    @property
    def place(self) -> str:
        return venue(self.city, self.country_name, self.mode)

    @property
    def funders(self) -> list[str]:
        return [_partner_name(name, acronym) for name, acronym, role, _k in self.partners
                if role == EventPartner.Role.FUNDER]

    @property
    def co_organisers(self) -> list[str]:
        return [_partner_name(name, acronym) for name, acronym, role, _k in self.partners
                if role == EventPartner.Role.CO_ORGANISER]

    @property
    def cash(self) -> list[Money]:
        return [m for m in self.funding if not m.in_kind]

    @property
    def meta(self) -> str:
        """One line of facts: dates · place · level · participants."""
        parts = [self.dates]
        if self.place:
            parts.append(self.place)
        parts.append(self.level_label)
        if self.participants:
            parts.append(ngettext("%(n)s participant", "%(n)s participants",
                                  self.participants) % {"n": f"{self.participants:,}"}
                         + (_(" (%(w)s women)") % {"w": f"{self.women:,}"}
                            if self.women else ""))
        return " · ".join(parts)

    def paragraph(self) -> str:
        """The event's summary as staff wrote it, else a paragraph built from its facts (where
        and when included: for a text that stands without the line of facts, as in IATI)."""
        return self.summary.strip() or self.sentence()

    def story(self) -> str:
        """What the annual report prints under the event's title and line of facts: the
        summary as staff wrote it, else what the title and that line do not already say (for
        whom, the resource persons, who funded it); "" when they say it all."""
        return self.summary.strip() or self.composed()

    def sentence(self) -> str:
        """Where and when, then ``composed``."""
        where = self.place
        held = self.status == Event.Status.HELD
        if where:
            text = (_("Held %(where)s on %(dates)s.") if held
                    else _("Planned %(where)s on %(dates)s.")) % {
                "where": where if self.mode == Event.Mode.VIRTUAL
                else _("in %(place)s") % {"place": where}, "dates": self.dates}
        else:
            text = (_("Held on %(dates)s.") if held else _("Planned on %(dates)s.")) % {
                "dates": self.dates}
        rest = self.composed()
        return f"{text} {rest}" if rest else text

    def composed(self) -> str:
        """Sentences from the event's facts that never repeat its title: for whom (the
        members the title does not name; "all 35 members" or the sub-regions for a wide
        event), the resource persons, and the partners that funded or co-organised it."""
        subject = _subject(self.kind)
        sentences = []
        whom = self.reach
        if not whom:
            named = [name for _iso, name in self.beneficiaries
                     if name.casefold() not in self.title.casefold()]
            if named and len(self.beneficiaries) <= MANY:
                whom = _("officials of %(members)s") % {"members": join_words(
                    [name for _iso, name in self.beneficiaries])}
        if whom:
            sentences.append(_("%(subject)s served %(whom)s.") % {"subject": subject,
                                                                  "whom": whom})
        if self.experts:
            sentences.append(ngettext("%(n)s expert served as resource person.",
                                      "%(n)s experts served as resource persons.",
                                      self.experts) % {"n": self.experts})
        support = []
        if self.funders:
            support.append(_("funded by %(who)s") % {"who": join_words(self.funders)})
        if self.co_organisers:
            support.append(_("co-organised with %(who)s") % {"who": join_words(
                self.co_organisers)})
        if support:
            text = _(" and ").join(support)
            sentences.append(text[:1].upper() + text[1:] + ".")
        return " ".join(sentences)


def _subject(kind: str) -> str:
    return {
        "workshop": _("The workshop"), "training": _("The training course"),
        "mission": _("The mission"), "meeting": _("The meeting"),
        "conference": _("The conference"), "accreditation": _("The accreditation workshop"),
    }.get(kind, _("The event"))


def venue(city: str, country: str, mode: str = "in_person") -> str:
    """Where an event took place, written once for every report: "Suva, Fiji"; the city is
    left out where the country's name already says it ("Macao, China", "Singapore", not
    "Macao, Macao, China"); "online", or "Suva, Fiji and online" for a hybrid event."""
    city, country = city.strip(), country.strip()
    if city and country and (country.casefold() == city.casefold()
                             or country.casefold().startswith(city.casefold() + ",")):
        city = ""
    where = ", ".join(part for part in (city, country) if part)
    if mode == Event.Mode.VIRTUAL:
        return _("online")
    if not where:
        return ""
    return _("%(place)s and online") % {"place": where} if mode == Event.Mode.HYBRID else where


def reach_text(beneficiaries: list[tuple[str, str]], region: dict[str, str]) -> str:
    """For a wide event: "all 35 members of the region", or "12 members of the Pacific and
    South Asia sub-regions"; "" when the members are few enough to be named.
    ``region``: every member of the region, ISO code -> sub-region."""
    if len(beneficiaries) <= MANY:
        return ""
    codes = {iso for iso, _name in beneficiaries}
    if region and set(region) <= codes:
        return _("all %(n)s members of the region") % {"n": len(region)}
    regions = sorted({region[iso] for iso in codes if region.get(iso)})
    if not regions:
        return _("officials of %(n)s members") % {"n": len(codes)}
    return ngettext("%(n)s members of the %(names)s sub-region",
                    "%(n)s members of the %(names)s sub-regions", len(regions)) % {
        "n": len(codes), "names": join_words(regions)}


def _partner_name(name: str, acronym: str) -> str:
    return f"{name} ({acronym})" if acronym and acronym != name else name


def join_words(words: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def date_range(start: dt.date, end: dt.date) -> str:
    """"3 July 2024", "3–5 July 2024", "28 June – 2 July 2024", "30 Dec 2024 – 2 Jan 2025"."""
    if start == end:
        return date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_format(end, 'j F Y')}"
    if start.year == end.year:
        return f"{date_format(start, 'j F')} – {date_format(end, 'j F Y')}"
    return f"{date_format(start, 'j F Y')} – {date_format(end, 'j F Y')}"


def country_name(iso3: str, names: dict[str, str]) -> str:
    """The member's WCO name, else the ISO 3166 name, else the code."""
    if not iso3:
        return ""
    if iso3 in names:
        return names[iso3]
    found = pycountry.countries.get(alpha_3=iso3)
    return getattr(found, "common_name", None) or (found.name if found else iso3)


def event_facts(events, *, region_id: int | None = None,
                action_order: dict[int, int] | None = None) -> list[EventFacts]:
    """``EventFacts`` of ``events`` (an Event queryset, already scoped and filtered), in its
    order. ``action_order`` (action id -> position) orders each event's actions; by default
    their plan position. Six queries whatever the number of events: plain rows (no model
    instances), joined here."""
    from workplan.directory.models import Member

    chosen = events.order_by().values("pk")
    rows = list(events.values(
        "pk", "title", "kind", "level", "status", "mode", "start_date", "end_date", "city",
        "country", "summary", "office_role", "host_member__name", "activity__title",
        "activity_id").annotate(
            **headcount_annotations()))
    beneficiaries = defaultdict(list)
    for event_id, iso3, name in (Event.beneficiaries.through.objects
                                 .filter(event_id__in=chosen)
                                 .order_by("member__name")
                                 .values_list("event_id", "member__iso3", "member__name")):
        beneficiaries[event_id].append((iso3, name))
    partners = defaultdict(list)
    for event_id, *partner in (EventPartner.objects.filter(event_id__in=chosen)
                               .order_by("role", "partner__name")
                               .values_list("event_id", "partner__name", "partner__acronym",
                                            "role", "partner__kind")):
        partners[event_id].append(tuple(partner))
    funding = defaultdict(list)
    for (event_id, p_name, p_acronym, p_kind, m_name, m_iso3, amount, currency, in_kind,
         note, created) in (Funding.objects.filter(event_id__in=chosen).order_by("pk").values_list(
            "event_id", "partner__name", "partner__acronym", "partner__kind", "member__name",
            "member__iso3", "amount", "currency", "in_kind", "note", "created")):
        funding[event_id].append(Money(
            source=p_name or m_name or "", ref=(p_acronym or p_name) if p_name else m_iso3,
            kind=p_kind if p_name else "member", amount=amount, currency=currency,
            in_kind=in_kind, note=note, recorded=timezone.localdate(created)))
    links = defaultdict(list)
    for event_id, action_id, code, position in (
            EventAction.objects.filter(event_id__in=chosen)
            .values_list("event_id", "action_id", "action__code", "action__position")):
        rank = action_order.get(action_id, 10**9) if action_order is not None else position
        links[event_id].append((rank, code, action_id))
    names, regions = {}, {}
    if region_id is not None:
        for iso3, name, sub_region in (Member.objects.filter(region_id=region_id)
                                       .values_list("iso3", "name", "sub_region")):
            names[iso3], regions[iso3] = name, sub_region
    kinds, levels = dict(Event.Kind.choices), dict(Event.Level.choices)
    statuses, modes = dict(Event.Status.choices), dict(Event.Mode.choices)
    found = []
    for row in rows:
        pk = row["pk"]
        served = sorted(links.get(pk, []))
        found.append(EventFacts(
            pk=pk, title=row["title"], kind=row["kind"],
            kind_label=str(kinds.get(row["kind"], row["kind"])), level=row["level"],
            level_label=str(levels.get(row["level"], row["level"])), status=row["status"],
            status_label=str(statuses.get(row["status"], row["status"])), mode=row["mode"],
            mode_label=str(modes.get(row["mode"], row["mode"])), start=row["start_date"],
            end=row["end_date"], city=row["city"], country=row["country"],
            country_name=country_name(row["country"], names),
            host=row["host_member__name"] or "", activity=row["activity__title"] or "",
            summary=row["summary"], office_role=row["office_role"],
            activity_id=row["activity_id"],
            reach=reach_text(beneficiaries.get(pk, []), regions),
            beneficiaries=beneficiaries.get(pk, []),
            participants=row["n_participants"], women=row["n_women"],
            experts=row["n_resource_persons"], partners=partners.get(pk, []),
            funding=funding.get(pk, []), actions=[code for _r, code, _a in served],
            action_ids=[action_id for _r, _c, action_id in served],
            url=absolute(reverse("delivery:event_detail", args=[pk]))))
    return found
