"""``workplan export IDENTIFIER [--param KEY=VALUE ...] [-o FILE]`` and ``--list``."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workplan.reports.registry import ExportError, registry


class Command(BaseCommand):
    help = "Run one exporter of the registry (workplan export --list shows them)."

    def add_arguments(self, parser):
        parser.add_argument("identifier", nargs="?")
        parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
        parser.add_argument("-o", "--output", help="file to write (default: the exporter's "
                            "file name in the current folder; - for standard output)")
        parser.add_argument("--list", action="store_true", help="list the exporters")

    def handle(self, *args, identifier=None, param=(), output=None, list=False, **options):
        if list or not identifier:
            for exporter in registry:
                self.stdout.write(f"{exporter.identifier}: {exporter.verbose_name}")
                for p in exporter.params:
                    choices = p.options(None)
                    allowed = f" ({'|'.join(k for k, _l in choices)})" if choices else ""
                    default = f" [default {p.default}]" if p.default else ""
                    need = "" if p.required else " (optional)"
                    self.stdout.write(f"    --param {p.name}=…{allowed}{default}{need}"
                                      f"  {p.label}")
            return
        raw = {}
        for item in param:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise CommandError(f"--param {item!r}: write it as KEY=VALUE")
            raw[key.strip()] = value
        try:
            exported = registry.get(identifier).run(raw)
        except ExportError as error:
            raise CommandError(str(error)) from None
        if output == "-":
            sys.stdout.buffer.write(exported.content)
            sys.stdout.flush()
            return
        target = Path(output or exported.filename)
        target.write_bytes(exported.content)
        self.stderr.write(f"{target} ({len(exported.content):,} bytes, "
                          f"{exported.content_type})")
