"""``workplan surveys due [--office CODE] [--send]`` and the demonstration surveys (``workplan
setup`` loads them after the delivery demo)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from workplan.surveys.demo import populate_demo
from workplan.surveys.models import Invitation, Response, Survey

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("surveys", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_due_lists_and_sends(regional_event):
    assert run("due", "--today", "2025-03-05") == "No follow-up survey is due.\n"
    listed = run("due", "--today", "2025-03-06", "--office", "rocb-ap")
    assert "1 follow-up survey(s) due:" in listed
    assert "2025-03-06  ROCB-AP    Regional" in listed and "(6 with e-mail)" in listed
    assert "Run again with --send" in listed
    assert not Survey.objects.exists() and not mail.outbox
    sent = run("due", "--today", "2025-03-06", "--send", "--base-url", "https://wp.example")
    survey = Survey.objects.get(kind="followup")
    assert f"sent: survey {survey.pk}" in sent and "6 link(s) sent." in sent
    assert len(mail.outbox) == 6 and "https://wp.example/surveys/r/" in mail.outbox[0].body
    assert Invitation.objects.filter(survey=survey, invited_at__isnull=False).count() == 6
    assert run("due", "--today", "2025-03-06") == "No follow-up survey is due.\n"


def test_due_refuses_bad_arguments(regional_event):
    with pytest.raises(CommandError, match="no office with code 'NOPE'"):
        run("due", "--office", "NOPE")
    with pytest.raises(CommandError, match="not a date"):
        run("due", "--today", "next tuesday")
    with pytest.raises(CommandError):
        run()  # the subcommand is required
    assert not Survey.objects.exists()


def test_other_offices_are_left_out(regional_event, other_office):
    assert "No follow-up survey is due." in run("due", "--today", "2025-03-06", "--office",
                                                other_office.code)


def test_demo_surveys(office, seed_plan):
    from workplan.delivery.demo import Demo

    Demo(office).run()
    counts = populate_demo(office, seed=2024, today=dt.date(2026, 1, 15))
    assert counts["surveys"] == Survey.objects.count() > 60
    assert counts["responses"] == Response.objects.count()
    assert Survey.objects.filter(kind="evaluation").count() > 50
    assert Survey.objects.filter(kind="followup").count() == 4
    needs = Survey.objects.get(kind="needs")
    answered = Response.objects.filter(survey=needs, for_member=True).count()
    assert 20 <= answered < 35  # most members, not all
    evaluation = Survey.objects.filter(kind="evaluation").first()
    rate = (evaluation.invitations.filter(responded=True).count()
            / evaluation.invitations.count())
    assert 0.3 < rate < 0.95
    assert not Survey.objects.filter(status="draft").exists()
    # Run again: nothing is added twice.
    again = populate_demo(office, seed=2024, today=dt.date(2026, 1, 15))
    assert again["surveys"] == 0


def test_setup_loads_the_demo_surveys(office):
    out = io.StringIO()
    call_command("setup", stdout=out)
    printed = out.getvalue()
    assert "Surveys: " in printed and "Publications: " in printed
    assert Survey.objects.filter(kind="needs").exists()
    assert Survey.objects.filter(kind="evaluation").exists()
