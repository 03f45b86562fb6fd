"""Reading and changing what is not yours: other offices' records, through the web and the API.

What is covered where (not repeated here):

* tests/test_permission_matrix.py: a GET of every page, for every role (anonymous, superuser,
  admin, staff, viewer, focal point, expert, staff of another office), of the focal point's /
  expert's own object, another of the office and one of an office of another region
  ("outside"); and a POST to every page by the viewer, focal point, expert, other office's
  staff and anonymous on the *office's own* records: refused, database unchanged.
* tests/api/test_matrix.py: the same for every API endpoint (GET, and each route's writes),
  lists holding exactly ``restrict(user)``, read-only tokens.

Added here (what the matrices do not try):

* every state-changing page POSTed by every role, office admins and staff included, on the
  records of another office, both of another region ("outside") and of the same region
  ("sibling", see conftest.py): 404 (anonymous: to the sign-in page), the same answer as for
  an id that does not exist, and nothing changed;
* every page GET, and every API read, of the sibling office's records by the roles of ROCB-AP
  (and the other office's staff): 404 (a POST-only URL: 405 whatever the object); no API list
  holds them;
* every API route's writes (POST actions, PUT, PATCH, DELETE) on the other offices' records:
  404 (anonymous 401), the same as a missing id; methods a route does not have are 405 for
  every object alike;
* creations and edits that name another office, or its activity / action / event / person /
  indicator, in the form or the JSON body: refused, nothing changed;
* API tokens: revoking someone else's token is a 404.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.test_matrix import ROUTES, _subjects, url_of
from tests.security.helpers import SIBLING_PLAN, db_state, state_diff
from tests.test_permission_matrix import PAGES, _fingerprint, app_patterns, post_data, url_for
from workplan.api.auth import issue_token
from workplan.core.models import ApiToken
from workplan.directory.models import Member

pytestmark = pytest.mark.django_db

FOREIGN = ("outside", "sibling")
# Roles of ROCB-AP (and one of the other region's office, for whom "outside" is home).
ROLES = ("anonymous", "admin", "staff", "viewer", "focal_point", "expert", "other_staff")
MISSING_PK = 987654


# Whose refusals are also compared with the answer for an id that does not exist.
COMPARED_WITH_MISSING = "staff"


def foreign_variants(role: str) -> tuple[str, ...]:
    if role == "other_staff":
        return ("sibling",)  # "outside" is their own office
    if role == "anonymous":
        return ("sibling",)  # sent to sign in, whatever the object
    return FOREIGN


def _missing_url(name: str, page, world, variant: str) -> str | None:
    """The same URL with an id that does not exist (None where the subject has no id)."""
    kwargs = dict(page.extra)
    kwargs.update(world.subjects[page.subject][variant])
    if "pk" not in kwargs:
        return None
    kwargs["pk"] = MISSING_PK
    if "link" in kwargs:
        kwargs["link"] = MISSING_PK
    return reverse(name, kwargs=kwargs)


def _client_for(client, world, role):
    client.logout()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def test_posts_on_other_offices_records_are_404_and_change_nothing(client, sec_world):
    world = sec_world
    writes = [(name, PAGES[name]) for name, _pattern in app_patterns()
              if PAGES[name].subject is not None and PAGES[name].kind in ("change", "post")
              and not PAGES[name].public]
    assert len(writes) >= 30  # every state-changing page with an object
    before = _fingerprint()
    wrong, tried = [], 0
    for role in ROLES:
        _client_for(client, world, role)
        for name, page in writes:
            for variant in foreign_variants(role):
                if variant not in world.subjects[page.subject]:
                    continue  # regional reference data: no "sibling" copy
                url = url_for(name, page, world, variant)
                response = client.post(url, post_data(name, world, variant))
                tried += 1
                if role == "anonymous":
                    if response.status_code != 302 or not response["Location"].startswith(
                            reverse("login")):
                        wrong.append(f"{role} POST {name} [{variant}]: {response.status_code}")
                    continue
                if response.status_code != 404:
                    wrong.append(f"{role} POST {name} [{variant}] {url}: "
                                 f"{response.status_code}, expected 404")
                    continue
                missing = _missing_url(name, page, world, variant)
                if missing is not None and role == COMPARED_WITH_MISSING:
                    status = client.post(missing, post_data(name, world, variant)).status_code
                    if status != 404:
                        wrong.append(f"{role} POST {name} with a missing id: {status}")
    assert not wrong, "\n  ".join(["foreign POSTs:", *wrong])
    assert _fingerprint() == before, "a POST on another office's record changed the database"
    assert tried > 5 * len(writes)


def test_reads_of_a_sibling_office_are_404(client, sec_world):
    """The permission matrix reads the other region's office; a sibling office of the same
    region shares the members and strategic plan, but none of its records."""
    world = sec_world
    pages = [(name, PAGES[name]) for name, _pattern in app_patterns()
             if PAGES[name].subject is not None and not PAGES[name].public
             and "sibling" in world.subjects[PAGES[name].subject]]
    wrong = []
    # (Admins and viewers read what staff read; focal points and experts have their narrow
    # scopes, which name their member and their person: the sibling's records are about both.)
    for role in ("staff", "focal_point", "expert", "other_staff"):
        _client_for(client, world, role)
        for name, page in pages:
            url = url_for(name, page, world, "sibling")
            status = client.get(url).status_code
            expected = 405 if page.kind == "post" else 404
            if status != expected:
                wrong.append(f"{role} GET {name} {url}: {status}, expected {expected}")
    assert not wrong, "\n  ".join(["sibling reads:", *wrong])
    # The control: the sibling office's own staff read the same pages.
    from workplan.core.models import Membership

    Membership.objects.create(user=world.users["other_staff"], office=world.sibling,
                              role="staff")
    _client_for(client, world, "other_staff")
    event = world.objects["event"]["sibling"]
    assert client.get(reverse("delivery:event_detail", args=[event.pk])).status_code == 200


def _api(world, role: str) -> APIClient:
    from django.contrib.auth import get_user_model

    api = APIClient()
    if role != "anonymous":
        api.force_authenticate(get_user_model().objects.get(pk=world.users[role].pk))
    return api


def _missing_api_url(name: str) -> str:
    return reverse(f"api:{name}", kwargs={"pk": MISSING_PK})


def test_api_writes_on_other_offices_records_are_404(sec_world):
    world = sec_world
    objects = _subjects(world)
    for subject in ("office", "partner", "exporter", "accreditation"):
        objects[subject].setdefault("sibling", objects[subject]["outside"])
    detail_routes = {name: route for name, route in ROUTES.items()
                     if route.subject is not None and route.subject in world.subjects
                     and "sibling" in world.subjects[route.subject]}
    before = _fingerprint()
    wrong, tried = [], 0
    for role in ROLES:
        api = _api(world, role)
        for name, route in detail_routes.items():
            methods = ("post",) if route.post_only else ("put", "patch", "delete")
            for method in methods:
                for variant in foreign_variants(role):
                    url = url_of(name, route, objects, variant)
                    write = route.writes.get(method)
                    data = write.data(world, variant) if write and write.data else {}
                    status = getattr(api, method)(url, data, format="json").status_code
                    tried += 1
                    if role == "anonymous":
                        expected = 401
                    elif method not in route.writes:
                        expected = 405  # the route has no such method, for any object
                    else:
                        expected = 404
                    if status != expected:
                        wrong.append(f"{role} {method.upper()} {url} [{variant}]: {status}, "
                                     f"expected {expected}")
                    elif expected == 404 and role == COMPARED_WITH_MISSING:
                        missing = getattr(api, method)(_missing_api_url(name), data,
                                                       format="json").status_code
                        if missing != 404:
                            wrong.append(f"{role} {method.upper()} {name} missing id: {missing}")
    assert not wrong, "\n  ".join(["foreign API writes:", *wrong])
    assert _fingerprint() == before, "an API write on another office's record changed data"
    assert tried > 50
    # The control: the same PATCH on the office's own event by its staff works.
    event = world.objects["event"]["office"]
    event.refresh_from_db()
    response = _api(world, "staff").patch(
        reverse("api:event-detail", kwargs={"pk": event.pk}),
        {"title": "Renamed by staff", "version": event.version}, format="json")
    assert response.status_code == 200, response.content


SIBLING_LISTS = {  # list route -> subject whose sibling object must not be in it
    "workplan-list": "plan", "action-list": "action", "activity-list": "activity",
    "request-list": "request", "event-list": "event", "participation-list": "participation",
    "person-list": "person", "indicator-list": "indicator", "value-list": "value",
    "survey-list": "survey",
}


def test_api_reads_of_a_sibling_office_are_404_and_absent_from_lists(sec_world):
    """The API matrix reads the other region's office, and compares lists with ``restrict``
    itself; here the sibling office's records, by id and in every list, with no reference to
    ``restrict``."""
    world = sec_world
    objects = _subjects(world)
    for subject in ("office", "partner", "exporter", "accreditation"):
        objects[subject].setdefault("sibling", objects[subject]["outside"])
    routes = {name: route for name, route in ROUTES.items()
              if route.subject in world.subjects and not route.post_only
              and "sibling" in world.subjects[route.subject]}
    assert len(routes) >= 10
    wrong = []
    for role in ("staff", "viewer", "focal_point", "expert", "other_staff"):
        api = _api(world, role)
        for name, route in routes.items():
            url = url_of(name, route, objects, "sibling")
            status = api.get(url).status_code
            if status != 404:
                wrong.append(f"{role} GET {url}: {status}")
        for name, subject in SIBLING_LISTS.items():
            secret = world.objects[subject]["sibling"].pk
            page = f"{reverse(f'api:{name}')}?page_size=500"
            ids = set()
            while page:
                body = api.get(page).json()
                ids |= {row.get("id") for row in body["results"]}
                page = body.get("next")
            if secret in ids:
                wrong.append(f"{role} {name} lists the sibling office's {subject}")
    assert not wrong, "\n  ".join(["sibling API reads:", *wrong])
    # The control: the lists do hold the office's own records.
    staff = _api(world, "staff")
    ids = {row["id"] for row in staff.get(reverse("api:event-list") + "?page_size=500")
           .json()["results"]}
    assert world.objects["event"]["office"].pk in ids


# --- creations and edits that point at another office ------------------------------------------


def _post_as(client, world, role, name, data, **kwargs):
    _client_for(client, world, role)
    return client.post(reverse(name, kwargs=kwargs or None), data)


def test_web_forms_refuse_another_offices_objects(client, sec_world):
    world = sec_world
    objects = world.objects
    office = objects["plan"]["office"].office
    sibling = world.sibling
    own_event = objects["event"]["office"]
    own_event.refresh_from_db()
    own_request = objects["request"]["office"]
    own_publication = objects["publication"]["office"]
    lao = Member.objects.get(iso3="LAO")
    ken = Member.objects.get(iso3="KEN")
    sib_action, sib_activity = objects["action"]["sibling"], objects["activity"]["sibling"]
    own_action = objects["action"]["office"]
    event_fields = {"title": "Sneaked in", "kind": "workshop", "level": "national",
                    "start_date": "2025-01-06", "end_date": "2025-01-07", "mode": "in_person",
                    "status": "planned", "office_role": "organised"}
    publication_fields = {"kind": "newsletter", "title": "Sneaked in", "date": "2024-10-01"}
    attempts = [
        # (role, URL name, URL kwargs, data)
        ("staff", "delivery:event_create", {}, {**event_fields, "office": sibling.pk}),
        ("staff", "delivery:event_create", {}, {**event_fields, "office": office.pk,
                                                "activity": sib_activity.pk}),
        ("staff", "delivery:event_create", {}, {**event_fields, "office": office.pk,
                                                "actions": [sib_action.pk]}),
        ("staff", "delivery:event_create", {}, {**event_fields, "office": office.pk,
                                                "host_member": ken.pk}),
        ("staff", "delivery:event_update", {"pk": own_event.pk},
         {**event_fields, "version": own_event.version, "actions": [sib_action.pk]}),
        ("staff", "delivery:event_update", {"pk": own_event.pk},
         {**event_fields, "version": own_event.version, "activity": sib_activity.pk}),
        ("staff", "delivery:request_create", {},
         {"office": sibling.pk, "member": lao.pk, "topic": "Sneaked in"}),
        ("staff", "delivery:request_create", {},
         {"office": office.pk, "member": lao.pk, "topic": "Sneaked in",
          "action": sib_action.pk}),
        ("focal_point", "delivery:request_create", {},
         {"office": sibling.pk, "member": lao.pk, "topic": "Sneaked in"}),
        ("staff", "delivery:participation_add", {"pk": own_event.pk},
         {"person": objects["person"]["sibling"].pk, "role": "participant",
          "attended": "on"}),
        ("staff", "delivery:funding_add", {"pk": own_event.pk},
         {"member": ken.pk, "amount": "100", "currency": "USD"}),
        ("staff", "reports:publication_create", {}, {**publication_fields,
                                                     "office": sibling.pk}),
        ("staff", "reports:publication_create", {}, {**publication_fields, "office": office.pk,
                                                     "actions": [sib_action.pk]}),
        ("staff", "reports:publication_update", {"pk": own_publication.pk},
         {**publication_fields, "actions": [sib_action.pk],
          "version": own_publication.version}),
        ("staff", "surveys:survey_create", {}, {"office": sibling.pk, "kind": "custom",
                                               "fiscal_year": 2024, "title": "Sneaked in"}),
        ("admin", "plans:workplan_import", {}, {"office": sibling.pk}),  # file added below
    ]
    wrong = []
    everything = _fingerprint()
    for role, name, kwargs, data in attempts:
        if name == "plans:workplan_import":
            from django.core.files.uploadedfile import SimpleUploadedFile

            data = {**data, "file": SimpleUploadedFile("plan.txt", SIBLING_PLAN.encode())}
        before = db_state()
        response = _post_as(client, world, role, name, data, **kwargs)
        changed = state_diff(before, db_state())
        success = response.status_code == 302 and not _has_error_message(client, response)
        if changed or success:
            wrong.append(f"{role} {name} {sorted(data)}: {response.status_code} {changed}")
    assert _fingerprint() == everything
    # Scheduling an accepted request of the office as the sibling office's event.
    _post_as(client, world, "staff", "delivery:request_transition",
             {"status": "accepted", "version": own_request.version}, pk=own_request.pk)
    own_request.refresh_from_db()
    assert own_request.status == "accepted"
    before = db_state()
    _post_as(client, world, "staff", "delivery:request_transition",
             {"status": "scheduled", "version": own_request.version,
              "event": objects["event"]["sibling"].pk}, pk=own_request.pk)
    own_request.refresh_from_db()
    if own_request.status != "accepted" or state_diff(before, db_state()):
        wrong.append("staff scheduled a request as another office's event")
    assert not wrong, "\n  ".join(["forms took another office's objects:", *wrong])

    # A focal point's member is fixed: another member posted is ignored, never used.
    from workplan.delivery.models import Request

    vnm = Member.objects.get(iso3="VNM")
    vnm_requests = Request.objects.filter(member=vnm).count()
    _post_as(client, world, "focal_point", "delivery:request_create",
             {"office": office.pk, "member": vnm.pk, "topic": "For someone else"})
    assert Request.objects.filter(member=vnm).count() == vnm_requests
    assert Request.objects.get(topic="For someone else").member == lao

    # Records cannot be moved to another office by posting an "office" with an edit.
    own_event.refresh_from_db()
    _post_as(client, world, "staff", "delivery:event_update",
             {**event_fields, "office": sibling.pk, "version": own_event.version,
              "title": "Moved?"}, pk=own_event.pk)
    _post_as(client, world, "staff", "reports:publication_update",
             {**publication_fields, "office": sibling.pk, "title": "Moved?",
              "version": own_publication.version}, pk=own_publication.pk)
    own_event.refresh_from_db()
    own_publication.refresh_from_db()
    assert own_event.office_id == office.pk and own_publication.office_id == office.pk
    # (the edits themselves were accepted: only the office was ignored)
    assert own_event.title == "Moved?" and own_publication.title == "Moved?"

    # The control: the same creation with the office's own action succeeds.
    count = own_action.event_links.count()
    response = _post_as(client, world, "staff", "delivery:event_create",
                        {**event_fields, "office": office.pk, "actions": [own_action.pk]})
    assert response.status_code == 302 and own_action.event_links.count() == count + 1


def _has_error_message(client, response) -> bool:
    """A redirect that carries an error message (e.g. "choose a person of the office")."""
    from django.contrib.messages import constants

    page = client.get(response["Location"])
    return any(m.level == constants.ERROR for m in page.context["messages"]) \
        if page.context and "messages" in page.context else False


def test_api_bodies_refuse_another_offices_objects(sec_world):
    world = sec_world
    objects = world.objects
    office = objects["plan"]["office"].office
    own_event = objects["event"]["office"]
    own_event.refresh_from_db()
    event_body = {"title": "Sneaked in", "kind": "workshop", "level": "national",
                  "start_date": "2025-01-06", "end_date": "2025-01-07"}
    sib = {name: objects[name]["sibling"] for name in ("event", "action", "activity",
                                                        "person", "indicator")}
    own_request = objects["request"]["office"]
    attempts = [
        ("post", reverse("api:event-list"), {**event_body, "office": world.sibling.pk}),
        ("post", reverse("api:event-list"), {**event_body, "office": office.pk,
                                             "activity": sib["activity"].pk}),
        ("post", reverse("api:event-list"), {**event_body, "office": office.pk,
                                             "actions": [sib["action"].pk]}),
        ("post", reverse("api:event-list"), {**event_body, "office": office.pk,
                                             "beneficiaries": ["KEN"]}),
        ("patch", reverse("api:event-detail", kwargs={"pk": own_event.pk}),
         {"actions": [sib["action"].pk], "version": own_event.version}),
        ("patch", reverse("api:event-detail", kwargs={"pk": own_event.pk}),
         {"activity": sib["activity"].pk, "version": own_event.version}),
        ("post", reverse("api:request-list"), {"office": world.sibling.pk, "member": "LAO",
                                               "topic": "Sneaked in"}),
        ("post", reverse("api:request-list"), {"office": office.pk, "member": "LAO",
                                               "topic": "Sneaked in",
                                               "activity": sib["activity"].pk}),
        ("post", reverse("api:participation-list"), {"event": sib["event"].pk,
                                                     "new_person": {"full_name": "Sam"}}),
        ("post", reverse("api:participation-list"),
         {"event": objects["event"]["outside"].pk, "new_person": {"full_name": "Sam"}}),
        ("post", reverse("api:participation-list"), {"event": own_event.pk,
                                                     "person": sib["person"].pk}),
        ("post", reverse("api:value-list"), {"indicator": sib["indicator"].pk,
                                             "on": "2024-11-05", "value": 3,
                                             "description": "Sneaked in", "evidence": "x"}),
        ("post", reverse("api:request-transition", kwargs={"pk": own_request.pk}),
         {"status": "scheduled", "event": sib["event"].pk, "version": own_request.version}),
    ]
    api = _api(world, "staff")
    before = _fingerprint()
    wrong = []
    for method, url, body in attempts:
        response = getattr(api, method)(url, body, format="json")
        if response.status_code not in (400, 404):
            wrong.append(f"{method.upper()} {url} {body}: {response.status_code}")
    assert not wrong, "\n  ".join(["API bodies took another office's objects:", *wrong])
    assert _fingerprint() == before
    # A focal point files for their own member only.
    focal = _api(world, "focal_point")
    response = focal.post(reverse("api:request-list"), {"member": "VNM", "topic": "Not mine"},
                          format="json")
    assert response.status_code == 400 and "member" in response.json(), response.json()
    assert _fingerprint() == before
    # An event cannot be moved to another office by naming it in a change.
    response = api.patch(reverse("api:event-detail", kwargs={"pk": own_event.pk}),
                         {"office": world.sibling.pk, "title": "Moved?",
                          "version": own_event.version}, format="json")
    own_event.refresh_from_db()
    assert own_event.office_id == office.pk, response.status_code
    # The control: a good body is accepted.
    response = api.post(reverse("api:participation-list"),
                        {"event": own_event.pk, "new_person": {"full_name": "Sam Good"}},
                        format="json")
    assert response.status_code == 201, response.content


def test_someone_elses_token_cannot_be_revoked(client, sec_world):
    world = sec_world
    token, _raw = issue_token(world.users["staff"], name="staff's")
    for role in ("admin", "viewer", "other_staff"):
        _client_for(client, world, role)
        response = client.post(reverse("core:token_revoke"), {"token": token.pk})
        assert response.status_code == 404, role
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    _client_for(client, world, "staff")
    assert client.post(reverse("core:token_revoke"), {"token": token.pk}).status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
