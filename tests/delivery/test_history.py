"""The history panel (core/_history.html): who, when, what changed (old → new, by field
name), newest first, at most 20 entries, and a number of queries that does not grow with the
length of the history."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workplan.core.templatetags.history import history_of
from workplan.delivery.services import record_event
from workplan.directory.models import Accreditation, Member, Person

pytestmark = pytest.mark.django_db

PANEL = Template('{% include "core/_history.html" with object=object %}')


def render_panel(obj) -> str:
    return PANEL.render(Context({"object": obj}))


def text(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def save_as(obj, user, **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()


@pytest.fixture
def people(django_user_model):
    ada = django_user_model.objects.create_user("ada", first_name="Ada", last_name="Admin")
    bo = django_user_model.objects.create_user("bo")
    return ada, bo


@pytest.fixture
def expert(office, people):
    ada, _bo = people
    person = Person(office=office, full_name="Eve Expert", gender="female",
                    member=Member.objects.get(iso3="LAO"), position="Officer")
    person._history_user = ada
    person.save()
    Accreditation.objects.create(person=person, area="AEO", accredited_on=dt.date(2023, 1, 1))
    return person


def test_panel_shows_who_when_and_what(expert, people):
    ada, bo = people
    save_as(expert, bo, position="Senior Officer", gender="other")
    save_as(expert, ada, member=Member.objects.get(iso3="VUT"))
    history = history_of(expert)
    assert [e.kind for e in history.entries] == ["changed", "changed", "created"]
    assert [e.who for e in history.entries] == ["Ada Admin", "bo", "Ada Admin"]
    newest, middle, _created = history.entries
    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        ("member administration", "Lao PDR", "Vanuatu")]
    assert [(c.label, c.old, c.new) for c in middle.changes] == [
        ("gender", "Female", "Other"), ("position", "Officer", "Senior Officer")]
    panel = render_panel(expert)
    assert "<details" in panel and "<summary" in panel
    body = text(panel)
    assert "by Ada Admin" in body and "by bo" in body
    assert "Position from Officer → to Senior Officer" in body
    assert "Member administration from Lao PDR → to Vanuatu" in body
    assert body.index("Vanuatu") < body.index("Senior Officer")  # newest first
    assert "3 changes" in body
    assert re.search(r'<time class="muted" datetime="\d{4}-\d\d-\d\dT', panel)


def test_at_most_twenty_entries(expert, people):
    ada, _bo = people
    for number in range(25):
        save_as(expert, ada, position=f"Position {number}")
    history = history_of(expert)
    assert len(history.entries) == 20 and history.more
    assert history.entries[0].changes[0].new == "Position 24"
    assert history.entries[-1].changes[0].new == "Position 5"
    assert history.entries[-1].changes[0].old == "Position 4"  # diffed against the 21st
    body = text(render_panel(expert))
    assert "Only the latest 20 changes are shown." in body
    assert "latest 20 changes" in body


def _queries(obj) -> int:
    with CaptureQueriesContext(connection) as context:
        render_panel(obj)
    return len(context.captured_queries)


def test_queries_do_not_grow_with_the_history(expert, people):
    ada, bo = people
    lao, vut = Member.objects.get(iso3="LAO"), Member.objects.get(iso3="VUT")
    save_as(expert, bo, member=vut)
    short = _queries(expert)
    assert short == 2  # the records (with their users); the members named by the change
    for number in range(30):
        save_as(expert, ada if number % 2 else bo, position=f"P{number}",
                member=lao if number % 2 else vut)
    assert _queries(expert) == short


def test_event_history_shows_beneficiaries_and_status(office, seed_plan, people):
    ada, _bo = people
    lao, vut = Member.objects.get(iso3="LAO"), Member.objects.get(iso3="VUT")
    event = record_event(office=office, title="AEO workshop", kind="workshop",
                         level="national", start_date=dt.date(2024, 9, 2),
                         end_date=dt.date(2024, 9, 4), beneficiaries=[lao])
    event._history_user = ada
    event.beneficiaries.add(vut)
    save_as(event, ada, status="held")
    history = history_of(event)
    changes = [(c.label, c.old, c.new) for e in history.entries for c in e.changes]
    assert ("status", "Planned", "Held") in changes
    assert ("beneficiary members", "Lao PDR", "Lao PDR, Vanuatu") in changes
    with CaptureQueriesContext(connection) as context:
        render_panel(event)
    few = len(context.captured_queries)
    for _ in range(10):
        event.beneficiaries.remove(vut)
        event.beneficiaries.add(vut)
    with CaptureQueriesContext(connection) as context:
        render_panel(event)
    assert len(context.captured_queries) == few == 2  # the records; their beneficiaries


def test_model_without_history_renders_nothing(office):
    assert history_of(office.region) is None
    assert render_panel(office.region).strip() == ""


def test_expert_page_includes_the_history(client, make_user, expert, people):
    _ada, bo = people
    save_as(expert, bo, position="Lead Officer")
    client.force_login(make_user("staff"))
    response = client.get(reverse("delivery:expert_detail", args=[expert.pk]))
    body = text(response.content.decode())
    assert "History" in body and "Lead Officer" in body and "by bo" in body


def test_a_record_without_its_first_version_says_so(office, people):
    """Rows bulk-loaded (the demo) have no "created" record; their first change has nothing
    to compare with, and the panel says so instead of inventing a diff."""
    _ada, bo = people
    (person,) = Person.objects.bulk_create([Person(office=office, full_name="Bulk Loaded")])
    save_as(person, bo, position="Analyst")
    save_as(person, bo, position="Senior Analyst")
    history = history_of(person)
    assert [e.unknown_before for e in history.entries] == [False, True]
    assert [(c.old, c.new) for c in history.entries[0].changes] == [("Analyst",
                                                                     "Senior Analyst")]
    assert "no earlier one to compare it with" in text(render_panel(person))
