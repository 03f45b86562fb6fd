"""Two people changing how the same KPI is counted (issue 8): both open the binding page, the
first saves, the second's save (a measure, or "let the rules decide") is refused with who
changed it and when, and the first's binding stays. Through the real pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.editing import opened_version, signed_in
from workplan.core.concurrency import EditConflict
from workplan.indicators import services
from workplan.indicators.models import Indicator

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]





@pytest.fixture
def counted(seed_plan):
    """ "Number of CB activities undertaken": events held, chosen by the rules."""
    return Indicator.objects.get(action__work_plan=seed_plan, action__code="1-(hh)",
                                 position=1)


def binding(version: int, **changes) -> dict:
    data = {"measure": "events_held", "scope": "action", "direction": "increase",
            "cumulative": "on", "version": version}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_second_of_two_binding_edits_is_refused(editors, counted):
    first, second = (signed_in(user) for user in editors)
    url = reverse("indicators:indicator_binding", args=[counted.pk])
    version = opened_version(first, url)
    assert opened_version(second, url) == version == counted.version

    saved = first.post(url, binding(version, measure="adoption", instrument="hs",
                                    status="implementing", cumulative=None))
    assert saved.status_code == 302
    refused = second.post(url, binding(version, measure="manual", direction="decrease"))
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "This record was changed by first-editor at" in page
    assert "Your changes were not saved" in page
    assert refused.context["form"]["measure"].value() == "manual"  # what they chose, kept
    stored = Indicator.objects.get(pk=counted.pk)
    assert (stored.measure, stored.params, stored.cumulative, stored.direction,
            stored.measure_locked, stored.version) == (
        "adoption", {"instrument": "hs", "status": "implementing", "new": False}, False,
        "increase", True, version + 1)

    # "Let the rules decide" from the stale page is refused too.
    refused = second.post(url, binding(version, rules="1"))
    assert refused.status_code == 409
    assert Indicator.objects.get(pk=counted.pk).measure_locked

    # Reloaded: the first's choice and the new version; saving then works.
    version = opened_version(second, url)
    assert version == stored.version
    assert second.post(url, binding(version, rules="1")).status_code == 302
    stored.refresh_from_db()
    assert (stored.measure, stored.measure_locked, stored.version) == (
        "events_held", False, version + 1)


def test_a_binding_without_its_version_is_refused(editors, counted):
    client = signed_in(editors[0])
    response = client.post(reverse("indicators:indicator_binding", args=[counted.pk]),
                           {k: v for k, v in binding(1, measure="manual").items()
                            if k != "version"})
    assert response.status_code == 400
    assert "version" in response.context["form"].errors
    assert "reload the page" in response.content.decode()
    stored = Indicator.objects.get(pk=counted.pk)
    assert stored.measure == "events_held" and stored.version == counted.version


def test_set_binding_refuses_a_stale_version(counted):
    services.set_binding(counted, measure="manual", params={}, cumulative=True,
                         direction="increase", expected_version=counted.version)
    stale = Indicator.objects.get(pk=counted.pk)
    services.set_binding(counted, measure="events_held", params={}, cumulative=True,
                         direction="decrease")  # no version stated: the current one
    with pytest.raises(EditConflict):
        services.set_binding(stale, measure="manual", params={}, cumulative=False,
                             direction="increase", expected_version=stale.version)
    stored = Indicator.objects.get(pk=counted.pk)
    assert (stored.measure, stored.direction, stored.version) == ("events_held", "decrease",
                                                                 counted.version)


def test_the_second_of_two_target_edits_is_refused(editors, counted):
    from decimal import Decimal

    from workplan.indicators.models import Target

    first, second = (signed_in(user) for user in editors)
    url = reverse("indicators:indicator_targets", args=[counted.pk])
    version = opened_version(first, url)
    assert opened_version(second, url) == version == counted.version
    assert first.post(url, {"fy_target": "40", "q1_target": "8",
                            "version": version}).status_code == 302
    refused = second.post(url, {"fy_target": "10", "version": version})
    assert refused.status_code == 409
    assert "This record was changed by first-editor at" in refused.content.decode()
    assert refused.context["form"]["fy_target"].value() == "10"  # what they typed, kept
    rows = {t.quarter: t.target for t in Target.objects.filter(indicator=counted)}
    assert rows == {0: Decimal("40"), 1: Decimal("8")}
    # A post that does not say which version it was opened with is refused, and says so.
    missing = first.post(url, {"fy_target": "11"})
    assert missing.status_code == 400
    assert "did not say which version" in missing.content.decode()
    # Reloaded, the second's save goes through.
    assert second.post(url, {"fy_target": "10", "version": opened_version(second, url)}
                       ).status_code == 302
    assert Target.objects.get(indicator=counted, quarter=0).target == Decimal("10")


def test_a_stale_target_write_through_the_api_is_409(editors, counted):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(editors[0])
    url = f"/api/v1/indicators/{counted.pk}/targets/"
    version = client.get(f"/api/v1/indicators/{counted.pk}/").json()["version"]
    assert client.post(url, {"fy_target": 40, "version": version},
                       format="json").status_code == 200
    stale = client.post(url, {"fy_target": 5, "version": version}, format="json")
    assert stale.status_code == 409
    stored = client.get(f"/api/v1/indicators/{counted.pk}/").json()
    assert stored["version"] == version + 1
    assert [t["target"] for t in stored["targets"] if t["quarter"] == 0] == ["40.00"]


def test_a_target_changed_in_the_admin_makes_an_open_targets_form_stale(editors, counted,
                                                                       django_user_model):
    from decimal import Decimal

    from tests.editing import opened
    from workplan.indicators.models import Target

    target = Target.objects.create(indicator=counted, fiscal_year=2024, quarter=0,
                                   target=Decimal("5"))
    page = signed_in(editors[0])
    url = reverse("indicators:indicator_targets", args=[counted.pk])
    version = opened_version(page, url)
    root = signed_in(django_user_model.objects.create_superuser("root", "root@x.org", "x"))
    change = reverse("admin:indicators_target_change", args=[target.pk])
    assert root.post(change, {**opened(root, change), "target": ["12"]}).status_code == 302
    refused = page.post(url, {"fy_target": "40", "version": version})
    assert refused.status_code == 409
    assert Target.objects.get(pk=target.pk).target == Decimal("12")
