"""``workplan demo --scale large`` (delivery/demo_large.py), run at a tiny size.

The full size (six offices, ten years, about 20,000 events and 500,000 participations) is
measured by hand and in ``make bench``; here the same code runs with 2 offices, 1-2 years and
20 events a year, and its output is checked against the rules the full run must keep.
"""

import datetime as dt
import hashlib
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F

from workplan.delivery import demo_large
from workplan.delivery.demo import Demo
from workplan.delivery.demo_large import (
    OFFICES,
    DemoAlreadyLoaded,
    LargeDemo,
    member_rows,
    women_share,
)
from workplan.delivery.models import (
    Event,
    EventAction,
    Funding,
    Participation,
    Request,
    RequestStep,
)
from workplan.directory.models import Member, Office, Person
from workplan.plans.models import Activity, WorkPlan
from workplan.plans.textplan.synthetic import sample_bytes

TINY = {"offices": 2, "years": 2, "events_per_year": 20, "participants_per_event": 10}
CODES = ["ROCB-AP", "ROCB-ESA"]


def digest() -> str:
    """What a run produced, independent of the ids the database handed out."""
    h = hashlib.sha256()
    events = (Event.objects.filter(office__code__in=CODES)
              .select_related("office", "host_member", "activity")
              .prefetch_related("beneficiaries", "participations__person", "actions")
              .order_by("office__code", "start_date", "title", "end_date", "status"))
    for e in events:
        people = sorted((p.person.full_name, p.role, p.attended) for p in e.participations.all())
        h.update(repr((e.office.code, e.title, e.kind, e.level, e.start_date, e.end_date,
                       e.status, e.mode, e.city, e.host_member and e.host_member.iso3,
                       sorted(m.iso3 for m in e.beneficiaries.all()),
                       sorted(a.code for a in e.actions.all()), people)).encode())
    for r in Request.objects.filter(office__code__in=CODES).order_by(
            "office__code", "member__iso3", "topic", "status", "preferred_start"):
        h.update(repr((r.office.code, r.member.iso3, r.topic, r.status,
                       r.preferred_start, r.steps.count())).encode())
    return h.hexdigest()


def fiscal_start(day: dt.date) -> int:
    return day.year if day.month >= 7 else day.year - 1


# --- the reference data ---------------------------------------------------------------------------


def test_regions_are_real_distinct_countries():
    import pycountry

    seen: dict[str, str] = {}
    for spec in OFFICES[1:]:
        rows = member_rows(spec)
        assert 18 <= len(rows) <= 40, spec.code
        for row in rows:
            assert pycountry.countries.get(alpha_3=row["iso3"]) is not None
            assert "," not in row["name"], row  # plan titles list members with commas
            assert row["iso3"] not in seen, f"{row['iso3']} in {seen.get(row['iso3'])} too"
            seen[row["iso3"]] = spec.code
            assert row["sub_region"]


def test_a_tiny_run_keeps_the_rules(db):
    """One run (2 offices, 2 years, 20 events a year) checked from every side below."""
    counts = LargeDemo(seed=7, **TINY).run()
    check_reference_data_and_plans(counts)
    check_counts_match_the_database(counts)
    check_records_stay_inside_their_office_region_and_year()
    check_women_share_and_reused_officials()


def check_reference_data_and_plans(tiny):
    esa = Office.objects.select_related("region").get(code="ROCB-ESA")
    assert esa.region.name == "East and Southern Africa"
    assert esa.city == "Nairobi" and esa.fiscal_year_start_month == 7
    assert Member.objects.filter(region=esa.region).count() == 24
    assert esa.region.groups.get(name="All Countries").members.count() == 24
    assert tiny["offices"] == 2 and tiny["plans"] == 4
    for code in CODES:
        periods = list(WorkPlan.objects.filter(office__code=code).order_by("start_year")
                       .values_list("period", flat=True))
        assert periods == ["2024-2025", "2025-2026"]
    # ROCB A/P's sample year is the sample plan itself; every other plan is rewritten for its
    # office, and its member lists resolve to members of the office's region.
    ap_sample = WorkPlan.objects.get(office__code="ROCB-AP", period="2024-2025")
    assert ap_sample.source_sha256 == hashlib.sha256(sample_bytes()).hexdigest()
    esa_plan = WorkPlan.objects.get(office=esa, period="2025-2026")
    assert esa_plan.title == "ROCB ESA Annual Work Plan (2025-2026)"
    activities = Activity.objects.filter(work_plan__office=esa)
    assert activities.exists()
    assert not [a.title for a in activities if a.unknown_members]
    with_members = activities.annotate(n=Count("members")).filter(n__gt=0)
    assert with_members.count() > 20
    assert not Member.objects.filter(activities__work_plan__office=esa).exclude(
        region=esa.region).exists()


# --- the delivery records -------------------------------------------------------------------------


def check_counts_match_the_database(tiny):
    events = Event.objects.filter(office__code__in=CODES)
    assert tiny["events"] == events.count() == 2 * 2 * 20
    held = events.filter(status="held").count()
    assert tiny["held_events"] == held and held >= 0.7 * tiny["events"]
    assert events.exclude(status="held").exists() or held == tiny["events"]
    assert tiny["participations"] == Participation.objects.filter(
        event__office__code__in=CODES).count()
    assert tiny["participations"] > held * 5  # 10 per national event, more at regional ones
    assert not Participation.objects.filter(event__office__code__in=CODES).exclude(
        event__status="held").exists()
    assert tiny["event_actions"] == EventAction.objects.filter(
        event__office__code__in=CODES).count()
    assert tiny["fundings"] == Funding.objects.filter(event__office__code__in=CODES).count()
    assert tiny["requests"] == Request.objects.filter(office__code__in=CODES).count() > 0
    assert tiny["request_steps"] == RequestStep.objects.filter(
        request__office__code__in=CODES).count()
    assert tiny["people"] == Person.objects.filter(office__code__in=CODES).count()
    # Every event has beneficiaries and serves at least one action.
    assert not events.annotate(n=Count("beneficiaries")).filter(n=0).exists()
    assert not events.annotate(n=Count("actions")).filter(n=0).exists()
    # 1-3 experts at every held event, all accredited.
    experts = Counter(Participation.objects.filter(
        event__office__code__in=CODES, role="expert").values_list("event_id", flat=True))
    assert set(experts.values()) <= {1, 2, 3} and len(experts) == held
    assert not Participation.objects.filter(role="expert", person__accreditations=None,
                                            event__office__code__in=CODES).exists()


def check_records_stay_inside_their_office_region_and_year():
    parts = Participation.objects.filter(event__office__code__in=CODES)
    assert not parts.exclude(member__region=F("event__office__region")).exists()
    assert not parts.filter(member__isnull=True).exists()
    assert not parts.exclude(person__office=F("event__office")).exists()
    links = EventAction.objects.filter(event__office__code__in=CODES)
    assert not links.exclude(action__work_plan__office=F("event__office")).exists()
    events = Event.objects.filter(office__code__in=CODES)
    assert not events.exclude(activity__isnull=True).exclude(
        activity__work_plan__office=F("office")).exists()
    assert not Event.beneficiaries.through.objects.filter(
        event__office__code__in=CODES).exclude(member__region=F("event__office__region")
                                               ).exists()
    for event in events.select_related("activity__work_plan").prefetch_related(
            "action_links__action__work_plan"):
        year = fiscal_start(event.start_date)
        assert year in (2024, 2025), event
        assert event.end_date <= dt.date(year + 1, 6, 30), event
        assert event.start_date <= event.end_date
        plans = {link.action.work_plan.start_year for link in event.action_links.all()}
        if event.activity:
            plans.add(event.activity.work_plan.start_year)
        assert plans == {year}, event
    # A request's steps are its life cycle, ending with its status.
    for request in Request.objects.filter(office__code__in=CODES).prefetch_related("steps"):
        steps = [s.status for s in request.steps.all()]
        assert steps[0] == "received" and steps[-1] == request.status, steps
        if request.event_id:
            assert request.event.office_id == request.office_id


def check_women_share_and_reused_officials():
    assert women_share(2016) < women_share(2020) < women_share(2025) <= 0.45
    rows = (Participation.objects.filter(event__office__code__in=CODES, role="participant")
            .values_list("event__start_date", "person__gender"))
    by_year: dict[int, Counter] = {}
    for day, gender in rows:
        by_year.setdefault(fiscal_start(day), Counter())[gender] += 1
    for year, genders in by_year.items():
        share = genders["female"] / sum(genders.values())
        assert 0.25 <= share <= 0.55, (year, genders)
    # Officials are reused across events (a pool per member, not a new person each time).
    per_person = Counter(Participation.objects.filter(
        event__office__code__in=CODES, role="participant").values_list("person_id", flat=True))
    assert max(per_person.values()) >= 3


# --- determinism ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows():
    small = {**TINY, "years": 1}
    with transaction.atomic():
        first_counts = LargeDemo(seed=11, **small).run()
        first = digest()
        transaction.set_rollback(True)
    assert not Event.objects.filter(office__code="ROCB-ESA").exists()
    with transaction.atomic():
        other = LargeDemo(seed=12, **small).run()
        different = digest()
        transaction.set_rollback(True)
    again_counts = LargeDemo(seed=11, **small).run()
    assert digest() == first
    assert again_counts == first_counts
    # The digest sees the seed: another seed, the same sizes, other rows.
    assert different != first and other["events"] == first_counts["events"]


# --- transactions, refusal, the command -----------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_office_is_rolled_back_whole(monkeypatch):
    def explode(demo, office, plans, events):
        if office.code == "ROCB-ESA":
            raise RuntimeError("stage failed")
        return {}

    monkeypatch.setattr(demo_large, "EXTRA_STAGES", [*demo_large.EXTRA_STAGES, explode])
    with pytest.raises(RuntimeError, match="stage failed"):
        LargeDemo(seed=3, **{**TINY, "years": 1}).run()
    assert Event.objects.filter(office__code="ROCB-AP").count() == 20
    assert WorkPlan.objects.filter(office__code="ROCB-AP", period="2025-2026").exists()
    for model, path in ((Event, "office"), (WorkPlan, "office"), (Person, "office"),
                        (Request, "office")):
        assert not model.objects.filter(**{f"{path}__code": "ROCB-ESA"}).exists(), model


@pytest.mark.django_db
def test_extra_stages_get_each_office_with_its_plans_and_events(monkeypatch):
    seen = []

    def stage(demo, office, plans, events):
        seen.append((office.code, [p.period for p in plans], len(events),
                     {e.office_id for e in events} == {office.pk}, all(e.pk for e in events)))
        return {"things": len(events)}

    stage.label = "things stage"
    monkeypatch.setattr(demo_large, "EXTRA_STAGES", [*demo_large.EXTRA_STAGES, stage])
    lines = []
    counts = LargeDemo(seed=3, **{**TINY, "years": 1}).run(lines.append)
    assert seen == [("ROCB-AP", ["2025-2026"], 20, True, True),
                    ("ROCB-ESA", ["2025-2026"], 20, True, True)]
    assert counts["things"] == 40
    assert any("ROCB-ESA things stage: 20 things" in line for line in lines)
    assert any("ROCB-AP participations" in line for line in lines)


def test_command_builds_then_refuses_a_second_run(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", scale="large", offices=2, years=1, events_per_year=10,
                 participants_per_event=5, seed=5, stdout=out, stderr=err)
    assert "Large demo data: 2 offices, 2 plans" in out.getvalue()
    assert "20 events" in out.getvalue() and "Built in" in out.getvalue()
    assert "ROCB-ESA events: 10 events" in err.getvalue()

    def state():
        return (Event.objects.count(), Participation.objects.count(), Person.objects.count(),
                WorkPlan.objects.count(), Member.objects.count(), Request.objects.count())

    before = state()
    with pytest.raises(CommandError, match=r"ROCB-AP, ROCB-ESA already hold events"):
        call_command("demo", scale="large", offices=2, years=1, events_per_year=10,
                     participants_per_event=5, seed=5, stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert state() == before


def test_command_refuses_bad_sizes(db):
    before = (Office.objects.count(), Member.objects.count())
    with pytest.raises(CommandError, match="offices must be between 1 and 6, not 9"):
        call_command("demo", scale="large", offices=9, stdout=io.StringIO())
    with pytest.raises(CommandError, match="years must be between 1 and 20, not 0"):
        call_command("demo", scale="large", years=0, stdout=io.StringIO())
    assert (Office.objects.count(), Member.objects.count()) == before


def test_runs_on_top_of_the_small_demo(office, seed_plan):
    small_counts = Demo(office).run()
    sample_events = office.events.count()
    counts = LargeDemo(seed=1, offices=1, years=2, events_per_year=15,
                       participants_per_event=5).run()
    # The sample year's plan is kept as it is; the small demo's events stay beside the new ones.
    assert WorkPlan.objects.get(office=office, period="2024-2025").pk == seed_plan.pk
    assert counts["plans"] == 2
    assert office.events.count() == sample_events + 30
    assert small_counts["events"] == sample_events
    with pytest.raises(DemoAlreadyLoaded,
                       match=r"ROCB-AP already holds events in 2024-2025 \.\. 2025-2026"):
        LargeDemo(seed=1, offices=1, years=2).run()
