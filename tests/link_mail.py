"""What the tests of the e-mails carrying a one-time link share (office invitations,
registration confirmations; ``core.mailing``): a mail server that refuses the first messages
(and keeps them, to try their links), the task queue in the database as in production, and
its worker running what is due."""

from __future__ import annotations

import re

from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TICKET = re.compile(r"/registration/t/(?P<token>[^/\s]+)/")


def ticket_of(message) -> str:
    """The personal link's token in a registration's confirmation e-mail."""
    return TICKET.search(message.body).group("token")


class FlakyBackend(EmailBackend):
    """A mail server that refuses the next ``refusals`` messages (a relay down for a while),
    then delivers to Django's test outbox. The refused messages are kept in ``refused``."""

    refusals = 0
    refused: list = []

    def send_messages(self, messages):
        if FlakyBackend.refusals > 0:
            FlakyBackend.refusals -= 1
            FlakyBackend.refused.extend(messages)
            raise ConnectionRefusedError("Connection refused by smtp.example:25")
        return super().send_messages(messages)


def use_flaky_mail(settings):
    """Make the flaky mail server Django's (refusing nothing until a test sets ``refusals``);
    the ``flaky_mail`` fixture of tests/conftest.py."""
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.refusals, FlakyBackend.refused = 0, []
    return FlakyBackend


def run_due_tasks(*, later: bool = False) -> int:
    """Run what ``workplan db_worker`` would run now, as it runs it (claim the row, run the
    task, record its result in the row); with ``later``, also the retries deferred to a later
    time (the minutes passed). Returns how many ran. (The worker's own loop closes database
    connections between tasks, which a test inside a transaction cannot have.)"""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="test-worker",
                    excluded_queue_names=[])
    ran = 0
    while True:
        if later:
            DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        row = DBTaskResult.objects.ready().order_by("enqueued_at").first()
        if row is None:
            return ran
        row.claim(worker.worker_id)
        worker.run_task(row)
        ran += 1


def task_table_text() -> str:
    """Every value of every row of the task table, as one text (to search for a secret)."""
    from django_tasks_db.models import DBTaskResult

    return repr(list(DBTaskResult.objects.values()))
