"""``workplan surveys due [--office CODE] [--send]``: the follow-up surveys that are due.

Lists the held regional and sub-regional events whose follow-up survey fell due (the event's
end plus the office's delay, 6 months by default) and has not been sent; with ``--send``
creates each survey from its template, invites the participants, opens it and e-mails the
links (Django's e-mail backend: the console by default).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from workplan.surveys import services


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: {value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Survey tasks. `surveys due`: follow-up surveys that are due (--send to send them)."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", title="subcommands",
                                            required=True)
        due = subcommands.add_parser(
            "due", help="list the follow-up surveys due (and send them with --send)")
        due.add_argument("--office", help="only this office (its code, e.g. ROCB-AP)")
        due.add_argument("--send", action="store_true",
                         help="create, open and send each survey listed")
        due.add_argument("--base-url", default=None,
                         help="start of the links sent (default: WORKPLAN_BASE_URL or "
                              "http://127.0.0.1:8000)")
        due.add_argument("--today", default=None,
                         help="the day to compute from (YYYY-MM-DD; default: today)")
        due.add_argument("--open-days", type=int, default=30,
                         help="days the surveys sent stay open (default 30)")

    def handle(self, *args, subcommand=None, **options):
        if subcommand == "due":
            return self.due(**options)
        raise CommandError(f"unknown subcommand {subcommand!r}")

    def due(self, *, office=None, send=False, base_url=None, today=None, open_days=30,
            **options):
        from workplan.delivery.models import Event
        from workplan.directory.models import Office

        events = Event.objects.all()
        if office:
            try:
                the_office = Office.objects.get(code__iexact=office)
            except Office.DoesNotExist:
                raise CommandError(f"no office with code {office!r}") from None
            events = events.filter(office=the_office)
        if open_days < 1:
            raise CommandError("--open-days must be at least 1")
        day = _date(today) if today else None
        items = services.follow_ups(events, today=day)
        if not items:
            self.stdout.write("No follow-up survey is due.")
            return
        self.stdout.write(f"{len(items)} follow-up survey(s) due:")
        for item in items:
            event = item.event
            self.stdout.write(
                f"  {item.due_on.isoformat()}  {event.office.code:<10} "
                f"{event.get_level_display():<12} {event.start_date.isoformat()}  "
                f"{event.title[:70]}  ({item.invitees} with e-mail)")
        if not send:
            self.stdout.write("Run again with --send to create, open and send them.")
            return
        total = failed = 0
        for item in items:
            try:
                survey, report = services.launch_follow_up(
                    item.event, base_url=base_url, today=day, open_days=open_days)
            except services.SurveyError as error:
                self.stderr.write(f"  {item.event.title[:70]}: {error}")
                continue
            total += report.sent
            failed += len(report.failed)
            self.stdout.write(f"  sent: survey {survey.pk} “{survey.title[:60]}”: {report}")
            for email, reason in report.failed:
                self.stderr.write(f"    not sent to {email}: {reason}")
        self.stdout.write(self.style.SUCCESS(
            f"{total} link(s) sent" + (f", {failed} failed" if failed else "") + "."))
