"""The printable poster of an event's registration: one A4 page (PDF/UA-1, titled) with the
office's name and logo, the event's title as typed (markup in it is set as text), dates and
venue, the deadline and places, the public link printed and as a large QR code that reads back
as that link; staff's, only while registration is open, otherwise a clear message."""

import datetime as dt
import shutil
import subprocess

import pytest
import segno
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from workplan.core.models import Role
from workplan.delivery.services import record_event
from workplan.directory.models import Member
from workplan.registration import poster, services
from workplan.reports.data.events import date_range

from .pdfs import figure_box, needs, pdf_info, pdf_text, png, qr_modules

pytestmark = pytest.mark.django_db

TITLE = '#panic("no") *Sub-regional* workshop on AEO $x$ _risk_'
QR_ALT = "QR code of the registration link"


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def planned(office):
    """A workshop in Suva in two months, its registration open for another month (3 places
    per member)."""
    start = timezone.localdate() + dt.timedelta(days=60)
    event = record_event(office=office, title=TITLE, kind="workshop", level="subregional",
                         start_date=start, end_date=start + dt.timedelta(days=2), city="Suva",
                         country="FJI", status="planned",
                         beneficiaries=[Member.objects.get(iso3="FJI")])
    closes = (timezone.now() + dt.timedelta(days=30)).replace(hour=17, minute=30, second=0,
                                                               microsecond=0)
    event.window = services.open_registration(event, closes_at=closes, cap_per_member=3)
    return event


def poster_url(event) -> str:
    return reverse("registration:registration_poster", args=[event.pk])


def test_the_poster_is_one_a4_page_with_the_event_and_a_qr_code_of_its_link(
        as_staff, planned, office, tmp_path):
    services.save_layout(office, logo=("logo.png", png()))
    page = as_staff.get(reverse("registration:event_registration", args=[planned.pk]))
    assert "Print a poster (PDF)" in page.content.decode()
    assert f'href="{poster_url(planned)}"' in page.content.decode()

    response = as_staff.get(poster_url(planned))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == \
        f'attachment; filename="registration-poster-event-{planned.pk}.pdf"'
    pdf = response.content
    info = pdf_info(pdf)
    assert info["Pages"].strip() == "1"
    assert info["Page size"].split("pts")[0].split() == ["595.276", "x", "841.89"]
    assert info["Title"].strip() == f"Registration: {TITLE}"
    assert info["Tagged"].strip() == "yes"
    assert b"pdfuaid:part" in pdf and b"/StructTreeRoot" in pdf
    link = "http://testserver" + reverse("registration:register",
                                         args=[services.link_token(planned.window)])
    words = pdf_text(pdf)
    closes = timezone.localtime(planned.window.closes_at)
    for expected in (TITLE, office.name.upper(), "REGISTRATION IS OPEN",
                     date_range(planned.start_date, planned.end_date), "Suva, Fiji",
                     "Register by", closes.strftime("%-d %B %Y, 17:30 (UTC)"),
                     "Places", "3 per member administration", link):
        assert expected in words, expected
    # The logo is there (with its alternative text), the QR code is drawn as vectors.
    images = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True,
                            check=True).stdout.decode().splitlines()[2:]
    assert len(images) == 1, images
    figure_box(pdf, f"Logo of {office.name}", tmp_path)  # tagged, with its text
    # The QR code as printed is the code of the link: read from the page poppler draws.
    code = segno.make(link, error="m")
    expected = [[int(bool(m)) for m in row]
                for row in code.matrix_iter(border=poster.QR_BORDER)]
    printed = qr_modules(pdf, QR_ALT, len(expected), tmp_path)
    assert printed == expected
    assert sum(map(sum, printed)) > len(expected) ** 2 // 4  # a real code, not a blank
    if shutil.which("zbarimg"):  # a QR reader, where the machine has one
        (tmp_path / "poster.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile",
                        str(tmp_path / "poster.pdf"), str(tmp_path / "poster")], check=True)
        read = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "poster.png")],
                              capture_output=True, text=True, check=True)
        assert read.stdout.strip() == link
    needs("qpdf")
    (tmp_path / "check.pdf").write_bytes(pdf)
    checked = subprocess.run(["qpdf", "--check", str(tmp_path / "check.pdf")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_online_event_without_a_limit_and_the_longest_title_still_one_page(office):
    start = timezone.localdate() + dt.timedelta(days=20)
    title = ("Webinar on customs risk " * 14)[:299] + "!"  # 300 characters, the most there is
    event = record_event(office=office, title=title, kind="workshop",
                         level="regional", start_date=start, end_date=start, mode="virtual",
                         status="planned")
    window = services.open_registration(event, closes_at=timezone.now() + dt.timedelta(days=9))
    data = poster.poster_data(window, "https://w.example/registration/r/x/")
    assert data["venue"] == "online" and data["logo"] is None
    assert [label for label, _value in data["facts"]] == ["Register by"]
    pdf = poster.poster_pdf(window, "https://w.example/registration/r/x/")
    assert pdf_info(pdf)["Pages"].strip() == "1"
    words = pdf_text(pdf)
    assert title in words and "online" in words and "Places" not in words


@pytest.mark.parametrize("why", ["none", "closed", "past", "held"])
def test_no_poster_unless_registration_is_open(as_staff, planned, why):
    window = planned.window
    expected = {
        "none": "Registration for this event is not open yet.",
        "closed": "Registration for this event is closed.",
        "past": "Registration for this event closed on",
        "held": "This event is held: it takes no registration.",
    }[why]
    if why == "none":
        window.delete()
    elif why == "closed":
        services.open_registration(planned, closes_at=window.closes_at, is_open=False)
    elif why == "past":
        services.open_registration(planned, closes_at=timezone.now() - dt.timedelta(hours=1))
    else:
        planned.status = "held"
        planned.save()
    response = as_staff.get(poster_url(planned), follow=True)
    assert response.redirect_chain == [
        (reverse("registration:event_registration", args=[planned.pk]), 302)]
    page = response.content.decode()
    assert f"No poster: {expected}" in page
    assert "Print a poster (PDF)" not in page
    if why != "none":
        assert "No poster while registration is closed" in page


def test_only_the_events_staff_print_it(client, make_user, planned):
    client.force_login(make_user(Role.VIEWER))
    assert client.get(poster_url(planned)).status_code == 404
    client.force_login(make_user(Role.STAFF))
    assert client.post(poster_url(planned)).status_code == 405
    assert client.get(reverse("registration:registration_poster", args=[99999])).status_code \
        == 404
    client.logout()
    assert client.get(poster_url(planned)).status_code == 302
