"""The published ROCB A/P plan 2024-2025, imported: the facts a reader of the plan checks."""

import json
from pathlib import Path

import pytest

from workplan.plans.export import export_plan
from workplan.plans.models import ActionActivity, Activity

SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "rocb-ap-awp-2024-2025.txt"

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_json(seed_plan):
    return json.loads(export_plan(seed_plan, "json")[2])


def actions_by_code(plan_json):
    return {a["code"]: a for p in plan_json["pillars"] for a in p["actions"]}


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="../shared is not beside the checkout")
def test_shipped_sample_is_the_published_seed(seed_bytes):
    assert seed_bytes == SHARED_SEED.read_bytes()


def test_counts(plan_json):
    assert plan_json["title"] == "ROCB A/P Annual Work Plan (2024-2025)"
    assert plan_json["period"] == "2024-2025"
    assert plan_json["office"] == "ROCB-AP"
    assert [p["number"] for p in plan_json["pillars"]] == [1, 2, 3, 4]
    assert [len(p["actions"]) for p in plan_json["pillars"]] == [38, 2, 12, 3]
    assert sum(len(a["kpis"]) for a in actions_by_code(plan_json).values()) == 60
    assert len(plan_json["activities"]) == 76
    assert sum(len(a["actions"]) for a in plan_json["activities"]) == 167


def test_database_holds_the_same_links(seed_plan):
    assert Activity.objects.filter(work_plan=seed_plan).count() == 76
    assert ActionActivity.objects.filter(action__work_plan=seed_plan).count() == 167


def test_letters_past_z_and_codes(plan_json):
    codes = [a["code"] for a in plan_json["pillars"][0]["actions"]]
    assert codes[:3] == ["1-(a)", "1-(b)", "1-(c)"]
    assert codes[25:28] == ["1-(z)", "1-(aa)", "1-(bb)"]
    assert codes[-1] == "1-(ll)"


def test_rsp_references(plan_json):
    actions = actions_by_code(plan_json)
    assert actions["1-(s)"]["rsp_refs"] == [{"objective": "1.2.1", "milestones": [1, 3, 4]}]
    assert actions["1-(d)"]["rsp_refs"] == [{"objective": "1.1.2", "milestones": [1, 2]}]
    assert actions["1-(a)"]["rsp_refs"] == [{"objective": "1.1.1", "milestones": [1]}]
    assert actions["1-(dd)"]["rsp_refs"] == [{"objective": "2.2.2", "milestones": [3, 6]}]
    assert actions["1-(ff)"]["rsp_refs"] == [{"objective": "2.2.3", "milestones": [1, 2, 3]}]
    assert actions["3-(k)"]["rsp_refs"] == [{"objective": "3.3.1", "milestones": [1, 2, 3]}]
    assert actions["2-(a)"]["rsp_refs"] == [{"objective": "1.2.3", "milestones": []}]
    assert actions["3-(e)"]["rsp_refs"] == [{"objective": "3.1.3", "milestones": []}]


def test_reference_read_across_page_break(plan_json):
    action = actions_by_code(plan_json)["1-(p)"]
    assert action["rsp_refs"] == [{"objective": "1.1.3", "milestones": [10]}]
    assert action["text"] == (
        "Upon request, assist Member's effort in implementing the WTO Valuation Agreement")
    # The continuation row also carries an activity for 1-(p).
    assert "National workshop on Advance Rulings in Valuation for Samoa" in action["activities"]


def test_rocb_specific_actions(plan_json):
    actions = actions_by_code(plan_json)
    specific = sorted(code for code, a in actions.items() if a["rocb_specific"])
    assert specific == ["3-(l)", "4-(c)"]
    assert actions["3-(l)"]["rsp_refs"] == []
    assert not actions["3-(l)"]["text"].startswith("<p>")
    assert "(ROCB" not in actions["4-(c)"]["text"]


def test_multi_kpi_cells_and_html(plan_json):
    actions = actions_by_code(plan_json)
    assert actions["1-(i)"]["kpis"] == ["Number of implementing Members",
                                        "Number of new contracting Members"]
    assert actions["1-(ff)"]["kpis"] == ["Number of Members", "Publishing evaluation report",
                                         "Number of Members sharing"]
    assert actions["1-(cc)"]["kpis"] == ["Number of activities conducted in A/P region"]
    assert actions["3-(l)"]["kpis"] == ["Number of activities"]
    assert actions["4-(a)"]["kpis"] == ["Number of sharing experiences"]


def test_actions_without_activities_keep_their_kpi(plan_json):
    actions = actions_by_code(plan_json)
    for code in ("3-(g)", "3-(h)", "3-(i)", "3-(j)"):
        assert actions[code]["activities"] == []
        assert len(actions[code]["kpis"]) == 1
    assert actions["3-(h)"]["kpis"] == ["Results of participants' evaluation"]


def test_upon_request(plan_json):
    actions = actions_by_code(plan_json)
    assert actions["1-(a)"]["upon_request"] is True
    assert actions["1-(dd)"]["upon_request"] is False
    assert actions["3-(l)"]["upon_request"] is True


def activity(plan_json, title_start):
    found = [a for a in plan_json["activities"] if a["title"].startswith(title_start)]
    assert len(found) == 1, title_start
    return found[0]


def test_one_activity_linked_to_every_action_listing_or_naming_it(plan_json):
    iran = activity(plan_json, "National workshop on Risk Management for Iran")
    assert iran["actions"] == ["1-(a)", "1-(b)", "1-(c)", "1-(dd)", "1-(hh)"]
    sub = activity(plan_json, "Sub-Regional Workshop on Risk Management based")
    assert sub["actions"] == ["1-(a)", "1-(b)", "1-(c)", "1-(dd)", "1-(hh)", "3-(k)"]
    hrm = activity(plan_json, "National workshop on HRM for Solomon Islands")
    assert hrm["actions"] == ["1-(jj)", "3-(a)"]  # cross-pillar See also


def test_members_resolved_from_titles(plan_json):
    assert activity(plan_json, "National workshop on AEO for Lao")["members"] == ["LAO", "VNM",
                                                                                 "VUT"]
    assert activity(plan_json, "National Workshop on HS for Nepal")["members"] == ["NPL", "PLW"]
    assert activity(plan_json, "National workshop to enhance the capacity to enforce CITES"
                    )["members"] == ["LAO"]
    assert len(activity(plan_json, "Regional workshop on Accreditation")["members"]) == 35
    assert activity(plan_json, "Sub-Regional Workshop on Risk Management based")["members"] == [
        "FJI", "PNG", "TLS", "TON", "VUT", "WSM"]
    assert activity(plan_json, "WCO Sub-regional Workshop on Training Management")[
        "members"] == ["FJI", "PLW", "PNG", "SLB", "TON", "VUT", "WSM"]
    assert activity(plan_json, "Sub-Regional workshop to promote the use of CEN")["members"] == []


def test_activity_kinds(plan_json):
    kinds = {
        "National workshop on Risk Management for Iran": "national_workshop",
        "Sub-Regional Workshop on Risk Management based": "subregional_workshop",
        "Regional workshop on Accreditation": "regional_workshop",
        "Training for Small Arms": "training",
        "National workshop on HRM Diagnostic Mission": "diagnostic_mission",
        "Attend Regional Contact Point meeting": "meeting",
        "Conduct Annual Needs Survey": "survey",
        "Issue ROCB A/P E-newsletters": "publication",
        "Upon request, provide the assistance in implementing RKC": "standing_task",
    }
    for title, kind in kinds.items():
        assert activity(plan_json, title)["kind"] == kind, title


def test_warnings(plan_json):
    warnings = plan_json["warnings"]
    guinea = [w for w in warnings if w["code"] == "unknown-member"]
    assert len(guinea) == 1
    assert '"Guinea"' in guinea[0]["message"] and guinea[0]["where"] == "1-(a)"
    self_refs = [w for w in warnings if w["code"] == "see-also-self"]
    assert [w["where"] for w in self_refs] == ["1-(i)"]
    not_listed = {(w["where"], w["message"].split(" names ")[1].split(" ")[0])
                  for w in warnings if w["code"] == "see-also-not-listed"}
    assert ("1-(jj)", "3-(a)") in not_listed
    assert ("1-(a)", "3-(k)") in not_listed
    assert not [w for w in warnings if w["code"] in ("see-also-unknown", "no-reference")]


def test_objectives_and_milestones_created_as_cited(seed_plan):
    strategic = seed_plan.strategic_plan
    assert (strategic.start_year, strategic.end_year) == (2024, 2026)
    codes = list(strategic.objectives.values_list("code", flat=True))
    assert codes[:3] == ["1.1.1", "1.1.2", "1.1.3"]
    assert len(codes) == 19
    objective = strategic.objectives.get(code="1.1.3")
    assert list(objective.milestones.values_list("number", flat=True)) == list(range(1, 13))
