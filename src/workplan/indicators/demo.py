"""Demonstration KPI data: targets near what the records give (so a dashboard shows some KPIs
on target and some behind), a history in the adoption register, manual values at every step
of their review. Deterministic for a seed; bulk inserts only."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from .iptt import compute
from .models import Adoption, Indicator, Instrument, Target, Value

EVIDENCE = ["Mission report", "Letter from the Director General", "Official gazette",
            "WCO Secretariat database", "Newsletter issue", "Workshop report"]


def _round(value: float, measure: str) -> Decimal:
    if measure == "evaluation_result":
        return Decimal(f"{value:.1f}")
    return Decimal(max(1, round(value)))


# Measures that count members: no target above the number of members of the region.
MEMBER_MEASURES = ("members_assisted", "members_participating", "adoption")


def targets_for(plan, rng: random.Random) -> list[Target]:
    """Year targets (and quarter targets for a third of the KPIs) within about -25%..+35% of
    what the records give; where the records give nothing, a small plausible number. Never
    beyond what is possible: a count of members at most the region's members."""
    rows = []
    members = plan.office.region.members.count() if plan.office.region_id else None
    for row in compute(plan).rows:
        indicator = row.indicator
        actual = row.columns["FY"].actual
        if indicator.measure == "evaluation_result":
            year = rng.uniform(3.9, 4.4)
        elif actual:
            year = actual * rng.uniform(0.75, 1.35)
        else:
            year = rng.randint(1, 6)
        if members and indicator.measure in MEMBER_MEASURES:
            year = min(year, members)
        target = _round(year, indicator.measure)
        baseline = _round(year * rng.uniform(0.5, 0.9), indicator.measure)
        rows.append(Target(indicator=indicator, fiscal_year=plan.start_year, quarter=0,
                           target=target, baseline=baseline))
        if (indicator.cumulative and rng.random() < 0.33 and target >= 4
                and indicator.measure != "adoption"):
            for quarter, share in ((1, "0.25"), (2, "0.5"), (3, "0.75"), (4, "1")):
                rows.append(Target(indicator=indicator, fiscal_year=plan.start_year,
                                   quarter=quarter,
                                   target=(target * Decimal(share)).quantize(Decimal("1"))))
    return rows


def values_for(plan, rng: random.Random, members) -> list[Value]:
    rows = []
    start = dt.date(plan.start_year, 7, 1)
    recent = start + dt.timedelta(days=300)
    for indicator in Indicator.objects.filter(action__work_plan=plan, measure="manual"):
        for _ in range(rng.randint(0, 3)):
            on = start + dt.timedelta(days=rng.randint(0, 363))
            # The year's last two months wait for review (or are drafts); older values were
            # reviewed, a few returned for evidence.
            status = (rng.choice(["submitted", "submitted", "draft"]) if on >= recent
                      else rng.choice(["approved"] * 8 + ["returned"]))
            rows.append(Value(
                indicator=indicator, on=on,
                value=Decimal(rng.randint(1, 4)), status=status,
                member=rng.choice(members) if rng.random() < 0.4 else None,
                description=f"{indicator.text}: reported by the office",
                evidence=rng.choice(EVIDENCE),
                review_note="Please attach the report." if status == "returned" else ""))
    if rows and not any(row.status == "submitted" for row in rows):
        # However the draw fell, the latest values of the year wait for review.
        for row in sorted(rows, key=lambda row: row.on)[-2:]:
            row.status, row.review_note = "submitted", ""
    return rows


def adoption_history(members, rng: random.Random, first_year: int, last_year: int) -> list:
    """Each member climbs the status ladder of some instruments over the years."""
    rows = []
    instruments = list(Instrument.objects.all())
    for member in members:
        for instrument in instruments:
            if rng.random() < 0.25:
                continue
            day = dt.date(first_year, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
            status = 0
            while day.year <= last_year and status < 3:
                status += rng.choice([1, 1, 2])
                status = min(status, 3)
                rows.append(Adoption(member=member, instrument=instrument, status=status,
                                     since=day, evidence=rng.choice(EVIDENCE)))
                day += dt.timedelta(days=rng.randint(200, 1400))
    return rows


@transaction.atomic
def populate_demo(office, seed: int = 2024) -> dict:
    """KPI data for the office's plans and its region's members (small demo)."""
    rng = random.Random(seed)
    members = list(office.region.members.order_by("iso3"))
    adoptions = []
    if not Adoption.objects.filter(member__region=office.region).exists():
        adoptions = Adoption.objects.bulk_create(
            adoption_history(members, rng, 2014, 2026), ignore_conflicts=True)
    values, targets = [], []
    for plan in office.work_plans.select_related("office").order_by("start_year"):
        values += Value.objects.bulk_create(values_for(plan, rng, members))
        targets += Target.objects.bulk_create(targets_for(plan, rng), ignore_conflicts=True)
    return {"targets": len(targets), "manual values": len(values),
            "adoption statuses": len(adoptions)}


def large_stage(demo, office, plans, events) -> dict:
    """The large demo's KPI stage (delivery.demo_large.EXTRA_STAGES)."""
    rng = demo.rng_for(office, "kpis")
    members = list(office.region.members.order_by("iso3"))
    adoptions = Adoption.objects.bulk_create(
        adoption_history(members, rng, 2012, 2026), ignore_conflicts=True,
        batch_size=5000) if not Adoption.objects.filter(member__region=office.region).exists() \
        else []
    values, targets = [], []
    filled = set(Target.objects.filter(indicator__action__work_plan__in=plans)
                 .values_list("indicator__action__work_plan", flat=True))
    for plan in plans:
        if plan.pk in filled:
            continue  # the small demo's year already has its KPI data
        values += values_for(plan, rng, members)
        targets += targets_for(plan, rng)
    Value.objects.bulk_create(values, batch_size=5000)
    Target.objects.bulk_create(targets, batch_size=5000, ignore_conflicts=True)
    return {"kpi_targets": len(targets), "kpi_values": len(values),
            "adoption_statuses": len(adoptions)}
