"""The binding rules: the sample plan's 60 KPIs are bound as docs/kpis.md says, and the rules
read other plans' words sensibly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workplan.indicators.binding import bind, instrument_in
from workplan.indicators.models import Indicator
from workplan.indicators.services import rebind

DOC = Path(__file__).resolve().parents[2] / "docs" / "kpis.md"


def documented() -> list[tuple[str, str, str, dict]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## How the sample plan's 60 KPIs are bound", 1)[1]
    rows = []
    for line in section.splitlines():
        match = re.match(r"\| (\d-\(\w+\)) \| (.+?) \| `(\w+)` \| (.+?) \|$", line)
        if match:
            code, kpi, measure, settings = match.groups()
            params = {}
            if settings != "–":
                for pair in settings.split(", "):
                    key, value = pair.split("=")
                    params[key] = (value == "true" if value in ("true", "false")
                                   else value.split("/") if "/" in value
                                   or (key == "kind" and measure == "events_held")
                                   else value)
            rows.append((code, kpi, measure, params))
    return rows


@pytest.mark.django_db
def test_the_seed_kpis_are_bound_as_documented(seed_plan):
    table = documented()
    assert len(table) == 60
    indicators = list(Indicator.objects.filter(action__work_plan=seed_plan)
                      .select_related("action")
                      .order_by("action__pillar__number", "action__position", "position"))
    assert [(i.action.code, i.text) for i in indicators] == [(c, k) for c, k, _m, _p in table]
    for indicator, (code, _kpi, measure, params) in zip(indicators, table, strict=True):
        assert (indicator.measure, indicator.params) == (measure, params), code
    measures = {m for _c, _k, m, _p in table}
    assert len(measures) >= 9  # every measure of the registry but one is used by the seed


@pytest.mark.parametrize(("kpi", "action", "measure", "params"), [
    ("Number of female participants", "", "women_participations", {"scope": "office"}),
    ("Gender balance of delegations", "", "women_participations", {"scope": "office"}),
    ("Number of experts deployed", "", "experts_utilized", {"scope": "office"}),
    ("Number of contracting Members", "accede to the Revised Kyoto Convention",
     "adoption", {"instrument": "rkc", "status": "operating", "new": False}),
    ("Number of new contracting Members", "adopt the HS Convention",
     "adoption", {"instrument": "hs", "status": "operating", "new": True}),
    ("Number of implementing Members", "implement Single Window",
     "adoption", {"instrument": "single_window", "status": "implementing"}),
    ("Number of implementing Members", "implement integrity tools", "members_assisted", {}),
    ("Number of workshops conducted", "", "events_held",
     {"kind": ["workshop", "training", "accreditation"]}),
    ("Number of high-level dialogues", "", "events_held", {"kind": ["meeting", "conference"]}),
    ("Number of Members", "", "members_assisted", {}),
    ("Number of good practices shared", "", "items_shared", {}),
    ("Number of Members sharing their experiences", "", "items_shared", {"count": "members"}),
    ("Number of contributions", "", "manual", {}),
    ("Publish evaluation report", "", "manual", {}),
    ("Level of satisfaction of the Director General", "", "manual", {}),
    ("", "", "manual", {}),
])
def test_rules_read_other_words(kpi, action, measure, params):
    binding = bind(kpi, action)
    assert (binding.measure, binding.params) == (measure, params)
    assert binding.reason


def test_instruments_are_found_on_word_boundaries():
    assert instrument_in("the WCO Data Model") == "data_model"
    assert instrument_in("Time Release Study (TRS)") == "trs"
    assert instrument_in("THS and HSBC") is None  # no word "HS"
    assert instrument_in("") is None


@pytest.mark.django_db
def test_rebind_leaves_choices_of_staff_alone(seed_plan):
    chosen = Indicator.objects.filter(action__work_plan=seed_plan).first()
    chosen.measure, chosen.params, chosen.measure_locked = "manual", {}, True
    chosen.save()
    other = Indicator.objects.filter(action__work_plan=seed_plan, measure="events_held").first()
    Indicator.objects.filter(pk=other.pk).update(measure="manual")
    assert rebind(Indicator.objects.filter(action__work_plan=seed_plan)) == 1
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert chosen.measure == "manual" and other.measure == "events_held"
