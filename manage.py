#!/usr/bin/env python3
"""Django's command-line utility for administrative tasks (same as the ``workplan`` script)."""

import os
import sys
from pathlib import Path

# Allow running from a checkout without `pip install -e .`.
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
