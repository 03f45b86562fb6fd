"""Every measure, computed by the engine (grouped SQL folded per period) and by a second, naive
route (Python over every row), on seeded random data: they must agree for every indicator,
quarter, year and breakdown."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

import pytest

from workplan.delivery.models import Event, Participation
from workplan.indicators import iptt
from workplan.indicators.measures import registry
from workplan.indicators.models import Adoption, Indicator, Instrument, Value

from .world import build_world

pytestmark = pytest.mark.django_db

EVENT_MEASURES = ["members_assisted", "events_held", "participants", "women_participations",
                  "members_participating", "experts_utilized"]


# --- the naive route: plain Python over every row ----------------------------------------------


def quarter_bounds(year: int) -> list[tuple[dt.date, dt.date]]:
    starts = [dt.date(year, 7, 1), dt.date(year, 10, 1), dt.date(year + 1, 1, 1),
              dt.date(year + 1, 4, 1), dt.date(year + 1, 7, 1)]
    return [(starts[i], starts[i + 1] - dt.timedelta(days=1)) for i in range(4)]


def periods(year: int, cumulative: bool) -> dict[str, tuple[dt.date, dt.date]]:
    quarters = quarter_bounds(year)
    found = {}
    for index, (first, last) in enumerate(quarters, start=1):
        found[f"Q{index}"] = (quarters[0][0] if cumulative else first, last)
    found["FY"] = (quarters[0][0], quarters[3][1])
    return found


class Naive:
    """Reads every event, link, beneficiary and participation once, then answers by loops."""

    def __init__(self, office):
        self.office = office
        self.events = list(Event.objects.all())
        self.actions = defaultdict(set)
        for event in self.events:
            self.actions[event.pk] = {a.pk for a in event.actions.all()}
        self.beneficiaries = {e.pk: [m.pk for m in e.beneficiaries.all()] for e in self.events}
        self.participations = list(Participation.objects.select_related("person"))

    def held(self, first, last, action_id, params):
        kinds = params.get("kind") or []
        levels = params.get("level") or []
        for event in self.events:
            if event.office_id != self.office.pk or event.status != "held":
                continue
            if not first <= event.start_date <= last:
                continue
            if action_id is not None and action_id not in self.actions[event.pk]:
                continue
            if kinds and event.kind not in kinds:
                continue
            if levels and event.level not in levels:
                continue
            yield event

    def value(self, measure, first, last, action_id, params, part=None, dimension=None,
              subregions=None):
        """The measure over [first, last]; ``part`` restricts to one breakdown value."""

        def keep(member_id, gender=None):
            if dimension is None:
                return True
            if dimension == "member":
                return member_id == part
            if dimension == "subregion":
                return (subregions.get(member_id) if member_id else None) == part
            return (gender or None) == part

        events = list(self.held(first, last, action_id, params))
        ids = {e.pk for e in events}
        if measure == "members_assisted":
            return len({m for e in events for m in self.beneficiaries[e.pk] if keep(m)})
        if measure == "events_held":
            return len({e.pk for e in events for m in (self.beneficiaries[e.pk] or [None])
                        if dimension is None or keep(m)})
        people = [p for p in self.participations if p.event_id in ids and p.attended]
        if measure == "participants":
            return sum(1 for p in people if p.role == "participant"
                       and keep(p.member_id, p.person.gender))
        if measure == "women_participations":
            return sum(1 for p in people if p.role == "participant"
                       and p.person.gender == "female" and keep(p.member_id))
        if measure == "members_participating":
            return len({p.member_id for p in people if p.role == "participant"
                        and p.member_id and keep(p.member_id)})
        if measure == "experts_utilized":
            return len({p.person_id for p in people if p.role == "expert"
                        and keep(p.member_id, p.person.gender)})
        raise AssertionError(measure)


def bind_all(plan, measure, params=None, cumulative=True):
    Indicator.objects.filter(action__work_plan=plan).update(
        measure=measure, params=params or {}, cumulative=cumulative)


# --- event measures ---------------------------------------------------------------------------


@pytest.mark.parametrize("kpi_world", [3, 11], indirect=True)
def test_event_measures_equal_the_naive_route(kpi_world):
    plan, office = kpi_world["plan"], kpi_world["office"]
    naive = Naive(office)
    for measure in EVENT_MEASURES:
        for cumulative in (True, False):
            bind_all(plan, measure, {"scope": "action"}, cumulative)
            table = iptt.compute(plan)
            nonzero = 0
            for row in table.rows:
                for key, (first, last) in periods(plan.start_year, cumulative).items():
                    expected = naive.value(measure, first, last, row.indicator.action_id, {})
                    assert row.columns[key].actual == expected, \
                        (measure, cumulative, row.indicator.action.code, key)
                    nonzero += expected > 0
            assert nonzero, f"the world should give {measure} something to count"


def test_office_scope_counts_every_event_of_the_office_once(kpi_world):
    plan, office = kpi_world["plan"], kpi_world["office"]
    naive = Naive(office)
    for measure in EVENT_MEASURES:
        bind_all(plan, measure, {"scope": "office"})
        table = iptt.compute(plan)
        for key, (first, last) in periods(plan.start_year, True).items():
            expected = naive.value(measure, first, last, None, {})
            assert {row.columns[key].actual for row in table.rows} == {expected}, measure


def test_kind_and_level_settings_filter_events(kpi_world):
    plan, office = kpi_world["plan"], kpi_world["office"]
    params = {"kind": ["workshop", "meeting"], "level": ["regional", "national"]}
    bind_all(plan, "events_held", params)
    table = iptt.compute(plan)
    naive = Naive(office)
    first, last = periods(plan.start_year, True)["FY"]
    for row in table.rows:
        assert row.columns["FY"].actual == naive.value(
            "events_held", first, last, row.indicator.action_id, params)


@pytest.mark.parametrize("dimension", ["member", "subregion", "gender"])
def test_breakdowns_equal_the_naive_route_and_add_up_where_they_should(kpi_world, dimension):
    plan, office = kpi_world["plan"], kpi_world["office"]
    naive = Naive(office)
    subregions = {m.pk: m.sub_region or "No sub-region" for m in kpi_world["members"]}
    broken_down = 0
    for measure in EVENT_MEASURES:
        bind_all(plan, measure, {"scope": "office"}, cumulative=False)
        row = iptt.compute(plan, dimension=dimension).rows[0]
        if dimension not in row.measure.dimensions:
            assert row.breakdown == []
            continue
        assert row.breakdown, measure
        broken_down += 1
        for key, (first, last) in periods(plan.start_year, False).items():
            total = row.columns[key].actual
            parts = [part.columns[key].actual for part in row.breakdown]
            for part in row.breakdown:
                expected = naive.value(measure, first, last, None, {}, part.key, dimension,
                                       subregions)
                assert part.columns[key].actual == expected, (measure, part.label, key)
            if row.additive:
                assert sum(parts) == total, (measure, key)
            else:
                assert sum(parts) >= total, (measure, key)
    assert broken_down >= 2


def test_quarters_sum_to_the_year_when_not_cumulative(kpi_world):
    plan = kpi_world["plan"]
    for measure in ("participants", "women_participations", "events_held"):
        bind_all(plan, measure, {"scope": "action"}, cumulative=False)
        rows = iptt.compute(plan).rows
        assert any(row.columns["FY"].actual for row in rows)
        for row in rows:
            assert sum(row.columns[f"Q{q}"].actual for q in (1, 2, 3, 4)) == \
                row.columns["FY"].actual, measure


def test_a_member_is_counted_once_however_many_events(office, seed_plan):
    world = build_world(office, seed_plan, 5, events=0)
    member = world["members"][0]
    action = seed_plan.actions.get(code="1-(a)")
    for day in (dt.date(seed_plan.start_year, 8, 1), dt.date(seed_plan.start_year, 11, 3),
                dt.date(seed_plan.start_year + 1, 2, 9)):
        event = Event.objects.create(office=office, title="Again", kind="workshop",
                                     level="national", start_date=day, end_date=day,
                                     status="held")
        event.beneficiaries.set([member])
        event.actions.add(action)
    bind_all(seed_plan, "members_assisted")
    row = next(r for r in iptt.compute(seed_plan).rows if r.indicator.action_id == action.pk)
    assert [row.columns[k].actual for k in ("Q1", "Q2", "Q3", "Q4", "FY")] == [1, 1, 1, 1, 1]
    bind_all(seed_plan, "members_assisted", cumulative=False)
    row = next(r for r in iptt.compute(seed_plan).rows if r.indicator.action_id == action.pk)
    assert [row.columns[k].actual for k in ("Q1", "Q2", "Q3", "Q4", "FY")] == [1, 1, 1, 0, 1]


# --- the adoption register ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_adoption_counts_status_at_each_period_end(office, seed_plan, seed):
    rng = random.Random(seed)
    members = list(office.region.members.order_by("iso3"))
    instrument = Instrument.objects.get(code="rkc")
    other = Instrument.objects.get(code="hs")
    year = seed_plan.start_year
    rows = []
    for member in rng.sample(members, 20):
        day = dt.date(year - 3, 1, 1)
        for _ in range(rng.randint(1, 4)):
            day += dt.timedelta(days=rng.randint(30, 500))
            rows.append(Adoption(member=member, instrument=rng.choice([instrument, other]),
                                 status=rng.randint(0, 3), since=day, evidence="gazette"))
    Adoption.objects.bulk_create(rows, ignore_conflicts=True)
    history = list(Adoption.objects.filter(instrument=instrument).order_by("since", "pk"))

    def status_on(member_id, day):
        found = 0
        for row in history:
            if row.member_id == member_id and row.since <= day:
                found = row.status
        return found

    for level_name, level in (("implementing", 2), ("operating", 3)):
        for new in (False, True):
            bind_all(seed_plan, "adoption",
                     {"instrument": "rkc", "status": level_name, "new": new})
            row = iptt.compute(seed_plan, dimension="subregion").rows[0]
            start = dt.date(year, 7, 1) - dt.timedelta(days=1)
            for key, (_first, last) in periods(year, True).items():
                at_end = {m.pk for m in members if status_on(m.pk, last) >= level}
                at_start = {m.pk for m in members if status_on(m.pk, start) >= level}
                expected = len(at_end - at_start) if new else len(at_end)
                assert row.columns[key].actual == expected, (level_name, new, key)
                assert sum(p.columns[key].actual for p in row.breakdown) == expected


# --- manual values -----------------------------------------------------------------------------


def test_manual_values_count_once_approved_and_sum_within_periods(seed_plan, office):
    indicator = Indicator.objects.filter(action__work_plan=seed_plan, measure="manual").first()
    year = seed_plan.start_year
    member = office.region.members.first()
    entries = [(dt.date(year, 8, 1), "3", "approved", None),
               (dt.date(year, 12, 1), "2", "approved", member),
               (dt.date(year + 1, 5, 1), "4", "submitted", None),   # not approved yet
               (dt.date(year + 1, 7, 2), "9", "approved", None)]     # next fiscal year
    for on, value, status, who in entries:
        Value.objects.create(indicator=indicator, on=on, value=Decimal(value), status=status,
                             member=who, description="Published", evidence="ref")
    rows = {r.indicator.pk: r for r in iptt.compute(seed_plan, dimension="member").rows}
    row = rows[indicator.pk]
    assert [row.columns[k].actual for k in ("Q1", "Q2", "Q3", "Q4", "FY")] == [3, 5, 5, 5, 5]
    assert {p.key: p.columns["FY"].actual for p in row.breakdown} == {None: 3, member.pk: 2}
    untouched = next(r for r in rows.values() if r.indicator.measure == "manual"
                     and r.indicator.pk != indicator.pk)
    assert untouched.columns["FY"].actual is None  # no value yet: no data, not zero


# --- the registry and query counts --------------------------------------------------------------


def test_every_registered_measure_is_exercised_here():
    tested = set(EVENT_MEASURES) | {"adoption", "manual"}
    survey_measures = {m.key for m in registry} - tested
    # items_shared (the publications register) is exercised in tests/reports
    assert survey_measures <= {"surveys_conducted", "evaluation_result", "followup_results",
                               "items_shared"}


def test_the_iptt_takes_the_same_queries_whatever_the_data(office, seed_plan,
                                                          django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as empty:
        iptt.compute(seed_plan, dimension="member")
    build_world(office, seed_plan, 9, events=60)
    with django_assert_num_queries(len(empty.captured_queries)):
        iptt.compute(seed_plan, dimension="member")
