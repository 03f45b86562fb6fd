"""The staff pages of surveys: list, create, a survey's page, questions while a draft, the life
cycle, invitations, sending and reminders, non-respondents, results, the XLSX export, all
answers to a question, the needs-versus-delivery gap, evaluations across events, follow-ups
due; the event page's "Create evaluation"; scope (404 outside it) and query counts that do
not grow with the data."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from workplan.delivery.models import Event
from workplan.surveys import services
from workplan.surveys.demo import build_survey_responses
from workplan.surveys.models import Invitation, Question, Response, Survey

from .conftest import links_from_outbox, member

pytestmark = pytest.mark.django_db

AUTH = 3  # session, user, the user's office roles
# List: fiscal years of the filter, the count for the pager, one page of surveys (with office,
# event and three counts).
LIST = AUTH + 3
# A survey's page: the survey (office, region, event, counts), its actions, its questions,
# the invitations' sending counts, its history (records with users, the actions' history).
DETAIL = AUTH + 4 + 2
# Results: the survey with counts; questions, answer statistics, rating distribution, choice
# counts, newest texts, invitations by member, responses by member, members.
RESULTS = AUTH + 1 + 8
# Non-respondents: the survey, the count for the pager, a page of invitations (with members).
NONRESPONDENTS = AUTH + 3
# Gap: the survey; ranking question, members, ranks, events by member and topic, by topic.
GAP = AUTH + 1 + 5
# Evaluations across events: the years evaluated, the total, by year, by level, by kind, by
# pillar, the pillars' titles, the count for the pager, a page of evaluations with means.
OVERVIEW = AUTH + 9


def text(response) -> str:
    body = re.sub(r"</?(a|strong|em|q|span|code)\b[^>]*>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def answer_all(survey, count=None, **overrides):
    """Answer through the first ``count`` invitations (all by default)."""
    questions = list(survey.questions.all())
    values = {"overall": 4, "relevance": 5, "content": 3, "speakers": 4, "organisation": 5,
              "apply": "Better risk profiles", "comments": "=HYPERLINK(\"http://x\")",
              **overrides}
    for invitation in list(survey.invitations.order_by("pk"))[:count]:
        services.submit_by_link(invitation, questions,
                                {q.pk: values[q.code] for q in questions if q.code in values})


# --- list and create --------------------------------------------------------------------------


def test_list_shows_surveys_with_counts_in_fixed_queries(as_staff, evaluation, needs,
                                                         django_assert_num_queries, office):
    answer_all(evaluation, count=2)
    with django_assert_num_queries(LIST):
        response = as_staff.get(reverse("surveys:survey_list"))
    body = text(response)
    assert "2 surveys" in body and "Evaluation: Regional workshop on AEO" in body
    assert "2/6" in body  # links used / invited
    for year in (2023, 2025):
        survey = services.create_survey(office=office, kind="custom", fiscal_year=year)
        build_survey_responses(survey, 30)
    with django_assert_num_queries(LIST):
        response = as_staff.get(reverse("surveys:survey_list"), {"kind": "custom"})
    assert "2 surveys" in text(response)
    filtered = as_staff.get(reverse("surveys:survey_list"), {"fy": "2023"})
    assert "1 survey" in text(filtered)


def test_nav_and_list_for_other_roles(client, make_user, evaluation):
    client.force_login(make_user("expert"))
    response = client.get(reverse("surveys:survey_list"))
    assert response.status_code == 200 and "No survey yet." in text(response)
    assert f'href="{reverse("surveys:survey_list")}"' in response.content.decode()


def test_create_a_custom_survey_and_a_needs_assessment(as_staff, office, seed_plan):
    page = as_staff.get(reverse("surveys:survey_create"))
    assert page.status_code == 200
    response = as_staff.post(reverse("surveys:survey_create"), {
        "office": office.pk, "kind": "needs", "fiscal_year": 2024, "title": ""})
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()
    assert survey.kind == "needs" and survey.title == "Needs assessment 2024-2025"
    bad = as_staff.post(reverse("surveys:survey_create"), {
        "office": office.pk, "kind": "needs", "fiscal_year": 2024, "anonymous": "on",
        "opens_on": "2025-05-01", "closes_on": "2025-04-01"})
    assert bad.status_code == 400
    assert "cannot be anonymous" in text(bad) and "closes before it opens" in text(bad)
    assert Survey.objects.count() == 1


def test_viewers_and_focal_points_cannot_create(client, make_user, office, seed_plan):
    for role, extra in (("viewer", {}), ("focal_point", {"member": member("LAO")})):
        client.force_login(make_user(role, **extra))
        assert client.get(reverse("surveys:survey_create")).status_code == 404
        assert client.post(reverse("surveys:survey_create"), {
            "office": office.pk, "kind": "custom", "fiscal_year": 2024}).status_code == 404
    assert not Survey.objects.exists()


# --- the event page's button ------------------------------------------------------------------


def test_create_evaluation_from_the_event_page(as_staff, regional_event):
    page = as_staff.get(regional_event.get_absolute_url())
    action = reverse("surveys:evaluation_create", args=[regional_event.pk])
    assert f'action="{action}"' in page.content.decode() and "Create evaluation" in text(page)
    response = as_staff.post(action)
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()
    assert survey.kind == "evaluation" and survey.invitations.count() == 6
    again = as_staff.post(action, follow=True)
    assert Survey.objects.count() == 1 and "already has an evaluation" in text(again)


def test_viewers_do_not_get_the_button(client, make_user, regional_event):
    client.force_login(make_user("viewer"))
    page = client.get(regional_event.get_absolute_url())
    assert "Create evaluation" not in text(page)
    assert client.post(reverse("surveys:evaluation_create",
                               args=[regional_event.pk])).status_code == 404
    assert not Survey.objects.exists()


# --- a survey, its questions, life cycle, invitations ----------------------------------------


def test_survey_page_in_fixed_queries(as_staff, evaluation, django_assert_num_queries):
    with django_assert_num_queries(DETAIL):
        page = as_staff.get(evaluation.get_absolute_url())
    body = text(page)
    assert "7 questions" in body and "Close the survey" in body and "6 invited" in body
    assert "Remind 6 non-respondents" in body
    services.invite(evaluation, [{"email": f"p{i}@example.org"} for i in range(40)])
    answer_all(evaluation, count=10)
    with django_assert_num_queries(DETAIL):
        page = as_staff.get(evaluation.get_absolute_url())
    assert "Send links to 40 people" in text(page)


def test_questions_are_edited_while_a_draft(as_staff, regional_event):
    survey, _ = services.create_event_survey(regional_event, "evaluation")
    add = reverse("surveys:question_add", args=[survey.pk])
    bad = as_staff.post(add, {"kind": "single", "text": "Pick", "scale_max": 5,
                              "choices_text": "Only one", "code": "overall"})
    assert bad.status_code == 400
    assert "at least two choices" in text(bad) and "has the code “overall”" in text(bad)
    ok = as_staff.post(add, {"kind": "single", "text": "Venue?", "scale_max": 5,
                             "required": "on", "choices_text": "good | Good\nbad | Bad",
                             "code": "Venue Rating"})
    assert ok.status_code == 302
    question = survey.questions.get(text="Venue?")
    assert question.code == "venue_rating" and question.position == 8
    assert question.choices == [{"value": "good", "label": "Good"},
                                {"value": "bad", "label": "Bad"}]
    edit = reverse("surveys:question_update", args=[question.pk])
    assert "good | Good" in as_staff.get(edit).content.decode()
    as_staff.post(edit, {"kind": "rating", "text": "Venue, 1-4", "scale_max": 4,
                         "required": "on", "code": "venue", "version": question.version})
    question.refresh_from_db()
    assert (question.kind, question.scale_max, question.choices) == ("rating", 4, [])
    assert question.version == 2
    as_staff.post(reverse("surveys:question_move", args=[question.pk]), {"direction": "up"})
    question.refresh_from_db()
    assert question.position == 7
    as_staff.post(reverse("surveys:question_delete", args=[question.pk]))
    assert survey.questions.count() == 7
    # Opened: the pages refuse, nothing changes.
    as_staff.post(reverse("surveys:survey_transition", args=[survey.pk]), {"status": "open"})
    survey.refresh_from_db()
    assert survey.status == "open"
    first = survey.questions.first()
    refused = as_staff.post(reverse("surveys:question_update", args=[first.pk]),
                            {"kind": "text", "text": "Changed", "scale_max": 5}, follow=True)
    assert "only while it is a draft" in text(refused)
    as_staff.post(reverse("surveys:question_delete", args=[first.pk]))
    first.refresh_from_db()
    assert first.text.startswith("Overall") and survey.questions.count() == 7


def test_transitions_through_the_page(as_staff, office, seed_plan):
    survey = services.create_survey(office=office, kind="custom", fiscal_year=2024)
    url = reverse("surveys:survey_transition", args=[survey.pk])
    refused = as_staff.post(url, {"status": "open"}, follow=True)
    assert "without questions" in text(refused)
    as_staff.post(url, {"status": "closed"})
    survey.refresh_from_db()
    assert survey.status == "draft"
    nonsense = as_staff.post(url, {"status": "deleted"}, follow=True)
    assert "not understood" in text(nonsense)


def test_edit_a_survey(as_staff, evaluation):
    url = reverse("surveys:survey_update", args=[evaluation.pk])
    version = evaluation.version
    bad = as_staff.post(url, {"title": "T", "opens_on": "2025-05-02", "closes_on": "2025-05-01",
                              "version": version})
    assert bad.status_code == 400 and "closes before it opens" in text(bad)
    as_staff.post(url, {"title": "New title", "intro": "Hello", "anonymous": "on",
                        "closes_on": "2030-01-31", "version": version})
    evaluation.refresh_from_db()
    assert evaluation.title == "New title" and evaluation.closes_on == dt.date(2030, 1, 31)
    assert evaluation.version == version + 1
    assert not evaluation.anonymous  # fixed once opened (the field is disabled)


def test_invite_send_and_remind_from_the_pages(as_staff, regional_event,
                                                django_capture_on_commit_callbacks):
    survey, _ = services.create_event_survey(regional_event, "evaluation")
    add = reverse("surveys:invitation_add", args=[survey.pk])
    bad = as_staff.post(add, {"addresses": "ok@example.org\nnonsense"})
    assert bad.status_code == 400 and "Line 2" in text(bad)
    assert survey.invitations.count() == 6
    as_staff.post(add, {"addresses": "ok@example.org\nana@customs.example"})
    assert survey.invitations.count() == 7
    closed_send = as_staff.post(reverse("surveys:survey_send", args=[survey.pk]), follow=True)
    assert "not open yet" in text(closed_send) and not mail.outbox
    services.move_survey(survey, "open")
    # The page queues the links (a task of the worker's, after the commit): nothing is sent
    # while the page answers.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        sent = as_staff.post(reverse("surveys:survey_send", args=[survey.pk]), follow=True)
    assert "Links are being sent to 7 people." in text(sent) and not mail.outbox
    queued[0]()  # what the worker runs
    assert len(mail.outbox) == 7
    link = links_from_outbox()["ok@example.org"]
    assert link in mail.outbox[-1].body and "http://testserver/surveys/r/" in mail.outbox[-1].body
    mail.outbox.clear()
    answer_all(survey, count=3)
    page = as_staff.get(reverse("surveys:survey_nonrespondents", args=[survey.pk]))
    assert "4 invitations not used" in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        as_staff.post(reverse("surveys:survey_remind", args=[survey.pk]))
    assert len(mail.outbox) == 4
    assert Invitation.objects.filter(reminded_at__isnull=False).count() == 4


def test_non_respondents_in_fixed_queries(as_staff, evaluation, needs,
                                          django_assert_num_queries):
    answer_all(evaluation, count=2)
    with django_assert_num_queries(NONRESPONDENTS):
        page = as_staff.get(reverse("surveys:survey_nonrespondents", args=[evaluation.pk]))
    assert "4 invitations not used" in text(page) and "chi@customs.example" in text(page)
    assert "ana@customs.example" not in text(page)
    build_survey_responses(evaluation, 50, invited=300)
    with django_assert_num_queries(NONRESPONDENTS):
        page = as_staff.get(reverse("surveys:survey_nonrespondents", args=[evaluation.pk]))
    assert "254 invitations not used" in text(page)
    # A needs assessment names the members without an answer.
    ranking = needs.questions.get(code="priorities")
    services.submit_for_member(needs, member("LAO"), list(needs.questions.all()),
                               {ranking.pk: [ranking.choices[0]["value"]]}, user=None)
    page = as_staff.get(reverse("surveys:survey_nonrespondents", args=[needs.pk]))
    body = text(page)
    assert "34 members have not answered" in body and "Viet Nam" in body
    assert "Lao PDR" not in body


def test_removing_an_invitation(as_staff, evaluation, links):
    answer_all(evaluation, count=1)
    answered = Invitation.objects.get(email="ana@customs.example")
    refused = as_staff.post(reverse("surveys:invitation_remove", args=[answered.pk]),
                            follow=True)
    assert "has answered" in text(refused) and Invitation.objects.filter(pk=answered.pk).exists()
    other = Invitation.objects.get(email="bo@customs.example")
    as_staff.post(reverse("surveys:invitation_remove", args=[other.pk]))
    assert not Invitation.objects.filter(pk=other.pk).exists()


# --- results ----------------------------------------------------------------------------------


def test_results_page(as_staff, evaluation, links, django_assert_num_queries):
    answer_all(evaluation, count=3)
    answer_all(evaluation, count=1, overall=2, apply="Audit plans")  # Ana changes her mind
    with django_assert_num_queries(RESULTS):
        page = as_staff.get(reverse("surveys:survey_results", args=[evaluation.pk]))
    body = text(page)
    assert "3 responses" in body and "50%" in body  # 3 of 6
    assert "3 of 6 people invited answered" in body
    assert "mean 3.33 (n = 3)" in body  # overall: 2, 4, 4
    assert "mean 5.00 (n = 3)" in body  # relevance
    assert "Audit plans" in body and "Better risk profiles" in body
    assert "<svg" in page.content.decode()  # charts
    lao = next(row for row in page.context["results"].members if row.member.iso3 == "LAO")
    assert (lao.invited, lao.responded, lao.rate) == (2, 2, 100.0)


def test_results_of_choices_and_rankings(as_staff, needs):
    ranking = needs.questions.get(code="priorities")
    mode = needs.questions.get(code="delivery_mode")
    topics = [c["value"] for c in ranking.choices]
    questions = list(needs.questions.all())
    for iso3, ranked, preferred in (("LAO", topics[:3], "virtual"),
                                    ("VNM", [topics[1], topics[0]], "virtual"),
                                    ("FJI", [topics[1]], "in_person")):
        services.submit_for_member(needs, member(iso3), questions,
                                   {ranking.pk: ranked, mode.pk: preferred}, user=None)
    page = as_staff.get(reverse("surveys:survey_results", args=[needs.pk]))
    results = page.context["results"]
    assert (results.answered, results.expected) == (3, 35)
    rows = next(r for r in results.questions if r.question == ranking).rows
    first = rows[0]
    assert first.value == topics[1] and (first.count, first.first) == (3, 2)
    assert first.mean_position == pytest.approx(4 / 3)
    modes = {r.value: (r.count, r.share) for r in
             next(r for r in results.questions if r.question == mode).rows}
    assert modes["virtual"] == (2, 66.7) and modes["hybrid"] == (0, 0.0)


def test_export(as_staff, evaluation, links):
    answer_all(evaluation, count=2)
    response = as_staff.get(reverse("surveys:survey_export", args=[evaluation.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=\"survey-")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Questions", "Responses", "By member"]
    questions = list(book["Questions"].values)
    assert questions[1][:6] == (1, "overall", "Overall, how satisfied are you with the "
                                "workshop?", "Rating (1 to n)", 2, 4)
    responses = list(book["Responses"].values)
    assert responses[0][:7] == ("Response", "Submitted", "Last changed", "Member",
                                "Member name", "Name", "E-mail")
    assert len(responses) == 3 and responses[1][5] == "Ana Lee"
    sheet = book["Responses"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b and sheet.auto_filter.ref
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm"
    comment = book["Responses"].cell(row=2, column=len(responses[0]))
    assert comment.value == '=HYPERLINK("http://x")'
    assert comment.data_type == "s" and comment.quotePrefix  # text, never a formula


def test_anonymous_export_has_no_names(as_staff, regional_event):
    survey, _ = services.create_event_survey(regional_event, "evaluation")
    services.update_survey(survey, anonymous=True)
    services.move_survey(survey, "open")
    answer_all(survey, count=2)
    response = as_staff.get(reverse("surveys:survey_export", args=[survey.pk]))
    book = load_workbook(io.BytesIO(response.content))
    header = next(book["Responses"].values)
    assert "Name" not in header and "E-mail" not in header
    assert "ana@customs.example" not in str(list(book["Responses"].values))


def test_all_answers_to_a_question(as_staff, evaluation):
    build_survey_responses(evaluation, 120)
    question = evaluation.questions.get(code="apply")
    page = as_staff.get(reverse("surveys:question_answers", args=[question.pk]))
    assert "120 answers" in text(page) and "page 1 of 3" in text(page)
    rating = evaluation.questions.get(code="overall")
    assert as_staff.get(reverse("surveys:question_answers", args=[rating.pk])).status_code \
        == 200


# --- needs versus delivery --------------------------------------------------------------------


def test_needs_gap(as_staff, needs, regional_event, django_assert_num_queries):
    ranking = needs.questions.get(code="priorities")
    served = list(regional_event.actions.values_list("code", flat=True))
    unserved = next(c["value"] for c in ranking.choices if c["value"] not in served)
    questions = list(needs.questions.all())
    services.submit_for_member(needs, member("LAO"), questions,
                               {ranking.pk: [served[0], unserved]}, user=None)
    services.submit_for_member(needs, member("NPL"), questions,
                               {ranking.pk: [served[0]]}, user=None)
    with django_assert_num_queries(GAP):
        page = as_staff.get(reverse("surveys:needs_gap", args=[needs.pk]))
    gap = page.context["gap"]
    lao = next(m for m in gap.members if m.member.iso3 == "LAO")
    assert [(c.code, c.rank, c.events) for c in lao.ranked] == [(served[0], 1, 1),
                                                                (unserved, 2, 0)]
    npl = next(m for m in gap.members if m.member.iso3 == "NPL")
    assert npl.ranked[0].unmet  # Nepal was no beneficiary of the workshop
    fji = next(m for m in gap.members if m.member.iso3 == "FJI")
    assert not fji.answered and fji.other_delivered == len(served)
    topic = next(t for t in gap.topics if t.code == served[0])
    assert (topic.ranked_by, topic.first, topic.events, topic.met, topic.unmet) == \
        (2, 2, 1, 1, 1)
    assert "no event" in text(page)
    # More answers, more events: the same queries.
    for iso3 in ("VNM", "FJI", "THA", "IND"):
        services.submit_for_member(needs, member(iso3), questions,
                                   {ranking.pk: [c["value"] for c in ranking.choices[:5]]},
                                   user=None)
    extra = Event.objects.create(office=regional_event.office, title="Another", kind="workshop",
                                 level="national", start_date=dt.date(2025, 1, 6),
                                 end_date=dt.date(2025, 1, 8), status="held")
    extra.beneficiaries.set([member("THA")])
    with django_assert_num_queries(GAP):
        as_staff.get(reverse("surveys:needs_gap", args=[needs.pk]))


# --- evaluations across events ----------------------------------------------------------------


def test_evaluation_overview(as_staff, evaluation, links, office, seed_plan,
                             django_assert_num_queries):
    answer_all(evaluation, count=3)
    url = reverse("surveys:evaluation_overview")
    with django_assert_num_queries(OVERVIEW):
        small = as_staff.get(url)
    assert small.context["overview"].total.surveys == 1
    assert small.context["overview"].total.means["overall"] == 4
    from workplan.delivery.demo import Demo
    from workplan.surveys.demo import populate_demo

    Survey.objects.all().delete()  # the demo fills an office without surveys
    Demo(office).run()
    populate_demo(office, seed=2024, today=dt.date(2026, 1, 15))
    with django_assert_num_queries(OVERVIEW):
        page = as_staff.get(url)
    body = text(page)
    overview = page.context["overview"]
    evaluations = Survey.objects.conducted().filter(kind="evaluation").count()
    assert overview.total.surveys == evaluations > 50
    assert 3.5 < overview.total.means["overall"] < 4.5
    assert {g.label for g in overview.by_level} >= {"National", "Regional"}
    assert [g.label for g in overview.by_year] == ["2024-2025"]
    assert any(g.label.startswith("Pillar 1: ") for g in overview.by_pillar)
    assert "By kind of event" in body and "<svg" in page.content.decode()
    assert page.context["page"].paginator.count == evaluations
    filtered = as_staff.get(url, {"fy": "2024"})
    assert filtered.context["overview"].total.surveys == evaluations
    empty = as_staff.get(url, {"fy": "1999"})
    assert empty.context["chosen"] is None  # not a year with evaluations: all years


# --- follow-ups -------------------------------------------------------------------------------


def test_followups_page_and_sending(as_staff, regional_event, make_user, client,
                                    django_capture_on_commit_callbacks):
    from django.utils import timezone

    today = timezone.localdate()
    # Move the workshop so that its follow-up is due today.
    end = services.add_months(today, -6)
    Event.objects.filter(pk=regional_event.pk).update(start_date=end - dt.timedelta(days=4),
                                                      end_date=end)
    page = as_staff.get(reverse("surveys:followup_due"))
    assert page.context["due"][0].event == regional_event
    assert "Create and send" in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_staff.post(reverse("surveys:followup_launch",
                                         args=[regional_event.pk]))
    survey = Survey.objects.get(kind="followup")
    assert response["Location"] == survey.get_absolute_url()
    assert survey.status == "open" and len(mail.outbox) == 6
    assert as_staff.get(reverse("surveys:followup_due")).context["due"] == []
    again = as_staff.post(reverse("surveys:followup_launch", args=[regional_event.pk]),
                          follow=True)
    assert "already has a follow-up" in text(again) and len(mail.outbox) == 6
    client.force_login(make_user("viewer"))
    assert "Create and send" not in text(client.get(reverse("surveys:followup_due")))


def test_followups_are_for_held_regional_events(as_staff, office):
    national = Event.objects.create(office=office, title="National", kind="workshop",
                                    level="national", start_date=dt.date(2024, 5, 6),
                                    end_date=dt.date(2024, 5, 8), status="held")
    response = as_staff.post(reverse("surveys:followup_launch", args=[national.pk]),
                             follow=True)
    assert "not one" in text(response) and not Survey.objects.exists()


# --- scope ------------------------------------------------------------------------------------


def test_other_offices_get_404(client, make_user, other_office, evaluation, needs):
    client.force_login(make_user("admin", office=other_office))
    question = evaluation.questions.first()
    for url in (evaluation.get_absolute_url(),
                reverse("surveys:survey_results", args=[evaluation.pk]),
                reverse("surveys:survey_export", args=[evaluation.pk]),
                reverse("surveys:survey_nonrespondents", args=[evaluation.pk]),
                reverse("surveys:survey_update", args=[evaluation.pk]),
                reverse("surveys:question_answers", args=[question.pk]),
                reverse("surveys:question_update", args=[question.pk]),
                reverse("surveys:needs_gap", args=[needs.pk]),
                reverse("surveys:member_response", args=[needs.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("surveys:survey_remind", args=[evaluation.pk])).status_code \
        == 404
    assert not mail.outbox[6:]
    overview = client.get(reverse("surveys:evaluation_overview"))
    assert overview.context["overview"].total is None


def test_question_kinds_cover_the_issue():
    assert {k for k, _label in Question.Kind.choices} == {
        "rating", "single", "multiple", "ranking", "number", "text"}
    assert {k for k, _label in Survey.Kind.choices} == {"needs", "evaluation", "followup",
                                                        "custom"}


def test_response_counts_on_the_survey(evaluation, links):
    answer_all(evaluation, count=4)
    survey = Survey.objects.with_counts().get(pk=evaluation.pk)
    assert (survey.response_count, survey.invitation_count, survey.responded_count) == (4, 6, 4)
    assert Response.objects.filter(survey=evaluation).by_member().count() == 2


def test_links_the_mail_server_refuses_are_retried_then_listed_for_admins(
        as_staff, regional_event, settings, make_user, client,
        django_capture_on_commit_callbacks):
    from workplan.notifications.models import SendFailure

    survey, _ = services.create_event_survey(regional_event, "evaluation")
    services.move_survey(survey, "open")
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        as_staff.post(reverse("surveys:survey_send", args=[survey.pk]))
    failures = SendFailure.objects.filter(url=survey.get_absolute_url())
    assert failures.count() == 6 and {f.attempts for f in failures} == {4}
    assert not survey.invitations.filter(last_sent_at__isnull=False).exists()  # unchanged
    client.force_login(make_user("admin"))
    page = text(client.get(reverse("notifications:failure_list")))
    assert "Survey link: " + survey.title in page and "Connection refused" in page
    # The mail server is back: sending again sends each link once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        as_staff.post(reverse("surveys:survey_send", args=[survey.pk]))
        as_staff.post(reverse("surveys:survey_send", args=[survey.pk]))
    assert len(mail.outbox) == 6
