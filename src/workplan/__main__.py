"""The ``workplan`` console script: Django's management command line with settings preset."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv if argv is not None else sys.argv)
    except ImproperlyConfigured as error:
        # A setting the operator must fix (a missing secret key, SQLite in production): the
        # message says what to set; a traceback would only hide it.
        sys.stderr.write(f"workplan: configuration error: {error}\n")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
