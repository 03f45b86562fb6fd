"""The exporter registry, as the command line and the Reports page use it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from workplan.reports.registry import ExportError, registry

pytestmark = pytest.mark.django_db


def test_list_names_every_exporter_and_its_parameters(capsys):
    call_command("export", "--list")
    out = capsys.readouterr().out
    for exporter in registry:
        assert f"{exporter.identifier}: " in out
        for param in exporter.params:
            assert f"--param {param.name}=" in out
    assert "--param format=… (json|txt|docx|xlsx) [default docx]" in out


def test_the_cli_writes_the_files_people_open(seed_plan, tmp_path):
    target = tmp_path / "plan.docx"
    call_command("export", "work-plan", "--param", "period=2024-2025", "-o", str(target))
    document = Document(str(target))
    assert any("1-(a)" in cell.text for table in document.tables for row in table.rows
               for cell in row.cells)
    target = tmp_path / "iptt.xlsx"
    call_command("export", "iptt", "--param", "period=2024-2025", "--param", "by=gender",
                 "-o", str(target))
    book = load_workbook(target)
    assert book["IPTT"].max_row == 61 and "By gender" in book.sheetnames


@pytest.mark.parametrize(("args", "message"), [
    (["nonsense"], "no exporter 'nonsense'"),
    (["work-plan"], "period: a value is required"),
    (["work-plan", "--param", "period=2024"], "period: '2024' is not valid"),
    (["work-plan", "--param", "period=2030-2031"], "has no work plan for 2030-2031"),
    (["work-plan", "--param", "period=2024-2025", "--param", "format=pdf"],
     "format: 'pdf' is not one of json, txt, docx, xlsx"),
    (["work-plan", "--param", "period=2024-2025", "--param", "colour=red"],
     "colour: no such parameter of work-plan"),
    (["work-plan", "--param", "period"], "write it as KEY=VALUE"),
    (["work-plan", "--param", "office=NOPE", "--param", "period=2024-2025"],
     "office: 'NOPE' is not one of"),
])
def test_bad_parameters_are_named(seed_plan, tmp_path, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("export", *args, "-o", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_the_reports_page_downloads_and_explains_errors(client, make_user, seed_plan,
                                                        other_office):
    client.force_login(make_user("viewer"))
    page = client.get(reverse("reports:report_list"))
    assert page.status_code == 200
    for exporter in registry:
        assert str(exporter.verbose_name) in page.content.decode()
    url = reverse("reports:report_download", args=["iptt"])
    response = client.get(url, {"office": "ROCB-AP", "period": "2024-2025"})
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["IPTT"].max_row == 61
    response = client.get(url, {"office": "ROCB-AP", "period": "twenty"})
    assert response.status_code == 400
    assert "period: &#x27;twenty&#x27; is not valid" in response.content.decode()
    # an office the user has no role in is not among the choices
    response = client.get(url, {"office": other_office.code, "period": "2024-2025"})
    assert response.status_code == 400
    assert client.get(reverse("reports:report_download", args=["nope"])).status_code == 404


def test_exports_are_scoped_to_the_user(make_user, seed_plan, other_office):
    outsider = make_user("staff", office=other_office)
    with pytest.raises(ExportError) as error:
        registry.get("work-plan").run({"office": "ROCB-AP", "period": "2024-2025"}, outsider)
    assert error.value.param == "office"


def test_the_calendar_is_an_icalendar_of_the_events_the_user_sees(client, make_user,
                                                                   seed_plan):
    from workplan.delivery.demo import Demo

    Demo(seed_plan.office, seed=3).run()
    client.force_login(make_user("staff"))
    response = client.get(reverse("reports:report_download", args=["calendar"]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert text.startswith("BEGIN:VCALENDAR") and text.rstrip().endswith("END:VCALENDAR")
    from workplan.delivery.models import Event

    assert text.count("BEGIN:VEVENT") == Event.objects.count()


def test_a_typesetting_failure_names_the_template_and_the_cause():
    from workplan.reports.render.typeset import TypesetError, typeset_pdf

    with pytest.raises(TypesetError) as failure:
        typeset_pdf("annual_report.typ", {"title": "No labels"})
    assert str(failure.value).startswith("annual_report.typ: ")
    assert "labels" in str(failure.value)
