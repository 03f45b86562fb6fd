"""The office's words in its annual report: written on the app's pages (staff and admins edit,
viewers read), placed in Word, PDF and HTML, kept as history; a final report freezes the year's
figures with the words and renders byte for byte the same."""

from __future__ import annotations

import io
import struct
import subprocess
import zlib

import pytest
from django.urls import reverse
from docx import Document

from workplan.reports.data.annual import annual_report
from workplan.reports.exporters.annual import report_of
from workplan.reports.models import ReportWords
from workplan.reports.registry import registry as exporters
from workplan.reports.services import WordsError, image_info, make_final, save_words

from .conftest import needs

pytestmark = pytest.mark.django_db

HOSTILE = '#panic("x") *b* $m$ #include "/etc/passwd" مرحبا 海关合作 ' + "Zoll" * 40


def png(width=40, height=20) -> bytes:
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def url(year):
    return reverse("reports:words_detail", args=[year.office.code, year.plan.period])


def test_a_signature_must_be_an_image():
    assert image_info(png()) == ("image/png", 40, 20)
    with pytest.raises(ValueError):
        image_info(b"%PDF-1.7 not an image")


def test_staff_write_preview_and_save_the_words_viewers_read(year, client, make_user):
    report = annual_report(year.plan, today=year.today)
    staff = make_user("staff")
    client.force_login(staff)
    page = client.get(url(year))
    assert page.status_code == 200 and "Make the report final" in page.content.decode()
    kpi = report.kpis[0]
    form = {"head_name": "Ms Head", "head_title": "Head of the Regional Office",
            "foreword": "First paragraph.\n\nSecond " + HOSTILE, "challenges": "Hard year.",
            "way_forward": "", "pillar_1": "Pillar one went well.",
            f"kpi_{kpi.indicator_id}": "Targets were set late."}
    preview = client.post(url(year), {**form, "preview": "1"})
    assert "Preview (not saved yet)" in preview.content.decode()
    assert not ReportWords.objects.filter(office=year.office).exists()  # a preview saves nothing
    bad = client.post(url(year), {**form, "save": "1",
                                  "signature": io.BytesIO(b"GIF89a-not-allowed")})
    assert bad.status_code == 200 and "cannot be used" in bad.content.decode()
    assert not ReportWords.objects.filter(office=year.office).exists()
    signature = io.BytesIO(png())
    signature.name = "sig.png"
    saved = client.post(url(year), {**form, "save": "1", "signature": signature})
    assert saved.status_code == 302
    words = ReportWords.objects.get(office=year.office, start_year=2024)
    assert words.pillar_intros == {"1": "Pillar one went well."}
    assert words.kpi_notes == {str(kpi.indicator_id): "Targets were set late."}
    assert words.history.count() == 1
    viewer = make_user("viewer")
    client.force_login(viewer)
    assert "Pillar one went well." in client.get(url(year)).content.decode()
    assert client.post(url(year), {**form, "save": "1"}).status_code == 404
    client.force_login(make_user("focal_point",
                                 member=year.office.region.members.get(iso3="FJI")))
    assert client.get(url(year)).status_code == 404

    # the words reach the three formats
    html = exporters.get("annual-report").run({"period": "2024-2025",
                                               "format": "html"}).content.decode()
    assert "Foreword" in html and "Ms Head" in html and "data:image/png;base64," in html
    assert "Pillar one went well." in html and "Targets were set late." in html
    assert "Challenges and lessons learned" in html and "The way forward" not in html
    document = Document(io.BytesIO(exporters.get("annual-report").run(
        {"period": "2024-2025"}).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Second " + HOSTILE in text and "Ms Head" in text
    assert len(document.inline_shapes) == 6  # five charts and the signature
    needs("pdftotext")
    pdf = exporters.get("annual-report").run({"period": "2024-2025", "format": "pdf"}).content
    flat = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                                   check=True).stdout.decode().split())
    assert "Foreword" in flat and "Ms Head" in flat and "Pillar one went well." in flat
    assert '#panic("x") *b* $m$ #include "/etc/passwd"' in flat


def test_a_final_report_needs_comments_then_freezes_and_renders_the_same_bytes(year):
    from workplan.delivery.models import Event

    words = ReportWords.objects.create(office=year.office, start_year=2024, foreword="Hello.")
    report = annual_report(year.plan, today=year.today, words=words)
    behind = [r for r in report.kpis if r.state == "behind"]
    if behind:
        with pytest.raises(WordsError, match="behind target have no comment"):
            make_final(words, year.plan, today=year.today)
        words.refresh_from_db()
        assert not words.is_final and words.frozen is None
        save_words(words, kpi_notes={str(r.indicator_id): "Late start." for r in behind},
                   known_kpis=[r.indicator_id for r in report.kpis])
    make_final(words, year.plan, today=year.today)
    words.refresh_from_db()
    assert words.is_final and words.frozen["version"] == 1
    with pytest.raises(WordsError, match="is final"):
        save_words(words, foreword="Changed.")
    frozen = report_of(year.plan)
    assert frozen.plan is None and frozen.words.final
    assert all(r.note for r in frozen.kpis if r.state == "behind")
    # a record made afterwards does not change the final report
    Event.objects.filter(pk=Event.objects.filter(office=year.office, status="held")
                         .order_by("pk").values("pk")[:1]).update(status="cancelled")
    first = {f: exporters.get("annual-report").run({"period": "2024-2025", "format": f}).content
             for f in ("docx", "pdf", "html")}
    second = {f: exporters.get("annual-report").run({"period": "2024-2025", "format": f})
              .content for f in ("docx", "pdf", "html")}
    assert first == second
    assert b"Final report, made final on" in first["html"]
    assert report_of(year.plan).events_held == report.events_held


def test_the_figures_tables_use_the_one_truth(year):
    from workplan.delivery.models import Event, Funding, Request

    report = annual_report(year.plan, today=year.today)
    tables = {t.key: t for t in report.tables}
    delivery = tables["delivery"]
    assert delivery.total.cells[0] == "All pillars"
    requests = {r.key: r.cells[1] for r in tables["requests"].rows}
    filed = Request.objects.filed_in(year.office, 2024)
    assert requests["received"] == f"{filed.count():,}"
    assert int(requests["answered"]) == filed.with_first_answer().filter(
        answered_at__isnull=False).count()
    held = Event.objects.held().in_fiscal_year(year.office, 2024)
    money = Funding.objects.filter(event__in=held).totals()
    total = tables["funding"].total.cells[1]
    assert total == "; ".join(f"{c} {a:,.0f}" for c, a in money.money)
    assert tables["experts"].total.cells[1] == f"{report.board.experts:,}"
    assert not tables["results"].previous_header  # no 2023-2024 plan in Workplan
