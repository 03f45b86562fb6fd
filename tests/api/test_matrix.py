"""Every endpoint of the API, as every role: who reads what (out-of-scope objects are 404, lists
hold exactly the user's scope), and that nobody without the right can write anything.

The router is walked, not listed: an endpoint this test does not know (``ROUTES``) fails
``test_every_route_is_in_the_matrix``. The world and the rules are the web matrix's
(tests/test_permission_matrix.py): for each subject an object that is the focal point's or
expert's own ("own"), one of the office ("office") and one of another office in another region
("outside"). The API answers 401 where the web sends to the sign-in page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, reverse
from rest_framework.test import APIClient

from tests.test_permission_matrix import (
    FOCAL_ONLY,
    NOBODY,
    OWN,
    REFUSED_POSTERS,
    ROLES,
    VARIANTS,
    Page,
    _fingerprint,
    expected_get,
)
from workplan.api.auth import issue_token
from workplan.api.urls import router
from workplan.directory.models import Accreditation, Partner

pytestmark = pytest.mark.django_db

ALL_SIGNED_IN = frozenset({"superuser", "admin", "staff", "viewer", "focal_point", "expert",
                           "other_staff"})
STAFF = frozenset({"superuser", "admin", "staff", "other_staff"})


@dataclass(frozen=True)
class Write:
    """A write, with data that would succeed for someone allowed to make it. ``creators``:
    for endpoints without a subject, the roles that may (they are not refused)."""

    data: object = None  # callable(world, variant) -> dict
    creators: frozenset = frozenset()


@dataclass(frozen=True)
class Route:
    subject: str | None = None
    narrow: dict | None = None
    post_only: bool = False  # an action: GET is a 405
    shared: bool = False  # readable by anyone signed in (partners)
    writes: dict = field(default_factory=dict)  # method -> Write


def _event_data(world, variant):
    return {"title": "Sneaked in", "kind": "workshop", "level": "national",
            "start_date": "2025-01-06", "end_date": "2025-01-07", "status": "planned",
            "beneficiaries": [], "version": world.objects["event"][variant].version
            if variant else None}


ROUTES: dict[str, Route] = {
    "api-root": Route(),
    "me-list": Route(),
    # directory
    "office-list": Route(),
    "office-detail": Route("office"),
    "member-list": Route(),
    "member-detail": Route("member"),
    "partner-list": Route(),
    "partner-detail": Route("partner", shared=True),
    "person-list": Route(),
    "person-detail": Route("person", narrow=OWN),
    "accreditation-list": Route(),
    "accreditation-detail": Route("accreditation", narrow=OWN),
    # framework, plans
    "strategicplan-list": Route(),
    "strategicplan-detail": Route("strategic_plan"),
    "objective-list": Route(),
    "objective-detail": Route("objective"),
    "workplan-list": Route(),
    "workplan-detail": Route("plan"),
    "action-list": Route(),
    "action-detail": Route("action"),
    "activity-list": Route(),
    "activity-detail": Route("activity"),
    # delivery
    "request-list": Route(writes={"post": Write(
        lambda w, v: {"member": "LAO", "topic": "Sneaked in"},
        creators=STAFF | {"focal_point"})}),
    "request-detail": Route("request", narrow=FOCAL_ONLY),
    "request-transition": Route("request", post_only=True, writes={"post": Write(
        lambda w, v: {"status": "accepted", "version": w.objects["request"][v].version})}),
    "event-list": Route(writes={"post": Write(_event_data, creators=STAFF)}),
    "event-detail": Route("event", narrow=OWN, writes={
        "patch": Write(lambda w, v: {"title": "Sneaked in",
                                     "version": w.objects["event"][v].version}),
        "put": Write(_event_data)}),
    "event-transition": Route("event", post_only=True, writes={"post": Write(
        lambda w, v: {"status": "cancelled", "version": w.objects["event"][v].version})}),
    "participation-list": Route(writes={"post": Write(
        lambda w, v: {"event": w.objects["event"]["office"].pk,
                      "new_person": {"full_name": "Sam Sneak", "member": "VNM"}},
        creators=STAFF)}),
    "participation-detail": Route("participation", narrow=OWN,
                                  writes={"delete": Write()}),
    # indicators: KPIs and the IPTT for whoever sees the plan; targets and values by staff
    "indicator-list": Route(),
    "indicator-detail": Route("indicator"),
    "indicator-targets": Route("indicator", post_only=True, writes={"post": Write(
        lambda w, v: {"fy_target": 12, "q1_target": 3})}),
    "value-list": Route(writes={"post": Write(
        lambda w, v: {"indicator": w.objects["indicator"]["office"].pk, "on": "2024-11-05",
                      "value": 3, "description": "Sneaked in", "evidence": "x"},
        creators=STAFF)}),
    "value-detail": Route("value"),
    "value-review": Route("value", post_only=True, writes={"post": Write(
        lambda w, v: {"to": "returned", "note": "Sneaked in"})}),
    "iptt-detail": Route("plan"),
    # reports: every exporter, run as the user (its data through ``restrict``)
    "export-list": Route(),
    "export-detail": Route("exporter", shared=True),
    # surveys: office-wide roles only
    "survey-list": Route(),
    "survey-detail": Route("survey", narrow=NOBODY),
    "survey-results": Route("survey", narrow=NOBODY),
    "survey-transition": Route("survey", post_only=True, writes={"post": Write(
        lambda w, v: {"status": "closed" if w.objects["survey"][v].status == "open"
                      else "open"})}),
}


def api_patterns() -> list[tuple[str, URLPattern]]:
    return [(pattern.name, pattern) for pattern in router.urls]


def _subjects(world) -> dict:
    objects = dict(world.objects)
    office = world.objects["plan"]["own"].office
    outside = world.objects["plan"]["outside"].office
    objects["office"] = {"own": office, "office": office, "outside": outside}
    partner = Partner.objects.order_by("pk").first()
    objects["partner"] = dict.fromkeys(VARIANTS, partner)
    objects["exporter"] = dict.fromkeys(VARIANTS, "calendar")  # no parameters
    people = world.objects["person"]
    objects["accreditation"] = {v: Accreditation.objects.filter(person=people[v])
                                .order_by("pk").first() for v in VARIANTS}
    return objects


def url_of(name: str, route: Route, objects: dict, variant: str | None) -> str:
    if route.subject is None:
        return reverse(f"api:{name}")
    obj = objects[route.subject][variant]
    if route.subject == "exporter":
        return reverse(f"api:{name}", kwargs={"identifier": obj})
    kwargs = {"iso3": obj.iso3} if route.subject == "member" else {"pk": obj.pk}
    return reverse(f"api:{name}", kwargs=kwargs)


def expected(route: Route, role: str, variant: str | None) -> frozenset:
    if role == "anonymous":
        return frozenset({401})
    if route.post_only:
        return frozenset({405})
    if route.subject is None or route.shared or role == "superuser":
        return frozenset({200})
    page = Page(route.subject, narrow=route.narrow)
    return expected_get(page, role, variant)


def client_as(world, role: str) -> APIClient:
    api = APIClient()
    if role != "anonymous":
        # A fresh user object per client: nothing cached from another request.
        api.force_authenticate(get_user_model().objects.get(pk=world.users[role].pk))
    return api


# --- the tests ----------------------------------------------------------------------------------


def test_every_route_is_in_the_matrix():
    names = [name for name, _pattern in api_patterns()]
    unknown = sorted(set(names) - set(ROUTES))
    assert not unknown, f"API routes the matrix does not know (add them to ROUTES): {unknown}"
    stale = sorted(set(ROUTES) - set(names))
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"
    for name, pattern in api_patterns():
        route = ROUTES[name]
        params = set(pattern.pattern.regex.groupindex)
        assert bool(params) == (route.subject is not None), name
        # (DRF adds "head" beside "get" once a view has answered a request.)
        methods = set(getattr(pattern.callback, "actions", None) or {"get": "list"})
        writes = methods - {"get", "head"}
        assert set(route.writes) == writes, (
            f"{name}: writes {sorted(writes)} must each have a Write in ROUTES")


def _list_ids(api, url) -> list:
    ids, page = [], f"{url}?page_size=500"
    while page:
        body = api.get(page).json()
        ids += [row.get("id", row.get("iso3")) for row in body["results"]]
        page = body["next"]
    return ids


LIST_MODELS = {
    "office-list": "directory.Office", "member-list": "directory.Member",
    "partner-list": "directory.Partner", "person-list": "directory.Person",
    "accreditation-list": "directory.Accreditation",
    "strategicplan-list": "framework.StrategicPlan", "objective-list": "framework.Objective",
    "workplan-list": "plans.WorkPlan", "action-list": "plans.Action",
    "activity-list": "plans.Activity", "request-list": "delivery.Request",
    "event-list": "delivery.Event", "participation-list": "delivery.Participation",
    "indicator-list": "indicators.Indicator", "value-list": "indicators.Value",
    "survey-list": "surveys.Survey",
}


def scope_of(name: str, model, user) -> set:
    """What a list must hold: ``restrict(user, VIEW)`` (surveys: the office-wide roles'
    surveys, as on the survey pages)."""
    if name == "survey-list":
        from workplan.surveys.views.common import office_surveys

        return set(office_surveys(user).values_list("pk", flat=True))
    key = "iso3" if name == "member-list" else "pk"
    return set(model.objects.restrict(user).values_list(key, flat=True))


def test_matrix(world):
    from django.apps import apps

    objects = _subjects(world)
    wrong = []
    # Reads: every endpoint, every role, every variant.
    for role in ROLES:
        api = client_as(world, role)
        for name, _pattern in api_patterns():
            route = ROUTES[name]
            for variant in (VARIANTS if route.subject else (None,)):
                url = url_of(name, route, objects, variant)
                status = api.get(url).status_code
                want = expected(route, role, variant)
                if status not in want:
                    wrong.append(f"GET {url} as {role} [{variant or '-'}]: {status}, "
                                 f"expected {sorted(want)}")
        # Lists hold exactly what ``restrict`` gives the user.
        if role == "anonymous":
            continue
        user = get_user_model().objects.get(pk=world.users[role].pk)
        for name, label in LIST_MODELS.items():
            model = apps.get_model(label)
            scope = scope_of(name, model, user)
            got = _list_ids(api, reverse(f"api:{name}"))
            if len(got) != len(set(got)) or set(got) != scope:
                wrong.append(f"{name} as {role}: {len(got)} rows, scope has {len(scope)}")
    assert not wrong, "\n  ".join(["reads:", *wrong])

    # Writes: refused (403/404; 401 anonymous) and the database unchanged.
    before = _fingerprint()
    for role in sorted(REFUSED_POSTERS):
        api = client_as(world, role)
        for name, route in ROUTES.items():
            for method, write in route.writes.items():
                if route.subject is None:
                    if role in write.creators:
                        continue
                    variants = (None,)
                else:
                    variants = REFUSED_POSTERS[role]
                for variant in variants:
                    url = url_of(name, route, objects, variant)
                    data = write.data(world, variant) if write.data else None
                    status = getattr(api, method)(url, data, format="json").status_code
                    want = {401} if role == "anonymous" else {403, 404}
                    if status not in want:
                        wrong.append(f"{method.upper()} {url} as {role} [{variant or '-'}]: "
                                     f"{status}")
    # A read-only token of office staff: every write is a 403.
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION="Token " + issue_token(
        world.users["staff"], name="ro", read_only=True)[1])
    assert token.get(reverse("api:me-list")).status_code == 200  # last used: written now
    before = _fingerprint()
    for name, route in ROUTES.items():
        for method, write in route.writes.items():
            variant = "office" if route.subject else None
            url = url_of(name, route, objects, variant)
            data = write.data(world, variant) if write.data else None
            status = getattr(token, method)(url, data, format="json").status_code
            if status != 403:
                wrong.append(f"{method.upper()} {url} with a read-only token: {status}")
    assert not wrong, "\n  ".join(["writes:", *wrong])
    assert _fingerprint() == before, "a refused write changed the database"

    # The same writes by an office admin succeed: the refusals are about rights, not data.
    # (An admin: the value to review was entered by the staff user, who may not review it.)
    staff = client_as(world, "admin")
    for name, route in ROUTES.items():
        for method, write in sorted(route.writes.items(), key=lambda m: m[0] == "delete"):
            variant = "office" if route.subject else None
            for obj in ("event", "request", "survey"):
                world.objects[obj]["office"].refresh_from_db()
            url = url_of(name, route, objects, variant)
            data = write.data(world, variant) if write.data else None
            response = getattr(staff, method)(url, data, format="json")
            assert response.status_code in (200, 201, 204), (method, url, response.json())
    assert _fingerprint() != before


def test_expected_answers_are_what_the_issue_asks():
    assert expected(ROUTES["event-detail"], "focal_point", "office") == {404}
    assert expected(ROUTES["event-detail"], "expert", "own") == {200}
    assert expected(ROUTES["event-detail"], "staff", "outside") == {404}
    assert expected(ROUTES["event-detail"], "anonymous", "own") == {401}
    assert expected(ROUTES["request-detail"], "expert", "own") == {404}
    assert expected(ROUTES["partner-detail"], "expert", "outside") == {200}
    assert dt  # the module's imports are all used
