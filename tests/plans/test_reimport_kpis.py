"""Re-importing a plan never loses recorded KPI data: KPIs are matched by what they are, what
leaves the plan is archived (never deleted) and only when the user says so explicitly."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from workplan.indicators import iptt, services
from workplan.indicators.models import Indicator, Target, Value
from workplan.plans.models import Action, ImportRun
from workplan.plans.services import ArchiveNotConfirmed, import_plan

from .test_import_behaviour import table_counts

pytestmark = pytest.mark.django_db

FF_CELL = "(1) Number of Members (2) Publishing evaluation report (3) Number of Members sharing"


def with_ff_kpis(seed_bytes: bytes, cell: str) -> bytes:
    text = seed_bytes.decode()
    assert text.count(FF_CELL) == 1
    return text.replace(FF_CELL, cell).encode()


def without_ff(seed_bytes: bytes) -> bytes:
    lines = seed_bytes.decode().split("\n")
    kept = [line for line in lines if not line.startswith("ff) Upon request")]
    assert len(kept) == len(lines) - 1
    return "\n".join(kept).encode()


def ff_kpis(plan) -> list[Indicator]:
    return list(Indicator.objects.filter(action__work_plan=plan, action__code="1-(ff)",
                                         archived_at__isnull=True).order_by("position"))


def snapshot(indicator: Indicator) -> tuple:
    """What must survive an import: identity, targets, values with their status."""
    return (indicator.pk,
            sorted(Target.objects.filter(indicator=indicator)
                   .values_list("fiscal_year", "quarter", "target")),
            sorted(Value.objects.filter(indicator=indicator)
                   .values_list("pk", "value", "status")))


@pytest.fixture
def ff(seed_plan, office):
    """1-(ff)'s three KPIs with a target each; the second (manual) with three values, one
    approved."""
    members, publishing, sharing = ff_kpis(seed_plan)
    assert (members.measure, publishing.measure, sharing.measure) == (
        "members_assisted", "manual", "items_shared")
    for number, indicator in enumerate((members, publishing, sharing), start=1):
        Target.objects.create(indicator=indicator, fiscal_year=2024, target=Decimal(number * 2))
    for day, status in ((5, Value.Status.APPROVED), (6, Value.Status.SUBMITTED),
                        (7, Value.Status.DRAFT)):
        Value.objects.create(indicator=publishing, on=dt.date(2024, 11, day), value=1,
                             description="Evaluation report published", status=status,
                             evidence="https://example.org/report")
    return members, publishing, sharing


def test_editing_the_second_kpi_of_1_ff_into_another_measure_archives_it(
        seed_plan, office, seed_bytes, ff):
    members, publishing, sharing = ff
    before = {i.pk: snapshot(i) for i in ff}
    data = with_ff_kpis(seed_bytes, "(1) Number of Members (2) Number of workshops on NII "
                        "(3) Number of Members sharing")

    # the preview says what happens to the data, not just "changed action 1-(ff): kpis"
    report = import_plan(data, office, dry_run=True)
    assert "changed action 1-(ff): kpis" in report.changes
    [archived] = report.archives
    assert (archived.kind, archived.code, archived.pk) == ("kpi", "1-(ff)", publishing.pk)
    details = dict(archived.details)
    assert "kept with their status (approvals intact)" in details[
        "3 values (1 approved, 1 submitted for review, 1 draft)"]
    assert "shown in the IPTT of their year" in details["1 targets (2024-2025)"]
    assert {i.pk for i in report.impacts} == {publishing.pk}  # the untouched KPIs stay put
    text = "\n".join(report.lines())
    assert "KPI of 1-(ff) “Publishing evaluation report”: leaves the plan: ARCHIVED" in text
    assert "--archive-removed" in text

    # without the explicit yes: refused, nothing written
    counts = table_counts()
    with pytest.raises(ArchiveNotConfirmed, match="Publishing evaluation report"):
        import_plan(data, office)
    assert table_counts() == counts
    assert {i.pk: snapshot(i) for i in ff} == before

    # with it: the first and third KPIs keep their indicator; the second is archived with
    # its target and values (statuses intact); the new words are a new KPI with no data
    import_plan(data, office, archive=True)
    first, second, third = ff_kpis(seed_plan)
    assert snapshot(first) == before[members.pk]
    assert snapshot(third) == before[sharing.pk]
    assert (second.text, second.measure) == ("Number of workshops on NII", "events_held")
    assert second.pk != publishing.pk and not second.values.exists()
    assert not second.targets.exists()
    publishing.refresh_from_db()
    assert publishing.archived and publishing.text == "Publishing evaluation report"
    assert snapshot(publishing) == before[publishing.pk]
    assert publishing.values.filter(status=Value.Status.APPROVED).count() == 1

    # archived: read-only, and still in the IPTT of its year, marked
    with pytest.raises(ValidationError, match="no longer in the plan"):
        services.add_value(publishing, user=None, on=dt.date(2024, 12, 1), value=1,
                           description="x", evidence="y")
    with pytest.raises(ValidationError, match="no longer in the plan"):
        services.save_targets(publishing, 2024, {0: (Decimal(9), None)})
    table = iptt.compute(seed_plan)
    rows = {row.indicator.pk: row for row in table.rows}
    assert rows[publishing.pk].archived and not rows[second.pk].archived
    assert rows[publishing.pk].columns["FY"].target == Decimal(4)

    # the same file again changes nothing; the seed again restores nothing it cannot match
    assert import_plan(data, office).outcome == "unchanged"


def test_rewording_a_kpi_counted_the_same_way_keeps_its_indicator(
        seed_plan, office, seed_bytes, ff):
    members, publishing, sharing = ff
    before = {i.pk: snapshot(i) for i in ff}
    data = with_ff_kpis(seed_bytes, "(1) Number of Members (2) Publishing the evaluation "
                        "report (3) Number of Members sharing")
    report = import_plan(data, office, dry_run=True)
    [renamed] = report.impacts
    assert (renamed.pk, renamed.fate, renamed.new_text) == (
        publishing.pk, "renamed", "Publishing the evaluation report")
    assert not report.archives
    import_plan(data, office)  # nothing to archive: no confirmation needed
    kpis = ff_kpis(seed_plan)
    assert [snapshot(i) for i in kpis] == [before[i.pk] for i in ff]
    assert kpis[1].text == "Publishing the evaluation report"
    assert not Indicator.objects.filter(archived_at__isnull=False).exists()


def test_reordering_the_kpis_of_a_cell_keeps_every_indicator(seed_plan, office, seed_bytes, ff):
    members, publishing, sharing = ff
    before = {i.pk: snapshot(i) for i in ff}
    data = with_ff_kpis(seed_bytes, "(1) Number of Members sharing (2) Number of Members "
                        "(3) Publishing evaluation report")
    report = import_plan(data, office)
    assert report.outcome == "updated" and not report.archives
    assert {i.fate for i in report.impacts} == {"moved"}
    kpis = ff_kpis(seed_plan)
    assert [i.pk for i in kpis] == [sharing.pk, members.pk, publishing.pk]
    assert {i.pk: snapshot(i) for i in kpis} == before
    assert [i.measure for i in kpis] == ["items_shared", "members_assisted", "manual"]
    import_plan(seed_bytes, office)  # and back
    assert [i.pk for i in ff_kpis(seed_plan)] == [members.pk, publishing.pk, sharing.pk]
    assert import_plan(seed_bytes, office).outcome == "unchanged"


def test_removing_an_action_with_approved_values_archives_it_only_when_confirmed(
        seed_plan, office, seed_bytes, ff):
    members, publishing, sharing = ff
    action = Action.objects.get(work_plan=seed_plan, code="1-(ff)")
    before = {i.pk: snapshot(i) for i in ff}
    data = without_ff(seed_bytes)

    report = import_plan(data, office, dry_run=True)
    assert "removed action 1-(ff)" in report.changes
    archived = {(i.kind, i.pk): i for i in report.archives}
    assert set(archived) == {("action", action.pk), ("kpi", members.pk),
                             ("kpi", publishing.pk), ("kpi", sharing.pk)}
    assert dict(archived[("action", action.pk)].details) == {
        "3 KPIs with recorded data": "kept, linked to the archived action"}
    assert "3 values (1 approved, 1 submitted for review, 1 draft)" in dict(
        archived[("kpi", publishing.pk)].details)

    counts = table_counts()
    with pytest.raises(ArchiveNotConfirmed):
        import_plan(data, office)
    assert table_counts() == counts

    import_plan(data, office, archive=True)
    action.refresh_from_db()
    assert action.archived
    for indicator in Indicator.objects.filter(pk__in=before):
        assert indicator.archived and snapshot(indicator) == before[indicator.pk]
    assert Value.objects.get(indicator=publishing, on=dt.date(2024, 11, 5)).status == "approved"
    assert not Action.objects.current().filter(code="1-(ff)").exists()
    assert import_plan(data, office).outcome == "unchanged"
    assert ImportRun.objects.latest("created").changes == report.changes

    # the complete file again brings the action back with its KPIs and their data
    report = import_plan(seed_bytes, office)
    assert {i.fate for i in report.impacts} == {"restored"}
    action.refresh_from_db()
    assert not action.archived
    assert [snapshot(i) for i in ff_kpis(seed_plan)] == [before[i.pk] for i in ff]


def test_an_action_that_holds_nothing_recorded_is_removed_as_before(seed_plan, office,
                                                                    seed_bytes):
    report = import_plan(without_ff(seed_bytes), office)
    assert not report.archives
    assert {i.fate for i in report.impacts} == {"removed"}
    assert not Action.objects.filter(work_plan=seed_plan, code="1-(ff)").exists()


def test_pages_show_archived_records_marked_and_the_plan_without_them(
        admin_client, seed_plan, office, seed_bytes, ff):
    members, publishing, sharing = ff
    import_plan(without_ff(seed_bytes), office, archive=True)
    action = Action.objects.get(work_plan=seed_plan, code="1-(ff)")
    page = admin_client.get(seed_plan.get_absolute_url()).content.decode()
    assert 'id="action-1-ff"' not in page and 'id="action-1-ee"' in page
    page = admin_client.get(action.get_absolute_url()).content.decode()
    assert "no longer in the plan" in page and publishing.get_absolute_url() in page
    response = admin_client.get(publishing.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200 and "took this KPI out of the plan" in page
    assert reverse("indicators:value_create", args=[publishing.pk]) not in page
    response = admin_client.post(reverse("indicators:indicator_targets", args=[publishing.pk]),
                                 {"version": publishing.version, "fy_target": "9"})
    assert response.status_code == 400 and "no longer in the plan" in response.content.decode()
    assert snapshot(publishing)[1] == [(2024, 0, Decimal(4))]
    page = admin_client.get(reverse("indicators:iptt", args=[office.code, seed_plan.period])
                            ).content.decode()
    assert "Publishing evaluation report" in page and "no longer in the plan" in page
    api = admin_client.get(f"/api/v1/indicators/{publishing.pk}/").json()
    assert api["archived_at"] is not None


URL = reverse("plans:workplan_import")


def upload(client, data: bytes, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(URL, {"office": office.pk,
                             "file": SimpleUploadedFile("plan.txt", data, "text/plain")})


def sha_of(response) -> str:
    return re.search(r'name="sha256" value="([0-9a-f]{64})"', response.content.decode())[1]


def test_web_import_needs_the_explicit_archive_confirmation(admin_client, seed_plan, office,
                                                            seed_bytes, ff):
    members, publishing, sharing = ff
    response = upload(admin_client, without_ff(seed_bytes), office)
    page = response.content.decode()
    assert "What happens to recorded data" in page
    assert "3 values (1 approved, 1 submitted for review, 1 draft)" in page
    assert "Archive 4 KPIs and actions with their recorded data" in page
    assert "Confirm import and archiving" in page
    sha = sha_of(response)
    counts = table_counts()
    refused = admin_client.post(URL, {"sha256": sha})
    assert refused.status_code == 400
    assert "Tick the box to archive them" in refused.content.decode()
    assert table_counts() == counts
    done = admin_client.post(URL, {"sha256": sha, "archive": "on"})
    assert done.status_code == 302
    publishing.refresh_from_db()
    assert publishing.archived and publishing.values.count() == 3


def test_cli_dry_run_prints_the_report_and_the_import_needs_the_flag(
        seed_plan, office, seed_bytes, ff, tmp_path, capsys):
    members, publishing, sharing = ff
    path = tmp_path / "plan.txt"
    path.write_bytes(without_ff(seed_bytes))
    counts = table_counts()
    call_command("import_plan", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "What happens to recorded data" in out
    assert "action 1-(ff): leaves the plan: ARCHIVED" in out
    assert "3 values (1 approved, 1 submitted for review, 1 draft)" in out
    assert "Dry run: nothing was written." in out
    assert table_counts() == counts
    with pytest.raises(CommandError, match="would archive 4 KPIs or actions.*--archive-removed"):
        call_command("import_plan", str(path))
    assert "KPI of 1-(ff) “Publishing evaluation report”" in capsys.readouterr().out
    assert table_counts() == counts
    call_command("import_plan", str(path), "--archive-removed")
    publishing.refresh_from_db()
    assert publishing.archived and publishing.values.count() == 3


def test_documented_reimport_report_is_what_the_dry_run_prints(seed_plan, office, seed_bytes,
                                                               ff, tmp_path, capsys):
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "importing-plans.md").read_text()
    block = doc.split("what the import does with each:")[1].split("**Archiving")[0]
    shown = [line.strip() for line in block.splitlines() if line.startswith("    ")]
    assert len(shown) == 5
    path = tmp_path / "plan.txt"
    path.write_bytes(with_ff_kpis(seed_bytes, "(1) Number of Members (2) Number of workshops "
                                  "on NII (3) Number of Members sharing"))
    call_command("import_plan", str(path), "--dry-run")
    printed = [line.strip() for line in capsys.readouterr().out.splitlines()]
    for line in shown:
        assert line in printed, line
