"""A certificate outlives its participation: removed from the event, the event deleted, the
person's data erased, two records of one person merged, the certificate stays, withdrawn, and
its printed code answers "withdrawn on <date>" and nothing more. A withdrawn certificate is
never printed, downloaded, e-mailed, revoked or issued again."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from workplan.delivery.models import Event, Participation
from workplan.delivery.services import record_event, remove_participation
from workplan.directory.models import Person
from workplan.registration import services
from workplan.registration.models import Certificate

from .pdfs import HOSTILE, pdf_info, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    cache.clear()  # the verification page is rate-limited
    settings.MEDIA_ROOT = tmp_path / "media"


def certificate_of(participation) -> Certificate:
    return Certificate.objects.get(participation=participation)


def verify(certificate):
    """The verification page as anyone opens it (no session, no message left for staff)."""
    return Client().get(reverse("registration:verify", args=[certificate.code]))


def says_withdrawn_and_nothing_more(response, certificate, *secrets):
    page = response.content.decode()
    assert response.status_code == 410
    day = date_format(timezone.localtime(certificate.withdrawn_at), "j F Y")
    assert f"This certificate was withdrawn on {day}" in page
    assert "Valid certificate" not in page and certificate.display_code not in page
    for secret in secrets:
        assert secret not in page, secret


def test_removing_a_participation_keeps_its_certificate_withdrawn(as_staff, workshop,
                                                                  django_capture_on_commit_callbacks):
    services.issue_certificates(workshop)
    sione = certificate_of(workshop.people["Sione Tupou"])
    person = sione.person
    # Staff remove Sione from the participants (the delivery page's button).
    response = as_staff.post(reverse("delivery:participation_remove",
                                     args=[workshop.people["Sione Tupou"].pk]))
    assert response.status_code == 302
    sione.refresh_from_db()
    assert sione.participation is None and sione.withdrawn_at is not None
    assert sione.withdrawal_reason == Certificate.Withdrawal.REMOVED
    assert (sione.event, sione.person, sione.full_name) == (workshop, person, "Sione Tupou")
    says_withdrawn_and_nothing_more(verify(sione), sione, "Sione",
                                    "Sub-regional workshop on AEO", "March 2025")
    # The event's page lists it as withdrawn, without a button to print or change it.
    page = as_staff.get(reverse("registration:event_certificates",
                                args=[workshop.pk])).content.decode()
    assert "Withdrawn certificates" in page and sione.display_code in page
    assert reverse("registration:certificate_pdf", args=[sione.pk]) not in page
    assert reverse("registration:certificate_revoke", args=[sione.pk]) not in page
    # Never printed again: not alone, not in the event's PDF.
    response = as_staff.get(reverse("registration:certificate_pdf", args=[sione.pk]),
                            follow=True)
    assert f"The certificate {sione.display_code} was withdrawn: it is not printed." in \
        response.content.decode()
    pdf = as_staff.get(reverse("registration:event_certificates_pdf", args=[workshop.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf_info(pdf.content)["Pages"].strip() == "1"
    text = pdf_text(pdf.content)
    assert HOSTILE in text and "Sione" not in text
    # Never e-mailed (Sione was the only one with an address), revoked or issued again.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.email_certificates(workshop) == {"sent": 0, "without_email": 1}
    assert mail.outbox == []
    assert services.send_certificates(workshop.pk, [sione.pk]) == 0
    for step in (services.revoke_certificate, services.reissue_certificate):
        with pytest.raises(services.CertificateError, match="was withdrawn on"):
            step(sione)
    response = as_staff.post(reverse("registration:certificate_reissue", args=[sione.pk]),
                             follow=True)
    assert "was withdrawn on" in response.content.decode()
    sione.refresh_from_db()
    assert sione.revoked_at is None and sione.withdrawn_at is not None
    # Recorded again: a new certificate, a new code; the old code still says withdrawn.
    again = Participation.objects.create(event=workshop, person=person, role="participant",
                                         attended=True)
    assert services.issue_certificates(workshop) == 1
    fresh_one = certificate_of(again)
    assert fresh_one.code != sione.code and fresh_one.is_valid
    assert verify(fresh_one).status_code == 200
    assert verify(sione).status_code == 410


def test_a_participation_removed_by_the_service_and_the_event_deleted(workshop):
    """Whatever removes the participation (the service the API calls, an event deleted by an
    operator): the certificate stays withdrawn; one withdrawn before keeps its date."""
    services.issue_certificates(workshop)
    sione = certificate_of(workshop.people["Sione Tupou"])
    other = certificate_of(workshop.people[HOSTILE])
    services.revoke_certificate(other)  # revoked, then its participation removed
    remove_participation(workshop.people[HOSTILE])
    other.refresh_from_db()
    assert other.withdrawn_at is not None and other.revoked_at is not None
    says_withdrawn_and_nothing_more(verify(other), other, "Zoë")
    first_withdrawal = other.withdrawn_at
    Event.objects.get(pk=workshop.pk).delete()
    sione.refresh_from_db()
    other.refresh_from_db()
    assert sione.event is None and sione.participation is None
    assert sione.withdrawal_reason == Certificate.Withdrawal.REMOVED
    assert other.withdrawn_at == first_withdrawal  # not withdrawn twice
    says_withdrawn_and_nothing_more(verify(sione), sione, "Sione")


def test_erasure_withdraws_every_certificate_of_the_person_and_forgets_the_name(client, workshop,
                                                                              office):
    """Erasure reaches the person's certificates through the person, so a certificate
    withdrawn before (its participation gone) loses the name too; the registration link of
    an erased registrant downloads nothing."""
    registration = services.register(workshop, full_name="Sione Tupou",
                                     email="sione@customs.example", gender="female",
                                     source="staff")
    registration = services.confirm_registration(registration)  # the same person (by e-mail)
    ticket = services.mint_ticket(registration)  # the link the confirmation e-mail carries
    registration.save(update_fields=["ticket_hash"])
    services.issue_certificates(workshop)
    participation = workshop.people["Sione Tupou"]
    person = participation.person
    current = certificate_of(participation)
    url = reverse("registration:ticket", args=[ticket])
    assert client.get(url, {"download": "certificate"}).status_code == 200
    # An older event of Sione's, its participation removed since: withdrawn, name kept.
    older = record_event(office=office, title="National workshop on risk", kind="workshop",
                         level="national", start_date=dt.date(2024, 9, 2),
                         end_date=dt.date(2024, 9, 4), status="held")
    gone = Participation.objects.create(event=older, person=person, attended=True)
    services.issue_certificates(older)
    removed = certificate_of(gone)
    gone.delete()
    removed.refresh_from_db()
    assert removed.full_name == "Sione Tupou" and removed.withdrawn_at is not None
    before = removed.withdrawn_at
    exported = services.person_data(person)["certificates"]
    assert {c["code"] for c in exported} == {current.display_code, removed.display_code}
    assert {c["withdrawal_reason"] for c in exported} == {None, "removed"}

    services.erase_person(person)
    current.refresh_from_db()
    removed.refresh_from_db()
    for certificate in (current, removed):
        assert "Sione" not in certificate.full_name
        says_withdrawn_and_nothing_more(verify(certificate), certificate, "Sione",
                                        "workshop")
    assert current.withdrawal_reason == Certificate.Withdrawal.ERASED
    assert (removed.withdrawal_reason, removed.withdrawn_at) == ("removed", before)
    response = client.get(url, {"download": "certificate"})
    assert response.status_code == 404 and "No certificate yet" in response.content.decode()
    assert services.issue_certificates(workshop) == 0  # the erased person gets none again


def test_merging_two_records_keeps_every_code_answering(workshop, office):
    """Two records of one person at one event: the removed record's certificate goes to the
    kept participation if that has none, else it is withdrawn as a duplicate; certificates
    follow the kept person."""
    kept = workshop.people["Sione Tupou"]
    duplicate = Person.objects.create(office=office, full_name="Sione TUPOU", gender="female",
                                      member=kept.member)
    dup_here = Participation.objects.create(event=workshop, person=duplicate, attended=True)
    services.issue_certificates(workshop)
    later = record_event(office=office, title="Regional meeting", kind="meeting",
                         level="regional", start_date=dt.date(2025, 6, 2),
                         end_date=dt.date(2025, 6, 3), status="held")
    kept_later = Participation.objects.create(event=later, person=kept.person, attended=False)
    dup_later = Participation.objects.create(event=later, person=duplicate, attended=True)
    services.issue_certificates(later)
    assert not Certificate.objects.filter(participation=kept_later).exists()
    twin, moving = certificate_of(dup_here), certificate_of(dup_later)

    merge = services.merge_people(kept.person, duplicate)
    twin.refresh_from_db()
    moving.refresh_from_db()
    assert sorted(merge.moved["certificates"]) == sorted([twin.pk, moving.pk])
    assert twin.withdrawal_reason == Certificate.Withdrawal.DUPLICATE
    assert twin.person == kept.person and twin.participation is None
    says_withdrawn_and_nothing_more(verify(twin), twin, "Sione")
    assert moving.participation == kept_later and moving.person == kept.person
    assert moving.is_valid and moving.full_name == "Sione TUPOU"  # as printed
    assert verify(moving).status_code == 200
    assert verify(certificate_of(kept)).status_code == 200


def test_the_migration_names_each_certificates_event_and_person(workshop):
    """Certificates issued before this change get their event and person from their
    participation; one of an erased person (revoked by erasure until now) is withdrawn."""
    fill = importlib.import_module(
        "workplan.registration.migrations.0005_certificates_outlive_participation").fill
    services.issue_certificates(workshop)
    person = workshop.people[HOSTILE].person
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now())
    erased = certificate_of(workshop.people[HOSTILE])
    services.revoke_certificate(erased)
    Certificate.objects.update(event=None, person=None)
    fill(apps, None)
    by_name = {c.full_name: c for c in Certificate.objects.all()}
    sione, erased = by_name["Sione Tupou"], by_name[HOSTILE]
    assert (sione.event, sione.person) == (workshop, workshop.people["Sione Tupou"].person)
    assert sione.is_valid
    assert erased.person == person and erased.withdrawal_reason == "erased"
    assert erased.withdrawn_at == erased.revoked_at
