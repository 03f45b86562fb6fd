"""Script and SQL injection through every text field that is shown back.

Each text field below is filled through its real form (or the API) with the payloads, then
the pages that show it are fetched: the raw ``<script>alert(1)</script>`` and ``<img src=x
onerror=...>`` never appear, the escaped ``&lt;script&gt;`` does (so the field really is on
the page), the text is stored as typed (no SQL was run: the tables are there and hold what
they should), and a search for ``%' OR '1'='1`` finds only what contains it literally.

Fields tried: event title, venue (city) and summary (web form, edit form and API); funding
note; new participants' name and position (web form, API, attendance sheet); request topic,
notes and step note (web and API); survey title and introduction, question text, hint and
choices, invitees' names, free-text answers given by link; publication title and summary
(and a ``javascript:`` address, refused); partner names (admin); plan import text (pillar
title, action text, activity title, KPI text); KPI value description, evidence and note
(web and API; ``javascript:`` evidence links refused); adoption evidence; instrument names;
API token names; every parameter of every filter and search form (``q`` included) of the
list pages. One check of the exports: the survey export keeps formulas as text.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from workplan.delivery.models import Event, Participation, Request
from workplan.directory.models import Member, Partner, Person

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
DROP = "'; DROP TABLE delivery_event; --"
LIKE = "%' OR '1'='1"
PAYLOAD = f"{SCRIPT} {ATTRIBUTE} {DROP} {LIKE}"  # 102 characters
SHORT = f"{SCRIPT}{ATTRIBUTE}"  # for fields of 100 characters
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
TABLES = ("delivery_event", "delivery_request", "directory_person", "surveys_answer",
          "plans_action", "reports_publication")


def assert_escaped(response, where: str, *, shown: bool = True) -> str:
    """The page holds no raw payload; with ``shown``, it holds the escaped one."""
    assert response.status_code in (200, 400), (where, response.status_code)
    html = response.content.decode()
    assert SCRIPT not in html, f"raw <script> on {where}"
    assert "<img src=x" not in html, f"raw <img onerror> on {where}"
    if shown:
        assert ESCAPED in html, f"the payload is not shown on {where}"
    return html


def assert_tables_intact():
    names = set(connection.introspection.table_names())
    assert set(TABLES) <= names
    assert Event.objects.count() >= 0  # the table answers


@pytest.fixture
def staff(client, make_user):
    user = make_user("staff")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def api_staff(staff):
    api = APIClient()
    api.force_authenticate(staff.user)
    return api


def _event_form(office, **fields):
    return {"office": office.pk, "title": "Plain", "kind": "workshop", "level": "national",
            "start_date": "2024-10-07", "end_date": "2024-10-09", "mode": "in_person",
            "status": "held", "office_role": "organised", **fields}


def _new_event(staff, office, **fields) -> Event:
    response = staff.post(reverse("delivery:event_create"), _event_form(office, **fields))
    assert response.status_code == 302, response.context["form"].errors
    return Event.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


# --- events, people, funding --------------------------------------------------------------------


def test_event_fields_and_people_are_escaped_everywhere(staff, api_staff, office, settings,
                                                        tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lao = Member.objects.get(iso3="LAO")
    plain = _new_event(staff, office, title="Plain workshop", host_member=lao.pk)
    event = _new_event(staff, office, title=PAYLOAD, city=SHORT, summary=PAYLOAD,
                       host_member=lao.pk, beneficiaries=[lao.pk])
    assert (event.title, event.city, event.summary) == (PAYLOAD, SHORT, PAYLOAD)  # as typed
    detail = reverse("delivery:event_detail", args=[event.pk])
    participants = reverse("delivery:event_participants", args=[event.pk])

    # People: a new participant (web), one through the API, a sheet (preview and import).
    response = staff.post(reverse("delivery:participation_add", args=[event.pk]), {
        "new-full_name": PAYLOAD, "new-gender": "female", "new-member": lao.pk,
        "new-position": PAYLOAD, "new-email": "", "new-role": "expert", "new-attended": "on"})
    assert response.status_code == 302
    response = api_staff.post(reverse("api:participation-list"), {
        "event": event.pk, "new_person": {"full_name": f"API {PAYLOAD}", "member": "LAO"}},
        format="json")
    assert response.status_code == 201 and response.json()["id"]
    quoted = SHORT.replace('"', '""')
    sheet = f'Full name,Sex,Country\n"Sheet {quoted}",F,LAO\n'.encode()
    upload = staff.post(reverse("delivery:attendance_import", args=[event.pk]),
                        {"file": SimpleUploadedFile("sheet.csv", sheet)})
    assert_escaped(upload, "the attendance sheet's check")
    form = upload.context["mapping_form"]
    data = {"sha256": form.initial["sha256"], "confirm": "1"}
    data.update({name: field.initial or "" for name, field in form.fields.items()
                 if name.startswith("col_")})
    assert staff.post(reverse("delivery:attendance_import", args=[event.pk]),
                      data).status_code == 302
    assert Person.objects.filter(full_name=f"Sheet {SHORT}").count() == 1
    assert Participation.objects.filter(event=event).count() == 3

    # Funding with a note; the event renamed through the edit form and through the API.
    partner = Partner.objects.create(name="Donor", kind="donor")
    assert staff.post(reverse("delivery:funding_add", args=[event.pk]), {
        "partner": partner.pk, "amount": "100", "currency": "USD",
        "note": PAYLOAD}).status_code == 302
    event.refresh_from_db()
    assert staff.post(reverse("delivery:event_update", args=[event.pk]), {
        **_event_form(office, title=f"Edited {PAYLOAD}", city=SHORT, summary=PAYLOAD,
                      host_member=lao.pk, beneficiaries=[lao.pk]),
        "version": event.version}).status_code == 302
    response = api_staff.post(reverse("api:event-list"), {
        "title": f"API {PAYLOAD}", "kind": "meeting", "level": "regional",
        "start_date": "2024-10-14", "end_date": "2024-10-14", "summary": PAYLOAD},
        format="json")
    assert response.status_code == 201
    assert response.json()["title"] == f"API {PAYLOAD}"  # JSON carries the text as typed
    assert response["Content-Type"].startswith("application/json")
    api_event = response.json()["id"]

    # The API's browsable (HTML) view of the same event escapes it as well.
    browsable = staff.get(reverse("api:event-detail", args=[event.pk]), HTTP_ACCEPT="text/html")
    assert browsable["Content-Type"].startswith("text/html")
    assert_escaped(browsable, "the browsable API")

    pages = {
        "event page": detail,
        "participants page": participants,
        "participants search": f"{participants}?q={SCRIPT}",
        "API event's page": reverse("delivery:event_detail", args=[api_event]),
        "event list": reverse("delivery:event_list"),
        "event list searched": reverse("delivery:event_list") + "?q=alert",
        "calendar": reverse("delivery:calendar") + "?month=2024-10",
        "member page": reverse("delivery:member_delivery", args=["LAO"]),
        "expert list": reverse("delivery:expert_list"),
    }
    for where, url in pages.items():
        assert_escaped(staff.get(url), where)
    expert = Person.objects.get(full_name=PAYLOAD)
    assert_escaped(staff.get(reverse("delivery:expert_detail", args=[expert.pk])),
                   "the expert's page")

    # The LIKE search finds what holds the text, nothing more.
    response = staff.get(reverse("delivery:event_list"), {"q": LIKE})
    found = {e.pk for e in response.context["page"].object_list}
    assert found == {event.pk, api_event} and plain.pk not in found
    response = staff.get(reverse("delivery:event_list"), {"q": "%"})
    assert {e.pk for e in response.context["page"].object_list} == {event.pk, api_event}
    # (Everyone holding the text is registered already: a person search finds no one, not
    # the office's other people; "Plain" finds the plain one.)
    Person.objects.create(office=office, full_name="Plain Person", member=lao)
    assert staff.get(participants, {"q": LIKE}).context["found"] == []
    assert [p.full_name for p in staff.get(participants, {"q": "Plain"}).context["found"]] \
        == ["Plain Person"]
    assert_tables_intact()
    assert Event.objects.filter(office=office).count() == 3


def test_partner_names_from_the_admin_are_escaped(client, django_user_model, office):
    root = django_user_model.objects.create_superuser("root-inj", "r@x.example", "pw-12345678")
    client.force_login(root)
    response = client.post(reverse("admin:directory_partner_add"), {
        "name": f"Partner {SHORT}", "acronym": "EVIL", "kind": "donor", "country": "",
        "website": "https://partner.example"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    partner = Partner.objects.get(acronym="EVIL")
    event = _new_event(client, office, title="Funded workshop")
    assert client.post(reverse("delivery:event_partner_add", args=[event.pk]),
                       {"partner": partner.pk, "role": "funder"}).status_code == 302
    assert_escaped(client.get(reverse("delivery:event_detail", args=[event.pk])),
                   "the event page's partners")
    html = assert_escaped(client.get(reverse("delivery:event_list")), "the partner filter",
                          shown=False)
    assert "Partner &lt;script&gt;" in html


# --- requests -----------------------------------------------------------------------------------


def test_request_texts_are_escaped(staff, api_staff, office):
    lao = Member.objects.get(iso3="LAO")
    response = staff.post(reverse("delivery:request_create"), {
        "office": office.pk, "member": lao.pk, "topic": PAYLOAD, "notes": PAYLOAD})
    assert response.status_code == 302
    request = Request.objects.get(topic=PAYLOAD)
    assert staff.post(reverse("delivery:request_transition", args=[request.pk]), {
        "status": "accepted", "version": request.version,
        "note": f"Step {PAYLOAD}"}).status_code == 302
    response = api_staff.post(reverse("api:request-list"),
                              {"member": "LAO", "topic": f"API {PAYLOAD}", "notes": PAYLOAD},
                              format="json")
    assert response.status_code == 201
    html = assert_escaped(staff.get(reverse("delivery:request_detail", args=[request.pk])),
                          "the request page")
    assert "Step &lt;script&gt;" in html
    html = assert_escaped(staff.get(reverse("delivery:request_list")), "the request list")
    assert "API &lt;script&gt;" in html
    assert Request.objects.count() == 2
    assert_tables_intact()


# --- surveys --------------------------------------------------------------------------------------


def test_survey_texts_and_free_text_answers_are_escaped(staff, client, office):
    from openpyxl import load_workbook

    from workplan.surveys import services
    from workplan.surveys.models import Answer, Survey

    response = staff.post(reverse("surveys:survey_create"), {
        "office": office.pk, "kind": "custom", "fiscal_year": 2024, "title": PAYLOAD})
    assert response.status_code == 302
    survey = Survey.objects.get(title=PAYLOAD)
    survey.questions.all().delete()
    response = staff.post(reverse("surveys:survey_update", args=[survey.pk]), {
        "title": PAYLOAD, "intro": f"Intro {PAYLOAD}", "version": survey.version})
    assert response.status_code == 302, response.context["form"].errors
    for kind, extra in [("text", {}), ("single", {"choices_text": f"{SHORT}\nPlain"})]:
        response = staff.post(reverse("surveys:question_add", args=[survey.pk]), {
            "kind": kind, "text": f"Q {PAYLOAD}", "hint": f"Hint {PAYLOAD}",
            "required": "", "scale_max": 5, **extra})
        assert response.status_code == 302, response.context["form"].errors
    response = staff.post(reverse("surveys:invitation_add", args=[survey.pk]), {
        "addresses": f"one@customs.example, {PAYLOAD}\n{SCRIPT}"})
    html = assert_escaped(response, "the invitation errors", shown=False)
    assert survey.invitations.count() == 0  # the bad line refuses the list, named
    assert "Line 2" in html and ESCAPED in html
    assert staff.post(reverse("surveys:invitation_add", args=[survey.pk]), {
        "addresses": f"one@customs.example, {PAYLOAD}"}).status_code == 302
    assert staff.post(reverse("surveys:survey_transition", args=[survey.pk]),
                      {"status": "open"}).status_code == 302
    invitation = survey.invitations.get()
    token = services.issue_token(invitation)
    invitation.save()

    link = reverse("surveys:respond", args=[token])
    html = assert_escaped(client.get(link), "the public survey form")
    assert "Intro &lt;script&gt;" in html and "Hint &lt;script&gt;" in html
    text_question, choice_question = survey.questions.order_by("position")
    formula = '=HYPERLINK("https://evil.example","click")'
    response = client.post(link, {f"q{text_question.pk}": f"{formula} {PAYLOAD}",
                                  f"q{choice_question.pk}": choice_question.choices[0]["value"]})
    assert response.status_code in (200, 302), response.status_code
    assert Answer.objects.filter(question=text_question,
                                 text=f"{formula} {PAYLOAD}").exists()

    pages = {"survey page": reverse("surveys:survey_detail", args=[survey.pk]),
             "survey list": reverse("surveys:survey_list"),
             "survey list searched": reverse("surveys:survey_list") + "?q=script",
             "results": reverse("surveys:survey_results", args=[survey.pk]),
             "answers": reverse("surveys:question_answers", args=[text_question.pk]),
             "non-respondents": reverse("surveys:survey_nonrespondents", args=[survey.pk])}
    for where, url in pages.items():
        assert_escaped(staff.get(url), where, shown=where != "non-respondents")
    response = staff.get(reverse("surveys:survey_list"), {"q": LIKE})
    assert response.status_code == 200

    # The export: the answer that starts with "=" stays text.
    response = staff.get(reverse("surveys:survey_export", args=[survey.pk]))
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK")]
    assert cells, "the answer is in the export"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    assert_tables_intact()


# --- publications --------------------------------------------------------------------------------


def test_publication_texts_are_escaped_and_script_addresses_refused(staff, office, seed_plan):
    from workplan.reports.models import Publication

    create = reverse("reports:publication_create")
    fields = {"office": office.pk, "kind": "newsletter", "title": PAYLOAD,
              "date": "2024-10-01", "summary": f"Summary {PAYLOAD}"}
    for address in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
                    "vbscript:msgbox(1)", f"https://x.example/{ATTRIBUTE}"]:
        response = staff.post(create, {**fields, "url": address})
        assert response.status_code == 200, address
        assert response.context["form"].errors.get("url"), address
        assert_escaped(response, f"the form refusing {address}", shown=False)
    assert not Publication.objects.exists()
    response = staff.post(create, {**fields, "url": "https://wco.example/news?a=1&b=2"})
    assert response.status_code == 302
    publication = Publication.objects.get()
    html = assert_escaped(staff.get(publication.get_absolute_url()), "the publication page")
    assert 'href="https://wco.example/news?a=1&amp;b=2"' in html
    assert_escaped(staff.get(reverse("reports:publication_list")), "the register")
    response = staff.get(reverse("reports:publication_list"), {"q": LIKE})
    assert_escaped(response, "the register searched")
    response = staff.get(reverse("reports:publication_list"), {"q": "%"})
    assert ESCAPED in response.content.decode()  # the one title that holds a %
    # The newsletter HTML (pasted into the mailing tool) escapes it too.
    response = staff.get(reverse("reports:report_download", args=["newsletter"]),
                         {"office": office.code, "period": "2024-2025", "quarter": "2",
                          "format": "html"})
    assert response.status_code == 200, re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)',
                                                   response.content.decode())
    assert response["Content-Disposition"].startswith("attachment")
    assert_escaped(response, "the newsletter HTML")


# --- plans, KPIs, register ---------------------------------------------------------------------

ENTITIES = "&lt;script&gt;alert(1)&lt;/script&gt;"  # the importer strips tags, then unescapes
NASTY_PLAN = (
    "ROCB A/P Annual Work Plan (2026-2027)\n\n"
    f"1. Support members {ENTITIES} {SCRIPT}\n\n"
    "Specific Actions (Relevance to RSP 2024-2026)\tActivities\tKPI\n"
    f"a) Assist members {ENTITIES} {ATTRIBUTE} {DROP} (RSP 1.1.1 \u2013 1st milestone)\t"
    f"\u27a4 National workshop {ENTITIES} {LIKE} for Lao PDR\t"
    f"Publishing the report {ENTITIES}\n"
)


def test_plan_text_kpi_values_and_register_are_escaped(client, make_user, office, seed_plan):
    from workplan.indicators.models import Indicator, Instrument, Value
    from workplan.plans.models import Action, Activity, WorkPlan

    admin = make_user("admin")
    client.force_login(admin)
    response = client.post(reverse("plans:workplan_import"), {
        "office": office.pk, "file": SimpleUploadedFile("plan.txt", NASTY_PLAN.encode())})
    assert response.status_code == 200, response.context["form"].errors
    assert_escaped(response, "the import preview", shown=False)
    sha = response.context["confirm"].initial["sha256"]
    assert client.post(reverse("plans:workplan_import"), {"sha256": sha}).status_code == 302
    plan = WorkPlan.objects.get(office=office, period="2026-2027")
    action = Action.objects.get(work_plan=plan)
    activity = Activity.objects.get(work_plan=plan)
    # Stored as meant: the tags stripped, the entities read (a <script> again, in the action).
    assert DROP in action.text and SCRIPT in action.text and LIKE in activity.title
    indicator = Indicator.objects.get(action=action)

    # A manual value (web), one through the API, and a reviewer's note.
    client.post(reverse("indicators:indicator_binding", args=[indicator.pk]),
                {"measure": "manual", "scope": "office", "direction": "increase",
                 "version": indicator.version})
    version = indicator.version
    indicator.refresh_from_db()
    assert indicator.measure == "manual" and indicator.version == version + 1
    value_url = reverse("indicators:value_create", args=[indicator.pk])
    for address in ["javascript:alert(1)", "data:text/html,x"]:
        response = client.post(value_url, {"on": "2024-11-05", "value": "3",
                                           "description": PAYLOAD, "evidence_url": address})
        assert response.status_code in (200, 400)
        assert not Value.objects.filter(indicator=indicator).exists(), address
    response = client.post(value_url, {"on": "2024-11-05", "value": "3", "submit": "on",
                                       "description": PAYLOAD, "evidence": f"Ev {PAYLOAD}"})
    assert response.status_code == 302
    api = APIClient()
    api.force_authenticate(admin)
    response = api.post(reverse("api:value-list"), {
        "indicator": indicator.pk, "on": "2024-11-06", "value": 1,
        "description": f"API {PAYLOAD}", "evidence_url": "javascript:alert(1)"}, format="json")
    assert response.status_code == 400 and "evidence_url" in response.json(), response.json()
    response = api.post(reverse("api:value-list"), {
        "indicator": indicator.pk, "on": "2024-11-06", "value": 1,
        "description": f"API {PAYLOAD}", "evidence": PAYLOAD}, format="json")
    assert response.status_code == 201, response.json()
    staff = make_user("staff")
    client.force_login(staff)
    value = Value.objects.get(indicator=indicator, description=PAYLOAD)
    assert client.post(reverse("indicators:value_review", args=[value.pk]),
                       {"to": "returned", "note": f"Note {PAYLOAD}"}).status_code == 302

    # The adoption register: evidence (staff), an instrument named by an admin.
    client.force_login(admin)
    response = client.post(reverse("indicators:instrument_create"), {
        "code": "evil", "name": f"Instrument {SHORT}", "kind": "tool",
        "top_status_label": "used", "keywords": ""})
    assert response.status_code == 302, response.context["form"].errors
    instrument = Instrument.objects.get(code="evil")
    adoption_url = reverse("indicators:adoption_history", args=["LAO", instrument.code])
    response = client.post(reverse("indicators:adoption_record", args=["LAO", instrument.code]),
                           {"status": "1", "since": "2024-01-01",
                            "evidence": f"Adopted {PAYLOAD}"})
    assert response.status_code == 302
    assert "Adopted &lt;script&gt;" in client.get(adoption_url).content.decode()

    pages = {
        "plan page": plan.get_absolute_url(),
        "action page": reverse("plans:action_detail", args=[action.pk]),
        "activity page": reverse("plans:activity_detail", args=[activity.pk]),
        "search": reverse("core:search") + "?q=DROP+TABLE",
        "KPI page": reverse("indicators:indicator_detail", args=[indicator.pk]),
        "IPTT": reverse("indicators:iptt", args=[office.code, plan.period]),
        "dashboard": reverse("indicators:dashboard", args=[office.code, plan.period]),
        "adoption history": adoption_url,
        "instruments": reverse("indicators:instrument_list"),
        "adoption register": reverse("indicators:adoption_register"),
    }
    for where, url in pages.items():
        # (The dashboard shows figures and charts: its titles are the pillars' numbers.)
        assert_escaped(client.get(url), where, shown=where != "dashboard")
    html = client.get(reverse("indicators:indicator_detail", args=[indicator.pk])).content
    assert b"Ev &lt;script&gt;" in html and b"Note &lt;script&gt;" in html
    assert b"API &lt;script&gt;" in html

    # The LIKE search of the plans finds the one activity that holds the text, nothing more.
    def found(response, key):
        return next((s.rows for s in response.context["sections"] if s.key == key), [])

    response = client.get(reverse("core:search"), {"q": LIKE})
    assert [a.pk for a in found(response, "activities")] == [activity.pk]
    assert found(response, "actions") == []
    response = client.get(reverse("core:search"), {"q": "_"})
    assert all("_" in a.text for a in found(response, "actions"))
    assert_tables_intact()
    assert WorkPlan.objects.filter(office=office).count() == 2


def test_survey_titles_cannot_add_mail_headers(staff, office, mailoutbox,
                                               django_capture_on_commit_callbacks):
    """A title is the invitation's subject: a line break in it never becomes a header."""
    from workplan.surveys.models import Survey

    title = "Survey\r\nBcc: evil@evil.example\r\nX-Evil: 1"
    assert staff.post(reverse("surveys:survey_create"), {
        "office": office.pk, "kind": "custom", "fiscal_year": 2024,
        "title": title}).status_code in (200, 302, 400)
    survey = Survey.objects.filter(office=office).first()
    if survey is None:
        return  # refused outright: nothing to send
    survey.questions.all().delete()
    staff.post(reverse("surveys:question_add", args=[survey.pk]),
               {"kind": "text", "text": "Anything?", "scale_max": 5})
    staff.post(reverse("surveys:invitation_add", args=[survey.pk]),
               {"addresses": "one@customs.example"})
    staff.post(reverse("surveys:survey_transition", args=[survey.pk]), {"status": "open"})
    survey.refresh_from_db()
    assert survey.status == "open" and survey.invitations.count() == 1
    # the links go out by a background task once the request's transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("surveys:survey_send", args=[survey.pk]))
    # The subject is the title on one line: it is sent, and no header or recipient comes
    # from it.
    invitation = survey.invitations.get()
    assert invitation.last_sent_at is not None and len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.recipients() == ["one@customs.example"]
    parsed = message.message()
    assert parsed["X-Evil"] is None and parsed["Bcc"] is None
    assert parsed["Subject"] == "Survey: Survey Bcc: evil@evil.example X-Evil: 1"


def test_token_names_are_escaped(staff):
    response = staff.post(reverse("core:token_create"), {"name": SHORT})
    assert response.status_code in (200, 302)
    assert_escaped(staff.get(reverse("core:token_list")), "the token list")


# --- every filter and search box -----------------------------------------------------------------

GET_FORM = re.compile(r"<form\b[^>]*\bmethod=\"get\"[^>]*>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.I)


def test_every_filter_parameter_is_escaped_and_harmless(staff, office, seed_plan):
    """Every GET form (filters, search boxes) of the list pages, every field of it given the
    payloads at once: the page answers (or refuses the filter with a message), never shows
    the payload raw, and changes nothing."""
    from tests.test_permission_matrix import _fingerprint

    lao = Member.objects.get(iso3="LAO")
    event = _new_event(staff, office, title="Held workshop", host_member=lao.pk)
    pages = [
        reverse("delivery:event_list"), reverse("delivery:request_list"),
        reverse("delivery:calendar"), reverse("delivery:expert_list"),
        reverse("delivery:event_participants", args=[event.pk]),
        reverse("delivery:member_delivery", args=["LAO"]),
        reverse("delivery:plan_delivery", args=[office.code, seed_plan.period]),
        reverse("surveys:survey_list"), reverse("surveys:evaluation_overview"),
        reverse("surveys:followup_due"),
        reverse("reports:publication_list"), reverse("reports:report_list"),
        reverse("plans:workplan_list"), seed_plan.get_absolute_url(),
        reverse("indicators:iptt", args=[office.code, seed_plan.period]),
        reverse("indicators:dashboard", args=[office.code, seed_plan.period]),
        reverse("indicators:adoption_register"), reverse("core:search"),
        reverse("directory:member_list"),
    ]
    before = _fingerprint()
    tried = set()
    for url in pages:
        html = staff.get(url).content.decode()
        names = {name for form in GET_FORM.findall(html) for name in FIELD.findall(form)}
        names -= {"csrfmiddlewaretoken"}
        for payload in (PAYLOAD, LIKE):
            response = staff.get(url, dict.fromkeys(names, payload) | {"q": payload})
            assert response.status_code in (200, 400), (url, response.status_code)
            assert_escaped(response, f"{url} filtered", shown=False)
        tried |= {f"{url}?{name}" for name in names}
    assert len(tried) >= 30  # the filters were found
    assert _fingerprint() == before
    # Each exporter's parameters too: refused with a message, or exported, never raw.
    for identifier in ("events", "requests", "participants", "publications", "calendar"):
        response = staff.get(reverse("reports:report_download", args=[identifier]),
                             {"period": PAYLOAD, "office": PAYLOAD, "format": PAYLOAD})
        if response["Content-Type"].startswith("text/html"):
            assert_escaped(response, f"the {identifier} export's refusal", shown=False)
    assert_tables_intact()
    assert dt and Event  # noqa: B018  (the module's imports are all used)
