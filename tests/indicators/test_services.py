"""The indicators' writes: manual values and their review, bindings chosen by staff (and kept
across re-imports), targets (atomic), the adoption register's dated statuses."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from workplan.core.models import Role
from workplan.directory.models import Member
from workplan.indicators import services
from workplan.indicators.binding import bind
from workplan.indicators.models import Adoption, Indicator, Instrument, Target, Value
from workplan.plans.services import import_plan

pytestmark = pytest.mark.django_db


def kpi(plan, code: str, position: int = 1) -> Indicator:
    return Indicator.objects.select_related("action").get(action__work_plan=plan,
                                                          action__code=code, position=position)


@pytest.fixture
def manual(seed_plan):
    indicator = kpi(seed_plan, "3-(d)")  # "Number of contributions"
    assert indicator.measure == "manual"
    return indicator


@pytest.fixture
def counted(seed_plan):
    indicator = kpi(seed_plan, "1-(hh)")  # "Number of CB activities undertaken"
    assert indicator.measure == "events_held"
    return indicator


@pytest.fixture
def alice(make_user):
    return make_user(Role.STAFF, username="alice")


@pytest.fixture
def bob(make_user):
    return make_user(Role.STAFF, username="bob")


def add(indicator, user, **extra):
    values = {"on": dt.date(2024, 10, 3), "value": Decimal("2"), "description": "Two briefs",
              "evidence": "Newsletter 2024/10"}
    values.update(extra)
    return services.add_value(indicator, user=user, **values)


# --- manual values and their review -------------------------------------------------------------


def test_review_flow_draft_submitted_approved(manual, alice, bob):
    value = add(manual, alice)
    assert value.status == Value.Status.DRAFT and value.entered_by == alice
    value = services.review_value(value, user=alice, to="submitted")
    assert value.status == Value.Status.SUBMITTED and value.reviewed_by is None
    value = services.review_value(value, user=bob, to="approved", note="Seen the newsletter")
    value.refresh_from_db()
    assert (value.status, value.reviewed_by, value.review_note) == (
        Value.Status.APPROVED, bob, "Seen the newsletter")
    assert value.reviewed_at is not None
    for to in ("submitted", "returned", "approved", "draft"):
        with pytest.raises(ValidationError, match="Approved for review|cannot become"):
            services.review_value(value, user=bob, to=to, note="again")
    value.refresh_from_db()
    assert value.status == Value.Status.APPROVED


def test_nobody_approves_or_returns_their_own_value(manual, alice):
    value = add(manual, alice, submit=True)
    assert value.status == Value.Status.SUBMITTED
    with pytest.raises(PermissionDenied, match="Someone other than the person"):
        services.review_value(value, user=alice, to="approved")
    with pytest.raises(PermissionDenied):
        services.review_value(value, user=alice, to="returned", note="mine")
    value.refresh_from_db()
    assert value.status == Value.Status.SUBMITTED and value.reviewed_by is None


def test_returned_needs_a_note_and_can_be_submitted_again(manual, alice, bob):
    value = add(manual, alice, submit=True)
    for note in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            services.review_value(value, user=bob, to="returned", note=note)
        assert refused.value.message_dict == {"review_note": ["Say what needs changing."]}
    value.refresh_from_db()
    assert value.status == Value.Status.SUBMITTED
    services.review_value(value, user=bob, to="returned", note="Attach the newsletter")
    value.refresh_from_db()
    assert value.status == Value.Status.RETURNED and value.review_note == "Attach the newsletter"
    with pytest.raises(ValidationError):  # returned -> approved skips the new submission
        services.review_value(value, user=bob, to="approved")
    services.review_value(value, user=alice, to="submitted")
    services.review_value(value, user=bob, to="approved")
    value.refresh_from_db()
    assert value.status == Value.Status.APPROVED


def test_a_draft_cannot_be_approved_directly(manual, alice, bob):
    value = add(manual, alice)
    with pytest.raises(ValidationError, match="Draft cannot become approved"):
        services.review_value(value, user=bob, to="approved")


def test_values_only_on_manual_indicators(counted, manual, alice):
    with pytest.raises(ValidationError, match="computed from the records \\(Events held\\)"):
        add(counted, alice)
    assert not Value.objects.filter(indicator=counted).exists()
    assert add(manual, alice).pk


def test_a_value_needs_evidence(manual, alice):
    with pytest.raises(ValidationError) as refused:
        add(manual, alice, evidence="", evidence_url="")
    assert "evidence" in refused.value.message_dict
    assert not Value.objects.exists()
    assert add(manual, alice, evidence="", evidence_url="https://example.org/report.pdf").pk


def test_only_approved_values_count(manual, alice, bob, seed_plan):
    from workplan.indicators import iptt

    draft = add(manual, alice, value=Decimal("5"))
    approved = add(manual, alice, value=Decimal("3"), on=dt.date(2025, 2, 1), submit=True)
    services.review_value(approved, user=bob, to="approved")
    add(manual, alice, value=Decimal("100"), on=dt.date(2025, 9, 1), submit=True)  # next FY
    row = iptt.compute(seed_plan, indicators=Indicator.objects.filter(pk=manual.pk)).rows[0]
    assert row.columns["Q2"].actual is None  # the draft of Q2 does not count: no data
    assert row.columns["Q3"].actual == 3.0 and row.columns["FY"].actual == 3.0
    assert draft.status == Value.Status.DRAFT


# --- bindings -----------------------------------------------------------------------------------


def test_set_binding_validates_settings_and_changes_nothing_when_refused(counted):
    before = Indicator.objects.filter(pk=counted.pk).values().get()
    cases = [
        ("no_such_measure", {}, "measure"),
        ("adoption", {"instrument": "no_such_instrument"}, "params"),
        ("adoption", {"instrument": "rkc", "status": "ratified"}, "params"),
        ("events_held", {"kind": ["workshop", "picnic"]}, "params"),
        ("events_held", {"scope": "everywhere"}, "params"),
        ("events_held", {"colour": "blue"}, "params"),
    ]
    for measure, params, field in cases:
        with pytest.raises(ValidationError) as refused:
            services.set_binding(Indicator.objects.get(pk=counted.pk), measure=measure,
                                 params=params, cumulative=True, direction="increase")
        assert field in refused.value.message_dict, (measure, params)
    with pytest.raises(ValidationError) as refused:
        services.set_binding(Indicator.objects.get(pk=counted.pk), measure="manual", params={},
                             cumulative=True, direction="sideways")
    assert "direction" in refused.value.message_dict
    assert Indicator.objects.filter(pk=counted.pk).values().get() == before


def test_set_binding_locks_and_unlocking_reapplies_the_rules(counted, alice):
    services.set_binding(counted, measure="events_held",
                         params={"kind": ["workshop"], "level": ["national"], "scope": "office"},
                         cumulative=False, direction="increase", user=alice)
    counted.refresh_from_db()
    assert counted.measure_locked and not counted.cumulative
    assert counted.params == {"kind": ["workshop"], "level": ["national"], "scope": "office"}
    assert counted.history.first().history_change_reason == "binding chosen by staff"
    # unlocking ignores the measure given (even a wrong one) and applies the rules
    services.set_binding(counted, measure="nonsense", params={"x": 1}, cumulative=False,
                         direction="decrease", locked=False)
    counted.refresh_from_db()
    rule = bind(counted.text, counted.action.text)
    assert not counted.measure_locked
    assert (counted.measure, counted.params, counted.cumulative) == (
        rule.measure, rule.params, rule.cumulative) == ("events_held", {}, True)
    assert counted.direction == "decrease"


def test_reimport_keeps_a_binding_staff_chose(office, seed_bytes, seed_plan):
    locked = kpi(seed_plan, "3-(b)")  # "Number of experts utilized"
    free = kpi(seed_plan, "1-(u)")    # "Number of experiences sharing" (bound by the rules)
    services.set_binding(locked, measure="participants", params={"scope": "action"},
                         cumulative=False, direction="increase")
    # the same seed again: nothing moves
    report = import_plan(seed_bytes, office, source_name="seed.txt")
    assert report.outcome == "unchanged"
    locked.refresh_from_db()
    assert (locked.measure, locked.params, locked.measure_locked) == (
        "participants", {"scope": "action"}, True)
    # the seed with both KPIs reworded: the locked one is the same KPI in other words (the
    # rules count both wordings alike) and keeps staff's choice; the free one now names
    # something counted otherwise, so it is a new KPI (the old one held no data: removed)
    text = seed_bytes.decode("utf-8")
    assert text.count("Number of experts utilized") == 1
    assert text.count("Number of experiences sharing") == 1
    text = (text.replace("Number of experts utilized", "Number of experts deployed")
            .replace("Number of experiences sharing", "Number of workshops"))
    report = import_plan(text.encode("utf-8"), office, source_name="seed-reworded.txt")
    assert report.outcome == "updated"
    locked.refresh_from_db()
    assert locked.pk == kpi(seed_plan, "3-(b)").pk
    assert locked.text == "Number of experts deployed"
    assert (locked.measure, locked.params, locked.cumulative, locked.measure_locked) == (
        "participants", {"scope": "action"}, False, True)
    assert not Indicator.objects.filter(pk=free.pk).exists()
    workshops = kpi(seed_plan, "1-(u)")
    assert workshops.text == "Number of workshops"
    assert (workshops.measure, workshops.params) == (
        "events_held", {"kind": ["workshop", "training", "accreditation"]})
    # and the seed once more: the reworded KPIs go back, the locked one still locked
    import_plan(seed_bytes, office, source_name="seed.txt")
    locked.refresh_from_db()
    assert locked.measure == "participants" and locked.measure_locked
    assert kpi(seed_plan, "1-(u)").measure == "items_shared"


# --- targets ------------------------------------------------------------------------------------


def test_save_targets_writes_updates_and_deletes(counted):
    services.save_targets(counted, 2024, {0: (Decimal("40"), Decimal("30")),
                                          1: (Decimal("10"), None), 2: (None, None)})
    rows = {t.quarter: (t.target, t.baseline)
            for t in Target.objects.filter(indicator=counted, fiscal_year=2024)}
    assert rows == {0: (Decimal("40"), Decimal("30")), 1: (Decimal("10"), None)}
    services.save_targets(counted, 2024, {0: (Decimal("45"), Decimal("30")), 1: (None, None)})
    rows = {t.quarter: t.target for t in Target.objects.filter(indicator=counted)}
    assert rows == {0: Decimal("45")}


def test_save_targets_is_atomic(counted):
    services.save_targets(counted, 2024, {0: (Decimal("40"), None)})
    with pytest.raises(IntegrityError):  # quarter 5 breaks the check constraint
        services.save_targets(counted, 2024, {0: (Decimal("99"), None), 1: (Decimal("5"), None),
                                              5: (Decimal("1"), None)})
    rows = {t.quarter: t.target for t in Target.objects.filter(indicator=counted)}
    assert rows == {0: Decimal("40")}


# --- the adoption register ----------------------------------------------------------------------


def test_record_adoption_adds_dated_rows_and_corrects_the_same_day(alice):
    lao = Member.objects.get(iso3="LAO")
    rkc = Instrument.objects.get(code="rkc")
    first = services.record_adoption(member=lao, instrument=rkc, status=2,
                                     since=dt.date(2023, 3, 1), evidence="Letter", user=alice)
    services.record_adoption(member=lao, instrument=rkc, status=3, since=dt.date(2025, 1, 10),
                             evidence="Accession notified")
    fixed = services.record_adoption(member=lao, instrument=rkc, status=1,
                                     since=dt.date(2023, 3, 1), evidence="Letter (corrected)")
    assert fixed.pk == first.pk
    rows = list(Adoption.objects.filter(member=lao, instrument=rkc).order_by("since")
                .values_list("since", "status", "evidence"))
    assert rows == [(dt.date(2023, 3, 1), 1, "Letter (corrected)"),
                    (dt.date(2025, 1, 10), 3, "Accession notified")]
    assert first.history.count() == 2  # the correction is in the record's history


def test_record_adoption_refuses_bad_rows():
    lao = Member.objects.get(iso3="LAO")
    rkc = Instrument.objects.get(code="rkc")
    with pytest.raises(ValidationError) as refused:
        services.record_adoption(member=lao, instrument=rkc, status=9,
                                 since=dt.date(2024, 1, 1), evidence="")
    assert {"status", "evidence"} <= set(refused.value.message_dict)
    assert not Adoption.objects.exists()
