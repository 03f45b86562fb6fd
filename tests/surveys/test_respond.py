"""Answering through a link (no account): the form, editing until close, one response per
link, every kind of bad link and bad answer refused with a clear page and nothing saved, and
the rate limit. Also focal points answering the needs assessment for their member."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from workplan.surveys import services
from workplan.surveys.models import Answer, AnswerChoice, Invitation, Response

from .conftest import member

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return reverse("surveys:respond", args=[token])


def text(response) -> str:
    """The page's words: inline tags vanish, others become spaces."""
    body = re.sub(r"</?(a|strong|em|q|span|code)\b[^>]*>", "", response.content.decode())
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body))


def answers(survey, **by_code) -> dict:
    """POST data for the response form from values given by question code."""
    data = {}
    for question in survey.questions.all():
        if question.code not in by_code:
            continue
        value = by_code[question.code]
        if question.kind == "ranking":
            for place, item in enumerate(value, start=1):
                data[f"q{question.pk}_{place}"] = item
        else:
            data[f"q{question.pk}"] = value
    return data


GOOD = {"overall": "5", "relevance": "4", "content": "4", "speakers": "3",
        "organisation": "5", "apply": "Risk profiles", "comments": ""}


def stored():
    return (Response.objects.count(), Answer.objects.count(), AnswerChoice.objects.count(),
            list(Invitation.objects.order_by("pk").values_list("responded", flat=True)))


# --- answering --------------------------------------------------------------------------------


def test_the_form_answers_and_edits_until_close(client, evaluation, links):
    token = links["ana@customs.example"]
    page = client.get(url(token))
    assert page.status_code == 200
    assert "Overall, how satisfied are you with the workshop?" in text(page)
    assert "no-store" in page["Cache-Control"] and page["Referrer-Policy"] == "same-origin"
    sent = client.post(url(token), answers(evaluation, **GOOD))
    assert sent.status_code == 302 and sent["Location"] == url(token)
    response = Response.objects.get()
    assert response.invitation.email == "ana@customs.example"
    assert Answer.objects.ratings().get().number == 5
    # Back with the same link: the answers are shown, and a second submission edits them.
    again = client.get(url(token), follow=False)
    assert 'value="5"' in again.content.decode() and "Your answers of" in text(again)
    assert "checked" in again.content.decode()
    client.post(url(token), answers(evaluation, **{**GOOD, "overall": "2"}))
    assert Response.objects.count() == 1
    assert Answer.objects.ratings().get().number == 2
    # Closed: the link gets a clear page and nothing changes.
    services.move_survey(evaluation, "closed")
    closed = client.post(url(token), answers(evaluation, **{**GOOD, "overall": "1"}))
    assert closed.status_code == 410 and "closed" in text(closed)
    assert Answer.objects.ratings().get().number == 2
    assert client.get(url(token)).status_code == 410


def test_anonymous_link_answers_once(client, regional_event):
    survey, _ = services.create_event_survey(regional_event, "evaluation")
    services.update_survey(survey, anonymous=True)
    services.move_survey(survey, "open")
    raw = _issue(survey.invitations.get(email="bo@customs.example"))
    page = client.get(url(raw))
    assert "anonymous" in text(page)
    done = client.post(url(raw), answers(survey, **GOOD))
    assert done.status_code == 200 and "Thank you" in text(done)
    assert Response.objects.get().invitation is None
    again = client.post(url(raw), answers(survey, **GOOD))
    assert again.status_code == 410 and "cannot be changed" in text(again)
    assert client.get(url(raw)).status_code == 410
    assert Response.objects.count() == 1


def _issue(invitation) -> str:
    raw = services.issue_token(invitation)
    invitation.save()
    return raw


# --- bad links --------------------------------------------------------------------------------


def test_unknown_and_tampered_links_are_not_found(client, evaluation, links):
    token = links["ana@customs.example"]
    tampered = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    before = stored()
    for bad in (tampered, "not-a-token", "A" * 43, token + "x"):
        response = client.post(url(bad), answers(evaluation, **GOOD))
        assert response.status_code == 404, bad
        assert "This link is not valid" in text(response)
        assert client.get(url(bad)).status_code == 404
    assert stored() == before


def test_draft_expired_and_future_surveys_say_so(client, regional_event):
    survey, _ = services.create_event_survey(regional_event, "evaluation")
    raw = _issue(survey.invitations.get(email="ana@customs.example"))
    draft = client.post(url(raw), answers(survey, **GOOD))
    assert draft.status_code == 404 and "not open yet" in text(draft)
    services.move_survey(survey, "open")
    today = timezone.localdate()
    survey.closes_on = today - dt.timedelta(days=1)
    survey.save()
    expired = client.post(url(raw), answers(survey, **GOOD))
    assert expired.status_code == 410 and "closed on" in text(expired)
    survey.opens_on, survey.closes_on = today + dt.timedelta(days=2), None
    survey.save()
    future = client.get(url(raw))
    assert future.status_code == 404 and "opens on" in text(future)
    assert not Response.objects.exists()


def test_reused_after_close(client, evaluation, links):
    token = links["chi@customs.example"]
    assert client.post(url(token), answers(evaluation, **GOOD)).status_code == 302
    services.move_survey(evaluation, "closed")
    reused = client.post(url(token), answers(evaluation, **{**GOOD, "overall": "1"}))
    assert reused.status_code == 410
    assert Answer.objects.ratings().get().number == 5


# --- bad answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    ({"overall": "7"}, "“7” is not on the scale 1 to 5."),
    ({"overall": "0"}, "“0” is not on the scale 1 to 5."),
    ({"relevance": ""}, "An answer is required."),
    ({"apply": "   "}, "An answer is required."),
])
def test_bad_ratings_and_missing_answers_name_the_question(client, evaluation, links, change,
                                                           message):
    token = links["ana@customs.example"]
    before = stored()
    response = client.post(url(token), answers(evaluation, **{**GOOD, **change}))
    assert response.status_code == 400
    body = text(response)
    code = next(iter(change))
    question = evaluation.questions.get(code=code)
    assert f"Question {question.position} (“{question.text}”): {message}" in body
    assert "nothing was saved" in body
    assert stored() == before


def test_the_first_error_does_not_hide_the_others(client, evaluation, links):
    response = client.post(url(links["ana@customs.example"]),
                           answers(evaluation, **{**GOOD, "overall": "9", "speakers": ""}))
    body = text(response)
    assert "Question 1 (" in body and "Question 4 (" in body


@pytest.fixture
def custom(office, seed_plan, regional_event):
    """An open custom survey with a number, a single and a multiple choice and a ranking."""
    survey = services.create_survey(office=office, kind="custom", fiscal_year=2024,
                                    title="Custom")
    choices = [{"value": v, "label": v.title()} for v in ("red", "green", "blue")]
    services.add_question(survey, kind="number", text="How many?", code="count")
    services.add_question(survey, kind="single", text="One colour", code="one", choices=choices)
    services.add_question(survey, kind="multiple", text="Colours", code="many", choices=choices,
                          required=False)
    services.add_question(survey, kind="ranking", text="Rank colours", code="rank",
                          choices=choices, rank_limit=2)
    services.move_survey(survey, "open")
    services.invite(survey, [{"email": "x@customs.example"}])
    return survey, _issue(survey.invitations.get())


CUSTOM = {"count": "3", "one": "red", "many": ["green", "blue"], "rank": ["blue", "red"]}


def test_every_kind_of_answer_is_stored(client, custom):
    survey, raw = custom
    data = answers(survey, **CUSTOM)
    assert client.post(url(raw), data).status_code == 302
    values = services.stored_values(Response.objects.get())
    by_code = {q.code: values.get(q.pk) for q in survey.questions.all()}
    assert by_code == {"count": 3, "one": "red", "many": ["green", "blue"],
                       "rank": ["blue", "red"]}


@pytest.mark.parametrize(("change", "code", "message"), [
    ({"count": "three"}, "count", "“three” is not a number."),
    ({"count": "-2"}, "count", "Give a number of 0 or more."),
    ({"count": "1e400"}, "count", "“1e400” is not a number."),
    ({"one": "purple"}, "one", "“purple” is not one of the choices offered."),
    ({"many": ["green", "purple"]}, "many", "“purple” is not one of the choices offered."),
    ({"rank": ["blue", "blue"]}, "rank", "“Blue” is ranked more than once"),
    ({"rank": ["blue", "purple"]}, "rank", "“purple” is not one of the items to rank."),
    ({"rank": []}, "rank", "Choose at least the first place."),
])
def test_bad_answers_of_every_kind(client, custom, change, code, message):
    survey, raw = custom
    data = answers(survey, **{**CUSTOM, **change})
    if change.get("rank") == []:
        data = {k: v for k, v in data.items()
                if not k.startswith(f"q{survey.questions.get(code='rank').pk}_")}
    before = stored()
    response = client.post(url(raw), data)
    assert response.status_code == 400
    question = survey.questions.get(code=code)
    assert f"Question {question.position} (“{question.text}”): {message}" in text(response)
    assert stored() == before


def test_ranking_places_in_order(client, custom):
    survey, raw = custom
    rank = survey.questions.get(code="rank")
    data = answers(survey, **{**CUSTOM, "rank": []})
    data[f"q{rank.pk}_2"] = "red"
    data[f"q{rank.pk}_1"] = ""
    response = client.post(url(raw), data)
    assert response.status_code == 400 and "without gaps" in text(response)


# --- rate limit -------------------------------------------------------------------------------


def test_links_are_rate_limited_per_token_and_per_address(client, evaluation, links, settings):
    settings.WORKPLAN_SURVEY_RATE_LIMITS = {"ip": (8, 600), "token": (3, 600)}
    token = links["ana@customs.example"]
    assert [client.get(url(token)).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.post(url(token), answers(evaluation, **GOOD))
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "Too many requests" in text(limited)
    assert not Response.objects.exists()
    # Another link from the same address still works, until the address's limit.
    other = links["bo@customs.example"]
    codes = [client.get(url(other)).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    # Guessing (unknown tokens) counts against the address too.
    guessed = client.get(url("guess-" + "x" * 30), REMOTE_ADDR="10.0.0.9")
    assert guessed.status_code == 404
    assert client.get(url(links["chi@customs.example"])).status_code == 429


# --- focal points and the needs assessment ----------------------------------------------------


def test_focal_point_answers_for_their_member(client, needs, make_user):
    focal = make_user("focal_point", member=member("LAO"))
    client.force_login(focal)
    page = client.get(reverse("surveys:member_response", args=[needs.pk]))
    assert page.status_code == 200 and "You answer for Lao PDR" in text(page)
    ranking = needs.questions.get(code="priorities")
    topics = [c["value"] for c in ranking.choices]
    submit = reverse("surveys:member_response_submit", args=[needs.pk])
    assert seen_in(page) == ""  # opened with no answers saved yet
    bad = client.post(submit, {f"q{ranking.pk}_1": topics[0], f"q{ranking.pk}_2": topics[0],
                               "seen": ""})
    assert bad.status_code == 400 and "ranked more than once" in text(bad)
    assert not Response.objects.exists()
    ok = client.post(submit, {f"q{ranking.pk}_1": topics[2], f"q{ranking.pk}_2": topics[0],
                              "seen": ""})
    assert ok.status_code == 302
    response = Response.objects.get()
    assert response.member.iso3 == "LAO" and response.for_member and response.submitted_by == focal
    # The list offers the survey to answer.
    listing = client.get(reverse("surveys:survey_list"))
    assert reverse("surveys:member_response", args=[needs.pk]) in listing.content.decode()
    # Another focal point of the same member sees and changes the same answer.
    other = make_user("focal_point", member=member("LAO"))
    client.force_login(other)
    shown = client.get(reverse("surveys:member_response", args=[needs.pk]))
    assert f'<option value="{topics[2]}" selected>' in shown.content.decode()
    assert client.post(submit, {f"q{ranking.pk}_1": topics[5],
                                "seen": seen_in(shown)}).status_code == 302
    assert Response.objects.count() == 1
    assert list(AnswerChoice.objects.values_list("value", flat=True)) == [topics[5]]
    # Closed: shown, not changeable.
    services.move_survey(needs, "closed")
    closed = client.post(submit, {f"q{ranking.pk}_1": topics[1], "seen": ""})
    assert closed.status_code == 410
    assert list(AnswerChoice.objects.values_list("value", flat=True)) == [topics[5]]


def seen_in(page) -> str:
    """The hidden stamp of the saved answers a member's answer form was opened with."""
    found = re.search(r'<input type="hidden" name="seen"(?: value="([^"]*)")?',
                      page.content.decode())
    return html.unescape(found.group(1) or "")  # Django writes no value="" when empty


def test_a_focal_point_cannot_overwrite_answers_saved_after_they_opened_the_page(
        client, needs, make_user):
    first = make_user("focal_point", member=member("LAO"), username="first-fp")
    second = make_user("focal_point", member=member("LAO"), username="second-fp")
    ranking = needs.questions.get(code="priorities")
    topics = [c["value"] for c in ranking.choices]
    page_url = reverse("surveys:member_response", args=[needs.pk])
    submit = reverse("surveys:member_response_submit", args=[needs.pk])
    client.force_login(second)
    opened = seen_in(client.get(page_url))  # the second opens the page: nothing saved yet
    client.force_login(first)
    assert client.post(submit, {f"q{ranking.pk}_1": topics[1],
                                "seen": seen_in(client.get(page_url))}).status_code == 302
    client.force_login(second)
    stale = client.post(submit, {f"q{ranking.pk}_1": topics[4], "seen": opened})
    assert stale.status_code == 409
    assert "first-fp saved the answers of Lao PDR on" in text(stale)
    assert "Yours were not saved" in text(stale)
    assert list(AnswerChoice.objects.values_list("value", flat=True)) == [topics[1]]
    # the second's choice is still in the form, now stamped with the first's answers:
    # sending it again replaces them, knowingly
    assert f'<option value="{topics[4]}" selected>' in stale.content.decode()
    again = client.post(submit, {f"q{ranking.pk}_1": topics[4], "seen": seen_in(stale)})
    assert again.status_code == 302
    assert list(AnswerChoice.objects.values_list("value", flat=True)) == [topics[4]]
    assert Response.objects.get().submitted_by == second
    # a form without the stamp is refused, naming what is missing
    bare = client.post(submit, {f"q{ranking.pk}_1": topics[2]})
    assert bare.status_code == 400 and "did not say which saved answers" in text(bare)
    assert list(AnswerChoice.objects.values_list("value", flat=True)) == [topics[4]]


def test_the_members_link_cannot_overwrite_a_focal_points_newer_answers(client, needs,
                                                                        make_user):
    services.invite(needs, [{"email": "dg@customs.gov.la", "member": member("LAO")}])
    raw = _issue(needs.invitations.get())
    ranking = needs.questions.get(code="priorities")
    topics = [c["value"] for c in ranking.choices]
    opened = seen_in(client.get(url(raw)))
    focal = make_user("focal_point", member=member("LAO"), username="lao-fp")
    services.submit_for_member(needs, member("LAO"), list(needs.questions.all()),
                               {ranking.pk: [topics[3]]}, user=focal, seen="")
    stale = client.post(url(raw), {f"q{ranking.pk}_1": topics[0], "seen": opened})
    assert stale.status_code == 409 and "lao-fp saved the answers of Lao PDR" in text(stale)
    assert list(AnswerChoice.objects.values_list("value", flat=True)) == [topics[3]]
    assert client.post(url(raw), {f"q{ranking.pk}_1": topics[0],
                                  "seen": seen_in(stale)}).status_code == 302
    assert list(AnswerChoice.objects.values_list("value", flat=True)) == [topics[0]]
    assert Response.objects.get().submitted_by is None  # last changed through the link


def test_staff_see_a_preview_and_cannot_submit(client, needs, staff):
    client.force_login(staff)
    page = client.get(reverse("surveys:member_response", args=[needs.pk]))
    assert page.status_code == 200 and "A preview" in text(page)
    assert "disabled" in page.content.decode()
    ranking = needs.questions.get(code="priorities")
    response = client.post(reverse("surveys:member_response_submit", args=[needs.pk]),
                           {f"q{ranking.pk}_1": ranking.choices[0]["value"]})
    assert response.status_code == 404 and not Response.objects.exists()


def test_focal_points_do_not_see_drafts_or_other_kinds(client, office, seed_plan, make_user,
                                                       evaluation):
    draft = services.create_survey(office=office, kind="needs", fiscal_year=2024)
    client.force_login(make_user("focal_point", member=member("LAO")))
    for survey in (draft, evaluation):
        assert client.get(reverse("surveys:member_response", args=[survey.pk])).status_code \
            == 404
        assert client.get(reverse("surveys:survey_detail", args=[survey.pk])).status_code \
            == 404
    assert "Evaluation" not in text(client.get(reverse("surveys:survey_list")))
