"""Certificates of participation: only for participants who attended (the figure's
definition), in the office's layout (logo and signature checked as PNG/JPEG by their header),
one PDF per person or one for the event (read back with poppler and qpdf), e-mailed from the
event's page, downloaded through the registration link, verified by anyone at a public URL
that says name, event and dates and nothing more; a tampered code is a 404, a revoked one a
410 (a withdrawn one: tests/registration/test_withdrawn.py)."""

import shutil
import subprocess

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.link_mail import ticket_of
from workplan.core.models import Role
from workplan.delivery.models import Participation
from workplan.directory.models import Member, Person
from workplan.registration import services
from workplan.registration.models import Certificate, CertificateLayout

from .pdfs import HOSTILE, needs, pdf_info, pdf_text, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    cache.clear()  # the verification page is rate-limited
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def event(workshop):
    return workshop


def test_only_participants_who_attended_get_one_with_their_name_as_printed(event):
    assert services.issue_certificates(event) == 2
    assert services.issue_certificates(event) == 0  # nothing twice
    certificates = Certificate.objects.filter(participation__event=event)
    assert sorted(c.full_name for c in certificates) == sorted(["Sione Tupou", HOSTILE])
    codes = [c.code for c in certificates]
    assert all(len(c) == 12 and set(c) <= set(services.CODE_ALPHABET) for c in codes)
    assert len(set(codes)) == 2
    # The person's name changes later: the certificate keeps the name it was printed with.
    person = event.people["Sione Tupou"].person
    person.full_name = "Sione T. Tupou"
    person.save()
    assert certificates.get(participation__person=person).full_name == "Sione Tupou"


def test_the_event_pdf_has_a_page_per_participant_in_the_office_layout(as_staff, event,
                                                                      office, client,
                                                                      tmp_path):
    needs("qpdf")
    services.save_layout(office, head_name="Jane Head", head_title="Head of the Regional "
                         "Office", logo=("logo.png", png()), signature=("sig.png", png(80, 20)))
    services.issue_certificates(event)
    url = reverse("registration:event_certificates_pdf", args=[event.pk])
    response = as_staff.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    info = pdf_info(pdf)
    assert info["Pages"].strip() == "2"
    assert "Certificates of participation: Sub-regional workshop on AEO" in info["Title"]
    text = pdf_text(pdf)
    for expected in ("Sione Tupou", HOSTILE, "Sub-regional workshop on AEO",
                     "3–5 March 2025", "Suva, Fiji", "Jane Head",
                     "Head of the Regional Office", "CERTIFICATE OF PARTICIPATION".title()):
        assert expected.lower() in text.lower(), expected
    for c in Certificate.objects.filter(participation__event=event):
        assert c.display_code in text
        assert f"/registration/verify/{c.code}/" in text
    assert "Absent Person" not in text and "Resource Person" not in text
    # Tagged PDF/UA-1 with its pictures (logo, signature, the two QR codes as vectors).
    assert b"pdfuaid:part" in pdf and b"/StructTreeRoot" in pdf
    images = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True,
                            check=True).stdout.decode().splitlines()[2:]
    assert len(images) >= 2, images
    (tmp_path / "event.pdf").write_bytes(pdf)
    checked = subprocess.run(["qpdf", "--check", str(tmp_path / "event.pdf")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    if shutil.which("pdftoppm"):  # for a look: var/certificate-*.png
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "event.pdf"),
                        str(tmp_path / "page")], check=True)
        assert len(list(tmp_path.glob("page*.png"))) == 2
    # One person's certificate.
    sione = Certificate.objects.get(participation=event.people["Sione Tupou"])
    single = as_staff.get(reverse("registration:certificate_pdf", args=[sione.pk]))
    assert single.status_code == 200
    assert pdf_info(single.content)["Pages"].strip() == "1"
    assert "sione-tupou" in single["Content-Disposition"]
    client.logout()
    assert client.get(url).status_code == 302


def test_the_verification_page_says_name_event_and_dates_and_nothing_more(client, event):
    services.issue_certificates(event)
    sione = Certificate.objects.get(participation=event.people["Sione Tupou"])
    response = client.get(reverse("registration:verify", args=[sione.code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Valid certificate of participation" in page
    assert "Sione Tupou" in page and "Sub-regional workshop on AEO" in page
    assert "3–5 March 2025" in page
    for private in ("sione@customs.example", "Fiji", "Suva", "female"):
        assert private not in page, private
    assert response["Cache-Control"].count("no-store") and response["X-Robots-Tag"]
    # Typed as people type: lower case, with dashes and spaces.
    typed = sione.display_code.lower().replace("-", " - ")
    response = client.get(reverse("registration:verify_form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("registration:verify", args=[sione.code])
    # A tampered code: a clear page, and a 404.
    tampered = sione.code[:-1] + ("A" if sione.code[-1] != "A" else "B")
    for code in (tampered, "not-a-code", "x" * 300):
        response = client.get(reverse("registration:verify", args=[code]))
        assert response.status_code == 404
        assert "No such certificate" in response.content.decode()
    response = client.get(reverse("registration:verify_form"), {"code": "12"})
    assert response.status_code == 400 and "12 letters and digits" in response.content.decode()
    # Revoked: says so, 410; issued again: a new code, the old one unknown.
    services.revoke_certificate(sione)
    response = client.get(reverse("registration:verify", args=[sione.code]))
    assert response.status_code == 410 and "revoked" in response.content.decode()
    old = sione.code
    sione = services.reissue_certificate(sione)
    assert sione.code != old and sione.revoked_at is None
    assert client.get(reverse("registration:verify", args=[old])).status_code == 404
    assert client.get(reverse("registration:verify", args=[sione.code])).status_code == 200
    with pytest.raises(services.CertificateError):
        services.reissue_certificate(sione)  # not revoked


def test_the_verification_page_is_rate_limited(client, event, settings):
    settings.WORKPLAN_SURVEY_RATE_LIMITS = {"ip": (5, 600), "token": (30, 600)}
    services.issue_certificates(event)
    code = Certificate.objects.first().code
    statuses = [client.get(reverse("registration:verify", args=[f"GUESS{n:07d}"])).status_code
                for n in range(5)]
    assert statuses == [404] * 5
    response = client.get(reverse("registration:verify", args=[code]))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_staff_issue_email_revoke_from_the_event_page(as_staff, event,
                                                      django_capture_on_commit_callbacks):
    page = as_staff.get(reverse("registration:event_certificates", args=[event.pk]))
    assert page.status_code == 200
    assert "Issue 2 certificates" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_staff.post(reverse("registration:certificates_email", args=[event.pk]),
                                 follow=True)
    text = response.content.decode()
    assert "1 certificate was e-mailed" in text
    assert "1 participant has no e-mail address" in text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sione@customs.example"]
    sione = Certificate.objects.get(participation=event.people["Sione Tupou"])
    assert sione.display_code in message.body and sione.emailed_at is not None
    (name, pdf, kind), = message.attachments
    assert (name, kind) == ("certificate-sione-tupou.pdf", "application/pdf")
    assert pdf_info(pdf)["Pages"].strip() == "1" and "Sione Tupou" in pdf_text(pdf)
    # Each is e-mailed once.
    with django_capture_on_commit_callbacks(execute=True):
        as_staff.post(reverse("registration:certificates_email", args=[event.pk]))
    assert len(mail.outbox) == 1
    # Revoke: the PDF is no longer made, the list says so.
    response = as_staff.post(reverse("registration:certificate_revoke", args=[sione.pk]),
                             follow=True)
    assert "no longer verifies" in response.content.decode()
    assert as_staff.get(reverse("registration:certificate_pdf", args=[sione.pk])).status_code \
        == 302
    response = as_staff.post(reverse("registration:certificate_revoke", args=[sione.pk]),
                             follow=True)
    assert "already revoked" in response.content.decode()


def test_the_event_page_keeps_a_fixed_number_of_queries(as_staff, event,
                                                        django_assert_max_num_queries):
    services.issue_certificates(event)
    with django_assert_max_num_queries(14):
        assert as_staff.get(reverse("registration:event_certificates",
                                    args=[event.pk])).status_code == 200
    office = event.office
    fji = Member.objects.get(iso3="FJI")
    for n in range(15):
        person = Person.objects.create(office=office, full_name=f"More {n}", gender="male",
                                       member=fji)
        Participation.objects.create(event=event, person=person, member=fji)
    services.issue_certificates(event)
    with django_assert_max_num_queries(14):
        assert as_staff.get(reverse("registration:event_certificates",
                                    args=[event.pk])).status_code == 200


def test_a_participant_downloads_theirs_through_their_registration_link(
        client, event, django_capture_on_commit_callbacks):
    registration = services.register(event, full_name="Lan Nguyen", email="lan@x.example",
                                     gender="female", source="staff")
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_registration(registration)
    ticket = reverse("registration:ticket", args=[ticket_of(mail.outbox[-1])])
    # Confirmed but not (yet) attended: no certificate.
    response = client.get(ticket, {"download": "certificate"})
    assert response.status_code == 404 and "No certificate yet" in response.content.decode()
    registration.refresh_from_db()
    services.check_in(registration.participation)
    services.issue_certificates(event)
    page = client.get(ticket).content.decode()
    assert "Download your certificate of participation" in page
    response = client.get(ticket, {"download": "certificate"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Lan Nguyen" in pdf_text(response.content)


def test_the_office_admins_set_the_layout_and_bad_pictures_change_nothing(client, make_user,
                                                                          office):
    url = reverse("registration:certificate_layout", args=[office.code])
    client.force_login(make_user(Role.STAFF))
    assert client.get(url).status_code == 404  # staff: not the admins' page
    client.force_login(make_user(Role.ADMIN))
    assert client.get(url).status_code == 200
    fake = b"GIF89a" + b"\x00" * 40
    response = client.post(url, {"head_name": "Jane Head",
                                 "logo": SimpleUploadedFile("logo.png", fake),
                                 "signature": SimpleUploadedFile("sig.png", png())})
    assert response.status_code == 400
    assert "logo: “logo.png” cannot be used: it is not a PNG or JPEG image" in \
        response.content.decode()
    assert not CertificateLayout.objects.exists()
    big = png() + b"\x00" * (services.IMAGE_LIMIT + 1)
    response = client.post(url, {"signature": SimpleUploadedFile("sig.png", big)})
    assert response.status_code == 400
    assert (f"signature: “sig.png” is {len(big):,} bytes; the limit is 2,097,152 bytes"
            in response.content.decode())
    response = client.post(url, {"head_name": "Jane Head", "head_title": "Head",
                                 "logo": SimpleUploadedFile("logo.png", png()),
                                 "signature": SimpleUploadedFile("sig.png", png(80, 20))})
    assert response.status_code == 302
    layout = CertificateLayout.objects.get(office=office)
    assert layout.head_name == "Jane Head" and layout.logo.name.endswith(".png")
    assert layout.history.count() == 1
    response = client.post(url, {"head_name": "John Head", "remove_logo": "on"})
    layout.refresh_from_db()
    assert layout.head_name == "John Head" and not layout.logo and layout.signature
    assert layout.history.count() == 2
    preview = client.get(reverse("registration:certificate_layout_preview",
                                 args=[office.code]))
    assert preview.status_code == 200
    text = pdf_text(preview.content)
    assert "John Head" in text and "Sample Participant" in text


def test_without_a_layout_a_certificate_is_still_made_a4_landscape(event):
    """An office that set no layout: the defaults (no logo, no signature), A4 landscape."""
    from workplan.registration import certificates

    services.issue_certificates(event)
    pdf = certificates.single_pdf(Certificate.objects.order_by("pk").first())
    size = pdf_info(pdf)["Page size"]
    assert size.split("pts")[0].split() == ["841.89", "x", "595.276"], size
    assert "Certificate of participation".lower() in pdf_text(pdf).lower()
