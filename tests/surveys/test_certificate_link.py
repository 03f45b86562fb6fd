"""A participant downloads their certificate of participation through their survey link: the
link's page offers it once the office issued it (before and after answering, after the survey
closed, after an anonymous answer), the download carries the link's secret, is rate-limited like
the link, and refuses a bad link with the bad link's page and a link without a certificate with
a clear 404 page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.registration.pdfs import pdf_info, pdf_text
from workplan.registration import services as registration
from workplan.registration.models import Certificate
from workplan.surveys import services
from workplan.surveys.models import Invitation

from .test_respond import GOOD, _issue, answers, text, url

pytestmark = pytest.mark.django_db

OFFER = "Download your certificate of participation"


def download(token: str) -> str:
    return reverse("surveys:respond_certificate", args=[token])


@pytest.fixture
def issued(regional_event):
    """Certificates of the event's participants who attended (all but the expert)."""
    registration.issue_certificates(regional_event)
    return {c.person.email: c for c in Certificate.objects.select_related("person")}


def test_the_link_downloads_the_persons_certificate(client, evaluation, links, regional_event):
    token = links["ana@customs.example"]
    # Not issued yet: nothing offered, the download says why.
    assert OFFER not in text(client.get(url(token)))
    missing = client.get(download(token))
    assert missing.status_code == 404
    assert "There is no certificate of participation for this link" in text(missing)
    registration.issue_certificates(regional_event)
    page = client.get(url(token))
    assert OFFER in text(page)
    assert f'href="{download(token)}"' in page.content.decode()
    response = client.get(download(token))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="certificate-ana-lee.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    info = pdf_info(response.content)
    assert info["Pages"].strip() == "1"
    assert "Ana Lee" in info["Title"] and "Regional workshop on AEO" in info["Title"]
    words = pdf_text(response.content)
    assert "Ana Lee" in words and "Bo Chen" not in words
    ana = Certificate.objects.get(person__email="ana@customs.example")
    assert ana.display_code in words
    # GET only.
    assert client.post(download(token)).status_code == 405


def test_it_stays_after_answering_and_after_the_survey_closed(client, evaluation, links,
                                                              issued):
    token = links["bo@customs.example"]
    assert client.post(url(token), answers(evaluation, **GOOD)).status_code == 302
    assert OFFER in text(client.get(url(token)))
    services.move_survey(evaluation, "closed")
    closed = client.get(url(token))
    assert closed.status_code == 410 and OFFER in text(closed)
    response = client.get(download(token))
    assert response.status_code == 200 and "Bo Chen" in pdf_text(response.content)


def test_an_anonymous_survey_offers_it_after_the_answer(client, regional_event, issued):
    survey, _ = services.create_event_survey(regional_event, "evaluation")
    services.update_survey(survey, anonymous=True)
    services.move_survey(survey, "open")
    raw = _issue(survey.invitations.get(email="chi@customs.example"))
    done = client.post(url(raw), answers(survey, **GOOD))
    assert done.status_code == 200 and OFFER in text(done)
    again = client.get(url(raw))
    assert again.status_code == 410 and OFFER in text(again)
    assert client.get(download(raw)).status_code == 200


def test_bad_links_and_people_without_a_valid_certificate(client, evaluation, links, issued,
                                                          regional_event):
    token = links["dao@customs.example"]
    tampered = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    for bad in (tampered, "not-a-token", "A" * 300):
        response = client.get(download(bad))
        assert response.status_code == 404, bad
        assert "This link is not valid" in text(response)
    # Revoked: neither offered nor downloaded.
    registration.revoke_certificate(issued["dao@customs.example"])
    assert OFFER not in text(client.get(url(token)))
    refused = client.get(download(token))
    assert refused.status_code == 404 and "No certificate" in text(refused)
    # Withdrawn by the erasure of the person's data: the same.
    eli = links["eli@customs.example"]
    assert client.get(download(eli)).status_code == 200
    registration.erase_person(issued["eli@customs.example"].person)
    assert client.get(download(eli)).status_code == 404
    # An invitation that names nobody (an address typed in): nothing to find.
    services.invite(evaluation, [{"email": "guest@customs.example", "name": "Guest"}])
    guest = _issue(Invitation.objects.get(email="guest@customs.example"))
    assert OFFER not in text(client.get(url(guest)))
    assert client.get(download(guest)).status_code == 404
    # A certificate of another event is not this survey's.
    fa = issued["fa@customs.example"]
    other = registration.find_certificate(fa.code)
    other.event = None
    other.save(update_fields=["event"])
    assert client.get(download(links["fa@customs.example"])).status_code == 404


def test_the_download_is_rate_limited_with_the_link(client, evaluation, links, issued,
                                                    settings):
    settings.WORKPLAN_SURVEY_RATE_LIMITS = {"ip": (50, 600), "token": (3, 600)}
    token = links["ana@customs.example"]
    assert client.get(url(token)).status_code == 200
    assert [client.get(download(token)).status_code for _ in range(2)] == [200, 200]
    limited = client.get(download(token))
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "Too many requests" in text(limited)
    assert client.get(url(token)).status_code == 429  # one limit for the link
