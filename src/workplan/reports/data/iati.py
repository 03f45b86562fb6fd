"""IATI 2.03 activities of an office's fiscal year, as plain values (``render.iati`` writes
the XML).

Choices (docs/reports.md says why):

- one ``iati-activity`` per event of the fiscal year (planned activities have no dates,
  place, participants or money; events have all of them), identified as
  ``{office's IATI organisation identifier}-{office code}-E{event number}``;
- the reporting organisation is the office, with its IATI organisation identifier (the
  office's field ``iati_org_ref``; the exporter refuses to run without it) and type 40
  (multilateral);
- status and dates from the event's real state on the day of the export (``now``), so that
  nothing "actual" lies in the future (IATI rules 11.1.4, 11.1.5, 11.2.1, 11.2.2):
  held and over: closed (4) with actual start and end; held and under way: implementation (2)
  with the actual start; confirmed and begun: implementation (2) with the actual start, or
  finalisation (3) with actual start and end once its last day has passed (the event took
  place; its record waits to be closed); planned (or held, confirmed with a start date to come)
  and not begun: pipeline (1); planned and over without being confirmed or held: suspended (6:
  it did not take place as planned); postponed 6; cancelled 5. Planned start and end (1, 3)
  always;
- scope: national 4, sub-regional 3 (multi-national), regional 2, global 1;
- recipient countries: the beneficiary members (ISO 3166 alpha-2), shares split evenly;
  without beneficiaries, region 998 (developing countries, unspecified);
- sector: DAC 5-digit 33120 "Trade facilitation", the CRS code that names support to customs
  departments; aid type D02 (other technical assistance);
- participating organisations: the office (implementing, 4), funders (funding, 1),
  co-organisers (implementing, 4), and member administrations that contributed (funding, 1);
- budgets and transactions from the event's cash funding (in-kind support is named among the
  participating organisations, not counted as money): a committed budget per currency over
  the event's dates, and per funding an incoming commitment (11) dated the day the funding was
  recorded (never after the export), or incoming funds (1) at the event's start once it is
  held and begun.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pycountry
from django.conf import settings
from django.utils import timezone

from workplan.delivery.models import Event

from .events import EventFacts, event_facts

SECTOR = ("33120", "Trade facilitation")
SCOPE = {"national": "4", "subregional": "3", "regional": "2", "global": "1"}
ORG_TYPES = {"donor": "10", "ifi": "40", "wco": "40", "rilo": "40", "rtc": "10",
             "member": "10", "other": "90"}


@dataclass
class Org:
    role: str
    name: str
    type: str = ""
    ref: str = ""


@dataclass
class Transaction:
    code: str
    date: dt.date
    amount: Decimal
    currency: str
    provider: str
    provider_type: str
    description: str


@dataclass
class IatiActivity:
    identifier: str
    title: str
    description: str
    status: str
    dates: list[tuple[str, dt.date]]
    scope: str
    countries: list[tuple[str, Decimal]]
    region: str | None
    place: str
    orgs: list[Org]
    budgets: list[tuple[str, Decimal]]   # (currency, amount)
    budget_start: dt.date
    budget_end: dt.date
    transactions: list[Transaction] = field(default_factory=list)


@dataclass
class IatiFile:
    org_ref: str
    org_type: str
    org_name: str
    generated: dt.datetime
    activities: list[IatiActivity]


def alpha2(iso3: str) -> str | None:
    found = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    return found.alpha_2 if found else None


def shares(count: int) -> list[Decimal]:
    """``count`` percentages with two decimals that add up to exactly 100."""
    if not count:
        return []
    each = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    found = [each] * count
    found[-1] = Decimal(100) - each * (count - 1)
    return found


def iati_file(office, period, events, *, now: dt.datetime) -> IatiFile:
    """The activities of ``events`` (a scoped Event queryset of the office's fiscal year)."""
    ref = office.iati_org_ref.strip()
    facts = event_facts(events.order_by("start_date", "pk"), region_id=office.region_id)
    today = timezone.localdate(now)
    return IatiFile(org_ref=ref, org_type=getattr(settings, "WORKPLAN_IATI_ORG_TYPE", "40"),
                    org_name=office.name, generated=now,
                    activities=[_activity(office, ref, e, today) for e in facts])


def state(e: EventFacts, today: dt.date) -> tuple[str, list[tuple[str, dt.date]]]:
    """The IATI activity status and dates of an event as it stands on ``today``: the planned
    start and end (1, 3) always; the actual start (2) and end (4) only once they are past."""
    begun, over = e.start <= today, e.end < today
    dates = [("1", e.start), ("3", e.end)]
    actual_start, actual_end = [("2", e.start)], [("4", e.end)]
    if e.status == Event.Status.CANCELLED:
        return "5", dates
    if e.status == Event.Status.POSTPONED:
        return "6", dates
    if e.status == Event.Status.HELD and begun:
        return ("4", dates + actual_start + actual_end) if over else ("2", dates + actual_start)
    if e.status == Event.Status.CONFIRMED and begun:
        return ("3", dates + actual_start + actual_end) if over else ("2", dates + actual_start)
    if e.status == Event.Status.PLANNED and over:
        return "6", dates
    return "1", dates


def _activity(office, ref: str, e: EventFacts, today: dt.date) -> IatiActivity:
    status, dates = state(e, today)
    dates.sort()
    paid = e.status == Event.Status.HELD and e.start <= today
    codes = sorted({code for code in (alpha2(iso) for iso, _n in e.beneficiaries) if code})
    orgs = [Org("4", office.name, getattr(settings, "WORKPLAN_IATI_ORG_TYPE", "40"), ref)]
    for name, acronym, role, kind in e.partners:
        label = f"{name} ({acronym})" if acronym and acronym != name else name
        orgs.append(Org("1" if role == "funder" else "4" if role == "co_organiser" else "4",
                        label, ORG_TYPES.get(kind, "90")))
    named = {org.name for org in orgs}
    for money in e.funding:
        label = money.source
        if money.kind == "member" and label not in named:
            orgs.append(Org("1", label, ORG_TYPES["member"]))
            named.add(label)
    budgets: dict[str, Decimal] = {}
    transactions = []
    for money in e.cash:
        budgets[money.currency] = budgets.get(money.currency, Decimal(0)) + money.amount
        committed = min(money.recorded or today, today)
        transactions.append(Transaction(
            code="1" if paid else "11", date=e.start if paid else committed,
            amount=money.amount, currency=money.currency, provider=money.source,
            provider_type=ORG_TYPES.get(money.kind, "90"),
            description=money.note or ("Funds for the event" if paid
                                       else "Funds committed for the event")))
    return IatiActivity(
        identifier=f"{ref}-{office.code}-E{e.pk}", title=e.title, description=e.paragraph(),
        status=status, dates=dates, scope=SCOPE.get(e.level, "4"),
        countries=list(zip(codes, shares(len(codes)), strict=True)),
        region=None if codes else "998",
        place=", ".join(p for p in (e.city, e.country_name) if p) if e.mode != "virtual"
        else "", orgs=orgs, budgets=sorted(budgets.items()), budget_start=e.start,
        budget_end=e.end, transactions=transactions)
