"""The Django admin is for the installation's operators (superusers) only: every admin URL, as
every other role of two offices, is a redirect to the admin's sign-in page, and nothing is
written.

The URLs are walked, not listed: every model registered with ``admin.site`` (a model
registered tomorrow is walked too) and every URL pattern of its ModelAdmin (changelist, add,
change, history, django-simple-history's history records, delete, and any a ModelAdmin adds,
such as a user's password form), plus the site's own (index, app indexes, autocomplete for
every foreign key between registered models, password change, jsi18n, "view on site", the
catch-all). Each is asked by GET and by POST, the POST carrying what would succeed for an
operator (the add and change forms as the operator's browser would post them, the delete
confirmation, the changelist's bulk delete). A pattern this walk does not know how to fill
fails it, as does a registered model without a row to open.

The world is the security tests' (``sec_world``: ROCB-AP with a demonstration year, an office
of another region, a sibling office of the same region), plus a user of every role in the
other office, a former office admin who still has ``is_staff`` and every model permission
(as the old role groups gave), and a row of each registered model the world lacks. The
operator's control: the same pages answer them 200, and their POST of a change form writes.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, reverse

from tests.editing import opened
from workplan.core.models import Membership, Role

pytestmark = pytest.mark.django_db

OFFICES = {"AP": "ROCB-AP", "ESA": "ROCB-ESA"}
NON_OPERATORS = [f"{office}-{role}" for office in OFFICES
                 for role in ("admin", "staff", "focal_point", "expert", "viewer")] \
    + ["AP-former_staff", "no-role"]
LOGIN = "/admin/login/"


# --- the world -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def walk_users(_module_world, django_db_blocker):
    """The users of the walk (by name) and the rows the security world lacks. Created inside
    the module's transaction, so they go with it."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from workplan.directory.models import Member, Office
    from workplan.indicators.models import Indicator, Instrument, Target
    from workplan.surveys.models import Question, Response

    world = _module_world
    with django_db_blocker.unblock():
        User = get_user_model()
        users = {"operator": world.users["superuser"],
                 "AP-admin": world.users["admin"], "AP-staff": world.users["staff"],
                 "AP-viewer": world.users["viewer"], "AP-expert": world.users["expert"],
                 "AP-focal_point": world.users["focal_point"],
                 "ESA-staff": world.users["other_staff"]}
        esa = Office.objects.get(code=OFFICES["ESA"])
        ken = Member.objects.get(iso3="KEN")
        for role in ("admin", "viewer", "expert", "focal_point"):
            user = User.objects.create_user(f"walk-esa-{role}")
            Membership.objects.create(user=user, office=esa, role=role,
                                      member=ken if role == "focal_point" else None)
            users[f"ESA-{role}"] = user
        # What the old ``assign_role`` gave an office admin, and never took back.
        former = User.objects.create_user("walk-former-staff", is_staff=True)
        former.user_permissions.set(Permission.objects.all())
        group = Group.objects.create(name="Office admins")
        group.permissions.set(Permission.objects.all())
        former.groups.add(group)
        Membership.objects.create(user=former, office=world.objects["event"]["office"].office,
                                  role=Role.VIEWER)
        users["AP-former_staff"] = former
        users["no-role"] = User.objects.create_user("walk-no-role")

        # Rows of registered models the world has none of.
        indicator = Indicator.objects.filter(action__work_plan=world.objects["plan"]["office"]) \
            .order_by("pk").first()
        Target.objects.create(indicator=indicator, fiscal_year=2024, quarter=0, target=5)
        Target.objects.create(indicator=world.objects["indicator"]["outside"], fiscal_year=2024,
                              quarter=0, target=3)
        survey = world.objects["survey"]["outside"]
        Response.objects.create(survey=survey, member=ken)
        # Records created in bulk have no history yet: saving one gives it its first.
        Instrument.objects.order_by("pk").first().save()
        Question.objects.order_by("pk").first().save()
        AccessAttempt.objects.create(username="walk-no-role", ip_address="192.0.2.1",
                                     user_agent="test", failures_since_start=1)
        # A queued task of the database backend (django-tasks-db registers its results).
        from django_tasks_db.models import DBTaskResult, get_date_max

        DBTaskResult.objects.create(
            args_kwargs={"args": [1], "kwargs": {}}, backend_name="default",
            task_path="workplan.notifications.tasks.send_notification",
            queue_name="default", run_after=get_date_max(), exception_class_path="",
            traceback="")
        AccessLog.objects.create(username="walk-no-role", ip_address="192.0.2.1",
                                 user_agent="test")
        AccessFailureLog.objects.create(username="walk-no-role", ip_address="192.0.2.1",
                                        user_agent="test")
    return users


def _object_of(model):
    """The row whose pages the walk opens: one that has a history record if the model keeps
    history (so the history record's page has something to show), else the newest."""
    history = getattr(model._meta, "simple_history_manager_attribute", None)
    if history:
        record = getattr(model, history).order_by("-history_id").first()
        if record is not None:
            obj = model._base_manager.filter(
                pk=getattr(record, model._meta.pk.attname)).first()
            if obj is not None:
                return obj, record.history_id
    return model._base_manager.order_by("-pk").first(), None


def _fill(pattern, values: list) -> str:
    """The path of ``pattern`` with its parameters filled in order from ``values``."""
    text = str(pattern.pattern)
    if text.startswith("^"):  # a regex pattern (django-simple-history's, the app indexes)
        text = text[1:].removesuffix("$")
        parts = re.split(r"\((?:\?P<\w+>)?[^)]*\)", text)
        assert len(parts) - 1 <= len(values), f"cannot fill {pattern.pattern!r}"
        return "".join(part + (str(values[i]) if i < len(parts) - 1 else "")
                       for i, part in enumerate(parts))
    parts = re.split(r"<[^>]+>", text)
    assert len(parts) - 1 <= len(values), f"cannot fill {pattern.pattern!r}"
    return "".join(part + (str(values[i]) if i < len(parts) - 1 else "")
                   for i, part in enumerate(parts))


def model_urls() -> list[tuple[str, str, str]]:
    """(model label, pattern name, URL) for every URL pattern of every registered ModelAdmin."""
    urls, missing = [], []
    for model, model_admin in admin.site._registry.items():
        obj, history_id = _object_of(model)
        if obj is None:
            missing.append(model._meta.label)
            continue
        prefix = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for pattern in model_admin.urls:
            assert isinstance(pattern, URLPattern), pattern
            text = str(pattern.pattern)
            if "history/" in text and text.count("(") + text.count("<") == 2:
                if history_id is None:
                    missing.append(f"{model._meta.label} (a history record)")
                    continue
                values = [obj.pk, history_id]
            else:
                values = [obj.pk]
            urls.append((model._meta.label, pattern.name or "redirect to change",
                         prefix + _fill(pattern, values)))
    assert not missing, f"no row to walk for: {', '.join(missing)} (add one to walk_users)"
    return urls


def autocomplete_queries() -> list[dict]:
    """The autocomplete's query for every foreign key between registered models."""
    queries = []
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            if (field.many_to_one or field.many_to_many) and not field.auto_created \
                    and field.related_model in admin.site._registry:
                queries.append({"app_label": model._meta.app_label,
                                "model_name": model._meta.model_name,
                                "field_name": field.name, "term": "a"})
    return queries


def site_urls() -> list[tuple[str, str, str]]:
    """(what, pattern name, URL) for the site's own patterns (not the models')."""
    urls = []
    some_person = apps.get_model("directory", "Person").objects.order_by("pk").first()
    labels = sorted({model._meta.app_label for model in admin.site._registry})
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLResolver):
            continue  # a model's: model_urls()
        name = pattern.name
        if name == "login":
            continue  # the sign-in page itself: test_admin_sign_in_refuses_non_operators
        if name == "autocomplete":
            for query in autocomplete_queries():
                url = "/admin/autocomplete/?" + "&".join(f"{k}={v}" for k, v in query.items())
                urls.append(("site", name, url))
        elif name == "view_on_site":
            content_type = ContentType.objects.get_for_model(some_person)
            urls.append(("site", name, "/admin/" + _fill(pattern, [content_type.pk,
                                                                    some_person.pk])))
        elif name == "app_list":
            urls += [("site", name, f"/admin/{label}/") for label in labels]
        elif name is None:  # the catch-all
            urls.append(("site", "catch-all", "/admin/no-such-page/"))
        else:
            assert not pattern.pattern.converters and "(" not in str(pattern.pattern), \
                f"the walk does not know how to fill the admin URL {name!r}"
            urls.append(("site", name, "/admin/" + _fill(pattern, [])))
    return urls


# --- what a POST carries ------------------------------------------------------------------------


def post_payloads(operator) -> dict[str, dict]:
    """For every URL of the walk, what the operator would POST there to change something."""
    client = Client()
    client.force_login(operator)
    payloads = {}
    for label, name, url in model_urls():
        if name.endswith("_changelist"):
            obj, _ = _object_of(apps.get_model(label))
            payloads[url] = {"action": "delete_selected", "_selected_action": [str(obj.pk)],
                             "post": "yes"}
        elif name.endswith("_delete"):
            payloads[url] = {"post": "yes"}
        elif name.endswith(("_add", "_change", "_simple_history", "_password_change")):
            if client.get(url).status_code == 200:  # some are read-only even to operators
                payloads[url] = opened(client, url)
    payloads["/admin/password_change/"] = {"old_password": "unused-pw-1",
                                           "new_password1": "a-new-Passw0rd-42",
                                           "new_password2": "a-new-Passw0rd-42"}
    return payloads


def snapshot() -> str:
    """A digest of every row of every table (sessions apart: signing in writes one)."""
    digest = hashlib.sha256()
    for model in apps.get_models(include_auto_created=True):
        if model is Session or model._meta.proxy:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        digest.update(f"{model._meta.label}:{rows!r}".encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def walk(walk_users, django_db_blocker):
    """Every URL of the walk, and what a POST to it carries."""
    with django_db_blocker.unblock():
        urls = model_urls() + site_urls()
        return urls, post_payloads(walk_users["operator"])


# --- the tests ----------------------------------------------------------------------------------


def test_the_walk_covers_every_registered_model_and_kind_of_page(sec_world, walk):
    urls, payloads = walk
    walked = {label for label, _name, _url in urls}
    assert walked >= {model._meta.label for model in admin.site._registry}
    assert len(admin.site._registry) >= 29
    names = {name for _label, name, _url in urls}
    for kind in ("_changelist", "_add", "_change", "_history", "_simple_history", "_delete"):
        assert any(name.endswith(kind) for name in names), kind
    for name in ("index", "autocomplete", "password_change", "app_list", "catch-all",
                 "auth_user_password_change", "directory_person_simple_history"):
        assert name in names, name
    # the POSTs carry real forms: the person's change form names the person
    person = next(url for label, name, url in urls if name == "directory_person_change")
    assert payloads[person]["full_name"][0]


@pytest.mark.parametrize("who", NON_OPERATORS)
def test_every_admin_url_refuses_non_operators_and_writes_nothing(sec_world, walk_users, walk,
                                                                  who):
    urls, payloads = walk
    user = walk_users[who]
    client = Client()
    client.force_login(user)
    before = snapshot()
    wrong = []
    for _label, name, url in urls:
        for method in ("get", "post"):
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, payloads.get(url, {}))
            location = response.get("Location", "")
            expected = "/admin/" if name == "logout" else LOGIN
            if response.status_code != 302 or not location.startswith(expected):
                wrong.append(f"{method.upper()} {url} ({name}): {response.status_code} "
                             f"{location}")
    assert not wrong, f"as {who}:\n  " + "\n  ".join(wrong)
    assert snapshot() == before, f"as {who}, the admin wrote something"
    # still signed in to the app, with what the role gives there
    assert client.get(reverse("core:home")).wsgi_request.user == user


def test_operators_get_every_page(sec_world, walk_users, walk):
    """The control: the walk's pages open for an operator, so the refusals above are the
    gate's, not broken URLs."""
    urls, _payloads = walk
    client = Client()
    client.force_login(walk_users["operator"])
    wrong = []
    for _label, name, url in urls:
        if not name.endswith(("_changelist", "_change", "_history", "_simple_history")) \
                and name not in ("index", "app_list", "password_change"):
            continue
        status = client.get(url).status_code
        if status != 200:
            wrong.append(f"{url} ({name}): {status}")
    assert not wrong, "\n  ".join(["pages an operator cannot open:", *wrong])
    request = RequestFactory().get("/admin/")
    request.user = walk_users["operator"]
    for label, name, url in urls:
        if name.endswith("_add"):
            # imported plans and respondents' records have no add form, even for operators
            may_add = admin.site._registry[apps.get_model(label)].has_add_permission(request)
            assert client.get(url).status_code == (200 if may_add else 403), url
    found = client.get("/admin/autocomplete/", {"app_label": "directory", "model_name": "person",
                                                "field_name": "member", "term": "Lao"})
    assert found.status_code == 200
    assert [row["text"] for row in found.json()["results"]][:1] == \
        ["Lao PDR"]


def test_an_operator_s_post_writes(sec_world, walk_users, walk):
    """The control of "nothing written": the very payloads the others posted change the
    database when an operator posts them."""
    urls, payloads = walk
    person = next(url for label, name, url in urls if name == "directory_person_change")
    client = Client()
    client.force_login(walk_users["operator"])
    before = snapshot()
    data = {**payloads[person], "full_name": ["Renamed by the operator"]}
    response = client.post(person, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert snapshot() != before
    Person = apps.get_model("directory", "Person")
    assert Person.objects.filter(full_name="Renamed by the operator").count() == 1


def test_admin_sign_in_refuses_non_operators(sec_world, walk_users):
    """The admin's sign-in page: a signed-in office admin is told they are not authorised;
    signing in there with an office admin's password is refused with a clear message, and
    does not sign them in."""
    from tests.conftest import TEST_PASSWORD

    User = get_user_model()  # fresh copies: the module's users keep their passwords
    user = User.objects.get(pk=walk_users["AP-former_staff"].pk)
    user.set_password(TEST_PASSWORD)
    user.save()
    client = Client()
    response = client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD,
                                   "next": "/admin/"})
    assert response.status_code == 200
    assert "for the installation&#x27;s operators only" in response.content.decode()
    assert "_auth_user_id" not in client.session
    client.force_login(user)
    page = client.get(LOGIN)
    assert page.status_code == 200 and "not authorized to access this page" in \
        page.content.decode()
    operator = User.objects.get(pk=walk_users["operator"].pk)
    operator.set_password(TEST_PASSWORD)
    operator.save()
    signed = Client().post(LOGIN, {"username": operator.username, "password": TEST_PASSWORD,
                                   "next": "/admin/"})
    assert signed.status_code == 302 and signed["Location"] == "/admin/"


def test_only_operators_see_the_admin_link(client, sec_world, walk_users):
    admin_link = f'href="{reverse("admin:index")}"'
    page = reverse("plans:workplan_list")
    for who in ("AP-admin", "AP-former_staff"):
        client.force_login(walk_users[who])
        response = client.get(page)
        assert response.status_code == 200 and admin_link not in response.content.decode(), who
    client.force_login(walk_users["operator"])
    assert admin_link in client.get(page).content.decode()


def test_the_history_record_of_a_person_is_closed_to_other_offices(sec_world, walk_users):
    """The finding: /admin/directory/person/<id>/history/<hid>/ showed and saved another
    office's person. Now it is the sign-in page, and a POST changes nothing."""
    person = sec_world.objects["person"]["office"]
    person.save()  # its first history record (the demonstration's people are made in bulk)
    record = person.history.order_by("-history_id").first()
    url = f"/admin/directory/person/{person.pk}/history/{record.history_id}/"
    client = Client()
    client.force_login(walk_users["ESA-staff"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert person.full_name not in client.get(response["Location"]).content.decode()
    response = client.post(url, {"full_name": "Taken over", "office": person.office_id,
                                 "user": walk_users["ESA-expert"].pk})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name != "Taken over" and person.user_id != walk_users["ESA-expert"].pk


def test_no_role_reaches_the_membership_admin(sec_world, walk_users):
    """The finding: staff of one office gave themselves the admin role in another through
    /admin/core/membership/add/."""
    esa_staff = walk_users["ESA-staff"]
    ap = sec_world.objects["event"]["office"].office
    client = Client()
    client.force_login(esa_staff)
    response = client.post("/admin/core/membership/add/",
                           {"user": esa_staff.pk, "office": ap.pk, "role": "admin"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Membership.objects.filter(user=esa_staff, office=ap).exists()
