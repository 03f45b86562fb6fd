"""``workplan restore FILE``: put a backup into a freshly migrated database and MEDIA_ROOT.

All or nothing, in one transaction. Refuses (non-zero exit, nothing changed) a damaged
archive, a backup made under other migrations, a database that holds records people entered
and a file under MEDIA_ROOT that would be overwritten with other content; the message says
which and why. ``--check`` only checks the archive. See docs/backup.md.
"""

from django.core.management.base import BaseCommand, CommandError

from workplan.core.backup import BackupError, open_backup, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup written by workplan backup into a freshly migrated database "
            "(create an empty database, run workplan migrate, then restore).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup (zip file) to restore")
        parser.add_argument("--check", action="store_true",
                            help="only check the archive (checksums, format); change nothing")

    def handle(self, *args, file, check=False, **options):
        err = self.stderr

        def progress(line: str) -> None:
            err.write(line, style_func=lambda text: text)
            err.flush()

        try:
            if check:
                archive = open_backup(file)
                archive.close()
                manifest = archive.manifest
                rows = sum(t["rows"] for t in manifest["tables"].values())
                self.stdout.write(
                    f"{file}: a whole backup, made {manifest.get('created_at')} by Workplan "
                    f"{manifest.get('app_version')} on {manifest.get('database_vendor')}: "
                    f"{rows:,} rows of {len(manifest['tables'])} tables, "
                    f"{manifest['media']['files']:,} file(s); every checksum matches.")
                return
            summary = restore_backup(file, progress=progress)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {summary.rows:,} rows of {summary.tables} tables and "
            f"{summary.media_files:,} file(s) ({summary.media_written:,} written) from {file} "
            f"in {summary.seconds:.1f} s.")
