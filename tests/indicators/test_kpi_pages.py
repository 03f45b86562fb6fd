"""The pages of one KPI: its page (figures, settings, targets, values, history, the records
behind the figure), the binding form, the targets form, manual values and their review.
Who may see and change what, bad input of every form (a message, nothing saved), and fixed
query counts."""

import datetime as dt
import re
from decimal import Decimal
from html import escape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from workplan.core.models import Role
from workplan.delivery.demo import Demo
from workplan.delivery.models import Event, EventAction
from workplan.directory.models import Member
from workplan.indicators import iptt, services
from workplan.indicators.models import Indicator, Target, Value

pytestmark = pytest.mark.django_db

# Queries of a signed-in user's request: session, user, the user's office roles.
AUTH = 3
# The KPI page: the indicator (with action, pillar, plan, office, region); the IPTT of that
# one indicator (indicators, this year's targets, one aggregate query for its measure); all
# its targets; its manual values (with member and the users who entered and reviewed them);
# the history panel (records with their users).
KPI_PAGE = AUTH + 1 + 3 + 1 + 1 + 1
# A KPI read from the adoption register also names its instrument.
KPI_PAGE_ADOPTION = KPI_PAGE + 1


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def kpi(plan, code: str, position: int = 1) -> Indicator:
    return Indicator.objects.get(action__work_plan=plan, action__code=code, position=position)


def text(response) -> str:
    return response.content.decode()


def flashed(response) -> list[str]:
    """The messages waiting to be shown after ``response`` (those of earlier redirects that
    were not followed come first)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def demo(office, seed_plan):
    return Demo(office).run()


@pytest.fixture
def counted(seed_plan):
    return kpi(seed_plan, "1-(hh)")  # "Number of CB activities undertaken": events held


@pytest.fixture
def manual(seed_plan):
    return kpi(seed_plan, "3-(d)")  # "Number of contributions": entered by hand


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF, username="alice", first_name="Alice", last_name="Lim")


@pytest.fixture
def colleague(make_user):
    return make_user(Role.STAFF, username="bob", first_name="Bob", last_name="Tan")


@pytest.fixture
def as_staff(client, staff):
    client.force_login(staff)
    return client


def url(name, obj) -> str:
    return reverse(f"indicators:{name}", args=[obj.pk])


# --- the KPI page -------------------------------------------------------------------------------


def test_kpi_page_shows_the_kpi_its_measure_and_this_years_figures(as_staff, demo, counted,
                                                                   seed_plan):
    services.save_targets(counted, 2024, {0: (Decimal("40"), Decimal("12")),
                                          2: (Decimal("20"), None)})
    response = as_staff.get(counted.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    action = counted.action
    assert escape(counted.text) in page
    assert f'href="{action.get_absolute_url()}"' in page and "1-(hh)" in page
    assert escape(action.pillar.title) in page
    assert "Events held" in page and "Held events (optionally of some kinds" in page
    assert "Counts the records of this action only" in page
    assert "chosen by the rules" in page and "events held under the action" in page
    assert "Cumulative: each quarter shows the total since the fiscal year began" in page
    assert "Higher is better" in page
    # the figures are the IPTT's for this indicator
    row = iptt.compute(seed_plan, indicators=Indicator.objects.filter(pk=counted.pk)).rows[0]
    figures = response.context["figures"]
    assert [f["period"].key for f in figures] == ["Q1", "Q2", "Q3", "Q4", "FY"]
    year = row.columns["FY"].actual
    assert year and year > 0
    assert figures[4]["actual"] == str(int(year)) and figures[4]["target"] == "40"
    assert figures[4]["baseline"] == "12" and figures[1]["target"] == "20"
    assert figures[4]["percent"] == f"{round(100 * year / 40)} %"
    assert figures[0]["target"] == "—"
    # the targets table
    assert "Year 2024-2025" in page and "Q2 2024-2025" in page


def test_records_behind_the_figure_list_the_events_counted(as_staff, demo, counted,
                                                           seed_plan):
    """The link goes to the event list filtered by action, status and fiscal year, and that
    list holds exactly the events the year's figure counts."""
    response = as_staff.get(counted.get_absolute_url())
    (label, link), = response.context["records"]
    assert label == "Held events of 1-(hh), 2024-2025"
    parts = urlsplit(link)
    assert parts.path == reverse("delivery:event_list")
    assert parse_qs(parts.query) == {"action": ["1-(hh)"], "status": ["held"], "fy": ["2024"]}
    listed = as_staff.get(link)
    assert listed.status_code == 200
    expected = set(EventAction.objects.filter(
        action=counted.action, event__status="held", event__start_date__gte=dt.date(2024, 7, 1),
        event__start_date__lte=dt.date(2025, 6, 30)).values_list("event_id", flat=True))
    assert listed.context["page"].paginator.count == len(expected)
    row = iptt.compute(seed_plan, indicators=Indicator.objects.filter(pk=counted.pk)).rows[0]
    assert row.columns["FY"].actual == len(expected)


def test_records_behind_an_office_wide_measure_with_kinds(as_staff, counted):
    services.set_binding(counted, measure="events_held",
                         params={"scope": "office", "kind": ["workshop", "mission"]},
                         cumulative=True, direction="increase")
    records = as_staff.get(counted.get_absolute_url()).context["records"]
    assert [label for label, _link in records] == [
        "Held events: Workshop of the office, 2024-2025",
        "Held events: Diagnostic / advisory mission of the office, 2024-2025"]
    assert [parse_qs(urlsplit(link).query) for _label, link in records] == [
        {"status": ["held"], "fy": ["2024"], "kind": ["workshop"]},
        {"status": ["held"], "fy": ["2024"], "kind": ["mission"]}]


def test_kpi_page_of_an_adoption_measure_links_the_register(as_staff, seed_plan):
    indicator = kpi(seed_plan, "1-(g)")  # "Number of contracting Members" of the RKC action
    response = as_staff.get(indicator.get_absolute_url())
    page = text(response)
    assert "Members by adoption status" in page
    assert "Instrument: Revised Kyoto Convention" in page
    assert "Counts members whose status is contracting party" in page
    assert "Read at the end of each period" in page
    (label, link), = response.context["records"]
    assert link == reverse("indicators:adoption_register") + "?instrument=rkc&on=2025-06-30"


def test_a_binding_staff_chose_shows_what_the_rules_would_do(as_staff, counted):
    services.set_binding(counted, measure="participants", params={"scope": "office"},
                         cumulative=False, direction="increase")
    page = text(as_staff.get(counted.get_absolute_url()))
    assert "chosen by staff" in page and "re-imports of the plan keep this choice" in page
    assert "The rules would choose “Events held”" in page
    assert "Not cumulative: each quarter counts only its own records" in page
    assert "binding chosen by staff" in page  # the history panel says why it changed


def test_kpi_page_is_for_whoever_may_view_the_plan(client, make_user, counted, other_office):
    lao = Member.objects.get(iso3="LAO")
    for role, member in ((Role.VIEWER, None), (Role.FOCAL_POINT, lao), (Role.EXPERT, None),
                         (Role.ADMIN, None)):
        client.force_login(make_user(role, member=member))
        response = client.get(counted.get_absolute_url())
        assert response.status_code == 200, role
        change_links = url("indicator_binding", counted) in text(response)
        assert change_links == (role == Role.ADMIN), role
    client.force_login(make_user(Role.ADMIN, office=other_office))
    assert client.get(counted.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(counted.get_absolute_url()).status_code == 302


def test_forms_are_for_office_staff_and_admins_only(client, make_user, counted, manual,
                                                    other_office):
    lao = Member.objects.get(iso3="LAO")
    pages = [url("indicator_binding", counted), url("indicator_targets", counted),
             url("value_create", manual)]
    for role, office, member in ((Role.VIEWER, None, None), (Role.FOCAL_POINT, None, lao),
                                 (Role.EXPERT, None, None), (Role.STAFF, other_office, None)):
        client.force_login(make_user(role, office=office, member=member))
        for page in pages:
            assert client.get(page).status_code == 404, (role, page)
            assert client.post(page, {"direction": "increase"}).status_code == 404
    client.force_login(make_user(Role.STAFF))
    assert all(client.get(page).status_code == 200 for page in pages)


def test_kpi_page_query_count_does_not_grow(as_staff, office, demo, counted, manual, staff,
                                            colleague, seed_plan, django_assert_num_queries):
    adoption = kpi(seed_plan, "1-(g)")
    cases = [(counted, KPI_PAGE), (manual, KPI_PAGE), (adoption, KPI_PAGE_ADOPTION)]
    for indicator, queries in cases:
        with django_assert_num_queries(queries):
            assert as_staff.get(indicator.get_absolute_url()).status_code == 200
    # more of everything: events, values in every state, targets of other years, history
    Demo(office, seed=2).run()
    for index in range(12):
        value = services.add_value(manual, user=staff, on=dt.date(2024, 8, 1 + index),
                                   value=Decimal(index), description=f"Item {index}",
                                   evidence="ref", member=Member.objects.get(iso3="LAO"),
                                   submit=index % 3 > 0)
        if index % 3 == 2:
            services.review_value(value, user=colleague, to="approved")
    for year in (2022, 2023, 2024, 2025):
        services.save_targets(counted, year, {q: (Decimal(10 + q), Decimal(q))
                                              for q in range(5)})
    for direction in ("decrease", "increase", "decrease"):
        services.set_binding(counted, measure="events_held", params={}, cumulative=True,
                             direction=direction)
    for indicator, queries in cases:
        with django_assert_num_queries(queries):
            response = as_staff.get(indicator.get_absolute_url())
    response = as_staff.get(manual.get_absolute_url())
    assert len(response.context["values"]) == 12
    assert response.context["figures"][4]["actual"] == "26"  # approved: 2 + 5 + 8 + 11


# --- binding ------------------------------------------------------------------------------------


def binding_data(**changes) -> dict:
    data = {"measure": "events_held", "scope": "action", "direction": "increase",
            "cumulative": "on"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def opened(indicator, data: dict) -> dict:
    """``data`` as posted by a form opened just now: with the indicator's stored version."""
    return {**data, "version": Indicator.objects.values_list("version", flat=True)
            .get(pk=indicator.pk)}


def test_binding_form_chooses_a_measure_and_locks_it(as_staff, counted):
    page = url("indicator_binding", counted)
    response = as_staff.get(page)
    assert response.status_code == 200
    assert "events held under the action" in text(response)
    response = as_staff.post(page, opened(counted, binding_data(
        measure="adoption", instrument="hs", status="implementing", new="on", cumulative=None,
        direction="decrease")))
    assert response.status_code == 302 and response["Location"] == counted.get_absolute_url()
    counted.refresh_from_db()
    assert counted.measure_locked
    assert (counted.measure, counted.params, counted.cumulative, counted.direction) == (
        "adoption", {"instrument": "hs", "status": "implementing", "new": True}, False,
        "decrease")
    assert "now counted as “Members by adoption status”" in flashed(response)[0]
    response = as_staff.post(page, opened(counted, binding_data(
        kind=["workshop", "training"], level=["regional"], scope="office")))
    counted.refresh_from_db()
    assert (counted.measure, counted.params) == (
        "events_held", {"scope": "office", "kind": ["workshop", "training"],
                        "level": ["regional"]})
    # the form shows the settings in force
    form = as_staff.get(page).context["form"]
    assert form["kind"].value() == ["workshop", "training"] and form["scope"].value() == "office"


def test_let_the_rules_decide(as_staff, counted):
    services.set_binding(counted, measure="manual", params={}, cumulative=False,
                         direction="increase")
    response = as_staff.post(url("indicator_binding", counted), opened(
        counted, {"rules": "1", "measure": "manual", "direction": "decrease"}))
    assert response.status_code == 302
    counted.refresh_from_db()
    assert not counted.measure_locked
    assert (counted.measure, counted.params, counted.cumulative, counted.direction) == (
        "events_held", {}, True, "decrease")
    assert "The rules decide again" in flashed(response)[0]


@pytest.mark.parametrize("data, field, message", [
    (binding_data(measure="adoption"), "instrument", "Choose the instrument"),
    (binding_data(measure="adoption", instrument="nope"), "instrument", "Select a valid"),
    (binding_data(measure="adoption", instrument="rkc", status="ratified"), "status",
     "Select a valid"),
    (binding_data(measure="picnic"), "measure", "Select a valid"),
    (binding_data(measure=None), "measure", "Choose how the KPI is counted"),
    (binding_data(kind=["workshop", "picnic"]), "kind", "Select a valid"),
    (binding_data(level=["galactic"]), "level", "Select a valid"),
    (binding_data(scope="everywhere"), "scope", "Select a valid"),
    (binding_data(direction="sideways"), "direction", "Select a valid"),
])
def test_binding_form_refuses_bad_input(as_staff, counted, data, field, message):
    before = Indicator.objects.filter(pk=counted.pk).values().get()
    response = as_staff.post(url("indicator_binding", counted), opened(counted, data))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert "nothing was saved" in text(response)
    assert Indicator.objects.filter(pk=counted.pk).values().get() == before


def test_binding_form_takes_the_settings_of_other_measures(as_staff, counted):
    """Measures with settings of their own (the surveys' measures) get a text field per
    setting; what the measure refuses lands on that field."""
    page = url("indicator_binding", counted)
    body = text(as_staff.get(page, {"measure": "followup_results"}, HTTP_HX_REQUEST="true",
                             HTTP_HX_TARGET="measure-settings"))
    assert 'name="opt_item"' in body and "actions (follow-up actions taken)" in body
    assert 'name="opt_kind"' not in body and 'name="kind"' not in body
    response = as_staff.post(page, opened(counted, binding_data(
        measure="followup_results", scope="office", opt_item="everything")))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "opt_item": ["item: choose actions or effects"]}
    counted.refresh_from_db()
    assert counted.measure == "events_held"
    response = as_staff.post(page, opened(counted, binding_data(
        measure="followup_results", scope="office", opt_item="effects")))
    assert response.status_code == 302
    counted.refresh_from_db()
    assert (counted.measure, counted.params) == ("followup_results",
                                                 {"scope": "office", "item": "effects"})
    form = as_staff.get(page).context["form"]
    assert form["opt_item"].value() == "effects"
    as_staff.post(page, opened(counted, binding_data(measure="surveys_conducted",
                                                     opt_kind="needs")))
    counted.refresh_from_db()
    assert counted.params == {"scope": "action", "kind": "needs"}


def test_binding_form_names_the_field_a_measure_refuses(counted):
    from workplan.indicators.forms import BindingForm

    form = BindingForm(binding_data(), indicator=counted)
    assert form._field_of("kind: unknown value(s) picnic", "events") == "kind"
    assert form._field_of("kind: choose needs, evaluation", "other") == "opt_kind"
    assert form._field_of('scope must be "action" or "office"', "other") == "scope"
    assert form._field_of("unknown setting(s) for this measure: colour", "events") is None


def test_binding_settings_follow_the_measure_with_htmx(as_staff, counted):
    page = url("indicator_binding", counted)
    response = as_staff.get(page, {"measure": "adoption"}, HTTP_HX_REQUEST="true",
                            HTTP_HX_TARGET="measure-settings")
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="measure-settings"' in body and 'name="instrument"' in body
    assert 'name="kind"' not in body
    body = text(as_staff.get(page, {"measure": "manual"}, HTTP_HX_REQUEST="true",
                             HTTP_HX_TARGET="measure-settings"))
    assert "This measure has no settings." in body


# --- targets ------------------------------------------------------------------------------------


def test_targets_form_saves_the_plans_year(as_staff, counted):
    page = url("indicator_targets", counted)
    response = as_staff.get(page)
    assert response.status_code == 200 and "Targets for 2024-2025" in text(response)
    response = as_staff.post(page, {"fy_target": "40", "fy_baseline": "35.5", "q1_target": "8",
                                    "q2_target": "18", "q3_target": "", "q4_target": "40",
                                    "version": counted.version})
    assert response.status_code == 302
    rows = {t.quarter: (t.target, t.baseline)
            for t in Target.objects.filter(indicator=counted, fiscal_year=2024)}
    assert rows == {0: (Decimal("40"), Decimal("35.5")), 1: (Decimal("8"), None),
                    2: (Decimal("18"), None), 4: (Decimal("40"), None)}
    # the form shows them again; emptying a period removes its row
    form = as_staff.get(page).context["form"]
    assert form["fy_baseline"].value() == Decimal("35.50")
    counted.refresh_from_db()
    as_staff.post(page, {"fy_target": "40", "fy_baseline": "35.5", "q4_target": "40",
                         "version": counted.version})
    assert set(Target.objects.filter(indicator=counted).values_list("quarter", flat=True)) == {
        0, 4}


@pytest.mark.parametrize("field, value, message", [
    ("fy_target", "-1", "greater than or equal to 0"),
    ("q2_baseline", "ten", "Enter a number"),
    ("q3_target", "1.234", "no more than 2 decimal places"),
    ("q1_target", "12345678901", "no more than 10 digits before the decimal point"),
])
def test_targets_form_refuses_bad_input(as_staff, counted, field, value, message):
    services.save_targets(counted, 2024, {0: (Decimal("40"), None)})
    counted.refresh_from_db()
    data = {"fy_target": "50", "q1_target": "5", field: value, "version": counted.version}
    response = as_staff.post(url("indicator_targets", counted), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in errors[field][0]
    assert f'id="id_{field}_error"' in text(response)
    rows = {t.quarter: t.target for t in Target.objects.filter(indicator=counted)}
    assert rows == {0: Decimal("40")}


# --- manual values ------------------------------------------------------------------------------


def value_data(**changes) -> dict:
    data = {"on": "2024-11-05", "value": "3", "description": "Three experiences shared",
            "evidence": "Newsletter no. 12", "evidence_url": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_add_a_value(as_staff, staff, manual):
    page = url("value_create", manual)
    response = as_staff.get(page)
    assert response.status_code == 200 and "Jul 2024 – Jun 2025" in text(response)
    lao = Member.objects.get(iso3="LAO")
    response = as_staff.post(page, value_data(member=lao.pk, submit="on"))
    assert response.status_code == 302
    assert response["Location"] == manual.get_absolute_url() + "#values"
    value = Value.objects.get(indicator=manual)
    assert (value.on, value.value, value.member, value.status, value.entered_by) == (
        dt.date(2024, 11, 5), Decimal("3"), lao, Value.Status.SUBMITTED, staff)
    assert flashed(response) == ["The value was saved (submitted for review)."]
    response = as_staff.post(page, value_data(evidence="", evidence_url="example.org/r.pdf"))
    assert Value.objects.filter(status="draft").get().evidence_url == "https://example.org/r.pdf"


def test_a_value_outside_the_plans_year_is_kept_with_a_warning(as_staff, manual):
    response = as_staff.post(url("value_create", manual), value_data(on="2023-12-31"))
    assert response.status_code == 302
    assert Value.objects.get().on == dt.date(2023, 12, 31)
    warning, = [m for m in flashed(response) if "outside" in m]
    assert "outside the plan's year 2024-2025" in warning
    page = text(as_staff.get(manual.get_absolute_url()))
    assert "outside the plan&#x27;s year" in page


@pytest.mark.parametrize("data, field, message", [
    (value_data(evidence="", evidence_url=""), "evidence", "a link or a reference"),
    (value_data(evidence="   "), "evidence", "a link or a reference"),
    (value_data(evidence_url="not a link", evidence=""), "evidence_url", "Enter a valid URL"),
    (value_data(on="2024-02-30"), "on", "Enter a valid date"),
    (value_data(on="2999-01-01"), "on", "in the future"),
    (value_data(value="-2"), "value", "greater than or equal to 0"),
    (value_data(value="many"), "value", "Enter a number"),
    (value_data(description=""), "description", "required"),
    (value_data(member="999999"), "member", "Select a valid choice"),
])
def test_value_form_refuses_bad_input(as_staff, manual, data, field, message):
    response = as_staff.post(url("value_create", manual), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert not Value.objects.exists()


def test_a_member_of_another_region_is_refused(as_staff, manual, other_office):
    kenya = Member.objects.get(iso3="KEN")
    response = as_staff.post(url("value_create", manual), value_data(member=kenya.pk))
    assert "member" in response.context["form"].errors
    assert not Value.objects.exists()


def test_values_only_on_manual_indicators(as_staff, counted):
    page = url("value_create", counted)
    response = as_staff.get(page)
    assert "values cannot be entered by hand" in text(response)
    assert 'name="description"' not in text(response)
    response = as_staff.post(page, value_data())
    assert response.status_code == 400
    assert ("This indicator is computed from the records (Events held); values cannot be "
            "entered by hand.") in text(response)
    assert not Value.objects.exists()


# --- review -------------------------------------------------------------------------------------


@pytest.fixture
def submitted(manual, staff):
    return services.add_value(manual, user=staff, on=dt.date(2024, 9, 9), value=Decimal("4"),
                              description="Four", evidence="Minutes", submit=True)


def review(client, value, **data):
    return client.post(url("value_review", value), data)


def test_the_person_who_entered_a_value_cannot_approve_it(as_staff, submitted, manual):
    page = text(as_staff.get(manual.get_absolute_url()))
    assert "Waiting for another person" in page
    assert 'value="approved"' not in page
    response = review(as_staff, submitted, to="approved")
    assert response.status_code == 302  # a message on the KPI page, not a 403 page
    assert response["Location"] == f"{manual.get_absolute_url()}#value-{submitted.pk}"
    assert flashed(response) == ["Someone other than the person who entered a value reviews it."]
    submitted.refresh_from_db()
    assert submitted.status == Value.Status.SUBMITTED


def test_a_colleague_approves_or_returns(client, colleague, submitted, manual):
    client.force_login(colleague)
    page = text(client.get(manual.get_absolute_url()))
    assert 'value="approved"' in page and 'value="returned"' in page
    response = review(client, submitted, to="returned")
    assert flashed(response) == ["Say what needs changing."]
    submitted.refresh_from_db()
    assert submitted.status == Value.Status.SUBMITTED
    review(client, submitted, to="returned", note="Attach the minutes")
    submitted.refresh_from_db()
    assert submitted.status == Value.Status.RETURNED and submitted.reviewed_by == colleague
    response = review(client, submitted, to="approved")
    assert "cannot become approved" in flashed(response)[-1]
    review(client, submitted, to="submitted")
    response = review(client, submitted, to="approved")
    assert flashed(response)[-1] == "The value was approved: it now counts."
    submitted.refresh_from_db()
    assert submitted.status == Value.Status.APPROVED
    page = text(client.get(manual.get_absolute_url()))
    assert "reviewed by Bob Tan" in page


def test_review_refuses_nonsense_and_outsiders(client, make_user, submitted, other_office):
    client.force_login(make_user(Role.STAFF))
    response = review(client, submitted, to="deleted")
    assert "was not understood" in flashed(response)[0]
    assert client.get(url("value_review", submitted)).status_code == 405
    for role, office in ((Role.VIEWER, None), (Role.EXPERT, None), (Role.ADMIN, other_office)):
        client.force_login(make_user(role, office=office))
        assert review(client, submitted, to="approved").status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Value.Status.SUBMITTED


def test_action_page_links_each_kpi(as_staff, seed_plan):
    action = seed_plan.actions.get(code="1-(ff)")
    page = text(as_staff.get(action.get_absolute_url()))
    for indicator in action.indicators.all():
        assert re.search(rf'<a href="{indicator.get_absolute_url()}">\s*'
                         rf"{re.escape(escape(indicator.text))}</a>", page)
    assert "Members assisted" in page and "Entered by hand (with evidence)" in page
    assert "<code>manual</code>" not in page


def test_demo_events_are_counted_for_their_actions(demo, counted):
    """A sanity check of the data the page tests rely on."""
    assert Event.objects.filter(status="held", action_links__action=counted.action).exists()
