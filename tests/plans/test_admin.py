"""The plans admin (operators only): every list and change page renders; imported structure is
read-only."""

import pytest
from django.urls import reverse

from workplan.plans.models import Action, Activity, ImportRun, Pillar, WorkPlan

pytestmark = pytest.mark.django_db

MODELS = [WorkPlan, Pillar, Action, Activity, ImportRun]


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@localhost", "x"))
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_render(admin_client, seed_plan, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "risk"}).status_code == 200
    obj = model.objects.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200


def test_history_pages(admin_client, seed_plan):
    for model in (WorkPlan, Action, Activity):
        opts = model._meta
        obj = model.objects.first()
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        assert admin_client.get(url).status_code == 200


def test_import_log_is_read_only(admin_client, seed_plan):
    run = ImportRun.objects.get()
    page = admin_client.get(reverse("admin:plans_importrun_change", args=[run.pk]))
    assert b'name="_save"' not in page.content
    assert admin_client.get(reverse("admin:plans_importrun_add")).status_code == 403


def test_office_users_are_sent_to_the_admin_sign_in(client, make_user, other_office,
                                                    seed_plan):
    """Even with ``is_staff`` and the permissions the old role groups gave, an office admin
    gets no admin page (the admin is for operators); the plan's own pages are theirs."""
    from django.contrib.auth.models import Permission

    user = make_user("admin", office=other_office, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=[
        "view_workplan", "view_action", "change_action"]))
    client.force_login(user)
    action = seed_plan.actions.first()
    for url in (reverse("admin:plans_workplan_changelist"),
                reverse("admin:plans_action_change", args=[action.pk])):
        response = client.get(url)
        assert response.status_code == 302 and \
            response["Location"].startswith(reverse("admin:login")), url
    response = client.post(reverse("admin:plans_action_change", args=[action.pk]),
                           {"text": "Changed in the admin"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.text != "Changed in the admin"
