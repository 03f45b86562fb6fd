"""``workplan backup -o FILE``: every record and every uploaded file in one zip file.

What it holds and why: ``workplan.core.backup`` and docs/backup.md. Progress goes to stderr,
the summary to stdout; a failed backup leaves no file.
"""

from django.core.management.base import BaseCommand, CommandError

from workplan.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = ("Back up every record (one consistent snapshot of the database) and every "
            "uploaded file into one zip file; restore it with: workplan restore FILE.")

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True,
                            help="the zip file to write (replaced only once the new backup "
                                 "is complete)")

    def handle(self, *args, output, **options):
        err = self.stderr

        def progress(line: str) -> None:
            err.write(line, style_func=lambda text: text)
            err.flush()

        try:
            summary = create_backup(output, progress=progress)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backup written to {summary.path}: {summary.rows:,} rows of {summary.tables} "
            f"tables, {summary.media_files:,} file(s) ({summary.media_bytes / 1e6:.1f} MB); "
            f"{summary.size / 1e6:.1f} MB in {summary.seconds:.1f} s.")
