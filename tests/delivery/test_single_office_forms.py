"""The office field of the request and event forms, hidden when the user has one office,
carries that office: a form posted as the browser renders it is valid (the hidden input was
empty before, so a focal point could not file a request, nor staff record an event, through
the web page; found by tests/browser/test_journeys_e2e.py)."""

import pytest
from django.urls import reverse

from workplan.delivery.forms import EventForm, RequestForm
from workplan.delivery.models import Event, Request
from workplan.directory.models import Member

pytestmark = pytest.mark.django_db


def test_request_form_carries_the_single_office(make_user, office):
    lao = Member.objects.get(iso3="LAO")
    focal = make_user("focal_point", member=lao)
    form = RequestForm(user=focal, instance=Request())
    assert form["office"].value() == office.pk
    assert f'value="{office.pk}"' in str(form["office"])


def test_event_form_carries_the_single_office(make_user, office):
    form = EventForm(user=make_user("staff"), instance=Event())
    assert form["office"].value() == office.pk


def test_focal_point_files_with_the_form_as_rendered(client, make_user, office):
    lao = Member.objects.get(iso3="LAO")
    client.force_login(make_user("focal_point", member=lao))
    page = client.get(reverse("delivery:request_create"))
    assert f'name="office" value="{office.pk}"' in page.content.decode()
    response = client.post(reverse("delivery:request_create"),
                           {"office": office.pk, "topic": "Rendered as hidden"})
    assert response.status_code == 302
    assert Request.objects.get(topic="Rendered as hidden").office == office
