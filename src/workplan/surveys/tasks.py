"""The survey links' e-mail as a task of Django's Tasks API (run by the worker, never by the
page that asked for it). Idempotent: a run sends only the invitations still unsent (or, for
reminders, still unanswered), so a retry or a second run never sends a link twice; the failed
ones are retried (notifications.tasks.retry_later), then listed for the office's admins."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from workplan.notifications.tasks import MAX_ATTEMPTS, retry_later


@task()
def send_survey_links(survey_id: int, base_url: str, reminder: bool = False,
                      invitation_ids: list[int] | None = None, attempt: int = 1) -> str:
    from workplan.notifications.models import SendFailure

    from . import services
    from .models import Survey

    survey = Survey.objects.select_related("office").filter(pk=survey_id).first()
    if survey is None:
        return "survey gone"
    invitations = survey.invitations.all()
    if invitation_ids is not None:
        invitations = invitations.filter(pk__in=invitation_ids)
    try:
        report = services.send_invitations(survey, base_url=base_url, reminder=reminder,
                                           invitations=invitations)
    except services.SurveyError:
        return "survey no longer open"
    if report.failed:
        emails = [email for email, _reason in report.failed]
        if attempt < MAX_ATTEMPTS:
            ids = list(invitations.filter(email__in=emails).values_list("pk", flat=True))
            retry_later(send_survey_links, survey_id, base_url, reminder, ids,
                        attempt=attempt + 1)
        else:
            what = (_("Reminder: %(title)s") if reminder else _("Survey link: %(title)s")) % {
                "title": survey.title}
            SendFailure.objects.bulk_create([
                SendFailure(office=survey.office, what=what[:300], recipient=email,
                            error=reason[:300], attempts=attempt,
                            url=survey.get_absolute_url())
                for email, reason in report.failed])
    return str(report)
