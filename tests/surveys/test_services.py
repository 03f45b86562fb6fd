"""Writes of surveys: surveys from their templates, guarded life cycle, questions fixed once
opened, invitations and links (only a hash stored), sending and reminders, responses (one per
respondent, anonymous ones unlinked), follow-ups due, and the querysets the KPIs read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db.models import Avg, Count, Sum

from workplan.delivery.services import record_event
from workplan.plans.models import Action
from workplan.surveys import services
from workplan.surveys.models import Answer, Invitation, Question, Response, Survey, token_hash

from .conftest import TODAY, links_from_outbox, member

pytestmark = pytest.mark.django_db


def values_for(survey, **by_code):
    """{question pk: value} from values given by question code."""
    return {q.pk: by_code[q.code] for q in survey.questions.all() if q.code in by_code}


GOOD = {"overall": 5, "relevance": 4, "content": 4, "speakers": 3, "organisation": 5,
        "apply": "Risk profiles", "comments": ""}


# --- creating from the templates --------------------------------------------------------------


def test_evaluation_from_its_event_has_the_template_and_the_participants(regional_event):
    survey, created = services.create_event_survey(regional_event, Survey.Kind.EVALUATION)
    assert created and survey.status == Survey.Status.DRAFT
    assert survey.office == regional_event.office and survey.fiscal_year == 2024
    assert survey.title == "Evaluation: Regional workshop on AEO"
    codes = list(survey.questions.values_list("code", flat=True))
    assert codes == ["overall", "relevance", "content", "speakers", "organisation", "apply",
                     "comments"]
    assert set(survey.questions.filter(kind="rating").values_list("scale_max", flat=True)) \
        == {5}
    # The event's actions, set automatically.
    assert set(survey.actions.all()) == set(regional_event.actions.all())
    assert survey.actions.exists()
    # Participants with an e-mail, not the one without, not the expert.
    invited = dict(survey.invitations.values_list("email", "member__iso3"))
    assert len(invited) == 6 and invited["ana@customs.example"] == "LAO"
    assert "expert@customs.example" not in invited
    assert survey.invitations.filter(token_hash__isnull=False).count() == 0  # nothing sent
    again, created = services.create_event_survey(regional_event, Survey.Kind.EVALUATION)
    assert again == survey and not created


def test_needs_assessment_ranks_the_actions_of_the_plan(office, seed_plan):
    survey = services.create_survey(office=office, kind="needs", fiscal_year=2024)
    ranking = survey.questions.get(code="priorities")
    actions = list(Action.objects.filter(work_plan=seed_plan).order_by("position"))
    assert [c["value"] for c in ranking.choices] == [a.code for a in actions]
    assert ranking.choices[0]["label"].startswith("1-(a) ")
    assert ranking.rank_limit == 5 and ranking.ranks == 5
    assert survey.actions.count() == len(actions)
    assert survey.title == "Needs assessment 2024-2025"
    # A later year without its own plan offers the newest plan before it.
    later = services.create_survey(office=office, kind="needs", fiscal_year=2026)
    assert later.questions.get(code="priorities").choices == ranking.choices


def test_needs_assessment_without_a_plan_is_refused(office):
    with pytest.raises(services.SurveyError, match="no work plan"):
        services.create_survey(office=office, kind="needs", fiscal_year=2024)
    assert not Survey.objects.exists()


def test_a_needs_assessment_cannot_be_anonymous(office, seed_plan):
    with pytest.raises(services.SurveyError, match="cannot be anonymous"):
        services.create_survey(office=office, kind="needs", anonymous=True)
    assert not Survey.objects.exists()


def test_evaluation_needs_an_event(office):
    with pytest.raises(services.SurveyError):
        services.create_survey(office=office, kind="evaluation")


# --- life cycle -------------------------------------------------------------------------------


def test_life_cycle_is_guarded(regional_event):
    survey, _ = services.create_event_survey(regional_event, "evaluation")
    with pytest.raises(services.TransitionError, match="draft cannot become closed"):
        services.move_survey(survey, "closed")
    services.move_survey(survey, "open")
    assert survey.status == "open" and survey.opened_at is not None
    first_opened = survey.opened_at
    with pytest.raises(services.TransitionError, match="open cannot become open"):
        services.move_survey(survey, "open")
    services.move_survey(survey, "closed")
    assert survey.status == "closed" and survey.closed_at is not None
    services.move_survey(survey, "open")  # reopen
    survey.refresh_from_db()
    assert survey.status == "open" and survey.closed_at is None
    assert survey.opened_at == first_opened
    with pytest.raises(services.TransitionError, match="cannot become draft"):
        services.move_survey(survey, "draft")
    with pytest.raises(services.TransitionError, match="Unknown status"):
        services.move_survey(survey, "archived")


def test_opening_needs_questions_and_a_closing_date_to_come(office, seed_plan):
    survey = services.create_survey(office=office, kind="custom", fiscal_year=2024)
    with pytest.raises(services.TransitionError, match="without questions"):
        services.move_survey(survey, "open")
    services.add_question(survey, kind="single", text="Pick one", choices=[
        {"value": "a", "label": "A"}])
    with pytest.raises(services.TransitionError, match="too few choices"):
        services.move_survey(survey, "open")
    question = survey.questions.get()
    services.update_question(question, choices=[{"value": "a", "label": "A"},
                                                 {"value": "b", "label": "B"}])
    survey.closes_on = TODAY - dt.timedelta(days=1)
    survey.save()
    with pytest.raises(services.TransitionError, match="closing date"):
        services.move_survey(survey, "open", today=TODAY)
    survey.refresh_from_db()
    assert survey.status == "draft"
    survey.closes_on = TODAY
    survey.save()
    services.move_survey(survey, "open", today=TODAY)
    assert survey.status == "open"


def test_questions_change_only_while_a_draft(regional_event):
    survey, _ = services.create_event_survey(regional_event, "evaluation")
    added = services.add_question(survey, kind="number", text="How many colleagues?")
    assert added.position == 8
    services.move_question(added, -1)
    assert list(survey.questions.values_list("code", flat=True))[-2:] == ["", "comments"]
    services.delete_question(survey.questions.get(code="content"))
    assert list(survey.questions.values_list("position", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    services.move_survey(survey, "open")
    question = survey.questions.get(code="overall")
    for step in (lambda: services.add_question(survey, kind="text", text="Late"),
                 lambda: services.update_question(question, text="Changed"),
                 lambda: services.delete_question(question),
                 lambda: services.move_question(question, 1)):
        with pytest.raises(services.SurveyError, match="only while it is a draft"):
            step()
    question.refresh_from_db()
    assert question.text.startswith("Overall") and survey.questions.count() == 7


def test_anonymity_is_fixed_once_opened(office, seed_plan):
    survey = services.create_survey(office=office, kind="custom", fiscal_year=2024)
    services.update_survey(survey, anonymous=True)
    services.add_question(survey, kind="text", text="Anything?")
    services.move_survey(survey, "open")
    with pytest.raises(services.SurveyError, match="only while it is a draft"):
        services.update_survey(survey, anonymous=False)
    survey.refresh_from_db()
    assert survey.anonymous
    services.update_survey(survey, title="Renamed")  # other fields stay editable
    survey.refresh_from_db()
    assert survey.title == "Renamed"


def test_dates_out_of_order_are_refused(office, seed_plan):
    survey = services.create_survey(office=office, kind="custom", fiscal_year=2024)
    with pytest.raises(services.SurveyError, match="closes before it opens"):
        services.update_survey(survey, opens_on=TODAY, closes_on=TODAY - dt.timedelta(days=1))
    survey.refresh_from_db()
    assert survey.opens_on is None


# --- invitations and links --------------------------------------------------------------------


def test_parse_invitees_reads_the_usual_forms_and_names_bad_lines(office, regional_event):
    entries, errors = services.parse_invitees(
        "Ana Lee <ANA@customs.example>\n\nnew@example.org, New Person\nnot an address\n"
        "new@example.org\n", office)
    assert [(e["name"], e["email"]) for e in entries] == [
        ("Ana Lee", "ANA@customs.example"), ("New Person", "new@example.org")]
    assert entries[0]["person"].full_name == "Ana Lee"  # known by e-mail, any case
    assert entries[0]["member"].iso3 == "LAO"
    assert errors == ["Line 4: “not an address” is not an e-mail address.",
                      "Line 5: new@example.org is listed twice."]


def test_sending_stores_only_a_hash_and_the_link_works(evaluation):
    assert len(mail.outbox) == 6
    links = links_from_outbox()
    raw = links["ana@customs.example"]
    invitation = Invitation.objects.get(email="ana@customs.example")
    assert invitation.token_hash == token_hash(raw) and raw not in invitation.token_hash
    assert len(raw) >= 43  # 256 bits
    stored = list(Invitation.objects.values_list("token_hash", "previous_token_hash"))
    assert all(raw not in (h or "") for pair in stored for h in pair for raw in links.values())
    assert services.find_invitation(raw) == invitation
    assert services.find_invitation(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert services.find_invitation("") is None
    assert invitation.invited_at and invitation.last_sent_at and invitation.send_count == 1
    message = mail.outbox[0]
    assert message.subject == "Survey: Evaluation: Regional workshop on AEO"
    assert "until the survey closes" in message.body
    # Sending again sends nothing new.
    assert services.send_invitations(evaluation, base_url="http://testserver").sent == 0


def test_reminders_go_to_non_respondents_with_a_new_link(evaluation, links):
    ana = Invitation.objects.get(email="ana@customs.example")
    services.submit_by_link(ana, list(evaluation.questions.all()), values_for(evaluation, **GOOD))
    mail.outbox.clear()
    report = services.send_invitations(evaluation, base_url="http://testserver", reminder=True)
    assert report.sent == 5 and not report.failed
    assert "ana@customs.example" not in [m.to[0] for m in mail.outbox]
    assert mail.outbox[0].subject.startswith("Reminder: ")
    bo = Invitation.objects.get(email="bo@customs.example")
    assert bo.reminded_at is not None and bo.send_count == 2
    first, second = links["bo@customs.example"], links_from_outbox()["bo@customs.example"]
    assert first != second
    # The link of the message before still works; two reminders later it does not.
    assert services.find_invitation(first) == bo == services.find_invitation(second)
    services.send_invitations(evaluation, base_url="http://testserver", reminder=True)
    assert services.find_invitation(first) is None
    assert services.find_invitation(second) == bo


def test_links_are_sent_only_for_a_survey_accepting_answers(regional_event):
    survey, _ = services.create_event_survey(regional_event, "evaluation")
    with pytest.raises(services.SurveyError, match="not open yet"):
        services.send_invitations(survey, base_url="http://testserver")
    assert not mail.outbox
    assert not Invitation.objects.filter(last_sent_at__isnull=False).exists()


def test_a_refused_message_leaves_its_invitation_as_it_was(evaluation, settings):
    settings.EMAIL_BACKEND = "tests.surveys.failing_mail.Backend"
    services.invite(evaluation, [{"email": "bounce@fail.example", "name": "Bounce"},
                                 {"email": "fine@customs.example", "name": "Fine"}])
    report = services.send_invitations(evaluation, base_url="http://testserver")
    assert report.sent == 1 and report.failed[0][0] == "bounce@fail.example"
    bounce = Invitation.objects.get(email="bounce@fail.example")
    assert bounce.token_hash is None and bounce.last_sent_at is None
    assert Invitation.objects.get(email="fine@customs.example").last_sent_at is not None


# --- responses --------------------------------------------------------------------------------


def test_a_second_submission_changes_the_same_response(evaluation, links):
    ana = Invitation.objects.get(email="ana@customs.example")
    questions = list(evaluation.questions.all())
    first = services.submit_by_link(ana, questions, values_for(evaluation, **GOOD))
    again = services.submit_by_link(ana, questions,
                                    values_for(evaluation, **{**GOOD, "overall": 2}))
    assert first.pk == again.pk
    assert Response.objects.filter(survey=evaluation).count() == 1
    assert Answer.objects.ratings().get(response=again).number == 2
    assert Answer.objects.filter(response=again).count() == 6  # "comments" left empty
    ana.refresh_from_db()
    assert ana.responded and ana.responded_at is not None
    assert again.invitation == ana and again.member.iso3 == "LAO"


def test_anonymous_responses_keep_no_link_to_the_invitation(regional_event):
    survey, _ = services.create_event_survey(regional_event, "evaluation")
    services.update_survey(survey, anonymous=True)
    services.move_survey(survey, "open")
    services.send_invitations(survey, base_url="http://testserver")
    ana = Invitation.objects.get(email="ana@customs.example")
    questions = list(survey.questions.all())
    response = services.submit_by_link(ana, questions, values_for(survey, **GOOD))
    assert response.invitation is None and response.member.iso3 == "LAO"
    ana.refresh_from_db()
    assert ana.responded and ana.responded_at is None  # no time to match the response by
    with pytest.raises(services.Refused, match="already sent") as refused:
        services.submit_by_link(ana, questions, values_for(survey, **GOOD))
    assert refused.value.status == 410
    assert Response.objects.filter(survey=survey).count() == 1
    assert not Response.objects.filter(invitation__isnull=False).exists()


def test_nothing_is_taken_when_the_survey_does_not_accept_answers(evaluation, links):
    ana = Invitation.objects.get(email="ana@customs.example")
    questions = list(evaluation.questions.all())
    services.move_survey(evaluation, "closed")
    with pytest.raises(services.Refused) as refused:
        services.submit_by_link(ana, questions, values_for(evaluation, **GOOD))
    assert refused.value.status == 410
    services.move_survey(evaluation, "open")
    evaluation.closes_on = TODAY
    evaluation.save()
    with pytest.raises(services.Refused, match="closed on"):
        services.submit_by_link(ana, questions, values_for(evaluation, **GOOD),
                                today=TODAY + dt.timedelta(days=1))
    evaluation.opens_on = TODAY
    evaluation.save()
    with pytest.raises(services.Refused, match="opens on") as refused:
        services.submit_by_link(ana, questions, values_for(evaluation, **GOOD),
                                today=TODAY - dt.timedelta(days=1))
    assert refused.value.status == 404
    assert not Response.objects.exists()
    ana.refresh_from_db()
    assert not ana.responded


def test_one_needs_response_per_member(needs, make_user):
    first_fp = make_user("focal_point", member=member("LAO"))
    second_fp = make_user("focal_point", member=member("LAO"))
    ranking = needs.questions.get(code="priorities")
    topics = [c["value"] for c in ranking.choices]
    questions = list(needs.questions.all())
    one = services.submit_for_member(needs, member("LAO"), questions,
                                     {ranking.pk: topics[:3]}, user=first_fp)
    two = services.submit_for_member(needs, member("LAO"), questions,
                                     {ranking.pk: [topics[4], topics[0]]}, user=second_fp)
    assert one.pk == two.pk and two.submitted_by == second_fp and two.for_member
    assert Response.objects.filter(survey=needs).count() == 1
    assert services.stored_values(two)[ranking.pk] == [topics[4], topics[0]]
    # A needs invitation for the same member edits the same response.
    services.invite(needs, [{"email": "lao@customs.example", "member": member("LAO")}])
    invitation = needs.invitations.get()
    services.submit_by_link(invitation, questions, {ranking.pk: [topics[1]]})
    assert Response.objects.filter(survey=needs).count() == 1
    services.move_survey(needs, "closed")
    with pytest.raises(services.Refused):
        services.submit_for_member(needs, member("LAO"), questions, {ranking.pk: topics[:1]},
                                   user=first_fp)


# --- follow-ups -------------------------------------------------------------------------------


def test_follow_ups_fall_due_months_after_held_regional_events(office, regional_event,
                                                               settings):
    from workplan.delivery.models import Event

    national = record_event(office=office, title="National", kind="workshop", level="national",
                            start_date=dt.date(2024, 9, 2), end_date=dt.date(2024, 9, 6),
                            status="held")
    planned = record_event(office=office, title="Planned", kind="workshop", level="regional",
                           start_date=dt.date(2024, 9, 2), end_date=dt.date(2024, 9, 6))
    assert national and planned
    events = Event.objects.all()
    assert services.follow_ups(events, today=dt.date(2025, 3, 5)) == []
    due = services.follow_ups(events, today=dt.date(2025, 3, 6))
    assert [(d.event, d.due_on, d.invitees) for d in due] == [
        (regional_event, dt.date(2025, 3, 6), 6)]
    soon = services.follow_ups(events, today=dt.date(2025, 2, 20), ahead_days=30)
    assert [d.event for d in soon] == [regional_event]
    # Per-office delay.
    settings.WORKPLAN_FOLLOW_UP_MONTHS_BY_OFFICE = {office.code: 3}
    assert services.follow_ups(events, today=dt.date(2024, 12, 6))[0].due_on \
        == dt.date(2024, 12, 6)
    # Past the window it is no longer listed; sent, it is no longer due.
    settings.WORKPLAN_FOLLOW_UP_MONTHS_BY_OFFICE = {}
    assert services.follow_ups(events, today=dt.date(2026, 3, 7)) == []
    survey, report = services.launch_follow_up(regional_event, base_url="http://testserver",
                                               today=dt.date(2025, 3, 6))
    assert survey.kind == "followup" and survey.status == "open" and report.sent == 6
    assert survey.opens_on == dt.date(2025, 3, 6) and survey.closes_on == dt.date(2025, 4, 5)
    assert [q.code for q in survey.questions.all()] == [
        "actions_taken", "lessons", "effects", "projects", "comments"]
    assert services.follow_ups(events, today=dt.date(2025, 3, 6)) == []
    with pytest.raises(services.SurveyError, match="already has a follow-up"):
        services.launch_follow_up(regional_event, today=dt.date(2025, 3, 6))


def test_add_months_keeps_the_day_when_it_can():
    assert services.add_months(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)
    assert services.add_months(dt.date(2024, 9, 6), 6) == dt.date(2025, 3, 6)
    assert services.add_months(dt.date(2024, 1, 15), -2) == dt.date(2023, 11, 15)


# --- what the KPIs read -----------------------------------------------------------------------


def test_kpi_querysets(evaluation, links, regional_event, office, seed_plan):
    draft = services.create_survey(office=office, kind="custom", fiscal_year=2024)
    assert list(Survey.objects.conducted()) == [evaluation]
    assert draft not in Survey.objects.conducted()
    services.move_survey(evaluation, "closed")
    assert list(Survey.objects.conducted()) == [evaluation]
    services.move_survey(evaluation, "open")
    questions = list(evaluation.questions.all())
    for email, overall in (("ana@customs.example", 5), ("bo@customs.example", 3),
                           ("chi@customs.example", 4)):
        services.submit_by_link(Invitation.objects.get(email=email), questions,
                                values_for(evaluation, **{**GOOD, "overall": overall}))
    summary = Answer.objects.ratings(code="overall").aggregate(mean=Avg("number"),
                                                              n=Count("number"))
    assert summary == {"mean": 4.0, "n": 3}
    assert Answer.objects.ratings(code="relevance").count() == 3
    assert Answer.objects.ratings(code="apply").count() == 0  # a text question
    follow_up, _report = services.launch_follow_up(regional_event, base_url="http://x",
                                                   today=TODAY)
    fq = list(follow_up.questions.all())
    for email, taken, projects in (("ana@customs.example", 3, 1),
                                   ("bo@customs.example", 2, 0)):
        invitation = Invitation.objects.get(survey=follow_up, email=email)
        services.submit_by_link(invitation, fq, values_for(
            follow_up, actions_taken=taken, lessons="x", effects="y", projects=projects),
            today=TODAY)
    assert Answer.objects.numbers("actions_taken").aggregate(t=Sum("number"))["t"] == 5
    assert Answer.objects.numbers("projects").summary()["total"] == 1
    assert Question.objects.filter(code="overall").count() == 1


def test_a_title_with_line_breaks_still_sends(regional_event):
    survey, _created = services.create_event_survey(regional_event, Survey.Kind.EVALUATION)
    survey.title = "Evaluation\r\nBcc: someone@evil.example"
    survey.save()
    services.move_survey(survey, Survey.Status.OPEN)
    services.send_invitations(survey, base_url="http://testserver")
    assert len(mail.outbox) == 6
    subject = mail.outbox[0].message()["Subject"]
    assert subject == "Survey: Evaluation Bcc: someone@evil.example"
    assert all(not m.bcc and len(m.to) == 1 for m in mail.outbox)
