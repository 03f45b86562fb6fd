"""IATI 2.03 activities of an office's fiscal year, as plain values (``render.iati`` writes
the XML).

Choices (docs/reports.md says why):

- one ``iati-activity`` per event of the fiscal year (planned activities have no dates,
  place, participants or money; events have all of them), identified as
  ``{WORKPLAN_IATI_ORG_REF}-{office code}-E{event number}``;
- the reporting organisation is the office, with the reference of the setting
  ``WORKPLAN_IATI_ORG_REF`` (a placeholder, ``XM-DAC-00000``, until the office registers
  its own) and type 40 (multilateral);
- status from the event's (planned 1, confirmed 2, held 4 closed, postponed 6, cancelled 5);
- dates: planned start and end (1, 3), and the actual ones (2, 4) once held;
- scope: national 4, sub-regional 3 (multi-national), regional 2, global 1;
- recipient countries: the beneficiary members (ISO 3166 alpha-2), shares split evenly;
  without beneficiaries, region 998 (developing countries, unspecified);
- sector: DAC 5-digit 33120 "Trade facilitation", the CRS code that names support to customs
  departments; aid type D02 (other technical assistance);
- participating organisations: the office (implementing, 4), funders (funding, 1),
  co-organisers (implementing, 4), and member administrations that contributed (funding, 1);
- budgets and transactions from the event's cash funding (in-kind support is named among the
  participating organisations, not counted as money): a committed budget per currency over
  the event's dates, and per funding an incoming commitment (11), or incoming funds (1) once
  the event was held.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pycountry
from django.conf import settings

from workplan.delivery.models import Event

from .events import EventFacts, event_facts

PLACEHOLDER_REF = "XM-DAC-00000"
SECTOR = ("33120", "Trade facilitation")
STATUS = {"planned": "1", "confirmed": "2", "held": "4", "postponed": "6", "cancelled": "5"}
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
    placeholder: bool
    generated: dt.datetime
    activities: list[IatiActivity]


def org_ref() -> str:
    return (getattr(settings, "WORKPLAN_IATI_ORG_REF", "") or PLACEHOLDER_REF).strip()


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
    ref = org_ref()
    facts = event_facts(events.order_by("start_date", "pk"), region_id=office.region_id)
    return IatiFile(org_ref=ref, org_type=getattr(settings, "WORKPLAN_IATI_ORG_TYPE", "40"),
                    org_name=office.name, placeholder=ref == PLACEHOLDER_REF, generated=now,
                    activities=[_activity(office, ref, e) for e in facts])


def _activity(office, ref: str, e: EventFacts) -> IatiActivity:
    held = e.status == Event.Status.HELD
    dates = [("1", e.start), ("3", e.end)]
    if held:
        dates = [("1", e.start), ("2", e.start), ("3", e.end), ("4", e.end)]
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
        transactions.append(Transaction(
            code="1" if held else "11", date=e.start, amount=money.amount,
            currency=money.currency, provider=money.source,
            provider_type=ORG_TYPES.get(money.kind, "90"),
            description=money.note or ("Funds for the event" if held
                                       else "Funds committed for the event")))
    return IatiActivity(
        identifier=f"{ref}-{office.code}-E{e.pk}", title=e.title, description=e.paragraph(),
        status=STATUS.get(e.status, "1"), dates=dates, scope=SCOPE.get(e.level, "4"),
        countries=list(zip(codes, shares(len(codes)), strict=True)),
        region=None if codes else "998",
        place=", ".join(p for p in (e.city, e.country_name) if p) if e.mode != "virtual"
        else "", orgs=orgs, budgets=sorted(budgets.items()), budget_start=e.start,
        budget_end=e.end, transactions=transactions)
