"""The ``workplan`` console script: Django's management command line with settings preset."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    try:
        execute_from_command_line(argv if argv is not None else sys.argv)
    except ImproperlyConfigured as error:
        # A setting the operator must fix (a missing secret key, SQLite in production): the
        # message says what to set; a traceback would only hide it.
        sys.stderr.write(f"workplan: configuration error: {error}\n")
        raise SystemExit(1) from None
    except (OperationalError, ProgrammingError) as error:
        if not _missing_table(error):
            raise
        from django.conf import settings

        name = settings.DATABASES["default"].get("NAME")
        sys.stderr.write(f"workplan: the database {name} has no Workplan tables yet ({error}). "
                         "Run `workplan setup` (or `workplan migrate`) first.\n")
        raise SystemExit(1) from None


def _missing_table(error: Exception) -> bool:
    text = str(error)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


if __name__ == "__main__":
    main()
