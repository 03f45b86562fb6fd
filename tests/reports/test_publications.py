"""The publications register: pages for staff, bad input refused with the field named and
nothing written, history; and the KPI measure that counts it (``items_shared``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workplan.directory.models import Member
from workplan.indicators.iptt import compute
from workplan.indicators.measures import Frame, registry
from workplan.indicators.models import Indicator
from workplan.plans.models import Action
from workplan.reports.models import Publication
from workplan.reports.services import PublicationError, record_publication, update_publication

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def action(plan, code):
    return Action.objects.get(work_plan=plan, code=code)


def add(office, kind="newsletter", day=dt.date(2024, 9, 30), member=None, actions=(), **extra):
    return record_publication(office=office, kind=kind, title=extra.pop("title", f"A {kind}"),
                              date=day, member=member, actions=actions, **extra)


# --- the measure ------------------------------------------------------------------------------


def test_items_shared_counts_the_register_by_action_quarter_and_member(office, seed_plan):
    lao, fji = Member.objects.get(iso3="LAO"), Member.objects.get(iso3="FJI")
    four_a, four_c = action(seed_plan, "4-(a)"), action(seed_plan, "4-(c)")
    add(office, "newsletter", dt.date(2024, 9, 30), actions=[four_a])
    add(office, "newsletter", dt.date(2024, 12, 20), actions=[four_a, four_c])
    add(office, "article", dt.date(2025, 1, 10), member=lao, actions=[four_a])
    add(office, "article", dt.date(2025, 2, 10), member=lao, actions=[four_a])
    add(office, "article", dt.date(2025, 5, 10), member=fji, actions=[])
    add(office, "good_practice", dt.date(2025, 7, 1), actions=[four_c])  # next year
    measure = registry.get("items_shared")
    frame = Frame(office.pk, office.region_id, 2024, 7)

    def cells(owners, params, cumulative=True):
        return {k: c.actual for k, c in measure.series(
            list(measure.facts(frame, owners, params, None)), cumulative, params).items()}

    by_action = list(measure.facts(frame, [four_a.pk, four_c.pk], {}, None))
    assert len([f for f in by_action if f.owner == four_a.pk]) == 4
    assert len([f for f in by_action if f.owner == four_c.pk]) == 1
    assert cells(None, {}) == {"Q1": 1, "Q2": 2, "Q3": 4, "Q4": 5, "FY": 5}
    assert cells(None, {}, cumulative=False) == {"Q1": 1, "Q2": 1, "Q3": 2, "Q4": 1, "FY": 5}
    assert cells(None, {"kind": "article"})["FY"] == 3
    assert cells(None, {"kind": "newsletter, good_practice"})["FY"] == 2
    assert cells(None, {"count": "members"})["FY"] == 2  # LAO (twice) and FJI
    parts = measure.breakdown(list(measure.facts(frame, None, {}, "member")), True, "member",
                              {})
    assert parts[lao.pk]["FY"].actual == 2 and parts[None]["FY"].actual == 2
    # the plan's KPIs bound to it by the rules read the same numbers in the IPTT
    table = {(r.action.code, r.indicator.text): r for r in compute(seed_plan).rows}
    assert table[("4-(c)", "Number of items shared")].columns["FY"].actual == 1
    assert table[("4-(a)", "Number of sharing experiences")].columns["FY"].actual == 4
    kpi = Indicator.objects.get(action__work_plan=seed_plan, text="Number of Members sharing")
    assert (kpi.measure, kpi.params) == ("items_shared", {"count": "members"})


@pytest.mark.parametrize(("params", "message"), [
    ({"kind": "poster"}, "kind: unknown value(s) poster"),
    ({"count": "pages"}, "count: choose items or members"),
    ({"colour": "red"}, "unknown setting(s) for this measure: colour"),
])
def test_items_shared_settings_are_checked(params, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        registry.get("items_shared").validate_params(params)


# --- services ---------------------------------------------------------------------------------


def test_bad_publications_are_refused_and_nothing_is_written(office, seed_plan, other_office):
    kenya = Member.objects.get(iso3="KEN")
    cases = [
        (dict(kind="article"), "member: An article names the member that submitted it."),
        (dict(kind="article", member=kenya), "member: Kenya is not a member of ROCB A/P's "
                                             "region"),
        (dict(url="not a url"), "url: Enter a valid URL."),
        (dict(file=("notes.exe", b"MZ...")), "file: “notes.exe”: files of this type are not "
                                             "accepted"),
        (dict(file=("issue.pdf", b"hello")), "file: “issue.pdf” is not really a .pdf file."),
        (dict(title=""), "title: This field cannot be blank."),
    ]
    for extra, message in cases:
        with pytest.raises(PublicationError) as error:
            add(office, **extra)
        assert str(error.value).startswith(message), (extra, str(error.value))
    from workplan.plans.services import import_plan

    esa = import_plan(("ROCB ESA Annual Work Plan (2024-2025)\n\n1. Pillar\n\n"
                       "Specific Actions (Relevance to RSP 2024-2026)\tActivities\tKPI\n"
                       "a) Assist members (RSP 1.1.1 \u2013 1st milestone)\t"
                       "\u27a4 Workshop for Kenya\tNumber of items shared\n").encode(),
                      other_office, source_name="esa.txt").work_plan
    esa_action = esa.actions.get()
    with pytest.raises(PublicationError, match="actions: 1-\\(a\\) is not an action of ROCB"):
        add(office, actions=[esa_action])
    assert not Publication.objects.exists()


def test_edits_keep_a_history(office, seed_plan):
    item = add(office, actions=[action(seed_plan, "4-(a)")],
               file=("issue.pdf", b"%PDF-1.4 first"))
    update_publication(item, title="Issue 24-1", actions=[action(seed_plan, "4-(c)")],
                       file=("issue-2.pdf", b"%PDF-1.4 second"))
    item.refresh_from_db()
    assert item.title == "Issue 24-1" and item.file_name == "issue-2.pdf"
    assert item.file.read() == b"%PDF-1.4 second"
    assert [a.code for a in item.actions.all()] == ["4-(c)"]
    versions = list(item.history.order_by("history_date", "history_id"))
    assert versions[0].history_type == "+" and versions[0].title == "A newsletter"
    assert versions[-1].title == "Issue 24-1"
    assert [link.action.code for link in versions[-1].actions.all()] == ["4-(c)"]
    update_publication(item, remove_file=True)
    item.refresh_from_db()
    assert not item.file and item.file_name == ""


# --- pages ------------------------------------------------------------------------------------


def test_staff_add_and_edit_publications_on_the_pages(client, make_user, office, seed_plan):
    staff = make_user("staff")
    client.force_login(staff)
    four_a = action(seed_plan, "4-(a)")
    lao = Member.objects.get(iso3="LAO")
    response = client.post(reverse("reports:publication_create"), {
        "office": office.pk, "kind": "article", "title": "Our AEO story", "date": "2024-11-03",
        "member": lao.pk, "actions": [four_a.pk], "url": "example.org/aeo",
        "file": SimpleUploadedFile("story.pdf", b"%PDF-1.4 story")})
    item = Publication.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.url == "https://example.org/aeo" and item.created_by == staff
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Our AEO story" in page and "4-(a)" in page and "History" in page
    download = client.get(reverse("reports:publication_file", args=[item.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 story"
    edit = reverse("reports:publication_update", args=[item.pk])
    assert 'name="version" value="1"' in client.get(edit).content.decode()
    response = client.post(edit, {
        "kind": "article", "title": "Our AEO story, revised", "date": "2024-11-03",
        "member": lao.pk, "actions": [four_a.pk], "version": 1})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Our AEO story, revised" and item.version == 2
    listing = client.get(reverse("reports:publication_list"), {"kind": "article",
                                                                "fy": "2024"})
    assert "Our AEO story, revised" in listing.content.decode()
    unknown = client.get(reverse("reports:publication_list"), {"fy": "2019"}).content.decode()
    assert "Select a valid choice. 2019 is not one of the available choices." in unknown


def test_the_form_names_the_field_and_saves_nothing(client, make_user, office):
    client.force_login(make_user("staff"))
    response = client.post(reverse("reports:publication_create"), {
        "office": office.pk, "kind": "article", "title": "No member", "date": "2024-11-03",
        "file": SimpleUploadedFile("story.exe", b"MZ")})
    assert response.status_code == 200
    body = response.content.decode()
    assert "An article names the member that submitted it." in body
    assert "“story.exe”: files of this type are not accepted" in body
    assert not Publication.objects.exists()


def test_focal_points_read_the_register_but_do_not_add(client, make_user, office):
    add(office, title="Issue 1")
    focal = make_user("focal_point", member=Member.objects.get(iso3="LAO"))
    client.force_login(focal)
    page = client.get(reverse("reports:publication_list")).content.decode()
    assert "Issue 1" in page and "Add a publication" not in page
    assert client.get(reverse("reports:publication_create")).status_code == 404


def test_the_list_costs_the_same_queries_whatever_its_length(client, make_user, office,
                                                             seed_plan,
                                                             django_assert_max_num_queries):
    client.force_login(make_user("staff"))
    four_a = action(seed_plan, "4-(a)")
    url = reverse("reports:publication_list")
    add(office, actions=[four_a])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(30):
        add(office, title=f"Item {n}", actions=[four_a], member=None)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200
